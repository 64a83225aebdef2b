#include "cli/catalog_commands.h"

#include <fmt/format.h>

#include <algorithm>

#include "balancer/strategy_registry.h"
#include "cli/exit_codes.h"
#include "cli/scenario_errors.h"
#include "engine/sim/world_builder.h"
#include "scenarios/library.h"
#include "scenarios/loader.h"

namespace faultline::cli {

void addCatalogCommands(CLI::App& app, CatalogArguments& arguments) {
  auto* scenarios = app.add_subcommand("scenarios", "List, show or validate scenarios");
  scenarios->require_subcommand(1);
  scenarios->add_subcommand("list", "List the built-in scenarios");
  scenarios->add_subcommand("show", "Print a built-in scenario's source")
      ->add_option("name", arguments.show_name, "Built-in scenario name")
      ->required();
  scenarios->add_subcommand("validate", "Check scenario files as `faultline run` would")
      ->add_option("files", arguments.validate_files, "Scenario files (.textproto or .json)")
      ->required();
  app.add_subcommand("strategies", "List the balancing strategies and whose semantics they follow");
}

int listScenarios(std::ostream& out) {
  std::size_t width = 0;
  for (const auto& builtin : scenarios::builtinScenarios()) {
    width = std::max(width, builtin.name.size());
  }
  for (const auto& builtin : scenarios::builtinScenarios()) {
    out << fmt::format("{:<{}}  {}\n", builtin.name, width, builtin.description);
  }
  return kExitOk;
}

int showScenario(const std::string& name, std::ostream& out, std::ostream& err) {
  const auto builtin = scenarios::findBuiltin(name);
  if (!builtin) {
    std::string names;
    for (const auto& b : scenarios::builtinScenarios()) {
      names += names.empty() ? "" : ", ";
      names += b.name;
    }
    err << "faultline scenarios show: no built-in scenario " << scenarios::quote(name)
        << " (built-in: " << names << ")\n";
    return kExitBadInput;
  }
  out << builtin->text;
  if (!builtin->text.empty() && builtin->text.back() != '\n') out << '\n';
  return kExitOk;
}

int validateScenarios(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
  int exit_code = kExitOk;
  for (const auto& file : files) {
    auto loaded = scenarios::loadScenario(file);
    if (!loaded) {
      printLoadError(loaded.error(), err);
      exit_code = kExitBadInput;
      continue;
    }
    auto spec = sim::buildWorldSpec(loaded->scenario, sim::RunOverrides{});
    if (!spec) {
      printConfigError(spec.error(), loaded->source_map, "scenarios validate", err);
      exit_code = kExitBadInput;
      continue;
    }
    const auto plural = [](std::size_t n, std::string_view noun) {
      return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
    };
    out << fmt::format("{}: ok ({}, {}, {}, strategy {})\n", loaded->origin,
                       plural(spec->layout.regions.size(), "region"),
                       plural(spec->hosts.size(), "host"), plural(spec->faults.size(), "fault"),
                       spec->balancer.strategy);
  }
  return exit_code;
}

int listStrategies(std::ostream& out) {
  std::size_t width = 0;
  for (const auto& info : balancer::knownStrategies())
    width = std::max(width, info.name.size());
  for (const auto& info : balancer::knownStrategies()) {
    out << fmt::format("{:<{}}  {}\n{:<{}}  follows: {}\n", info.name, width, info.summary, "",
                       width, info.semantics);
  }
  return kExitOk;
}

}  // namespace faultline::cli
