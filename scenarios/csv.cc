#include "scenarios/csv.h"

#include <algorithm>

#include <fmt/format.h>

namespace faultline::scenarios::csv {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool isPadding(char c) {
  return c == ' ' || c == '\t';
}

}  // namespace

LineReader::LineReader(std::string_view text) : text_(text) {
  if (text_.starts_with(kUtf8Bom)) position_ = kUtf8Bom.size();
}

bool LineReader::next(Line& line) {
  while (position_ <= text_.size()) {
    // The text after the last '\n' is a line too (empty when the file ends with one).
    const std::size_t end = std::min(text_.find('\n', position_), text_.size());
    std::string_view text = text_.substr(position_, end - position_);
    position_ = end + 1;
    ++line_number_;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.find_first_not_of(" \t") == std::string_view::npos || text.front() == '#') continue;
    line = Line{line_number_, text};
    return true;
  }
  return false;
}

Expected<std::vector<Field>, SplitError> splitFields(std::string_view line,
                                                     std::size_t max_fields) {
  std::vector<Field> fields;
  std::size_t i = 0;
  while (true) {
    if (fields.size() == max_fields) {
      return Unexpected(SplitError{i + 1, fmt::format("more than {} fields", max_fields)});
    }
    while (i < line.size() && isPadding(line[i]))
      ++i;
    Field field{{}, i + 1};
    if (i < line.size() && line[i] == '"') {
      const std::size_t open = i++;
      while (true) {
        if (i >= line.size()) {
          return Unexpected(SplitError{
              open + 1, "a quoted field is not closed on its line (quotes inside are doubled)"});
        }
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field.text += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.text += line[i++];
      }
      while (i < line.size() && isPadding(line[i]))
        ++i;
      if (i < line.size() && line[i] != ',') {
        return Unexpected(SplitError{i + 1, "a quoted field must end at its closing quote"});
      }
    } else {
      const std::size_t comma = std::min(line.find(',', i), line.size());
      std::string_view text = line.substr(i, comma - i);
      while (!text.empty() && isPadding(text.back()))
        text.remove_suffix(1);
      field.text = text;
      i = comma;
    }
    fields.push_back(std::move(field));
    if (i >= line.size()) return fields;
    ++i;  // the comma
  }
}

}  // namespace faultline::scenarios::csv
