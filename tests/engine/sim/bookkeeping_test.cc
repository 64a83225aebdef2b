// Every count the balancers keep comes back to zero once the run is over, whatever ended each
// request: answers, errors, refusals, resets, per-try and client timeouts, retries abandoned in
// their backoff, hedges cancelled, requests cut off at the drain limit. A count that leaks skews
// every decision that reads it (least request, circuit breakers, budgets, concurrency limits).
#include <gtest/gtest.h>

#include <string>

#include "engine/metrics/observer.h"
#include "engine/sim/world.h"
#include "engine/sim/world_builder.h"
#include "tests/engine/sim/world_test_support.h"

namespace faultline::sim {
namespace {

// Two regions, a crash and a blackout, errors and slow hosts, and every mechanism at once.
const std::string kEverything = R"pb(
  name: "bookkeeping"
  duration_s: 30
  seed: 12
  regions {
    name: "a"
    zones: [ "x", "y" ]
    backends {
      group: "api"
      count: 6
      workers: 2
      queue_limit: 20
      error_probability: 0.1
      service_time { lognormal { mean_ms: 8 stddev_ms: 20 } }
    }
    clients { rate_rps: 900 timeout_ms: 300 }
  }
  regions {
    name: "b"
    backends {
      group: "api"
      count: 4
      workers: 2
      service_time { exponential { mean_ms: 5 } }
    }
    clients { rate_rps: 200 timeout_ms: 0 }
  }
  network { links { from: "a" to: "b" one_way_ms: 20 jitter_ms: 5 } }
  balancer {
    strategy: "STRATEGY"
    health_check { interval_ms: 500 unhealthy_threshold: 2 healthy_threshold: 1 }
    retry {
      retry_on: [ FIVE_XX ]
      num_retries: 3
      per_try_timeout_ms: 60
      retry_other_hosts: true
      retry_other_priorities: true
      hedge { delay_ms: 40 max_hedges: 2 }
    }
    outlier_detection { interval_ms: 1000 consecutive_5xx: 3 }
    circuit_breakers {
      max_requests: 60
      retry_budget { budget_percent: 30 }
    }
    local_rate_limit { max_tokens: 500 tokens_per_fill: 50 fill_interval_ms: 50 }
    admission_control { sampling_window_s: 5 }
    adaptive_concurrency { concurrency_update_interval_ms: 200 min_rtt_interval_s: 5 }
  }
  faults {
    host_crash { hosts { region: "a" count: 2 } }
    start_s: 5
    end_s: 12
  }
  faults {
    region_outage { region: "b" }
    start_s: 15
    end_s: 20
  }
  faults {
    latency {
      hosts { region: "a" count: 1 }
      latency_ms: 400
    }
    start_s: 8
    end_s: 25
  }
)pb";

class Bookkeeping : public ::testing::TestWithParam<const char*> {};

// The same behind a balancer tier whose instances crash, with clients that retry on their own,
// hosts that pause and links that lose packets: requests reset at a dead instance, refused by
// one, or lost on a link, and retried by their clients.
const std::string kTier = R"pb(
  tier {
    sites { region: "a" instances: 2 }
    sites { region: "b" instances: 1 }
    ttl_s: 2
    check_interval_ms: 500
  }
)pb";
const std::string kClientRetry =
    "retry { max_retries: 2 backoff: FULL_JITTER base_ms: 20 budget {} }";
const std::string kMoreFaults = R"pb(
  faults {
    balancer_crash { region: "a" count: 1 }
    start_s: 6
    end_s: 14
  }
  faults {
    host_pause { hosts { region: "b" count: 1 } }
    start_s: 3
    end_s: 9
  }
  faults {
    link_degradation { from: "a" to: "b" loss_probability: 0.3 both_directions: true }
    start_s: 2
    end_s: 22
  }
)pb";

metrics::RunSummary expectEveryCountBackToZero(const std::string& text) {
  auto spec = buildWorldSpec(testing::parseScenario(text), {});
  EXPECT_TRUE(spec);
  if (!spec) return {};
  struct Finished final : metrics::Observer {
    void onRunFinished(const metrics::RunSummary& run) override { summary = run; }
    metrics::RunSummary summary;
  } observer;
  World world(*spec, observer);
  EXPECT_TRUE(world.run().finished());
  // The run went through the paths the audit is about.
  const auto& summary = observer.summary;
  const auto failures = [&summary](metrics::RequestOutcome outcome) {
    return summary.failures[static_cast<std::size_t>(outcome)];
  };
  EXPECT_GT(summary.requests, 20'000u);
  EXPECT_GT(summary.retries, 0u);
  EXPECT_GT(summary.hedges, 0u);
  EXPECT_GT(failures(metrics::RequestOutcome::kTimeout), 0u);
  EXPECT_GT(failures(metrics::RequestOutcome::kRateLimited) +
                failures(metrics::RequestOutcome::kLoadShed) +
                failures(metrics::RequestOutcome::kCircuitOpen),
            0u);
  EXPECT_EQ(world.requestsHeld(), 0u);
  for (const auto& regional : world.balancers()) {
    const balancer::LoadBalancer& core = regional->core();
    for (const balancer::HostLoad& load : core.load())
      EXPECT_EQ(load.active_requests, 0u);
    const auto& breakers = core.circuitBreakers();
    EXPECT_EQ(breakers.activeRequests(), 0u);
    EXPECT_EQ(breakers.pendingRequests(), 0u);
    EXPECT_EQ(breakers.activeRetries(), 0u);
    EXPECT_EQ(breakers.retriesInBackoff(), 0u);
    EXPECT_EQ(core.concurrencyOutstanding(), 0u);
  }
  return summary;
}

TEST_P(Bookkeeping, EveryCountReturnsToZero) {
  std::string text = kEverything;
  text.replace(text.find("STRATEGY"), 8, GetParam());
  expectEveryCountBackToZero(text);
}

TEST_P(Bookkeeping, EveryCountReturnsToZeroBehindATier) {
  std::string text = kEverything;
  text.replace(text.find("STRATEGY"), 8, GetParam());
  text.insert(text.find("balancer {") + 10, kTier);
  const std::string clients = "clients { rate_rps: 900 timeout_ms: 300";
  text.insert(text.find(clients) + clients.size(), " " + kClientRetry);
  const auto summary = expectEveryCountBackToZero(text + kMoreFaults);
  EXPECT_GT(summary.client_retries, 0u);
  EXPECT_GT(summary.failures[static_cast<std::size_t>(metrics::RequestOutcome::kConnectionReset)],
            0u);
}

std::string strategyName(const ::testing::TestParamInfo<const char*>& strategy) {
  std::string name = strategy.param;
  std::erase(name, '-');
  return name;
}

INSTANTIATE_TEST_SUITE_P(EveryStrategy, Bookkeeping,
                         ::testing::Values("round-robin", "smooth-wrr", "random", "least-request",
                                           "peak-ewma", "least-time", "ring-hash", "maglev"),
                         strategyName);

}  // namespace
}  // namespace faultline::sim
