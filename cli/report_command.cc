#include "cli/report_command.h"

#include <filesystem>

#include "cli/exit_codes.h"
#include "reports/markdown_report.h"
#include "reports/results_io.h"

namespace faultline::cli {

void addReportCommand(CLI::App& app, ReportArguments& arguments) {
  auto* report = app.add_subcommand(
      "report",
      "Write a report of a results file (faultline run --json, faultline compare --json)");
  report->add_option("results", arguments.results, "A results file of run or compare")->required();
  report
      ->add_option("--md", arguments.markdown,
                   "Write the report as Markdown to FILE (tables for a postmortem or a pull "
                   "request); - for stdout")
      ->type_name("FILE");
}

std::optional<std::string> prepareReportDirectory(const std::string& directory) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) return "--report: cannot create " + directory + ": " + ec.message();
  if (!std::filesystem::is_directory(directory, ec)) {
    return "--report: not a directory: " + directory;
  }
  return std::nullopt;
}

std::optional<std::string> writeReportsInto(const std::string& directory,
                                            const reports::AnyResults& results) {
  const std::string markdown = reports::markdownReport(results);
  const auto path = std::filesystem::path(directory) / "report.md";
  if (auto written = reports::writeFileAtomically(path, markdown); !written) {
    return "--report: " + written.error();
  }
  return std::nullopt;
}

int writeReport(const ReportArguments& arguments, std::ostream& out, std::ostream& err) {
  if (!arguments.markdown) {
    err << "faultline report: say where to write the report: --md FILE (or --md - for stdout)\n";
    return kExitBadInput;
  }
  std::error_code ec;
  if (*arguments.markdown != "-" && std::filesystem::is_directory(*arguments.markdown, ec)) {
    err << "faultline report: --md: is a directory: " << *arguments.markdown << '\n';
    return kExitBadInput;
  }
  std::optional<reports::PendingFile> file;
  if (*arguments.markdown != "-") {
    auto opened = reports::PendingFile::open(*arguments.markdown);
    if (!opened) {
      err << "faultline report: --md: " << opened.error() << '\n';
      return kExitBadInput;
    }
    file.emplace(std::move(*opened));
  }
  auto results = reports::readAnyResultsFile(arguments.results);
  if (!results) {
    err << "faultline report: " << results.error() << '\n';
    return kExitBadInput;
  }
  const std::string markdown = reports::markdownReport(*results);
  if (*arguments.markdown == "-") {
    out << markdown;
    return kExitOk;
  }
  if (auto written = file->write(markdown); !written) {
    err << "faultline report: --md: " << written.error() << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace faultline::cli
