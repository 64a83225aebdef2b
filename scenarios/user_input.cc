#include "scenarios/user_input.h"

#include <charconv>
#include <cmath>
#include <limits>

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

constexpr std::uint64_t kKibibyte = 1024;
constexpr std::uint64_t kMebibyte = 1024 * kKibibyte;

// 0 for a unit it does not know. No G: a proxy's limits are kilobytes and megabytes.
std::uint64_t unitBytes(std::string_view unit) {
  if (unit.empty()) return 1;
  if (unit == "k" || unit == "K") return kKibibyte;
  if (unit == "m" || unit == "M") return kMebibyte;
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

Expected<std::uint64_t, std::string> parseByteSize(std::string_view text) {
  std::uint64_t value = 0;
  const char* const last = text.data() + text.size();
  const auto [end, error] = std::from_chars(text.data(), last, value);
  if (error == std::errc::result_out_of_range) {
    return Unexpected(std::string("too large: ") + quoted(text));
  }
  if (error != std::errc() || end == text.data()) {
    return Unexpected(std::string("not a size: ") + quoted(text) + " (try 16384, 16k or 1M)");
  }
  const std::string_view unit_text(end, last - end);
  if (unit_text.starts_with('.')) {  // a fraction: "1.5k"
    return Unexpected(std::string("not a size: ") + quoted(text) +
                      " (a whole number of bytes, k or M: 1536 rather than 1.5k)");
  }
  const std::uint64_t unit = unitBytes(unit_text);
  if (unit == 0) {
    return Unexpected(std::string("unknown unit in ") + quoted(text) + " (use k or M; 1k = 1024)");
  }
  if (value > std::numeric_limits<std::uint64_t>::max() / unit) {
    return Unexpected(std::string("too large: ") + quoted(text));
  }
  return value * unit;
}

std::string formatByteSize(std::uint64_t bytes) {
  if (bytes != 0 && bytes % kMebibyte == 0) return std::to_string(bytes / kMebibyte) + "M";
  if (bytes != 0 && bytes % kKibibyte == 0) return std::to_string(bytes / kKibibyte) + "k";
  return std::to_string(bytes);
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

Expected<HostPort, std::string> parseHostPort(std::string_view text, bool allow_port_zero) {
  const auto bad = [&](const char* why) {
    std::string message = "\"";
    message += text;
    message += "\" is not HOST:PORT: ";
    message += why;
    return Unexpected(std::move(message));
  };
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("no port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad("an IPv6 address goes in brackets, as [::1]:8080");
  }
  if (host.empty()) return bad("no host");
  unsigned port = 0;
  const auto [end, error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return bad("the port must be a number from 1 to 65535");
  }
  if (port == 0 && !allow_port_zero) return bad("the port must be a number from 1 to 65535");
  return HostPort{std::string(host), static_cast<std::uint16_t>(port)};
}

}  // namespace faultline::scenarios
