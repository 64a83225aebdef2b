#pragma once

#include <string>
#include <vector>

#include "reports/results.pb.h"

namespace faultline::reports {

// The same scenario simulated and run live, side by side: the lab's trust check. Each row is a
// figure of both runs and their difference; the checks are the tolerances live mode is held to
// (success rate within 1 percentage point, median latency within 10%).
struct FidelityRow {
  std::string figure;
  std::string sim;
  std::string live;
  std::string difference;
};

struct FidelityCheck {
  std::string what;
  bool held = false;
};

struct Fidelity {
  std::vector<FidelityRow> rows;
  std::vector<FidelityCheck> checks;
  bool held() const;
};

Fidelity compareFidelity(const results::RunResult& sim, const results::RunResult& live);

// The comparison as the terminal prints it.
std::string renderFidelity(const results::RunResult& sim, const results::RunResult& live,
                           const Fidelity& fidelity);

}  // namespace faultline::reports
