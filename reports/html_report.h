#pragma once

#include <functional>
#include <string>

#include "reports/document.h"

namespace faultline::reports {

// How a chart becomes HTML: an element that shows it (an <img> with a data: URL, say). It must
// not reference anything outside the page.
using ChartFigure = std::function<std::string(const Chart& chart)>;

// A report as one self-contained HTML page: its own style sheet, no script, no font or picture
// fetched from anywhere, charts embedded by `figure`. Reads on a phone (tables scroll on their
// own, charts shrink to the width) and prints on A4 (no chart or table row split across pages).
// Deterministic: the same document and figures give the same bytes.
std::string htmlOf(const Document& document, const ChartFigure& figure);

// Text made safe for HTML content and attribute values.
std::string htmlEscaped(std::string_view text);

}  // namespace faultline::reports
