#include "scenarios/diagnostic.h"

#include <string>

#include <gtest/gtest.h>

namespace faultline::scenarios {
namespace {

TEST(ScenarioDiagnosticTest, PrintsLocationPathAndMessage) {
  const Diagnostic diagnostic{"file:3:7", "regions[0].backends[0].workers", "must be >= 1 (got 0)"};
  EXPECT_EQ(diagnostic.toString(),
            "file:3:7: regions[0].backends[0].workers: must be >= 1 (got 0)");
}

TEST(ScenarioDiagnosticTest, SyntaxErrorsHaveNoPath) {
  const Diagnostic diagnostic{"file:1:2", "", "Expected identifier, got: {"};
  EXPECT_EQ(diagnostic.toString(), "file:1:2: Expected identifier, got: {");
}

TEST(ScenarioDiagnosticTest, LoadErrorPrintsOneDiagnosticPerLine) {
  const LoadError error{{{"a", "name", "is required"}, {"a", "duration_s", "must be > 0 (got 0)"}}};
  EXPECT_EQ(error.toString(), "a: name: is required\na: duration_s: must be > 0 (got 0)");
}

TEST(ScenarioDiagnosticTest, QuoteEscapesAndCuts) {
  EXPECT_EQ(quote("us-east"), "\"us-east\"");
  EXPECT_EQ(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(quote(std::string("\x1b[31m\n\xff", 7)), "\"\\x1b[31m\\n\\xff\"");
  EXPECT_EQ(quote(std::string(100, 'x')), "\"" + std::string(80, 'x') + "\"...");
}

TEST(ScenarioDiagnosticTest, PrintableKeepsTextAndEscapesControlBytes) {
  EXPECT_EQ(printable("plain text: 1"), "plain text: 1");
  EXPECT_EQ(printable(std::string("a\0b", 3)), "a\\x00b");
}

}  // namespace
}  // namespace faultline::scenarios
