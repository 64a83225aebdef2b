#pragma once

#include <string>
#include <string_view>

#include "reports/document.h"

namespace faultline::reports::render {

enum class ReportFormat { kMarkdown, kHtml, kPdf };

// "md", "html", "pdf": the command-line option and the file extension.
std::string_view formatName(ReportFormat format);

// Whether writing the format draws charts, and so needs a QtSession.
bool drawsCharts(ReportFormat format);

// The document in the format: Markdown text, a self-contained HTML page, or the bytes of a PDF.
std::string renderReport(const Document& document, ReportFormat format);

}  // namespace faultline::reports::render
