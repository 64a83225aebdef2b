#include "scenarios/csv.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace faultline::scenarios::csv {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> texts(std::string_view line) {
  auto fields = splitFields(line, 100);
  EXPECT_TRUE(fields) << fields.error().message;
  std::vector<std::string> out;
  if (fields) {
    for (const Field& field : *fields)
      out.push_back(field.text);
  }
  return out;
}

std::vector<std::size_t> columns(std::string_view line) {
  auto fields = splitFields(line, 100);
  std::vector<std::size_t> out;
  if (fields) {
    for (const Field& field : *fields)
      out.push_back(field.column);
  }
  return out;
}

TEST(CsvTest, SplitsAndTrimsFields) {
  EXPECT_THAT(texts("a,b,c"), ElementsAre("a", "b", "c"));
  EXPECT_THAT(texts(" a ,\tb\t, c"), ElementsAre("a", "b", "c"));
  EXPECT_THAT(columns(" a ,\tb\t, c"), ElementsAre(2, 6, 10));
  EXPECT_THAT(texts("a,,"), ElementsAre("a", "", ""));
  EXPECT_THAT(texts(""), ElementsAre(""));
}

TEST(CsvTest, QuotedFieldsHoldCommasAndDoubledQuotes) {
  EXPECT_THAT(texts(R"(1,"a, b", "say ""hi""" ,x)"), ElementsAre("1", "a, b", "say \"hi\"", "x"));
  EXPECT_THAT(columns(R"(1,"a, b", "c")"), ElementsAre(1, 3, 11));
  EXPECT_THAT(texts(R"("")"), ElementsAre(""));
}

TEST(CsvTest, BadQuotesNameTheirColumn) {
  auto open = splitFields(R"(1,"abc)", 100);
  ASSERT_FALSE(open);
  EXPECT_EQ(open.error().column, 3u);
  EXPECT_THAT(open.error().message, HasSubstr("not closed"));
  auto junk = splitFields(R"(1,"abc"x,2)", 100);
  ASSERT_FALSE(junk);
  EXPECT_EQ(junk.error().column, 8u);
}

TEST(CsvTest, TooManyFieldsIsAnError) {
  EXPECT_TRUE(splitFields("a,b,c", 3));
  auto fields = splitFields("a,b,c,d", 3);
  ASSERT_FALSE(fields);
  EXPECT_EQ(fields.error().column, 7u);
  EXPECT_THAT(fields.error().message, HasSubstr("more than 3 fields"));
  EXPECT_FALSE(splitFields(std::string(1'000'000, ','), 64));
}

TEST(CsvTest, LinesSkipBlanksAndCommentsAndKeepTheirNumbers) {
  LineReader reader("\xEF\xBB\xBFh,x\r\n\n  \n# note\n1,2\r\n3,4");
  std::vector<std::pair<std::size_t, std::string>> lines;
  Line line;
  while (reader.next(line))
    lines.emplace_back(line.number, std::string(line.text));
  EXPECT_THAT(lines, ElementsAre(std::pair<std::size_t, std::string>{1, "h,x"},
                                 std::pair<std::size_t, std::string>{5, "1,2"},
                                 std::pair<std::size_t, std::string>{6, "3,4"}));
  EXPECT_EQ(reader.lastLineNumber(), 6u);
}

TEST(CsvTest, IndentedCommentsAndLoneCarriageReturnsAreLinesToo) {
  // An old Mac file ends its lines in CR alone; CRLF stays one break, and a comment may be
  // indented.
  LineReader reader("h,x\r  # indented note\r1,2\r\n\t#tab\n3,4\r");
  std::vector<std::pair<std::size_t, std::string>> lines;
  Line line;
  while (reader.next(line))
    lines.emplace_back(line.number, std::string(line.text));
  EXPECT_THAT(lines, ElementsAre(std::pair<std::size_t, std::string>{1, "h,x"},
                                 std::pair<std::size_t, std::string>{3, "1,2"},
                                 std::pair<std::size_t, std::string>{5, "3,4"}));
}

}  // namespace
}  // namespace faultline::scenarios::csv
