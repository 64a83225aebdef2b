#pragma once

#include <string>
#include <variant>
#include <vector>

#include "reports/chart.h"

namespace faultline::reports {

// A report's content, once, before it is written as Markdown, HTML or PDF: the builders decide
// what is said and every writer only decides how it looks, so the formats cannot disagree on a
// figure. Text is plain (no markup of any format); each writer escapes it for its own.

struct Span {
  std::string text;
  bool strong = false;
};

// How a paragraph reads at a glance: the verdict is good or bad news.
enum class Tone { kPlain, kGood, kBad };

struct Heading {
  int level = 2;  // 1 is the title
  std::string text;
};

struct Paragraph {
  std::vector<Span> spans;
  Tone tone = Tone::kPlain;
};

// The scenario's own description, quoted.
struct Quote {
  std::string text;
};

struct BulletList {
  std::vector<std::string> items;
};

enum class Align { kLeft, kRight };

struct Column {
  std::string title;
  Align align = Align::kLeft;
};

struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<std::string>> rows;  // each as wide as columns
};

// Whether any column has a title; a table of label and value pairs has none.
bool hasTitles(const Table& table);

// Charts under a heading of their own. Formats without pictures (Markdown) leave the whole group
// out, heading included; the builders leave out charts with nothing to draw (hasData).
struct ChartGroup {
  std::string heading;
  std::vector<Chart> charts;
};

using Block = std::variant<Heading, Paragraph, Quote, BulletList, Table, ChartGroup>;

struct Document {
  std::string title;
  // What made it and from what (version, mode, run), for the formats with a footer.
  std::string colophon;
  std::vector<Block> blocks;

  Document& heading(std::string text, int level = 2);
  Document& paragraph(std::string text, Tone tone = Tone::kPlain);
  Document& paragraph(std::vector<Span> spans, Tone tone = Tone::kPlain);
  Document& add(Block block);
};

// Adds the charts that have data under `heading`; nothing when none has.
void addCharts(Document& document, std::string heading, std::vector<Chart> charts);

}  // namespace faultline::reports
