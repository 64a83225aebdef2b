#include "scenarios/diagnostic.h"

#include <fmt/format.h>

namespace faultline::scenarios {
namespace {

// Longer values are cut in messages: the point is to recognise the value, not to echo a
// megabyte of it.
constexpr std::size_t kMaxQuotedChars = 80;

void appendPrintable(std::string& out, char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7f) {
    out += c;
    return;
  }
  if (c == '\n') {
    out += "\\n";
    return;
  }
  if (c == '\t') {
    out += "\\t";
    return;
  }
  out += fmt::format("\\x{:02x}", byte);
}

}  // namespace

std::string Diagnostic::toString() const {
  std::string out = location;
  if (!path.empty()) {
    if (!out.empty()) out += ": ";
    out += path;
  }
  if (!out.empty()) out += ": ";
  out += message;
  return out;
}

std::string LoadError::toString() const {
  std::string out;
  for (const Diagnostic& diagnostic : diagnostics) {
    if (!out.empty()) out += '\n';
    out += diagnostic.toString();
  }
  return out;
}

std::string quote(std::string_view value) {
  const bool cut = value.size() > kMaxQuotedChars;
  if (cut) value = value.substr(0, kMaxQuotedChars);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    appendPrintable(out, c);
  }
  out += cut ? "\"..." : "\"";
  return out;
}

std::string printable(std::string_view text, std::size_t max_chars) {
  const bool cut = text.size() > max_chars;
  if (cut) text = text.substr(0, max_chars);
  std::string out;
  out.reserve(text.size());
  for (char c : text)
    appendPrintable(out, c);
  if (cut) out += "...";
  return out;
}

}  // namespace faultline::scenarios
