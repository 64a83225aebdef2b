#pragma once

#include <CLI/CLI.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace faultline::cli {

struct CatalogArguments {
  std::string show_name;
  std::vector<std::string> validate_files;
};

// `faultline scenarios list|show NAME|validate FILE...` and `faultline strategies`.
void addCatalogCommands(CLI::App& app, CatalogArguments& arguments);

int listScenarios(std::ostream& out);
int showScenario(const std::string& name, std::ostream& out, std::ostream& err);
// Runs every check `faultline run` would, without running. Exit 2 when any file fails.
int validateScenarios(const std::vector<std::string>& files, std::ostream& out, std::ostream& err);
int listStrategies(std::ostream& out);

}  // namespace faultline::cli
