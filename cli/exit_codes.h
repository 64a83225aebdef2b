#pragma once

namespace faultline::cli {

// What `faultline` exits with.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;   // the work could not be done (a file could not be written)
inline constexpr int kExitBadInput = 2;  // a bad scenario or argument: nothing was run or written

}  // namespace faultline::cli
