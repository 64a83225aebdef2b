#pragma once

#include <cstdint>

namespace faultline::live {

// Raises this process's limit on open descriptors to its hard limit, as HAProxy raises it to fit
// its maxconn: Linux's default soft limit is 1024, and a live run holds four descriptors per
// request in flight (both ends of the client's connection and of the upstream one). Returns the
// limit in force afterwards (the old one if it could not be raised).
std::uint64_t raiseDescriptorLimit();

}  // namespace faultline::live
