#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "balancer/expected.h"

namespace faultline::live {

struct HostPort {
  std::string host;  // a name or an address literal, brackets removed for IPv6
  std::uint16_t port = 0;
};

// "10.0.0.7:8080", "[::1]:8080", "api.internal:80". The error says what is wrong with it.
// `allow_port_zero`: a listen address may ask the OS for a port.
Expected<HostPort, std::string> parseHostPort(std::string_view text, bool allow_port_zero);

}  // namespace faultline::live
