#include "reports/document.h"

#include <algorithm>
#include <utility>

namespace faultline::reports {

bool hasTitles(const Table& table) {
  return std::any_of(table.columns.begin(), table.columns.end(),
                     [](const Column& column) { return !column.title.empty(); });
}

void addCharts(Document& document, std::string heading, std::vector<Chart> charts) {
  std::erase_if(charts, [](const Chart& chart) { return !hasData(chart); });
  if (charts.empty()) return;
  document.add(ChartGroup{std::move(heading), std::move(charts)});
}

Document& Document::heading(std::string text, int level) {
  blocks.emplace_back(std::in_place_type<Heading>, Heading{level, std::move(text)});
  return *this;
}

Document& Document::paragraph(std::string text, Tone tone) {
  return paragraph(std::vector<Span>{Span{std::move(text), false}}, tone);
}

Document& Document::paragraph(std::vector<Span> spans, Tone tone) {
  blocks.emplace_back(std::in_place_type<Paragraph>, Paragraph{std::move(spans), tone});
  return *this;
}

Document& Document::add(Block block) {
  blocks.push_back(std::move(block));
  return *this;
}

}  // namespace faultline::reports
