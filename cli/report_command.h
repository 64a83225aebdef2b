#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <ostream>
#include <string>

namespace faultline::cli {

struct ReportArguments {
  std::string results;
  std::optional<std::string> markdown;
};

// `faultline report RESULTS.json --md FILE`: a report from a results file of `run` or `compare`.
void addReportCommand(CLI::App& app, ReportArguments& arguments);

int writeReport(const ReportArguments& arguments, std::ostream& out, std::ostream& err);

}  // namespace faultline::cli
