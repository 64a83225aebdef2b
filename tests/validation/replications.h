// How the validation tests run a scenario and judge a figure against a closed form.
//
// Method: each scenario runs as kReplications independent replications (seeds 1..8, on as many
// threads as the machine has), with the scenario's warm-up left out of the summary. The mean of
// the run means gets a Student-t interval at 99.9%: the analytic value must lie inside it (or, for
// a limit the simulated system only approaches, the interval must lie within a stated tolerance of
// it), and the interval must be narrower than a few percent of the value, so that passing means
// something. 99.9% rather than 95% because the suite makes some thirty such checks: at 95% one of
// them would fail by chance every other time the random streams change.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/sim/simulation.h"

namespace faultline::validation {

inline constexpr int kReplications = 8;
inline constexpr double kConfidence = 0.999;

// tests/validation/scenarios/<name>.textproto
std::string scenarioFile(const std::string& name);

using Runs = std::vector<results::RunResult>;

// The results of every replication of the scenario file `name`; replication r runs with seed
// r + 1 and otherwise `overrides` (a strategy, say: the same seeds then give both strategies the
// same arrivals and service demands).
Runs replicate(const std::string& name, sim::RunOverrides overrides = {});

// One figure from each replication.
std::vector<double> figures(const Runs& runs,
                            const std::function<double(const results::RunResult&)>& figure);

struct Interval {
  double mean;
  double half_width;
};

// The Student-t interval at kConfidence around the mean of `values`.
Interval confidenceInterval(const std::vector<double>& values);

// The analytic value lies in the interval, and the interval is at most `precision` (relative)
// wide on each side.
void expectConsistent(const std::vector<double>& values, double expected, double precision,
                      const std::string& what);

// For a value the model reaches only in a limit: the whole interval lies within `tolerance`
// (relative) of `limit`, and is at most `precision` (relative) wide on each side.
void expectWithin(const std::vector<double>& values, double limit, double tolerance,
                  double precision, const std::string& what);

}  // namespace faultline::validation
