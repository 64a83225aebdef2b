#include "scenarios/timeline.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "scenarios/csv.h"
#include "scenarios/limits.h"

namespace faultline::scenarios {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
// A row is flat; deeper values are refused, and nesting this deep stops the reading.
constexpr std::size_t kMaxJsonDepth = 64;

std::size_t maxRows(std::size_t own_faults) {
  const auto limit = static_cast<std::size_t>(limits::kMaxFaults);
  return own_faults >= limit ? 0 : limit - own_faults;
}

std::string tooManyRows(std::size_t own_faults) {
  const std::size_t rows = maxRows(own_faults);
  if (own_faults == 0) {
    return fmt::format("more than {} rows: a scenario holds at most {} faults", rows,
                       limits::kMaxFaults);
  }
  return fmt::format(
      "more than {} rows: a scenario holds at most {} faults, and has {} of its "
      "own",
      rows, limits::kMaxFaults, own_faults);
}

std::string locationOf(std::string_view file, TextPosition at) {
  return fmt::format("{}:{}:{}", file, at.line, at.column);
}

// Line and column of byte offsets, asked for in increasing order (a smaller one starts over).
class PositionFinder {
 public:
  explicit PositionFinder(std::string_view text) : text_(text) {}

  TextPosition at(std::size_t offset) {
    offset = std::min(offset, text_.size());
    if (offset < scanned_) {
      scanned_ = 0;
      line_ = 1;
      line_start_ = 0;
    }
    for (; scanned_ < offset; ++scanned_) {
      if (text_[scanned_] == '\n') {
        ++line_;
        line_start_ = scanned_ + 1;
      }
    }
    return {line_, offset - line_start_ + 1};
  }

 private:
  std::string_view text_;
  std::size_t scanned_ = 0;
  std::size_t line_ = 1;
  std::size_t line_start_ = 0;
};

// --- CSV ------------------------------------------------------------------------------------

class CsvTimeline {
 public:
  CsvTimeline(std::string_view text, std::string_view file, std::size_t own_faults)
      : text_(text), file_(file), own_faults_(own_faults) {}

  Expected<std::vector<ImportedFault>, std::vector<Diagnostic>> read() {
    csv::LineReader lines(text_);
    csv::Line line;
    if (!lines.next(line)) {
      error({1, 1}, fmt::format("is empty: a header row naming the columns is required ({})",
                                timelineColumnsHelp()));
      return Unexpected(std::move(diagnostics_));
    }
    if (!readHeader(line)) return Unexpected(std::move(diagnostics_));
    std::size_t rows = 0;
    while (lines.next(line)) {
      if (rows == maxRows(own_faults_)) {
        error({line.number, 1}, tooManyRows(own_faults_));
        break;
      }
      ++rows;
      readRow(line);
    }
    if (rows == 0) error({lines.lastLineNumber(), 1}, "has a header but no rows");
    if (!diagnostics_.empty()) return Unexpected(std::move(diagnostics_));
    return std::move(faults_);
  }

 private:
  void error(TextPosition at, std::string message) {
    diagnostics_.push_back(Diagnostic{locationOf(file_, at), "", std::move(message)});
  }

  bool readHeader(const csv::Line& line) {
    auto fields = csv::splitFields(line.text, kMaxTimelineColumns);
    if (!fields) {
      error({line.number, fields.error().column}, fields.error().message);
      return false;
    }
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < fields->size(); ++i) {
      const csv::Field& field = (*fields)[i];
      const TextPosition at{line.number, field.column};
      if (field.text.empty()) {
        error(at, fmt::format("column {} of the header has no name", i + 1));
      } else if (const auto [it, inserted] = seen.emplace(field.text, i + 1); !inserted) {
        error(at, fmt::format("column {} appears twice (also column {})", quote(field.text),
                              it->second));
      } else if (!isTimelineColumn(field.text)) {
        error(at, fmt::format("unknown column {} (columns: {})", quote(field.text),
                              timelineColumnsHelp()));
      }
      header_.push_back(field.text);
    }
    for (const char* required : {"start_s", "kind"}) {
      if (!seen.contains(required)) {
        error({line.number, 1}, fmt::format("the header must name a {} column", required));
      }
    }
    return diagnostics_.empty();
  }

  void readRow(const csv::Line& line) {
    auto fields = csv::splitFields(line.text, kMaxTimelineColumns);
    if (!fields) {
      error({line.number, fields.error().column}, fields.error().message);
      return;
    }
    if (fields->size() != header_.size()) {
      error({line.number, 1},
            fmt::format("has {} fields, the header {}", fields->size(), header_.size()));
      return;
    }
    FaultRow row{{line.number, 1}, {}};
    for (std::size_t i = 0; i < fields->size(); ++i) {
      csv::Field& field = (*fields)[i];
      const TextPosition at{line.number, field.column};
      row.cells.push_back(RowCell{header_[i], std::move(field.text), at, at});
    }
    if (auto fault = buildFault(row, file_, diagnostics_)) faults_.push_back(std::move(*fault));
  }

  std::string_view text_;
  std::string_view file_;
  std::size_t own_faults_;
  std::vector<std::string> header_;
  std::vector<ImportedFault> faults_;
  std::vector<Diagnostic> diagnostics_;
};

// --- JSON -----------------------------------------------------------------------------------

// Walks the text for nlohmann's parser and remembers how far it has read, which its SAX events
// do not tell: at an object's start the parser has just read its '{', at a key its closing quote.
class TrackingIterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  TrackingIterator() = default;
  TrackingIterator(const char* at, const char** reached) : at_(at), reached_(reached) {}

  reference operator*() const { return *at_; }
  TrackingIterator& operator++() {
    ++at_;
    if (reached_ != nullptr && at_ > *reached_) *reached_ = at_;
    return *this;
  }
  TrackingIterator operator++(int) {
    TrackingIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const TrackingIterator& other) const { return at_ == other.at_; }
  bool operator!=(const TrackingIterator& other) const { return at_ != other.at_; }

 private:
  const char* at_ = nullptr;
  const char** reached_ = nullptr;
};

bool isJsonSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

class JsonTimeline final : public nlohmann::json_sax<nlohmann::json> {
 public:
  JsonTimeline(std::string_view text, std::string_view file, std::size_t own_faults)
      : text_(text),
        file_(file),
        own_faults_(own_faults),
        positions_(text),
        reached_(text.data()) {}

  Expected<std::vector<ImportedFault>, std::vector<Diagnostic>> read() {
    const TrackingIterator first(text_.data(), &reached_);
    const TrackingIterator last(text_.data() + text_.size(), nullptr);
    nlohmann::json::sax_parse(first, last, this);
    if (diagnostics_.empty() && rows_ == 0) error(0, "has no rows: [] holds no fault");
    if (!diagnostics_.empty()) return Unexpected(std::move(diagnostics_));
    return std::move(faults_);
  }

  bool null() override { return scalar(std::nullopt); }
  bool boolean(bool value) override { return scalar(value ? "true" : "false"); }
  bool number_integer(number_integer_t) override { return scalar(numberText()); }
  bool number_unsigned(number_unsigned_t) override { return scalar(numberText()); }
  bool number_float(number_float_t, const string_t&) override { return scalar(numberText()); }
  bool string(string_t& value) override { return scalar(std::move(value)); }
  bool binary(binary_t&) override { return scalar(std::nullopt); }

  bool start_object(std::size_t) override { return open(false); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(true); }
  bool end_array() override { return close(); }

  bool key(string_t& key) override {
    if (!inRow() || too_many_keys_) return true;
    const std::size_t close = offset() - 1;
    const std::size_t open = openingQuote(close);
    if (row_.cells.size() == kMaxTimelineColumns) {
      error(open, fmt::format("a row has more than {} keys", kMaxTimelineColumns));
      row_bad_ = too_many_keys_ = true;
      return true;
    }
    for (const RowCell& cell : row_.cells) {
      if (cell.name == key) {
        error(open, fmt::format("key {} appears twice in the row", quote(key)));
        row_bad_ = true;
      }
    }
    // The value starts after the ':' and any space around it.
    std::size_t value = close + 1;
    while (value < text_.size() && (isJsonSpace(text_[value]) || text_[value] == ':'))
      ++value;
    value_offset_ = value;
    const TextPosition name_at = positions_.at(open);
    row_.cells.push_back(RowCell{std::move(key), {}, name_at, positions_.at(value)});
    return true;
  }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& what) override {
    // "[json.exception.parse_error.101] parse error at line 1, column 5: <detail>": the
    // position is ours to give. Other exceptions ("out_of_range.406") have no position part.
    // `position` counts the bytes read, the offending one included.
    std::string message = what.what();
    const std::size_t tag = message.find("] ");
    if (tag != std::string::npos) message.erase(0, tag + 2);
    if (message.starts_with("parse error")) {
      const std::size_t detail = message.find(": ");
      if (detail != std::string::npos) message.erase(0, detail + 2);
    }
    error(position == 0 ? 0 : position - 1, printable(message));
    return false;
  }

 private:
  // Inside a row that is an object, where keys and their values are cells.
  bool inRow() const { return depth_ == 2 && row_is_object_.back(); }

  std::size_t offset() const { return static_cast<std::size_t>(reached_ - text_.data()); }

  // The '"' that opens the string whose closing quote is at `close`: the nearest one before it
  // that no backslash escapes (one preceded by an even number of backslashes).
  std::size_t openingQuote(std::size_t close) const {
    for (std::size_t i = close; i-- > 0;) {
      if (text_[i] != '"') continue;
      std::size_t backslashes = 0;
      while (backslashes < i && text_[i - 1 - backslashes] == '\\')
        ++backslashes;
      if (backslashes % 2 == 0) return i;
    }
    return 0;
  }

  // A number as written, from where its value starts: the parser keeps no text of integers.
  std::string numberText() const {
    if (!inRow()) return {};
    std::size_t end = value_offset_;
    while (end < text_.size() &&
           std::string_view("+-.0123456789eE").find(text_[end]) != std::string_view::npos) {
      ++end;
    }
    return std::string(text_.substr(value_offset_, end - value_offset_));
  }

  void error(std::size_t offset, std::string message) {
    diagnostics_.push_back(
        Diagnostic{locationOf(file_, positions_.at(offset)), "", std::move(message)});
  }

  void notARoot() {
    std::size_t first = 0;
    while (first < text_.size() && isJsonSpace(text_[first]))
      ++first;
    error(first, "a timeline in JSON is an array of rows: [{\"start_s\": 60, \"kind\": ...}, ...]");
  }

  // A row starts: true while there is room for it.
  bool countRow(std::size_t at) {
    if (rows_ == maxRows(own_faults_)) {
      error(at, tooManyRows(own_faults_));
      return false;
    }
    ++rows_;
    return true;
  }

  // Where a scalar element of the top array starts: after the '[' or ',' before it.
  std::size_t elementStart() const {
    std::size_t at = std::min(element_end_, text_.size());
    while (at < text_.size() && (isJsonSpace(text_[at]) || text_[at] == ',' || text_[at] == '['))
      ++at;
    return at;
  }

  bool scalar(std::optional<std::string> value) {
    if (depth_ == 0) {
      notARoot();
      return false;
    }
    if (depth_ == 1) {
      const std::size_t at = elementStart();
      if (!countRow(at)) return false;
      error(at, "a row must be a JSON object ({\"start_s\": ..., \"kind\": ...})");
      element_end_ = offset();
      return true;
    }
    if (inRow() && !too_many_keys_ && value) row_.cells.back().value = std::move(*value);
    return true;
  }

  bool open(bool array) {
    if (depth_ == 0 && !array) {
      notARoot();
      return false;
    }
    if (depth_ == 1) {
      const std::size_t at = offset() - 1;  // the '{' or '[' just read
      if (!countRow(at)) return false;
      if (array) {
        error(at, "a row must be a JSON object ({\"start_s\": ..., \"kind\": ...})");
      } else {
        row_ = FaultRow{positions_.at(at), {}};
        row_bad_ = too_many_keys_ = false;
      }
    } else if (inRow() && !too_many_keys_) {
      const RowCell& cell = row_.cells.back();
      error(value_offset_, fmt::format("{}: must be a number, a string, true, false or null",
                                       printable(cell.name)));
      row_bad_ = true;
    }
    if (depth_ == kMaxJsonDepth) {
      error(offset() - 1, fmt::format("nesting deeper than {} levels", kMaxJsonDepth));
      return false;
    }
    ++depth_;
    row_is_object_.push_back(!array);
    return true;
  }

  bool close() {
    --depth_;
    const bool object = row_is_object_.back();
    row_is_object_.pop_back();
    if (depth_ == 1) {
      element_end_ = offset();
      if (object) {
        auto fault = buildFault(row_, file_, diagnostics_);
        if (fault && !row_bad_) faults_.push_back(std::move(*fault));
      }
    }
    return true;
  }

  std::string_view text_;
  std::string_view file_;
  std::size_t own_faults_;
  PositionFinder positions_;
  const char* reached_;
  std::size_t depth_ = 0;
  std::vector<bool> row_is_object_;  // for each open container: an object?
  std::size_t rows_ = 0;
  std::size_t element_end_ = 0;  // where the last element of the top array ended
  std::size_t value_offset_ = 0;
  FaultRow row_;
  bool row_bad_ = false;
  bool too_many_keys_ = false;
  std::vector<ImportedFault> faults_;
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace

Expected<std::vector<ImportedFault>, std::vector<Diagnostic>> readTimeline(std::string_view text,
                                                                           std::string_view file,
                                                                           TimelineFormat format,
                                                                           std::size_t own_faults) {
  if (format == TimelineFormat::kCsv) return CsvTimeline(text, file, own_faults).read();
  // Editors do not show the mark: columns count from after it, as in CSV.
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  return JsonTimeline(text, file, own_faults).read();
}

}  // namespace faultline::scenarios
