// Durations, sizes and seeds as people write them on a command line or in the desktop app.
#include "scenarios/user_input.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace faultline::scenarios {
namespace {

TEST(UserInputDuration, ParsesTheUnitsPeopleWrite) {
  using std::chrono::hours;
  using std::chrono::milliseconds;
  using std::chrono::minutes;
  using std::chrono::seconds;
  const std::vector<std::pair<const char*, balancer::Duration>> cases = {
      {"90s", seconds(90)},       {"90", seconds(90)},
      {"1.5m", seconds(90)},      {"2min", minutes(2)},
      {"2h", hours(2)},           {"500ms", milliseconds(500)},
      {"0.5", milliseconds(500)}, {"720h", hours(720)},
      {"1e3ms", seconds(1)},      {"0.000000001", balancer::Duration(1)}};
  for (const auto& [text, expected] : cases) {
    auto parsed = parseDuration(text);
    ASSERT_TRUE(parsed.hasValue()) << text << ": " << parsed.error();
    EXPECT_EQ(*parsed, expected) << text;
  }
}

TEST(UserInputDuration, RefusesWhatIsNotADuration) {
  for (const char* text :
       {"", "s", "abc", " 5s", "5s ", "+5s", "5S", "5 s", "5sec", "1e400", "-0", "-1ms", "721h"}) {
    EXPECT_FALSE(parseDuration(text).hasValue()) << text;
  }
}

TEST(UserInputDuration, RefusesDurationsThatRoundToZero) {
  EXPECT_FALSE(parseDuration("1e-12").hasValue());
  EXPECT_FALSE(parseDuration("0.0000000001s").hasValue());
}

TEST(UserInputByteSize, ParsesBytesAndBinaryUnits) {
  const std::vector<std::pair<const char*, std::uint64_t>> cases = {
      {"0", 0},
      {"16384", 16384},
      {"1k", 1024},
      {"1K", 1024},
      {"16k", 16 * 1024},
      {"1m", 1024 * 1024},
      {"8M", 8 * 1024 * 1024},
      {"010", 10},
      {"18446744073709551615", 18446744073709551615u},
      {"17592186044415M", 17592186044415u * 1024 * 1024}};  // the largest that fits
  for (const auto& [text, expected] : cases) {
    auto parsed = parseByteSize(text);
    ASSERT_TRUE(parsed.hasValue()) << text << ": " << parsed.error();
    EXPECT_EQ(*parsed, expected) << text;
  }
}

TEST(UserInputByteSize, RefusesWhatIsNotASize) {
  for (const char* text : {"", "k", "abc", "-1", "+1", "-1k", " 1k", "1k ", "1 k", "1.5k", "1kb",
                           "1KiB", "1g", "1G", "0x10", "1e3"}) {
    EXPECT_FALSE(parseByteSize(text).hasValue()) << text;
  }
}

TEST(UserInputByteSize, RefusesSizesThatOverflow) {
  for (const char* text : {"18446744073709551616", "17592186044416M", "18014398509481984k"}) {
    auto parsed = parseByteSize(text);
    ASSERT_FALSE(parsed.hasValue()) << text;
    EXPECT_NE(parsed.error().find("too large"), std::string::npos) << parsed.error();
  }
}

TEST(UserInputByteSize, FormatsWhatItParsesBack) {
  EXPECT_EQ(formatByteSize(16 * 1024), "16k");
  EXPECT_EQ(formatByteSize(8 * 1024 * 1024), "8M");
  EXPECT_EQ(formatByteSize(1536), "1536");  // 1.5k: no fractions
  EXPECT_EQ(formatByteSize(0), "0");
  for (std::uint64_t bytes : {0ull, 1ull, 1000ull, 1024ull, 3ull << 20, 1ull << 40}) {
    EXPECT_EQ(*parseByteSize(formatByteSize(bytes)), bytes) << bytes;
  }
}

TEST(UserInputSeed, DecimalFromZeroToTheLargest64BitNumber) {
  EXPECT_EQ(*parseSeed("0"), 0u);
  EXPECT_EQ(*parseSeed("010"), 10u);
  EXPECT_EQ(*parseSeed("18446744073709551615"), 18446744073709551615u);
  for (const char* text : {"", "-1", "+1", "0x10", "18446744073709551616", "1.5", " 1"}) {
    EXPECT_FALSE(parseSeed(text).hasValue()) << text;
  }
}

TEST(UserInputHostPort, ReadsHostPortsAsPeopleWriteThem) {
  auto v4 = parseHostPort("10.0.0.7:8080", false);
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "10.0.0.7");
  EXPECT_EQ(v4->port, 8080);
  auto v6 = parseHostPort("[::1]:80", false);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_TRUE(parseHostPort("localhost:0", /*allow_port_zero=*/true));
  for (const char* bad :
       {"10.0.0.7", ":80", "::1:80", "host:", "host:65536", "host:8o", "host:0", "host:-1"}) {
    EXPECT_FALSE(parseHostPort(bad, false)) << bad;
  }
}

}  // namespace
}  // namespace faultline::scenarios
