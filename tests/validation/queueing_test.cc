// The simulator against the closed-form results of ../shared/reference/validation.md, through the
// path a user takes: an ordinary scenario file (tests/validation/scenarios/), the loader, the
// engine with the real balancer core, and the results it writes. replications.h has the method:
// 8 seeds, warm-up left out, a Student-t interval at 99.9% that must contain the analytic value
// and be narrower than a few percent of it.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "engine/sim/simulation.h"
#include "scenarios/loader.h"
#include "tests/validation/replications.h"

namespace faultline::validation {
namespace {

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
