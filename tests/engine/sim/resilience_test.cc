// The balancer's resilience mechanisms, end to end through scenarios: retries, per-try timeouts,
// hedging, outlier detection, circuit breakers and retry budgets, rate limiting, admission
// control and adaptive concurrency, each on a scenario whose outcome is known.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "tests/engine/sim/world_test_support.h"

namespace faultline::sim {
namespace {

using testing::simulateText;

// Four hosts that fail half of their requests with a 500, no health checks.
const std::string kFlaky = R"pb(
  name: "flaky"
  duration_s: 100
  seed: 9
  regions {
    name: "r0"
    backends {
      group: "api"
      count: 4
      workers: 8
      error_probability: 0.5
      service_time { exponential { mean_ms: 5 } }
    }
    clients { rate_rps: 200 timeout_ms: 2000 }
  }
  balancer {
    strategy: "round-robin"
    health_check { enabled: false }
    locality { failover: LOCAL_ONLY }
  }
)pb";

std::string withBalancer(const std::string& text, const std::string& extra) {
  std::string out = text;
  out.replace(out.find("locality { failover: LOCAL_ONLY }"), 33,
              "locality { failover: LOCAL_ONLY } " + extra);
  return out;
}

TEST(Resilience, RetriesTurnIndependentFailuresIntoRareOnes) {
  const auto plain = simulateText(kFlaky);
  const auto retried = simulateText(withBalancer(kFlaky, "retry { num_retries: 3 }"));
  const double n = static_cast<double>(retried.summary().requests_total());
  // Each try fails with probability 1/2, independently: 1/16 of requests fail all four.
  EXPECT_NEAR(plain.summary().availability(), 0.5, 5 * std::sqrt(0.25 / n));
  EXPECT_NEAR(retried.summary().availability(), 1 - 1.0 / 16, 5 * std::sqrt(0.0586 / n));
  // Expected tries per request: 1 + 1/2 + 1/4 + 1/8.
  const double tries_per_request = static_cast<double>(retried.summary().tries()) / n;
  EXPECT_NEAR(tries_per_request, 1.875, 0.03);
  EXPECT_EQ(retried.summary().retries(),
            retried.summary().tries() - retried.summary().requests_total());
  EXPECT_EQ(plain.summary().retries(), 0);
}

TEST(Resilience, ARetryOnAnotherHostGetsAroundACrashedOne) {
  const std::string two_hosts = R"pb(
    name: "crash-retry"
    duration_s: 30
    seed: 2
    regions {
      name: "r0"
      backends {
        group: "api"
        count: 2
        workers: 8
        service_time { constant { value_ms: 5 } }
      }
      clients { rate_rps: 100 timeout_ms: 1000 }
    }
    balancer {
      strategy: "round-robin"
      health_check { enabled: false }
      locality { failover: LOCAL_ONLY }
    }
    faults {
      host_crash { hosts { region: "r0" count: 1 } }
      start_s: 0
    }
  )pb";
  const auto plain = simulateText(two_hosts);
  const auto retried = simulateText(
      withBalancer(two_hosts, "retry { retry_on: [CONNECT_FAILURE] retry_other_hosts: true }"));
  EXPECT_NEAR(plain.summary().availability(), 0.5, 0.05);  // round robin: every other request
  EXPECT_EQ(retried.summary().requests_failed(), 0);
  EXPECT_GT(retried.summary().retries(), 1000);
}

TEST(Resilience, PreviousPrioritiesNeverRefusesWhileALevelCanServe) {
  // Region b is dark from the start, so region a is the only level with healthy hosts and 30% of
  // its answers are errors. A retry that leaves out the levels tried has nothing else to go to:
  // Envoy then forgets the levels tried, and the retry goes back to region a. Each request fails
  // only when all three tries fail: 0.3^3.
  const std::string dark_failover = R"pb(
    name: "previous-priorities"
    duration_s: 60
    seed: 6
    regions {
      name: "a"
      backends {
        group: "api"
        count: 4
        workers: 8
        error_probability: 0.3
        service_time { constant { value_ms: 2 } }
      }
      clients { rate_rps: 200 timeout_ms: 2000 }
    }
    regions {
      name: "b"
      backends {
        group: "api"
        count: 4
        workers: 8
        service_time { constant { value_ms: 2 } }
      }
    }
    network { links { from: "a" to: "b" one_way_ms: 10 } }
    balancer {
      strategy: "round-robin"
      health_check { interval_ms: 500 unhealthy_threshold: 1 }
      locality {
        failover: BY_ORDER
        order: [ "a", "b" ]
      }
    }
    faults {
      region_outage { region: "b" }
      start_s: 0
    }
  )pb";
  const std::string retry = "retry { num_retries: 2 retry_other_priorities: true }";
  std::string text = dark_failover;
  text.replace(text.find("locality {"), 10, retry + " locality {");
  const auto result = simulateText(text);
  const double n = static_cast<double>(result.summary().requests_total());
  EXPECT_EQ(result.summary().failures().no_healthy_host(), 0);
  EXPECT_NEAR(result.summary().availability(), 1 - 0.027, 5 * std::sqrt(0.027 * 0.973 / n));
}

TEST(Resilience, APerTryTimeoutMovesASlowRequestToAnotherHost) {
  const std::string slow_and_fast = R"pb(
    name: "per-try"
    duration_s: 30
    seed: 4
    regions {
      name: "r0"
      backends {
        group: "slow"
        count: 1
        workers: 100
        service_time { constant { value_ms: 900 } }
      }
      backends {
        group: "fast"
        count: 1
        workers: 100
        service_time { constant { value_ms: 5 } }
      }
      clients { rate_rps: 100 timeout_ms: 2000 }
    }
    network { intra_region_ms: 0 }
    balancer {
      strategy: "round-robin"
      health_check { enabled: false }
      locality { failover: LOCAL_ONLY }
    }
  )pb";
  const auto result = simulateText(
      withBalancer(slow_and_fast, "retry { per_try_timeout_ms: 50 retry_other_hosts: true }"));
  EXPECT_EQ(result.summary().requests_failed(), 0);
  // Half the requests start on the slow host, give up after 50 ms and retry on the fast one.
  EXPECT_LT(result.summary().latency_ms().max(), 50 + 25 + 5 + 1);
  EXPECT_GT(result.summary().latency_ms().p90(), 50.0);
}

// Log-normal service with a heavy tail: the slowest few percent dominate the p99.
const std::string kHeavyTail = R"pb(
  name: "heavy-tail"
  duration_s: 60
  seed: 6
  regions {
    name: "r0"
    backends {
      group: "api"
      count: 10
      workers: 16
      service_time { lognormal { mean_ms: 10 stddev_ms: 40 } }
    }
    clients { rate_rps: 500 timeout_ms: 5000 }
  }
  balancer {
    strategy: "least-request"
    health_check { enabled: false }
    locality { failover: LOCAL_ONLY }
  }
)pb";

TEST(Resilience, HedgingCutsTheTail) {
  const auto plain = simulateText(kHeavyTail);
  const auto hedged = simulateText(withBalancer(kHeavyTail, "retry { hedge { delay_ms: 30 } }"));
  EXPECT_GT(hedged.summary().hedges(), 0);
  EXPECT_LT(hedged.summary().latency_ms().p99(), 0.6 * plain.summary().latency_ms().p99());
  EXPECT_EQ(hedged.summary().requests_failed(), 0);
}

TEST(Resilience, AHedgeIsARetryAndNeedsOneLeftAndARetrySlot) {
  // As in Envoy: a hedge counts against num_retries and takes a slot from the retry budget.
  const auto no_retries_left =
      simulateText(withBalancer(kHeavyTail, "retry { num_retries: 0 hedge { delay_ms: 30 } }"));
  EXPECT_EQ(no_retries_left.summary().hedges(), 0);
  const auto no_budget = simulateText(
      withBalancer(kHeavyTail,
                   "retry { hedge { delay_ms: 30 } } circuit_breakers { retry_budget { "
                   "budget_percent: 0 min_retry_concurrency: 0 } }"));
  EXPECT_EQ(no_budget.summary().hedges(), 0);
  const auto hedged = simulateText(
      withBalancer(kHeavyTail, "retry { num_retries: 3 hedge { delay_ms: 30 max_hedges: 3 } }"));
  EXPECT_GT(hedged.summary().hedges(), 0);
  EXPECT_EQ(hedged.summary().tries(), hedged.summary().requests_total() +
                                          hedged.summary().retries() + hedged.summary().hedges());
}

TEST(Resilience, AdaptiveHedgingHedgesAboutTheShareAboveItsPercentile) {
  const auto hedged = simulateText(withBalancer(kHeavyTail, "retry { hedge { percentile: 90 } }"));
  const double share = static_cast<double>(hedged.summary().hedges()) /
                       static_cast<double>(hedged.summary().requests_total());
  // About the slowest 10% wait past the observed p90; the estimate lags and its 5% buckets
  // round up, so the share lands a little under 10%.
  EXPECT_GT(share, 0.04);
  EXPECT_LT(share, 0.12);
}

TEST(Resilience, OutlierDetectionEjectsAHostThatFailsWhilePassingItsChecks) {
  // One host of ten answers every request with a 500, yet passes its health probes (injected
  // errors do not touch probes): only outlier detection can catch it.
  const std::string gray = R"pb(
    name: "gray"
    duration_s: 60
    seed: 5
    regions {
      name: "r0"
      backends {
        group: "api"
        count: 10
        workers: 8
        service_time { exponential { mean_ms: 5 } }
      }
      clients { rate_rps: 500 timeout_ms: 1000 }
    }
    balancer {
      strategy: "round-robin"
      locality { failover: LOCAL_ONLY }
      health_check { interval_ms: 60000 }
    }
    faults {
      errors {
        hosts { region: "r0" count: 1 }
        probability: 1
      }
      start_s: 0
    }
  )pb";
  const auto ejections = [](const results::RunResult& result) {
    int count = 0;
    for (const auto& event : result.events()) {
      if (event.kind() == results::Event::HOST_MARKED_DOWN) ++count;
    }
    return count;
  };
  const auto plain = simulateText(gray);
  EXPECT_NEAR(plain.summary().availability(), 0.9, 0.01);
  EXPECT_EQ(ejections(plain), 0);
  // Ejected after five failures in a row, for the whole run.
  const auto kept_out = simulateText(
      withBalancer(gray,
                   "outlier_detection { base_ejection_time_ms: 120000 max_ejection_time_ms: 120000 "
                   "successful_active_health_check_uneject_host: false }"));
  EXPECT_EQ(ejections(kept_out), 1);
  EXPECT_EQ(kept_out.summary().requests_failed(), 5);
  // Envoy's default: a passing active check un-ejects the host at once, and it fails five more
  // requests before it is ejected again.
  const auto let_back = simulateText(withBalancer(
      gray, "outlier_detection { base_ejection_time_ms: 120000 max_ejection_time_ms: 120000 }"));
  EXPECT_EQ(ejections(let_back), 2);
  EXPECT_EQ(let_back.summary().requests_failed(), 10);
}

// One host of 500 requests/s capacity under 900 requests/s: every request queues and times out.
const std::string kOverloaded = R"pb(
  name: "overloaded"
  duration_s: 60
  seed: 3
  regions {
    name: "r0"
    backends {
      group: "api"
      count: 1
      workers: 5
      queue_limit: 1000
      service_time { constant { value_ms: 10 } }
    }
    clients { rate_rps: 900 timeout_ms: 200 }
  }
  balancer {
    strategy: "round-robin"
    health_check { enabled: false }
    locality { failover: LOCAL_ONLY }
  }
)pb";

TEST(Resilience, CircuitBreakersRefuseBeyondMaxRequests) {
  const auto result =
      simulateText(withBalancer(kOverloaded, "circuit_breakers { max_requests: 20 }"));
  EXPECT_GT(result.summary().failures().circuit_open(), 10'000);
  // With no more than 20 requests out, no request waits behind more than 15 others: no timeouts.
  EXPECT_EQ(result.summary().failures().timeout(), 0);
}

TEST(Resilience, ARetryBudgetBoundsTheRetriesOfAnOverload) {
  const std::string retrying = withBalancer(kOverloaded, "retry { num_retries: 3 }");
  const auto unbounded =
      simulateText(withBalancer(retrying.substr(0), "circuit_breakers { max_retries: 100000 }"));
  const auto budgeted = simulateText(withBalancer(
      retrying,
      "circuit_breakers { retry_budget { budget_percent: 20 min_retry_concurrency: 3 } }"));
  const auto ratio = [](const results::RunResult& r) {
    return static_cast<double>(r.summary().retries()) / static_cast<double>(r.summary().tries());
  };
  // Without a budget nearly every timed-out request is retried three times.
  EXPECT_GT(ratio(unbounded), 0.5);
  // With it, retries stay near a fifth of what is active.
  EXPECT_LT(ratio(budgeted), 0.25);
}

TEST(Resilience, TheLocalRateLimitLetsItsRateThrough) {
  const auto result = simulateText(
      withBalancer(kFlaky, "local_rate_limit { max_tokens: 50 fill_interval_ms: 1000 }"));
  // 200 requests/s against 50 tokens a second: about three quarters are refused with 429.
  const double refused = static_cast<double>(result.summary().failures().rate_limited()) /
                         static_cast<double>(result.summary().requests_total());
  EXPECT_NEAR(refused, 0.75, 0.02);
}

TEST(Resilience, AdmissionControlShedsWhenMostRequestsFail) {
  std::string failing = kFlaky;
  failing.replace(failing.find("error_probability: 0.5"), 22, "error_probability: 0.9");
  const auto result = simulateText(withBalancer(failing, "admission_control { }"));
  // Of the requests let through, 10% succeed: (n - s / 0.95) / (n + 1) is about 0.89, above the
  // 80% cap (max_rejection_probability), so after the first window's ramp 80% are shed. The
  // tolerance covers the ramp (under 1% of the run) and the binomial spread (0.3%).
  const double shed = static_cast<double>(result.summary().failures().load_shed()) /
                      static_cast<double>(result.summary().requests_total());
  EXPECT_NEAR(shed, 0.80, 0.02);
}

TEST(Resilience, AdaptiveConcurrencyShedsWhenLatencyClimbs) {
  const auto result = simulateText(withBalancer(kOverloaded, "adaptive_concurrency { }"));
  EXPECT_GT(result.summary().failures().load_shed(), 1000);
  // Shedding keeps the queue short: far fewer timeouts than the 400-odd a second unprotected.
  EXPECT_LT(result.summary().failures().timeout(), 60 * 50);
}

}  // namespace
}  // namespace faultline::sim
