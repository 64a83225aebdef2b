#pragma once

#include <QString>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace faultline::gui {

// faultline-studio's command line. With --screenshot it runs headless: opens the scenario, runs
// it (or compares the strategies), moves the timeline to --at, saves a picture of the window and
// exits, for the README, the tests and anyone checking the app without a display.
struct StudioOptions {
  std::optional<std::string> scenario;  // a built-in's name or a file
  std::vector<std::string> strategies;
  int seeds = 1;
  std::optional<std::string> duration;  // "150s"
  std::optional<double> at_s;
  std::optional<std::string> screenshot;  // a .png path
  int width = 1600;
  int height = 1000;
};

// The options, or (exit code, message): 0 with the help text, 2 for a bad argument.
std::variant<StudioOptions, std::pair<int, std::string>> parseStudioOptions(int argc, char** argv);

}  // namespace faultline::gui
