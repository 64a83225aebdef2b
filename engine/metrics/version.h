#pragma once

namespace faultline::metrics {

// Written into every results file, so a file says which Faultline produced it.
inline constexpr const char* kVersion = FAULTLINE_VERSION;

}  // namespace faultline::metrics
