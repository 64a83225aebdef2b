#include "engine/live/host_port.h"

#include <charconv>

namespace faultline::live {

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

}  // namespace faultline::live
