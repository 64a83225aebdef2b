#include "scenarios/trace_csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace faultline::scenarios {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(TraceCsv, ReadsTheColumnOfItsRegion) {
  const auto rates =
      traceColumn("second,us-east,eu-west\n0,100,50\n1, 120.5 ,60\r\n# a comment\n\n2,0,70\n",
                  "t.csv", "eu-west");
  ASSERT_TRUE(rates) << rates.error().toString();
  EXPECT_THAT(*rates, ElementsAre(50, 60, 70));
  const auto east =
      traceColumn("second,us-east,eu-west\n0,100,50\n1, 120.5 ,60\n", "t.csv", "us-east");
  ASSERT_TRUE(east);
  EXPECT_THAT(*east, ElementsAre(100, 120.5));
}

TEST(TraceCsv, AcceptsQuotedFieldsAndAByteOrderMark) {
  const auto rates = traceColumn("\xEF\xBB\xBFsecond,\"r0\"\n0,\"1.5\"\n", "t.csv", "r0");
  ASSERT_TRUE(rates) << rates.error().toString();
  EXPECT_THAT(*rates, ElementsAre(1.5));
}

struct BadTrace {
  const char* name;
  const char* csv;
  const char* location;
  const char* message;
};

class TraceCsvErrors : public ::testing::TestWithParam<BadTrace> {};

TEST_P(TraceCsvErrors, NameTheLineAndColumn) {
  const BadTrace& bad = GetParam();
  const auto rates = traceColumn(bad.csv, "t.csv", "r0");
  ASSERT_FALSE(rates);
  EXPECT_EQ(rates.error().location, bad.location);
  EXPECT_THAT(rates.error().message, HasSubstr(bad.message));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TraceCsvErrors,
    ::testing::Values(
        BadTrace{"Empty", "", "t.csv:1:1", "is empty"},
        BadTrace{"OnlyAHeader", "second,r0\n", "t.csv:2:1", "no rows"},
        BadTrace{"HeaderWithoutSecond", "time,r0\n0,1\n", "t.csv:1:1", "must start with `second`"},
        BadTrace{"NoColumn", "second,r1,r2\n0,1,2\n", "t.csv:1:1",
                 "no column for region \"r0\" (columns: r1, r2)"},
        BadTrace{"ShortRow", "second,r0,r1\n0,1\n", "t.csv:2:1", "has 2 fields, the header 3"},
        BadTrace{"SecondsOutOfOrder", "second,r0\n0,1\n2,1\n", "t.csv:3:1", "second must be 1"},
        BadTrace{"NotANumber", "second,r0\n0,  fast\n", "t.csv:2:5",
                 "a rate must be a number from 0 to 100000000"},
        BadTrace{"Negative", "second,r0\n0,-1\n", "t.csv:2:3", "(got \"-1\")"},
        BadTrace{"Infinite", "second,r0\n0,inf\n", "t.csv:2:3", "(got \"inf\")"},
        BadTrace{"TrailingJunk", "second,r0\n0,1x\n", "t.csv:2:3", "(got \"1x\")"},
        BadTrace{"UnclosedQuote", "second,r0\n0,\"1\n", "t.csv:2:3", "not closed"}),
    [](const ::testing::TestParamInfo<BadTrace>& param) { return std::string(param.param.name); });

}  // namespace
}  // namespace faultline::scenarios
