#include "scenarios/trace_csv.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "scenarios/csv.h"
#include "scenarios/limits.h"

namespace faultline::scenarios {
namespace {

constexpr std::size_t kMaxRows = limits::kMaxTraceSeconds;
constexpr double kMaxRateRps = limits::kMaxRateRps;

// A region's rate and the second's number; the scenario allows at most 100 regions, but a trace
// may hold columns the scenario does not use.
constexpr std::size_t kMaxFields = 10'000;

class TraceParser {
 public:
  TraceParser(std::string_view csv, std::string_view file, std::string_view region)
      : csv_(csv), file_(file), region_(region) {}

  Expected<std::vector<double>, Diagnostic> parse() {
    std::size_t target = 0;
    bool header_seen = false;
    csv::LineReader lines(csv_);
    csv::Line line;
    while (!failed_ && lines.next(line)) {
      line_number_ = line.number;
      auto fields = csv::splitFields(line.text, kMaxFields);
      if (!fields) {
        fail(line_number_, fields.error().column, fields.error().message);
        break;
      }
      if (!header_seen) {
        header_seen = true;
        target = headerColumn(*fields);
      } else {
        row(*fields, target);
      }
    }
    if (failed_) return Unexpected(error_);
    if (!header_seen) return fail(1, 1, "is empty: a header `second,<region>,...` is required");
    if (rates_.empty()) return fail(lines.lastLineNumber(), 1, "has a header but no rows");
    return std::move(rates_);
  }

 private:
  Unexpected<Diagnostic> fail(std::size_t line, std::size_t column, std::string message) {
    failed_ = true;
    error_ = Diagnostic{fmt::format("{}:{}:{}", file_, line, column), "", std::move(message)};
    return Unexpected(error_);
  }

  std::size_t headerColumn(const std::vector<csv::Field>& fields) {
    if (fields.front().text != "second") {
      fail(line_number_, 1,
           fmt::format("the header must start with `second` (got {})", quote(fields.front().text)));
      return 0;
    }
    width_ = fields.size();
    for (std::size_t i = 1; i < fields.size(); ++i) {
      if (fields[i].text == region_) return i;
    }
    std::string names;
    for (std::size_t i = 1; i < fields.size(); ++i)
      names += (i > 1 ? ", " : "") + std::string(fields[i].text);
    fail(line_number_, 1,
         fmt::format("has no column for region {} (columns: {})", quote(region_),
                     printable(names.empty() ? "none" : names)));
    return 0;
  }

  void row(const std::vector<csv::Field>& fields, std::size_t target) {
    if (fields.size() != width_) {
      fail(line_number_, 1, fmt::format("has {} fields, the header {}", fields.size(), width_));
      return;
    }
    std::uint64_t second = 0;
    const auto& first = fields.front();
    const auto [end, error] =
        std::from_chars(first.text.data(), first.text.data() + first.text.size(), second);
    if (error != std::errc() || end != first.text.data() + first.text.size() ||
        second != rates_.size()) {
      fail(line_number_, first.column,
           fmt::format("second must be {} (the rows count seconds from 0) (got {})", rates_.size(),
                       quote(first.text)));
      return;
    }
    if (rates_.size() >= kMaxRows) {
      fail(line_number_, 1, fmt::format("more than {} rows (a month of seconds)", kMaxRows));
      return;
    }
    const csv::Field& field = fields[target];
    double rate = 0;
    const auto [rate_end, rate_error] =
        std::from_chars(field.text.data(), field.text.data() + field.text.size(), rate);
    if (rate_error != std::errc() || rate_end != field.text.data() + field.text.size() ||
        !std::isfinite(rate) || rate < 0 || rate > kMaxRateRps) {
      fail(line_number_, field.column,
           fmt::format("a rate must be a number from 0 to {} requests per second (got {})",
                       static_cast<std::uint64_t>(kMaxRateRps), quote(field.text)));
      return;
    }
    rates_.push_back(rate);
  }

  std::string_view csv_;
  std::string_view file_;
  std::string_view region_;
  std::size_t line_number_ = 0;
  std::size_t width_ = 0;
  std::vector<double> rates_;
  bool failed_ = false;
  Diagnostic error_;
};

}  // namespace

Expected<std::vector<double>, Diagnostic> traceColumn(std::string_view csv, std::string_view file,
                                                      std::string_view region) {
  return TraceParser(csv, file, region).parse();
}

}  // namespace faultline::scenarios
