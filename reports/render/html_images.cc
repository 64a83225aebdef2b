#include "reports/render/html_images.h"

#include "reports/html_report.h"
#include "reports/render/chart_image.h"

namespace faultline::reports::render {
namespace {

// Logical size of a chart on the page; the style sheet shrinks it to narrower screens.
constexpr int kWidth = 760;
constexpr int kHeight = 340;
constexpr double kScale = 2;

std::string figureOf(const Chart& chart) {
  const QByteArray png = chartPng(chart, QSize(kWidth, kHeight), kScale);
  std::string out = "<img width=\"";
  out += std::to_string(kWidth);
  out += "\" height=\"";
  out += std::to_string(kHeight);
  out += "\" alt=\"";
  out += htmlEscaped(chartTitle(chart));
  out += "\" src=\"data:image/png;base64,";
  out += png.toBase64().toStdString();
  out += "\">";
  return out;
}

}  // namespace

std::string htmlReport(const Document& document) {
  return htmlOf(document, figureOf);
}

}  // namespace faultline::reports::render
