#include "scenarios/source_map.h"

#include <gtest/gtest.h>

#include "scenarios/loader.h"
#include "scenarios/text_parser.h"

namespace faultline::scenarios {
namespace {

// Columns are 1-based; the comments mark them.
constexpr std::string_view kText = R"txt(name: "map"
regions {
  name: "a"
  zones: ["x", "y"]
  zones: "z"
  backends { group: "g"  count: 1 }
}
regions: [{ name: "b" }, { name: "c"
  clients { rate_rps: 1 } }]
balancer { strategy: "round-robin" }
)txt";

SourceMap mapOf(std::string_view text) {
  auto parsed = parseTextScenario(text, "m.textproto");
  EXPECT_TRUE(parsed.hasValue()) << parsed.error().toString();
  return parsed->source_map;
}

TEST(ScenarioSourceMapTest, LocatesFieldsAndElements) {
  const SourceMap map = mapOf(kText);
  EXPECT_TRUE(map.hasPositions());
  EXPECT_EQ(map.locate("name"), "m.textproto:1:1");
  EXPECT_EQ(map.locate("regions[0]"), "m.textproto:2:1");
  EXPECT_EQ(map.locate("regions[0].name"), "m.textproto:3:3");
  EXPECT_EQ(map.locate("regions[0].backends[0].count"), "m.textproto:6:26");
  EXPECT_EQ(map.locate("balancer.strategy"), "m.textproto:10:12");
}

TEST(ScenarioSourceMapTest, PlacedPathsLocateThemselvesAndWhatTheyEnclose) {
  SourceMap map = mapOf(kText);
  map.place("faults[1]", "t.csv:3:1");
  map.place("faults[1].latency.latency_ms", "t.csv:3:20");
  map.place("regions[0].name", "elsewhere:1:1");  // a place wins over the parse's position
  EXPECT_EQ(map.locate("faults[1]"), "t.csv:3:1");
  EXPECT_EQ(map.locate("faults[1].start_s"), "t.csv:3:1");
  EXPECT_EQ(map.locate("faults[1].latency.hosts.zone"), "t.csv:3:1");
  EXPECT_EQ(map.locate("faults[1].latency.latency_ms"), "t.csv:3:20");
  EXPECT_EQ(map.locate("faults[1].latency.latency_ms[2]"), "t.csv:3:20");
  EXPECT_EQ(map.locate("faults[11]"), "m.textproto");
  EXPECT_EQ(map.locate("faults"), "m.textproto");
  EXPECT_EQ(map.locate("regions[0].name"), "elsewhere:1:1");
  EXPECT_EQ(map.locate("regions[0].zones[0]"), "m.textproto:4:11");
  // Copies keep their places; places need no parse positions.
  SourceMap json("s.json");
  json.place("faults[0]", "t.json:2:3");
  const SourceMap copy = json;
  EXPECT_EQ(copy.locate("faults[0].start_s"), "t.json:2:3");
  EXPECT_EQ(copy.locate("name"), "s.json");
}

TEST(ScenarioSourceMapTest, ElementsOfAListLocateToTheList) {
  const SourceMap map = mapOf(kText);
  // zones: ["x", "y"] is one occurrence of two elements, each with its own position;
  // zones: "z" is the next occurrence.
  EXPECT_EQ(map.locate("regions[0].zones[0]"), "m.textproto:4:11");
  EXPECT_EQ(map.locate("regions[0].zones[1]"), "m.textproto:4:16");
  EXPECT_EQ(map.locate("regions[0].zones[2]"), "m.textproto:5:3");
  EXPECT_EQ(map.locate("regions[0].zones[3]"), "m.textproto:2:1");
  EXPECT_EQ(map.locate("regions[1]"), "m.textproto:8:11");
  EXPECT_EQ(map.locate("regions[2]"), "m.textproto:8:26");
  EXPECT_EQ(map.locate("regions[2].name"), "m.textproto:8:28");
  EXPECT_EQ(map.locate("regions[2].clients.rate_rps"), "m.textproto:9:13");
}

TEST(ScenarioSourceMapTest, AbsentFieldsLocateToTheEnclosingMessage) {
  const SourceMap map = mapOf(kText);
  EXPECT_EQ(map.locate("regions[0].backends[0].service_time"), "m.textproto:6:3");
  EXPECT_EQ(map.locate("regions[0].backends[0].service_time.exponential.mean_ms"),
            "m.textproto:6:3");
  EXPECT_EQ(map.locate("regions[1].clients"), "m.textproto:8:11");
  EXPECT_EQ(map.locate("duration_s"), "m.textproto");
  EXPECT_EQ(map.locate("network.links"), "m.textproto");
  EXPECT_EQ(map.locate("faults[3]"), "m.textproto");
}

TEST(ScenarioSourceMapTest, MalformedPathsStopAtTheLastGoodStep) {
  const SourceMap map = mapOf(kText);
  EXPECT_EQ(map.locate(""), "m.textproto");
  EXPECT_EQ(map.locate("nonsense"), "m.textproto");
  EXPECT_EQ(map.locate("regions"), "m.textproto");  // repeated field without an index
  EXPECT_EQ(map.locate("regions[0].nonsense"), "m.textproto:2:1");
  EXPECT_EQ(map.locate("regions[0]..name"), "m.textproto:2:1");
  EXPECT_EQ(map.locate("regions[-1]"), "m.textproto");
  EXPECT_EQ(map.locate("regions[99999999999]"), "m.textproto");
  EXPECT_EQ(map.locate("regions[0"), "m.textproto");
  EXPECT_EQ(map.locate("name[0]"), "m.textproto");
  EXPECT_EQ(map.locate("regions[0].name.deeper"), "m.textproto:3:3");
}

TEST(ScenarioSourceMapTest, WithoutPositionsEveryPathIsTheOrigin) {
  const SourceMap map("s.json");
  EXPECT_FALSE(map.hasPositions());
  EXPECT_EQ(map.locate("regions[0].name"), "s.json");
  EXPECT_EQ(map.origin(), "s.json");
}

TEST(ScenarioSourceMapTest, CopiesSharePositions) {
  SourceMap copy;
  {
    const SourceMap original = mapOf(kText);
    copy = original;
  }
  EXPECT_EQ(copy.locate("regions[0].name"), "m.textproto:3:3");
}

}  // namespace
}  // namespace faultline::scenarios
