#pragma once

#include <ostream>

namespace faultline::cli {

// The `faultline` command: parses the arguments and runs the subcommand. Output goes to `out`
// and `err` (tests pass string streams). Exit codes are in cli/exit_codes.h.
int runMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace faultline::cli
