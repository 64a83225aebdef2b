#include "scenarios/rule_checker.h"

#include <cmath>

#include <fmt/format.h>

namespace faultline::scenarios {
namespace {

constexpr std::size_t kMaxLabelChars = 64;
// A message lists at most this many names, each cut to this length.
constexpr std::size_t kMaxListed = 10;
constexpr std::size_t kMaxListedNameChars = 64;

// [A-Za-z0-9._-]
bool isLabelChar(char c) {
  return isLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c == '-';
}

// Characters of UTF-8 text, counting each code point once.
std::size_t charCount(std::string_view text) {
  std::size_t count = 0;
  for (char c : text)
    count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

// Well-formed UTF-8 (RFC 3629): no stray continuation bytes, no overlong forms, no surrogates,
// nothing past U+10FFFF. Free text ends up in results, which protobuf serialises as UTF-8.
bool isValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t code_point = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    }
    if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    constexpr std::uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kMinForLength[length] || code_point > 0x10FFFF) return false;
    if (code_point >= 0xD800 && code_point <= 0xDFFF) return false;
    i += length;
  }
  return true;
}

}  // namespace

std::string formatNumber(double value) {
  if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 1e15) {
    return fmt::format("{}", static_cast<long long>(value));
  }
  return fmt::format("{}", value);
}

std::string nameList(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < kMaxListed; ++i) {
    if (i > 0) out += ", ";
    // Declared names may themselves be invalid (reported elsewhere), so cut and escape them.
    out += printable(names[i], kMaxListedNameChars);
  }
  if (names.size() > kMaxListed) out += fmt::format(", ... ({} in all)", names.size());
  return out;
}

bool isLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

void RuleChecker::report(std::string path, std::string message) {
  std::string location = source_map_.locate(path);
  diagnostics_.push_back({std::move(location), std::move(path), std::move(message)});
}

bool RuleChecker::checkNumber(const std::string& path, double value, const Bounds& bounds) {
  const std::string got = formatNumber(value);
  if (!std::isfinite(value)) {
    report(path, fmt::format("must be a finite number (got {})", got));
    return false;
  }
  if (bounds.above && !(value > *bounds.above)) {
    report(path, fmt::format("must be > {} (got {})", formatNumber(*bounds.above), got));
    return false;
  }
  if (bounds.at_least && !(value >= *bounds.at_least)) {
    report(path, fmt::format("must be >= {} (got {})", formatNumber(*bounds.at_least), got));
    return false;
  }
  if (bounds.at_most && !(value <= *bounds.at_most)) {
    report(path, fmt::format("must be <= {} (got {})", formatNumber(*bounds.at_most), got));
    return false;
  }
  if (bounds.below && !(value < *bounds.below)) {
    report(path, fmt::format("must be < {} (got {})", formatNumber(*bounds.below), got));
    return false;
  }
  return true;
}

bool RuleChecker::checkCount(const std::string& path, std::uint64_t value, std::uint64_t min,
                             std::uint64_t max) {
  if (value < min) {
    report(path, fmt::format("must be >= {} (got {})", min, value));
    return false;
  }
  if (value > max) {
    report(path, fmt::format("must be <= {} (got {})", max, value));
    return false;
  }
  return true;
}

bool RuleChecker::checkLabel(const std::string& path, std::string_view value) {
  if (value.empty()) {
    report(path, "must not be empty");
    return false;
  }
  if (value.size() > kMaxLabelChars) {
    report(path,
           fmt::format("must be at most {} characters (got {})", kMaxLabelChars, value.size()));
    return false;
  }
  if (!allOf(value, isLabelChar)) {
    report(path, fmt::format("must match [A-Za-z0-9._-]+ (got {})", quote(value)));
    return false;
  }
  return true;
}

bool RuleChecker::checkFreeText(const std::string& path, std::string_view value,
                                std::size_t max_chars) {
  if (!isValidUtf8(value)) {
    report(path, fmt::format("must be valid UTF-8 (got {})", quote(value)));
    return false;
  }
  const std::size_t chars = charCount(value);
  if (chars > max_chars) {
    report(path, fmt::format("must be at most {} characters (got {})", max_chars, chars));
    return false;
  }
  return true;
}

}  // namespace faultline::scenarios
