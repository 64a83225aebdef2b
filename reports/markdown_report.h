#pragma once

#include <string>

#include "reports/document.h"
#include "reports/results.pb.h"
#include "reports/results_io.h"

namespace faultline::reports {

// A report as GitHub-flavoured Markdown, for pasting into a postmortem or a pull request: the
// document's headings, paragraphs and tables; charts are left out (the HTML and PDF reports have
// them). Text cannot break out of its table cell or line.
std::string markdownOf(const Document& document);

// The report of a run, a comparison, or whichever a results file holds (report_document.h).
std::string markdownReport(const results::RunResult& result);
std::string markdownReport(const results::ComparisonResult& comparison);
std::string markdownReport(const AnyResults& results);

// Text for one Markdown table cell or line: a pipe would end the cell and a newline the row;
// scenario text must not become markup a viewer acts on, so HTML (`<`, `>`), links and images
// (`](`, `][`), code spans and backslashes are escaped. Emphasis is left alone: it fetches
// nothing.
std::string markdownCell(std::string text);
// The same for text that starts a line, where `[label]: url` would define a link.
std::string markdownLine(std::string text);

}  // namespace faultline::reports
