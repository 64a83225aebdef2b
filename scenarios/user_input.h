#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "balancer/expected.h"
#include "balancer/time.h"

namespace faultline::scenarios {

// A duration as people write it on a command line: "90s", "1.5m", "2h", "1d", "500ms", or a bare
// number of seconds. At least 1 ns once rounded, at most 30 days (the longest scenario).
Expected<balancer::Duration, std::string> parseDuration(std::string_view text);

// A size in bytes as people write it on a command line: "16384", "16k" or "16K", "8m" or "8M",
// with the binary meaning (1k = 1024, 1M = 1024 * 1024), as HAProxy's and nginx's sizes. A whole
// number, no sign, no spaces; 0 is a size (the caller says whether it makes sense).
Expected<std::uint64_t, std::string> parseByteSize(std::string_view text);

// A size as parseByteSize reads it back, in the largest unit that divides it: "16k", "8M", "1000".
std::string formatByteSize(std::uint64_t bytes);

// A seed: a decimal number from 0 to 2^64 - 1, nothing else (no sign, no octal or hex prefix:
// "010" is ten).
Expected<std::uint64_t, std::string> parseSeed(std::string_view text);

struct HostPort {
  std::string host;  // a name or an address literal, brackets removed for IPv6
  std::uint16_t port = 0;
};

// "10.0.0.7:8080", "[::1]:8080", "api.internal:80". The error says what is wrong with it.
// `allow_port_zero`: a listen address may ask the OS for a port.
Expected<HostPort, std::string> parseHostPort(std::string_view text, bool allow_port_zero);

}  // namespace faultline::scenarios
