#include "reports/html_report.h"

#include <algorithm>
#include <variant>

namespace faultline::reports {
namespace {

constexpr const char* kStyle = R"(
:root { color-scheme: light; }
body { font: 15px/1.5 -apple-system, "Segoe UI", "DejaVu Sans", Roboto, Helvetica, Arial,
       sans-serif; color: #1d2330; background: #fff; margin: 0; }
main { max-width: 1180px; margin: 0 auto; padding: 16px 20px 40px; }
h1 { font-size: 1.6em; margin: 0.4em 0 0.3em; line-height: 1.25; }
h2 { font-size: 1.2em; margin: 1.6em 0 0.5em; padding-bottom: 0.2em;
     border-bottom: 1px solid #d8dce4; }
h3 { font-size: 1.05em; margin: 1.2em 0 0.4em; }
blockquote { margin: 0 0 1em; padding: 0.3em 0.9em; color: #4a5263;
             border-left: 3px solid #c3c9d5; }
p.good, p.bad { padding: 0.7em 1em; border-radius: 4px; border-left: 5px solid; }
p.good { background: #eaf6ec; border-color: #2ca02c; }
p.bad { background: #fdecec; border-color: #d62728; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0 0 1em; }
table { border-collapse: collapse; font-size: 0.9em; font-variant-numeric: tabular-nums; }
th, td { padding: 0.3em 0.7em; border-bottom: 1px solid #e3e6ec; text-align: left;
         vertical-align: top; }
th { background: #f3f5f8; font-weight: 600; white-space: nowrap; }
td.r, th.r { text-align: right; white-space: nowrap; }
.charts { display: grid; gap: 14px;
          grid-template-columns: repeat(auto-fill, minmax(min(100%, 520px), 1fr)); }
figure { margin: 0; border: 1px solid #e3e6ec; border-radius: 4px; padding: 4px; }
figure img { display: block; width: 100%; height: auto; }
footer { margin-top: 2.5em; color: #7a8294; font-size: 0.85em; }
@media (max-width: 600px) { body { font-size: 14px; } main { padding: 10px 12px 30px; } }
@page { size: A4; margin: 14mm; }
@media print {
  body { font-size: 10.5pt; } main { max-width: none; padding: 0; }
  .charts { display: block; } figure { margin: 0 0 10px; }
  figure, tr, p.good, p.bad { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .scroll { overflow: visible; }
}
)";

struct HtmlWriter {
  std::string& out;
  const ChartFigure& figure;

  void operator()(const Heading& heading) const {
    std::string tag(1, 'h');
    tag += std::to_string(std::clamp(heading.level, 1, 6));
    element(tag, htmlEscaped(heading.text));
  }

  void operator()(const Paragraph& paragraph) const {
    out += paragraph.tone == Tone::kGood  ? "<p class=\"good\">"
           : paragraph.tone == Tone::kBad ? "<p class=\"bad\">"
                                          : "<p>";
    for (const auto& span : paragraph.spans) {
      if (span.strong) out += "<strong>";
      out += htmlEscaped(span.text);
      if (span.strong) out += "</strong>";
    }
    out += "</p>\n";
  }

  void operator()(const Quote& quote) const { element("blockquote", htmlEscaped(quote.text)); }

  void operator()(const BulletList& list) const {
    out += "<ul>\n";
    for (const auto& item : list.items)
      element("li", htmlEscaped(item));
    out += "</ul>\n";
  }

  void operator()(const Table& table) const {
    out += "<div class=\"scroll\"><table>\n";
    if (hasTitles(table)) {
      out += "<thead><tr>";
      for (const auto& column : table.columns)
        cell("th", column.align, column.title);
      out += "</tr></thead>\n";
    }
    out += "<tbody>\n";
    for (const auto& row : table.rows) {
      out += "<tr>";
      for (std::size_t c = 0; c < row.size(); ++c) {
        cell("td", c < table.columns.size() ? table.columns[c].align : Align::kLeft, row[c]);
      }
      out += "</tr>\n";
    }
    out += "</tbody>\n</table></div>\n";
  }

  void operator()(const ChartGroup& group) const {
    if (group.charts.empty()) return;
    element("h2", htmlEscaped(group.heading));
    out += "<div class=\"charts\">\n";
    for (const auto& chart : group.charts) {
      out += "<figure>";
      out += figure(chart);
      out += "</figure>\n";
    }
    out += "</div>\n";
  }

  void element(const std::string& tag, const std::string& escaped) const {
    out += '<';
    out += tag;
    out += '>';
    out += escaped;
    out += "</";
    out += tag;
    out += ">\n";
  }

  void cell(const char* tag, Align align, const std::string& text) const {
    out += '<';
    out += tag;
    if (align == Align::kRight) out += " class=\"r\"";
    out += '>';
    out += htmlEscaped(text);
    out += "</";
    out += tag;
    out += '>';
  }
};

}  // namespace

std::string htmlEscaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string htmlOf(const Document& document, const ChartFigure& figure) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  out += htmlEscaped(document.title);
  out += "</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n<main>\n";
  const HtmlWriter writer{out, figure};
  writer(Heading{1, document.title});
  for (const auto& block : document.blocks)
    std::visit(writer, block);
  if (!document.colophon.empty()) writer.element("footer", htmlEscaped(document.colophon));
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace faultline::reports
