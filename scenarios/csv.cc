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
    // Lines end in LF, CRLF or a lone CR (old Mac files); the text after the last break is a line
    // too (empty when the file ends with one).
    const std::size_t end = std::min(text_.find_first_of("\r\n", position_), text_.size());
    const std::string_view text = text_.substr(position_, end - position_);
    const bool crlf = end + 1 < text_.size() && text_[end] == '\r' && text_[end + 1] == '\n';
    position_ = end + (crlf ? 2 : 1);
    ++line_number_;
    const std::size_t first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos || text[first] == '#') continue;
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
