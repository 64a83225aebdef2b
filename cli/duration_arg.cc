#include "cli/duration_arg.h"

#include <charconv>
#include <cmath>

namespace faultline::cli {
namespace {

constexpr double kMaxSeconds = 30.0 * 24 * 3600;

double unitSeconds(std::string_view unit) {
  if (unit.empty() || unit == "s") return 1;
  if (unit == "ms") return 1e-3;
  if (unit == "m" || unit == "min") return 60;
  if (unit == "h") return 3600;
  return 0;
}

}  // namespace

Expected<balancer::Duration, std::string> parseDuration(std::string_view text) {
  std::string shown = "\"";
  shown.append(text).append("\"");
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data()) {
    return Unexpected("not a duration: " + shown + " (try 90s, 1.5m, 2h or 500ms)");
  }
  const double unit = unitSeconds(std::string_view(end, text.data() + text.size() - end));
  if (unit == 0) return Unexpected("unknown unit in " + shown + " (use ms, s, m or h)");
  const double seconds = value * unit;
  if (!std::isfinite(seconds) || seconds <= 0) return Unexpected("must be positive: " + shown);
  if (seconds > kMaxSeconds) return Unexpected("longer than 30 days: " + shown);
  return balancer::Duration(std::llround(seconds * 1e9));
}

}  // namespace faultline::cli
