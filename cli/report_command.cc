#include "cli/report_command.h"

#include <atomic>
#include <filesystem>
#include <sstream>
#include <vector>

#include "cli/exit_codes.h"
#include "cli/interrupt.h"
#include "reports/render/qt_session.h"
#include "reports/render/report_formats.h"
#include "reports/report_document.h"
#include "reports/results_io.h"

namespace faultline::cli {
namespace {

using reports::render::ReportFormat;

// One report to write: where, and the file opened before any work so a bad path fails at once.
struct ReportTarget {
  ReportFormat format;
  std::string path;  // "-": standard output
  std::optional<reports::PendingFile> file;
};

std::string optionOf(ReportFormat format) {
  std::string option = "--";
  option += reports::render::formatName(format);
  return option;
}

std::optional<std::string> open(ReportTarget& target) {
  const std::string option = optionOf(target.format);
  if (target.path == "-") {
    if (target.format == ReportFormat::kPdf) return option + ": a PDF goes to a file, not stdout";
    return std::nullopt;
  }
  std::error_code ec;
  if (std::filesystem::is_directory(target.path, ec)) {
    return option + ": is a directory: " + target.path;
  }
  auto opened = reports::PendingFile::open(target.path);
  if (!opened) return option + ": " + opened.error();
  target.file.emplace(std::move(*opened));
  return std::nullopt;
}

struct WriteOutcome {
  std::optional<std::string> problem;
  bool stopped = false;
};

// Draws the document once per format, charts in one Qt session, then commits every file: a stop
// request between formats leaves none of them behind.
WriteOutcome writeAll(std::vector<ReportTarget>& targets, const reports::AnyResults& results,
                      std::ostream& out, const std::atomic<bool>* stop) {
  const auto stopped = [stop] { return stop != nullptr && stop->load(); };
  const reports::Document document = reports::reportDocument(results);
  std::optional<reports::render::QtSession> qt;
  std::vector<std::string> contents;
  for (auto& target : targets) {
    if (stopped()) return {std::nullopt, true};
    if (reports::render::drawsCharts(target.format) && !qt) qt.emplace();
    contents.push_back(reports::render::renderReport(document, target.format));
  }
  if (stopped()) return {std::nullopt, true};
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (!targets[i].file) {
      out << contents[i];
      continue;
    }
    if (auto written = targets[i].file->write(contents[i]); !written) {
      return {optionOf(targets[i].format) + ": " + written.error(), false};
    }
  }
  return {};
}

}  // namespace

void addReportCommand(CLI::App& app, ReportArguments& arguments) {
  auto* report = app.add_subcommand(
      "report", "Write reports of a results file (faultline run --json, faultline compare --json)");
  report->add_option("results", arguments.results, "A results file of run or compare")->required();
  report
      ->add_option("--md", arguments.markdown,
                   "Write the report as Markdown to FILE (tables for a postmortem or a pull "
                   "request); - for stdout")
      ->type_name("FILE");
  report
      ->add_option("--html", arguments.html,
                   "Write the report as one self-contained HTML page with its charts to FILE; - "
                   "for stdout")
      ->type_name("FILE");
  report
      ->add_option("--pdf", arguments.pdf, "Write the report as an A4 PDF with its charts to FILE")
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
  std::vector<ReportTarget> targets;
  for (ReportFormat format : {ReportFormat::kMarkdown, ReportFormat::kHtml, ReportFormat::kPdf}) {
    std::string name = "report.";
    name += reports::render::formatName(format);
    targets.push_back({format, (std::filesystem::path(directory) / name).string(), std::nullopt});
    if (auto problem = open(targets.back())) return "--report: " + *problem;
  }
  std::ostringstream unused;
  // run and compare hold the signal handler: their reports are written whole once begun.
  if (auto outcome = writeAll(targets, results, unused, nullptr); outcome.problem) {
    return "--report: " + *outcome.problem;
  }
  return std::nullopt;
}

int writeReport(const ReportArguments& arguments, std::ostream& out, std::ostream& err) {
  std::vector<ReportTarget> targets;
  if (arguments.markdown) targets.push_back({ReportFormat::kMarkdown, *arguments.markdown, {}});
  if (arguments.html) targets.push_back({ReportFormat::kHtml, *arguments.html, {}});
  if (arguments.pdf) targets.push_back({ReportFormat::kPdf, *arguments.pdf, {}});
  if (targets.empty()) {
    err << "faultline report: say where to write the report: --md FILE, --html FILE or --pdf "
           "FILE (- for stdout)\n";
    return kExitBadInput;
  }
  int to_stdout = 0;
  for (auto& target : targets) {
    to_stdout += target.path == "-";
    if (auto problem = open(target)) {
      err << "faultline report: " << *problem << '\n';
      return kExitBadInput;
    }
  }
  if (to_stdout > 1) {
    err << "faultline report: only one report can go to stdout (-)\n";
    return kExitBadInput;
  }
  auto results = reports::readAnyResultsFile(arguments.results);
  if (!results) {
    err << "faultline report: " << results.error() << '\n';
    return kExitBadInput;
  }
  const StopOnSignal stop;
  const WriteOutcome outcome = writeAll(targets, *results, out, &stop.requested());
  if (outcome.stopped) {
    err << "faultline report: interrupted; nothing written\n";
    return 128 + stop.signal();
  }
  if (outcome.problem) {
    err << "faultline report: " << *outcome.problem << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace faultline::cli
