// Traffic as clients make it: patterns of the rate (diurnal, flash crowd, trace), clients that
// retry on their own (and the retry storm that follows without a limit), and closed loops.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>

#include "tests/engine/sim/world_test_support.h"

namespace faultline::sim {
namespace {

using testing::simulateText;

// Plenty of capacity (100 hosts in turn, 10 ms of work): nothing queues, so the traffic is all
// that varies. `clients` is the body of the region's clients block.
std::string ampleCapacity(double duration_s, const std::string& clients,
                          const std::string& extra = "") {
  return R"(
    name: "traffic"
    duration_s: )" +
         std::to_string(duration_s) + R"(
    seed: 11
    regions {
      name: "r0"
      backends {
        group: "api"
        count: 100
        workers: 4
        service_time { constant { value_ms: 10 } }
      }
      clients { )" +
         clients + R"( }
    }
    network { intra_region_ms: 0.5 }
    balancer { health_check { enabled: false } locality { failover: LOCAL_ONLY } }
  )" + extra;
}

std::int64_t arrivals(const results::RunResult& result, int from, int to) {
  std::int64_t sum = 0;
  for (int w = from; w < to; ++w)
    sum += result.windows(w).arrivals();
  return sum;
}

// A Poisson count within five standard deviations of its mean.
void expectPoisson(std::int64_t count, double mean) {
  EXPECT_NEAR(static_cast<double>(count), mean, 5 * std::sqrt(mean)) << count;
}

TEST(Traffic, ADiurnalCurvePeaksAndTroughsWhereItSays) {
  const auto result = simulateText(ampleCapacity(
      100, "rate_rps: 1000 timeout_ms: 0 diurnal { period_s: 100 amplitude: 0.5 peak_s: 0 }"));
  // The integral of 1000 (1 + 0.5 cos(2 pi t / 100)) over [a, b).
  auto expected = [](double a, double b) {
    const double k = 2 * std::numbers::pi / 100;
    return 1000 * ((b - a) + 0.5 * (std::sin(k * b) - std::sin(k * a)) / k);
  };
  expectPoisson(arrivals(result, 0, 10), expected(0, 10));    // near the peak
  expectPoisson(arrivals(result, 45, 55), expected(45, 55));  // the trough
  expectPoisson(arrivals(result, 20, 30), expected(20, 30));  // on the way down
  expectPoisson(arrivals(result, 0, 100), 100'000);           // the mean is rate_rps
}

TEST(Traffic, AFlashCrowdClimbsHoldsAndFalls) {
  const auto result = simulateText(ampleCapacity(
      80,
      "rate_rps: 200 timeout_ms: 0 flash_crowd { start_s: 20 ramp_up_s: 10 hold_s: 20 "
      "ramp_down_s: 10 multiplier: 4 }"));
  expectPoisson(arrivals(result, 0, 20), 200 * 20);
  expectPoisson(arrivals(result, 20, 30), 200 * 10 * 2.5);  // the mean of the climb: 500/s
  expectPoisson(arrivals(result, 30, 50), 800 * 20);
  expectPoisson(arrivals(result, 50, 60), 200 * 10 * 2.5);
  expectPoisson(arrivals(result, 60, 80), 200 * 20);
}

TEST(Traffic, ATraceIsReplayedSecondBySecondAndItsLastRateHeld) {
  const auto result =
      simulateText(ampleCapacity(6, "timeout_ms: 0 trace { rates_rps: [100, 400, 0, 900] }"));
  expectPoisson(result.windows(0).arrivals(), 100);
  expectPoisson(result.windows(1).arrivals(), 400);
  EXPECT_EQ(result.windows(2).arrivals(), 0);
  expectPoisson(result.windows(3).arrivals(), 900);
  expectPoisson(result.windows(5).arrivals(), 900);
}

TEST(Traffic, AClientRetriesAFailedRequestAsANewOneAfterItsBackoff) {
  // Half the tries fail at once; two retries 50 ms apart leave one request in eight failed.
  const auto result = simulateText(ampleCapacity(
      60, "rate_rps: 200 timeout_ms: 0 retry { max_retries: 2 backoff: FIXED base_ms: 50 }",
      R"(faults { errors { probability: 0.5 } start_s: 0 })"));
  const auto& s = result.summary();
  const double n = static_cast<double>(s.requests_total());
  EXPECT_NEAR(static_cast<double>(s.requests_ok()) / n, 0.875, 5 * std::sqrt(0.875 * 0.125 / n));
  EXPECT_NEAR(static_cast<double>(s.client_retries()) / n, 0.75, 0.02);
  EXPECT_EQ(s.tries(), s.requests_total() + s.client_retries());
  EXPECT_EQ(s.retries(), 0);  // the balancer retried nothing: the clients did
  // Of the successes, 4 in 7 took 11 ms, 2 in 7 one retry (the failed try's 1 ms round trip and
  // 50 ms of backoff more: 62 ms) and 1 in 7 two (113 ms).
  EXPECT_NEAR(s.latency_ms().p50(), 11, 0.1);
  EXPECT_NEAR(s.latency_ms().p90(), 113, 0.2);
}

TEST(Traffic, ClientRetriesOnlyTimeoutsWhenToldSo) {
  const auto result = simulateText(
      ampleCapacity(30, "rate_rps: 100 timeout_ms: 0 retry { max_retries: 3 only_timeouts: true }",
                    R"(faults { errors { probability: 0.5 } start_s: 0 })"));
  EXPECT_EQ(result.summary().client_retries(), 0);
}

// Capacity 2,000 requests/s (20 workers, 10 ms each), offered 1,400: 70% busy. A five-second
// surge to twice that builds a queue two seconds deep; with a 200 ms timeout every request then
// times out while its work still waits in the queue (wasted work).
std::string retryStorm(const std::string& retry) {
  return R"(
    name: "retry-storm"
    duration_s: 100
    seed: 12
    regions {
      name: "r0"
      backends {
        group: "api"
        count: 4
        workers: 5
        service_time { constant { value_ms: 10 } }
      }
      clients { rate_rps: 1400 timeout_ms: 200 )" +
         retry + R"( }
    }
    network { intra_region_ms: 0.5 }
    balancer { health_check { enabled: false } locality { failover: LOCAL_ONLY } }
    faults { traffic_surge { multiplier: 2 } start_s: 20 end_s: 25 }
  )";
}

double availability(const results::RunResult& result, int from, int to) {
  std::int64_t requests = 0;
  std::int64_t ok = 0;
  for (int w = from; w < to; ++w) {
    requests += result.windows(w).requests();
    ok += result.windows(w).ok();
  }
  return requests == 0 ? 0 : static_cast<double>(ok) / static_cast<double>(requests);
}

TEST(Traffic, NaiveClientRetriesTurnABriefSurgeIntoAStormThatOutlivesIt) {
  // Without retries the queue drains within seconds of the surge's end.
  const auto none = simulateText(retryStorm(""));
  EXPECT_GT(availability(none, 60, 100), 0.999);
  // Three immediate retries per failure: every timeout sends more work into the queue that caused
  // it, and the offered load stays four times what the hosts can do long after the surge.
  const auto naive = simulateText(retryStorm("retry { max_retries: 3 backoff: NONE }"));
  EXPECT_LT(availability(naive, 60, 100), 0.01);
  EXPECT_GT(naive.windows(80).client_retries(), 3 * 1400 * 0.9);
  // The same retries within Finagle's default budget (20% of requests, plus 10 a second) stay
  // below capacity: the queue drains and the service recovers.
  const auto budgeted =
      simulateText(retryStorm("retry { max_retries: 3 backoff: NONE budget {} }"));
  EXPECT_GT(availability(budgeted, 60, 100), 0.999);
  // So does gRPC's throttling: a mostly failing client stops retrying at all.
  const auto throttled =
      simulateText(retryStorm("retry { max_retries: 3 backoff: NONE throttling {} }"));
  EXPECT_GT(availability(throttled, 60, 100), 0.999);
}

TEST(Traffic, AClosedLoopSendsAsFastAsItsUsersAreAnswered) {
  // 50 users, 100 ms of thinking, 11 ms per request with no queueing: by Little's law the
  // throughput is 50 / 0.111 s = 450.45 requests a second. Each user's count over 100 s has a
  // standard deviation of about 27 (a renewal process); the total's is 191: 5 of them is 2.1%.
  const auto result = simulateText(
      ampleCapacity(100, "timeout_ms: 0 closed_loop { users: 50 think_time_ms: 100 }"));
  EXPECT_NEAR(static_cast<double>(result.summary().requests_total()), 45'045, 955);
  EXPECT_NEAR(result.summary().concurrency(), 50 * 11.0 / 111.0, 0.05);
}

TEST(Traffic, AClosedLoopSlowsDownWithItsBackend) {
  // One worker, 10 ms each, and 20 users who never think: the worker is the bottleneck, so the
  // loop settles at its 100 requests a second and every user waits for the 19 ahead of it.
  std::string text = ampleCapacity(60, "timeout_ms: 0 closed_loop { users: 20 }");
  text.replace(text.find("count: 100"), 10, "count: 1");
  text.replace(text.find("workers: 4"), 10, "workers: 1");
  const auto result = simulateText(text);
  EXPECT_NEAR(static_cast<double>(result.summary().requests_total()), 6'000, 30);
  EXPECT_NEAR(result.summary().latency_ms().p50(), 201, 2);
}

TEST(Traffic, AClosedLoopUserRefusedAtOnceWaitsBeforeTheNextRequest) {
  // Users who never think, behind a rate limit that refuses most requests at once: without a
  // pause after an instant refusal, time would never move on.
  std::string text = ampleCapacity(10, "timeout_ms: 0 closed_loop { users: 10 }");
  text.replace(text.find("locality { failover: LOCAL_ONLY }"), 33,
               "locality { failover: LOCAL_ONLY } local_rate_limit { max_tokens: 5 "
               "fill_interval_ms: 1000 }");
  const auto result = simulateText(text);
  const auto& s = result.summary();
  // The five tokens the bucket starts with, and five more each second.
  EXPECT_GE(s.requests_ok(), 50);
  EXPECT_LE(s.requests_ok(), 55);
  // Each user is refused and pauses 1 ms, about 10,000 times a second over the ten users.
  EXPECT_NEAR(static_cast<double>(s.failures().rate_limited()), 100'000, 1'000);
}

TEST(Traffic, NoClientRetryLeavesAfterTheEndOfTraffic) {
  // Every try fails; retries wait 5 s. Those still waiting when the traffic ends are not sent:
  // they fail with their last error at once, not as unfinished at the drain limit.
  const auto result = simulateText(ampleCapacity(
      20, "rate_rps: 100 timeout_ms: 1000 retry { max_retries: 2 backoff: FIXED base_ms: 5000 }",
      R"(faults { errors { probability: 1 } start_s: 0 })"));
  const auto& s = result.summary();
  EXPECT_EQ(s.failures().injected_error(), s.requests_total());
  EXPECT_EQ(s.failures().unfinished(), 0);
  EXPECT_LT(s.end_s(), 20.1);
}

TEST(Traffic, AFaultsDrawsDoNotDependOnTheOtherFaults) {
  const std::string errors = R"(faults { errors { probability: 0.3 } start_s: 0 })";
  const auto alone = simulateText(ampleCapacity(20, "rate_rps: 100 timeout_ms: 0", errors));
  // A fault listed before it, which never touches a request (no latency), moves it down the list.
  const auto second = simulateText(ampleCapacity(
      20, "rate_rps: 100 timeout_ms: 0",
      R"(faults { latency { hosts { region: "r0" } latency_ms: 0 } start_s: 0 } )" + errors));
  EXPECT_EQ(alone.summary().failures().injected_error(),
            second.summary().failures().injected_error());
}

}  // namespace
}  // namespace faultline::sim
