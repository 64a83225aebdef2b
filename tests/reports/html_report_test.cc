// The HTML writer on hand-built documents: escaping, tables, tones, charts and self-containment.
#include "reports/html_report.h"

#include "reports/report_document.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace faultline::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string figure(const Chart& chart) {
  return "[chart " + chartTitle(chart) + "]";
}

TEST(HtmlReport, TextCannotBecomeMarkup) {
  Document document;
  document.title = "<script>alert('x')</script>";
  document.paragraph("a & b \"quoted\"");
  const std::string html = htmlOf(document, figure);
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
  EXPECT_THAT(html, HasSubstr("<h1>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</h1>"));
  EXPECT_THAT(html, HasSubstr("<p>a &amp; b &quot;quoted&quot;</p>"));
}

TEST(HtmlReport, BlocksBecomeTheirElements) {
  Document document;
  document.title = "t";
  document.colophon = "made by us";
  document.paragraph({{"Verdict: SLO missed.", true}, {" rest", false}}, Tone::kBad);
  document.add(Quote{"said"});
  document.add(BulletList{{"one", "two"}});
  document.add(Table{{{"name"}, {"n", Align::kRight}}, {{"a", "1"}}});
  document.add(Table{{{""}, {""}}, {{"seed", "3"}}});
  TimeChart chart;
  chart.title = "Success rate";
  document.add(ChartGroup{"Timeline", {chart}});
  document.add(ChartGroup{"Nothing", {}});
  const std::string html = htmlOf(document, figure);
  EXPECT_THAT(html, HasSubstr("<p class=\"bad\"><strong>Verdict: SLO missed.</strong> rest</p>"));
  EXPECT_THAT(html, HasSubstr("<blockquote>said</blockquote>"));
  EXPECT_THAT(html, HasSubstr("<ul>\n<li>one</li>\n<li>two</li>\n</ul>"));
  EXPECT_THAT(html, HasSubstr("<thead><tr><th>name</th><th class=\"r\">n</th></tr></thead>"));
  EXPECT_THAT(html, HasSubstr("<tr><td>a</td><td class=\"r\">1</td></tr>"));
  // Label and value pairs: no empty header row.
  EXPECT_THAT(html, HasSubstr("<table>\n<tbody>\n<tr><td>seed</td>"));
  EXPECT_THAT(html, HasSubstr("<h2>Timeline</h2>\n<div class=\"charts\">\n<figure>[chart Success "
                              "rate]</figure>"));
  EXPECT_THAT(html, Not(HasSubstr("Nothing")));  // an empty group says nothing
  EXPECT_THAT(html, HasSubstr("<footer>made by us</footer>"));
}

TEST(HtmlReport, ThePageFetchesNothing) {
  Document document;
  document.title = "t";
  const std::string html = htmlOf(document, figure);
  for (const char* reference : {"http:", "https:", "//", "@import", "url(", "<script", "<link"}) {
    EXPECT_THAT(html, Not(HasSubstr(reference))) << reference;
  }
  EXPECT_THAT(html, HasSubstr("<meta name=\"viewport\""));
  EXPECT_THAT(html, HasSubstr("@page { size: A4;"));
}

TEST(HtmlReport, ARunWithoutWindowsHasNoEmptyChartFrames) {
  const Document document = reportDocument(results::RunResult());
  for (const auto& block : document.blocks)
    EXPECT_FALSE(std::holds_alternative<ChartGroup>(block));
  int pictures = 0;
  htmlOf(document, [&](const Chart&) {
    ++pictures;
    return std::string();
  });
  EXPECT_EQ(pictures, 0);
}

}  // namespace
}  // namespace faultline::reports
