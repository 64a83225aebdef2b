#include "gui/studio_options.h"

#include <CLI/CLI.hpp>

#include <chrono>

#include "scenarios/user_input.h"

namespace faultline::gui {

std::variant<StudioOptions, std::pair<int, std::string>> parseStudioOptions(int argc, char** argv) {
  StudioOptions options;
  std::optional<std::string> at;
  std::string strategies;
  CLI::App app("faultline-studio: the Faultline desktop app");
  app.add_option("--scenario", options.scenario, "Open this built-in scenario or file");
  app.add_option("--strategies", strategies, "Strategies to run, comma-separated; several compare");
  app.add_option("--seeds", options.seeds, "Seeds per strategy")->check(CLI::Range(1, 1000));
  app.add_option("--duration", options.duration, "Simulated duration (the scenario's by default)");
  app.add_option("--at", at, "With --screenshot: the simulated moment to show (e.g. 45s)");
  app.add_option("--screenshot", options.screenshot,
                 "Run headless, save the window as this PNG at --at, and exit");
  app.add_option("--width", options.width, "Screenshot width")->check(CLI::Range(640, 8000));
  app.add_option("--height", options.height, "Screenshot height")->check(CLI::Range(400, 8000));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return std::pair{0, app.help()};
  } catch (const CLI::ParseError& error) {
    return std::pair{2, std::string("faultline-studio: ") + error.what()};
  }
  for (std::size_t start = 0; start < strategies.size();) {
    const auto comma = strategies.find(',', start);
    const auto end = comma == std::string::npos ? strategies.size() : comma;
    if (end > start) options.strategies.push_back(strategies.substr(start, end - start));
    start = end + 1;
  }
  if (at) {
    const auto parsed = scenarios::parseDuration(*at);
    if (!parsed) return std::pair{2, "faultline-studio: --at: " + parsed.error()};
    options.at_s = std::chrono::duration<double>(*parsed).count();
  }
  if (options.duration) {
    const auto parsed = scenarios::parseDuration(*options.duration);
    if (!parsed) return std::pair{2, "faultline-studio: --duration: " + parsed.error()};
  }
  if (options.screenshot && !options.scenario) {
    return std::pair{2, std::string("faultline-studio: --screenshot needs --scenario")};
  }
  return options;
}

}  // namespace faultline::gui
