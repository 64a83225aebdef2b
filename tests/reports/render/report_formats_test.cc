// HTML and PDF reports of a built-in run and comparison, checked the way a reader would: the PDF
// opens in poppler's tools with the right pages and text, the HTML fetches nothing and shows
// every chart, and the numbers in both are those of the results.
#include "reports/render/report_formats.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <QByteArray>
#include <QImage>
#include <regex>

#include "reports/report_document.h"
#include "reports/run_charts.h"
#include "reports/summary_table.h"
#include "tests/reports/render/render_test_support.h"
#include "tests/support/temp_dir.h"

namespace faultline::reports::render {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::RenderTest;
using testing::runTool;

int chartCount(const Document& document) {
  int charts = 0;
  for (const auto& block : document.blocks) {
    if (const auto* group = std::get_if<ChartGroup>(&block)) {
      charts += static_cast<int>(group->charts.size());
    }
  }
  return charts;
}

// The figures a reader checks first, as the results file holds them.
std::vector<std::string> headlineFigures(const results::RunResult& result) {
  const auto& s = result.summary();
  const auto& fault = s.faults(0);
  return {percent(s.availability()),
          withThousands(s.requests_failed()),
          withThousands(s.requests_total()),
          withThousands(fault.requests_lost()),
          fmt::format("+{:.1f} s", fault.time_to_detect_s()),
          fmt::format("+{:.1f} s", fault.time_to_recover_s()),
          fmt::format("${:.2f}", s.cost().total_usd())};
}

// pdftotext's text of a PDF, with the layout's line breaks and runs of spaces made single spaces.
std::string pdfText(const std::filesystem::path& pdf) {
  const auto text = runTool("pdftotext -enc UTF-8 '" + pdf.string() + "' -");
  EXPECT_TRUE(text.ok) << "pdftotext (poppler-utils) failed on " << pdf;
  return std::regex_replace(text.out, std::regex("\\s+"), " ");
}

int pdfPages(const std::filesystem::path& pdf) {
  const auto info = runTool("pdfinfo '" + pdf.string() + "'");
  EXPECT_TRUE(info.ok) << "pdfinfo (poppler-utils) failed on " << pdf << ": " << info.out;
  EXPECT_THAT(info.out, HasSubstr("Page size:       595 x 842 pts (A4)"));
  std::smatch pages;
  if (!std::regex_search(info.out, pages, std::regex("Pages:\\s+(\\d+)"))) return 0;
  return std::stoi(pages[1]);
}

class ReportFormatsTest : public RenderTest {
 protected:
  faultline::testing::TempDir dir_;
};

TEST_F(ReportFormatsTest, TheHtmlOfARunEmbedsEveryChartAndFetchesNothing) {
  const auto result = testing::regionOutageRun();
  const Document document = reportDocument(result);
  const std::string html = renderReport(document, ReportFormat::kHtml);
  EXPECT_THAT(html, Not(HasSubstr("http://")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
  // Found by hand: std::regex recurses per character and overflows on a base64 picture.
  const std::string prefix = "src=\"data:image/png;base64,";
  int images = 0;
  for (auto at = html.find(prefix); at != std::string::npos; at = html.find(prefix, at + 1)) {
    const auto start = at + prefix.size();
    const auto end = html.find('"', start);
    ASSERT_NE(end, std::string::npos);
    QImage picture;
    EXPECT_TRUE(picture.loadFromData(
        QByteArray::fromBase64(QByteArray::fromStdString(html.substr(start, end - start))), "PNG"));
    EXPECT_EQ(picture.width(), 1520);
    ++images;
  }
  EXPECT_EQ(images, chartCount(document));
  EXPECT_EQ(images, 6);
  for (const auto& figure : headlineFigures(result))
    EXPECT_THAT(html, HasSubstr(figure));
  EXPECT_THAT(html, HasSubstr("<p class=\"bad\"><strong>Verdict: SLO missed.</strong>"));
  // The same document gives the same page.
  EXPECT_EQ(html, renderReport(document, ReportFormat::kHtml));
}

TEST_F(ReportFormatsTest, ThePdfOfARunIsA4WithPageNumbersAndTheResultsNumbers) {
  const auto result = testing::regionOutageRun();
  const auto pdf = dir_ / "run.pdf";
  dir_.write("run.pdf", renderReport(reportDocument(result), ReportFormat::kPdf));
  const int pages = pdfPages(pdf);
  EXPECT_GE(pages, 2);
  EXPECT_LE(pages, 5);
  const std::string text = pdfText(pdf);
  EXPECT_THAT(text, HasSubstr("region-outage: least-request, seed 1"));
  EXPECT_THAT(text, HasSubstr(fmt::format("page 1 of {}", pages)));
  EXPECT_THAT(text, HasSubstr(fmt::format("page {} of {}", pages, pages)));
  for (const auto& figure : headlineFigures(result))
    EXPECT_THAT(text, HasSubstr(figure));
  // The charts are there as vector text: their titles and axis labels are words in the PDF.
  for (const char* words : {"Requests by serving region", "Success rate", "Cost rate", "time, s"}) {
    EXPECT_THAT(text, HasSubstr(words));
  }
  // Each chart once: one moved whole to the next page is not also drawn under this one's footer.
  for (const auto& chart : runCharts(result)) {
    const std::string& title = chartTitle(chart);
    int found = 0;
    for (auto at = text.find(title); at != std::string::npos; at = text.find(title, at + 1))
      ++found;
    EXPECT_EQ(found, 1) << title;
  }
}

TEST_F(ReportFormatsTest, AThousandFaultsAllReachThePdf) {
  // The scenario rules allow 1,000 faults; their tables once took minutes to lay out.
  auto result = testing::regionOutageRun();
  for (int i = 0; i < 1000; ++i) {
    auto& fault = *result.mutable_topology()->add_faults();
    fault.set_name(fmt::format("fault-{:04}", i));
    fault.set_kind("latency");
    fault.set_start_s(i % 150);
    fault.set_end_s(i % 150 + 1);
  }
  const auto pdf = dir_ / "faults.pdf";
  dir_.write("faults.pdf", renderReport(reportDocument(result), ReportFormat::kPdf));
  EXPECT_GT(pdfPages(pdf), 20);
  const std::string text = pdfText(pdf);
  EXPECT_THAT(text, HasSubstr("fault-0000"));
  EXPECT_THAT(text, HasSubstr("fault-0999"));
}

TEST_F(ReportFormatsTest, AComparisonInEveryFormatSaysOnlyWhatIsSignificant) {
  const auto comparison = testing::regionOutageComparison();
  const Document document = reportDocument(comparison);
  EXPECT_EQ(chartCount(document), comparison.metric_info_size() + 3);
  const std::string html = renderReport(document, ReportFormat::kHtml);
  EXPECT_THAT(html, Not(HasSubstr("http://")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
  const std::regex image("<img ");
  EXPECT_EQ(
      std::distance(std::sregex_iterator(html.begin(), html.end(), image), std::sregex_iterator()),
      chartCount(document));
  const auto pdf = dir_ / "comparison.pdf";
  dir_.write("comparison.pdf", renderReport(document, ReportFormat::kPdf));
  EXPECT_GE(pdfPages(pdf), 2);
  const std::string text = pdfText(pdf);
  const std::string markdown = renderReport(document, ReportFormat::kMarkdown);
  for (const auto& ranked : comparison.ranking()) {
    EXPECT_THAT(text, HasSubstr(ranked.strategy()));
  }
  // Every significant difference is told, in each format; nothing else is marked significant.
  int significant = 0;
  for (const auto& strategy : comparison.strategies()) {
    for (const auto& metric : strategy.metrics())
      significant += metric.significant();
  }
  const std::regex significant_row("\\| yes \\|");
  const auto yes = [&](const std::string& s) {
    return std::distance(std::sregex_iterator(s.begin(), s.end(), significant_row),
                         std::sregex_iterator());
  };
  EXPECT_EQ(yes(markdown), significant);
  EXPECT_THAT(text, HasSubstr("What the seeds show"));
}

TEST_F(ReportFormatsTest, MarkdownNeedsNoCharts) {
  EXPECT_FALSE(drawsCharts(ReportFormat::kMarkdown));
  EXPECT_TRUE(drawsCharts(ReportFormat::kHtml));
  EXPECT_TRUE(drawsCharts(ReportFormat::kPdf));
}

}  // namespace
}  // namespace faultline::reports::render
