// faultline-studio's command line.
#include "gui/studio_options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace faultline::gui {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Exit = std::pair<int, std::string>;

std::variant<StudioOptions, std::pair<int, std::string>> parse(std::vector<std::string> args) {
  args.insert(args.begin(), "faultline-studio");
  std::vector<char*> argv;
  for (auto& arg : args)
    argv.push_back(arg.data());
  return parseStudioOptions(static_cast<int>(argv.size()), argv.data());
}

TEST(StudioOptions, TheScreenshotCommandOfTheIssue) {
  const auto parsed = parse({"--scenario", "region-outage", "--strategies", "maglev,round-robin",
                             "--at", "45s", "--screenshot", "out.png"});
  ASSERT_TRUE(std::holds_alternative<StudioOptions>(parsed));
  const auto& options = std::get<StudioOptions>(parsed);
  EXPECT_EQ(options.scenario, "region-outage");
  EXPECT_THAT(options.strategies, ElementsAre("maglev", "round-robin"));
  EXPECT_EQ(options.at_s, 45);
  EXPECT_EQ(options.screenshot, "out.png");
}

TEST(StudioOptions, BadArgumentsExitTwoNamingTheOption) {
  const auto expectBad = [](std::vector<std::string> args, const std::string& message) {
    const auto parsed = parse(std::move(args));
    ASSERT_TRUE(std::holds_alternative<Exit>(parsed)) << message;
    EXPECT_EQ(std::get<1>(parsed).first, 2);
    EXPECT_THAT(std::get<1>(parsed).second, HasSubstr(message));
  };
  expectBad({"--at", "soon"}, "--at: ");
  expectBad({"--duration", "-1s"}, "--duration: ");
  expectBad({"--screenshot", "x.png"}, "--screenshot needs --scenario");
  expectBad({"--seeds", "0"}, "--seeds");
  expectBad({"--bogus"}, "bogus");
  const auto help = parse({"--help"});
  ASSERT_TRUE(std::holds_alternative<Exit>(help));
  EXPECT_EQ(std::get<1>(help).first, 0);
}

}  // namespace
}  // namespace faultline::gui
