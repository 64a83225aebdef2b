#include "reports/render/report_formats.h"

#include "reports/markdown_report.h"
#include "reports/render/html_images.h"
#include "reports/render/pdf_report.h"

namespace faultline::reports::render {

std::string_view formatName(ReportFormat format) {
  switch (format) {
    case ReportFormat::kMarkdown:
      return "md";
    case ReportFormat::kHtml:
      return "html";
    case ReportFormat::kPdf:
      return "pdf";
  }
  return "?";
}

bool drawsCharts(ReportFormat format) {
  return format != ReportFormat::kMarkdown;
}

std::string renderReport(const Document& document, ReportFormat format) {
  switch (format) {
    case ReportFormat::kMarkdown:
      return markdownOf(document);
    case ReportFormat::kHtml:
      return htmlReport(document);
    case ReportFormat::kPdf:
      return pdfOf(document).toStdString();
  }
  return {};
}

}  // namespace faultline::reports::render
