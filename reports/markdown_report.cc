#include "reports/markdown_report.h"

#include <algorithm>
#include <variant>

#include "reports/report_document.h"

namespace faultline::reports {
namespace {

struct MarkdownWriter {
  std::string& out;

  void operator()(const Heading& heading) const {
    out.append(static_cast<std::size_t>(std::clamp(heading.level, 1, 6)), '#');
    out += ' ';
    out += markdownLine(heading.text);
    out += "\n\n";
  }

  void operator()(const Paragraph& paragraph) const {
    bool first = true;
    for (const auto& span : paragraph.spans) {
      if (span.strong) out += "**";
      out += first && !span.strong ? markdownLine(span.text) : markdownCell(span.text);
      first = false;
      if (span.strong) out += "**";
    }
    out += "\n\n";
  }

  void operator()(const Quote& quote) const {
    out += "> ";
    out += markdownLine(quote.text);
    out += "\n\n";
  }

  void operator()(const BulletList& list) const {
    for (const auto& item : list.items) {
      out += "- ";
      out += markdownLine(item);
      out += '\n';
    }
    out += '\n';
  }

  void operator()(const Table& table) const {
    out += '|';
    for (const auto& column : table.columns) {
      if (!column.title.empty()) {
        out += ' ';
        out += markdownCell(column.title);
      }
      out += " |";
    }
    out += "\n|";
    for (const auto& column : table.columns)
      out += column.align == Align::kRight ? "---:|" : "---|";
    out += '\n';
    for (const auto& row : table.rows) {
      out += '|';
      for (const auto& cell : row) {
        out += ' ';
        out += markdownCell(cell);
        out += " |";
      }
      out += '\n';
    }
    out += '\n';
  }

  void operator()(const ChartGroup&) const {}
};

}  // namespace

std::string markdownCell(std::string text) {
  std::string out;
  out.reserve(text.size());
  char previous = '\0';
  for (char c : text) {
    const bool link_follows = previous == ']' && (c == '(' || c == '[');
    if (c == '\n' || c == '\r') {
      out += ' ';
    } else if (c == '|' || c == '\\' || c == '<' || c == '>' || c == '`' || link_follows) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
    previous = c;
  }
  return out;
}

std::string markdownLine(std::string text) {
  // At the start of a line, [label]: url would define a link for the whole document.
  std::string out = text.starts_with('[') ? "\\" : "";
  out += markdownCell(std::move(text));
  return out;
}

std::string markdownOf(const Document& document) {
  std::string out;
  MarkdownWriter{out}(Heading{1, document.title});
  for (const auto& block : document.blocks)
    std::visit(MarkdownWriter{out}, block);
  return out;
}

std::string markdownReport(const results::RunResult& result) {
  return markdownOf(reportDocument(result));
}

std::string markdownReport(const results::ComparisonResult& comparison) {
  return markdownOf(reportDocument(comparison));
}

std::string markdownReport(const AnyResults& results) {
  return std::visit([](const auto& result) { return markdownReport(result); }, results);
}

}  // namespace faultline::reports
