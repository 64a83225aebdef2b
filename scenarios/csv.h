#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "balancer/expected.h"

// The CSV conventions the loader's importers share (a trace's rates, an incident timeline): a
// header row, then one record per line; blank lines and lines starting with '#' are skipped; a
// line may end in CRLF; a UTF-8 byte-order mark at the start is ignored; fields are separated by
// commas and may be padded with spaces or tabs. A field may be quoted as RFC 4180 says
// ("a, b" and "say ""hi""") but must not span lines.
namespace faultline::scenarios::csv {

// One line that holds a record, with its 1-based number in the file.
struct Line {
  std::size_t number = 0;
  std::string_view text;  // without the line break
};

// Walks the lines of a CSV text that hold records.
class LineReader {
 public:
  explicit LineReader(std::string_view text);

  // The next record line, or false at the end.
  bool next(Line& line);
  // The number of the last line looked at (records, blanks and comments alike); 0 before any.
  std::size_t lastLineNumber() const { return line_number_; }

 private:
  std::string_view text_;
  std::size_t position_ = 0;
  std::size_t line_number_ = 0;
};

struct Field {
  std::string text;        // padding and quotes removed
  std::size_t column = 0;  // 1-based byte column of its first character (the quote, if quoted)
};

// Why a line could not be split, and where (1-based byte column).
struct SplitError {
  std::size_t column = 0;
  std::string message;
};

// The fields of one record line. More than `max_fields` fields is an error rather than a huge
// allocation: a line of a large untrusted file may hold millions of commas.
Expected<std::vector<Field>, SplitError> splitFields(std::string_view line, std::size_t max_fields);

}  // namespace faultline::scenarios::csv
