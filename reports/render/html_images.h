#pragma once

#include <string>

#include "reports/document.h"

namespace faultline::reports::render {

// A report as one self-contained HTML page (html_report.h) with every chart a PNG in a data: URL,
// drawn at twice its size for sharp screens and print. Needs a QtSession.
std::string htmlReport(const Document& document);

}  // namespace faultline::reports::render
