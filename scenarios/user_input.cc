#include "scenarios/user_input.h"

#include <charconv>
#include <cmath>

namespace faultline::scenarios {
namespace {

constexpr double kMaxSeconds = 30.0 * 24 * 3600;

double unitSeconds(std::string_view unit) {
  if (unit.empty() || unit == "s") return 1;
  if (unit == "ms") return 1e-3;
  if (unit == "m" || unit == "min") return 60;
  if (unit == "h") return 3600;
  if (unit == "d") return 86400;
  return 0;
}

std::string quoted(std::string_view text) {
  std::string shown = "\"";
  shown.append(text).append("\"");
  return shown;
}

}  // namespace

Expected<balancer::Duration, std::string> parseDuration(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data()) {
    return Unexpected("not a duration: " + quoted(text) + " (try 90s, 1.5m, 2h or 500ms)");
  }
  const double unit = unitSeconds(std::string_view(end, text.data() + text.size() - end));
  if (unit == 0) return Unexpected("unknown unit in " + quoted(text) + " (use ms, s, m, h or d)");
  const double seconds = value * unit;
  if (std::isnan(seconds)) return Unexpected("not a duration: " + quoted(text));
  if (seconds > kMaxSeconds) return Unexpected("longer than 30 days: " + quoted(text));
  const auto nanos = std::llround(seconds * 1e9);
  if (nanos <= 0) return Unexpected("must be positive: " + quoted(text));
  return balancer::Duration(nanos);
}

Expected<std::uint64_t, std::string> parseSeed(std::string_view text) {
  std::uint64_t seed = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seed);
  if (error == std::errc::result_out_of_range) {
    return Unexpected("larger than 18446744073709551615: " + quoted(text));
  }
  if (error != std::errc() || end != text.data() + text.size()) {
    return Unexpected("not a seed: " + quoted(text) + " (a whole number from 0 to 2^64 - 1)");
  }
  return seed;
}

}  // namespace faultline::scenarios
