// The simulator against the closed-form results of ../shared/reference/validation.md, through the
// path a user takes: an ordinary scenario file (tests/validation/scenarios/), the loader, the
// engine with the real balancer core, and the results it writes.
//
// Method: each scenario runs as 8 independent replications (seeds 1..8, on as many threads as the
// machine has), with the first 20 s left out of the summary as warm-up. The mean of the 8 run
// means gets a Student-t interval at 99.9%: the analytic value must lie inside it, and the
// interval must be narrower than a few percent of the value, so that passing means something.
// 99.9% rather than 95% because the suite makes some twenty such checks: at 95% one of them would
// fail by chance every other time the random streams change.
#include <gtest/gtest.h>

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "engine/sim/simulation.h"
#include "scenarios/loader.h"

namespace faultline::validation {
namespace {

constexpr int kReplications = 8;
constexpr double kConfidence = 0.999;

std::string scenarioFile(const std::string& name) {
  return std::string(FAULTLINE_VALIDATION_SCENARIOS) + "/" + name + ".textproto";
}

using Runs = std::vector<results::RunResult>;

// The results of every replication.
Runs replicate(const std::string& name) {
  auto loaded = scenarios::loadScenarioFile(scenarioFile(name));
  EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().toString());
  if (!loaded) return {};
  std::vector<results::RunResult> runs(kReplications);
  std::vector<std::thread> threads;
  const unsigned parallel = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned first = 0; first < kReplications; first += parallel) {
    for (unsigned r = first; r < std::min<unsigned>(first + parallel, kReplications); ++r) {
      threads.emplace_back([&, r] {
        sim::RunOverrides overrides;
        overrides.seed = r + 1;
        auto result = sim::simulateScenario(loaded->scenario, overrides);
        if (result) runs[r] = std::move(*result);
      });
    }
    for (auto& thread : threads)
      thread.join();
    threads.clear();
  }
  return runs;
}

// One figure from each replication.
std::vector<double> figures(const Runs& runs,
                            const std::function<double(const results::RunResult&)>& figure) {
  std::vector<double> values;
  for (const auto& run : runs)
    values.push_back(figure(run));
  return values;
}

struct Interval {
  double mean;
  double half_width;
};

Interval confidenceInterval(const std::vector<double>& values) {
  const double n = static_cast<double>(values.size());
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  double squares = 0;
  for (double v : values)
    squares += (v - mean) * (v - mean);
  const double standard_error = std::sqrt(squares / (n - 1) / n);
  const boost::math::students_t t(n - 1);
  const double quantile = boost::math::quantile(t, 1 - (1 - kConfidence) / 2);
  return {mean, quantile * standard_error};
}

// The analytic value lies in the interval, and the interval is at most `precision` (relative)
// wide on each side.
void expectConsistent(const std::vector<double>& values, double expected, double precision,
                      const std::string& what) {
  ASSERT_EQ(values.size(), static_cast<std::size_t>(kReplications));
  const auto ci = confidenceInterval(values);
  EXPECT_NEAR(ci.mean, expected, ci.half_width)
      << what << ": analytic " << expected << " outside the " << kConfidence * 100 << "% interval "
      << ci.mean << " ± " << ci.half_width;
  EXPECT_LT(ci.half_width, precision * expected)
      << what << ": the interval is too wide to tell (" << ci.half_width << ")";
  std::printf("  %-10s simulated %.5f ± %.5f (%.2f%%), analytic %.5f, off by %+.2f%%\n",
              what.c_str(), ci.mean, ci.half_width, 100 * ci.half_width / expected, expected,
              100 * (ci.mean - expected) / expected);
}

// Erlang C: the probability that an arrival waits in M/M/c with offered load a = lambda / mu.
double erlangC(int c, double a) {
  double term = 1;  // a^k / k!
  double sum = 0;
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double top = term * c / (c - a);  // a^c / c! * c / (c - a)
  return top / (sum + top);
}

// Erlang B: the blocking probability of M/M/c/c.
double erlangB(int c, double a) {
  double b = 1;
  for (int k = 1; k <= c; ++k)
    b = a * b / (k + a * b);
  return b;
}

double meanLatencyMs(const results::RunResult& r) {
  return r.summary().latency_ms().mean();
}
double meanWaitMs(const results::RunResult& r) {
  return r.summary().queue_wait_ms().mean();
}
double concurrency(const results::RunResult& r) {
  return r.summary().concurrency();
}

template <typename Case>
std::string scenarioName(const ::testing::TestParamInfo<Case>& param) {
  std::string name = param.param.scenario;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

TEST(ClosedForms, MatchTheTableOfTheReference) {
  EXPECT_NEAR(erlangC(2, 1.5), 0.642857, 1e-6);
  EXPECT_NEAR(erlangC(5, 4), 0.554113, 1e-6);
  EXPECT_NEAR(erlangC(10, 8), 0.409180, 1e-6);
  EXPECT_NEAR(erlangC(10, 9), 0.668732, 1e-6);
  EXPECT_NEAR(erlangB(5, 4), 0.199067, 1e-6);
}

// M/M/1 with mu = 1/ms: W = 1 / (mu - lambda), Wq = rho W, L = rho / (1 - rho).
struct MM1Case {
  const char* scenario;
  double rho;
  double precision;
};

class MM1 : public ::testing::TestWithParam<MM1Case> {};

TEST_P(MM1, MeanTimeInSystemMeanWaitAndMeanNumberInSystem) {
  const auto& c = GetParam();
  const double w = 1.0 / (1.0 - c.rho);
  const auto runs = replicate(c.scenario);
  expectConsistent(figures(runs, meanLatencyMs), w, c.precision, "W");
  expectConsistent(figures(runs, meanWaitMs), c.rho * w, c.precision, "Wq");
  expectConsistent(figures(runs, concurrency), c.rho / (1 - c.rho), c.precision, "L");
}

INSTANTIATE_TEST_SUITE_P(Validation, MM1,
                         ::testing::Values(MM1Case{"mm1-rho05", 0.5, 0.03},
                                           MM1Case{"mm1-rho08", 0.8, 0.03},
                                           MM1Case{"mm1-rho09", 0.9, 0.04}),
                         scenarioName<MM1Case>);

// M/M/c with mu = 1/ms: Wq = C(c, a) / (c mu - lambda), W = Wq + 1/mu.
struct MMcCase {
  const char* scenario;
  int servers;
  double offered_load;  // a = lambda / mu
};

class MMc : public ::testing::TestWithParam<MMcCase> {};

TEST_P(MMc, ErlangCMeanWaitAndTimeInSystem) {
  const auto& c = GetParam();
  const double wq = erlangC(c.servers, c.offered_load) / (c.servers - c.offered_load);
  const auto runs = replicate(c.scenario);
  expectConsistent(figures(runs, meanWaitMs), wq, 0.04, "Wq");
  expectConsistent(figures(runs, meanLatencyMs), wq + 1.0, 0.015, "W");
}

INSTANTIATE_TEST_SUITE_P(Validation, MMc,
                         ::testing::Values(MMcCase{"mmc-c2-rho075", 2, 1.5},
                                           MMcCase{"mmc-c5-rho08", 5, 4.0},
                                           MMcCase{"mmc-c10-rho08", 10, 8.0},
                                           MMcCase{"mmc-c10-rho09", 10, 9.0}),
                         scenarioName<MMcCase>);

// Pollaczek-Khinchine: Wq = rho tau / (2 (1 - rho)) (1 + sigma^2 / tau^2), at rho 0.8, tau 1 ms.
TEST(MG1, DeterministicServiceHalvesTheExponentialWait) {
  const auto runs = replicate("md1-rho08");
  expectConsistent(figures(runs, meanWaitMs), 2.0, 0.02, "M/D/1 Wq");
  expectConsistent(figures(runs, meanLatencyMs), 3.0, 0.02, "M/D/1 W");
}

TEST(MG1, AVariableBackendWaitsLinearlyLonger) {
  // Squared coefficient of variation 4: Wq = 2 * (1 + 4) = 10 ms. The log-normal's heavy tail
  // makes this the noisiest estimate of the suite, hence the wider precision bound.
  expectConsistent(figures(replicate("mg1-scv4-rho08"), meanWaitMs), 10.0, 0.06, "M/G/1 Wq");
}

TEST(ErlangB, ALossSystemBlocksTheShareErlangPredicts) {
  const auto blocked = [](const results::RunResult& r) {
    return static_cast<double>(r.summary().failures().rejected()) /
           static_cast<double>(r.summary().requests_total());
  };
  expectConsistent(figures(replicate("mmcc-c5-a4"), blocked), erlangB(5, 4.0), 0.01, "blocking");
}

// Little's law, L = lambda W, in every window after the warm-up of one run. Requests spanning a
// window's edges make it hold only approximately in a window: with 10 s windows and W = 5 ms the
// edge effect is far below the 2% allowed.
TEST(LittlesLaw, HoldsInEveryStableWindow) {
  auto loaded = scenarios::loadScenarioFile(scenarioFile("mm1-rho08"));
  ASSERT_TRUE(loaded);
  auto result = sim::simulateScenario(loaded->scenario, {});
  ASSERT_TRUE(result);
  int checked = 0;
  for (const auto& window : result->windows()) {
    if (window.start_s() < 20 || window.end_s() > 1270) continue;
    const double throughput = static_cast<double>(window.requests()) /
                              (window.end_s() - window.start_s()) / 1000.0;  // per ms
    const double l = throughput * window.latency_ms().mean();
    EXPECT_NEAR(window.concurrency(), l, 0.02 * l) << "window at " << window.start_s() << " s";
    ++checked;
  }
  EXPECT_EQ(checked, 125);
}

}  // namespace
}  // namespace faultline::validation
