#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <ostream>
#include <string>

#include "reports/results_io.h"

namespace faultline::cli {

struct ReportArguments {
  std::string results;
  std::optional<std::string> markdown;
  std::optional<std::string> html;
  std::optional<std::string> pdf;
};

// `faultline report RESULTS.json [--md FILE] [--html FILE] [--pdf FILE]`: reports from a results
// file of `run` or `compare`, in any of the three formats at once.
void addReportCommand(CLI::App& app, ReportArguments& arguments);

int writeReport(const ReportArguments& arguments, std::ostream& out, std::ostream& err);

// `--report DIR` of run and compare: creates DIR (and its parents) before the run, so a bad
// directory fails at once. An error message naming the option when it cannot.
std::optional<std::string> prepareReportDirectory(const std::string& directory);

// Writes every report format of `results` into `directory` (report.md, report.html, report.pdf).
// Returns an error message.
std::optional<std::string> writeReportsInto(const std::string& directory,
                                            const reports::AnyResults& results);

}  // namespace faultline::cli
