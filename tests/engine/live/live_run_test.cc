// A scenario run live on loopback (engine/live/live_world.cc) against the same scenario
// simulated: the same arrivals, the results' shape, the events of a crash, and what live mode
// refuses. Real time: a few seconds per run, scaled.
#include "engine/live/live_run.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "engine/metrics/result_recorder.h"
#include "engine/sim/simulation.h"
#include "engine/sim/world_builder.h"
#include "tests/engine/sim/world_test_support.h"
#include "tests/support/builtin_runs.h"

namespace faultline::live {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

// One region, four hosts, a crash of one from 1.5 s to 3 s; health checks fast enough to see it.
constexpr const char* kSmall = R"(
  name: "small"
  duration_s: 4
  seed: 3
  regions {
    name: "r0"
    zones: ["a"]
    backends { group: "api" count: 4 workers: 4 service_time { exponential { mean_ms: 5 } } }
    clients { rate_rps: 200 timeout_ms: 1000 }
  }
  balancer {
    strategy: "least-request"
    health_check { interval_ms: 200 timeout_ms: 100 unhealthy_threshold: 2 healthy_threshold: 2 }
  }
  faults { name: "one down" host_crash { hosts { region: "r0" count: 1 } } start_s: 1.5 end_s: 3 }
)";

sim::WorldSpec world(const std::string& text) {
  auto spec = sim::buildWorldSpec(sim::testing::parseScenario(text), {});
  EXPECT_TRUE(spec) << (spec ? "" : spec.error().message);
  return *spec;
}

results::RunResult live(const sim::WorldSpec& spec, double time_scale) {
  metrics::ResultRecorder recorder;
  LiveOptions options;
  options.time_scale = TimeScale(time_scale);
  auto ran = runLive(spec, options, recorder, nullptr);
  EXPECT_TRUE(ran) << (ran ? "" : ran.error().message);
  EXPECT_TRUE(ran && ran->finished());
  return recorder.takeResult();
}

results::RunResult simulated(const sim::WorldSpec& spec) {
  metrics::ResultRecorder recorder;
  EXPECT_TRUE(sim::simulate(spec, recorder, nullptr).finished());
  return recorder.takeResult();
}

TEST(LiveRun, ASmallScenarioRunsLiveWithTheSimulatorsArrivalsAndEvents) {
  const sim::WorldSpec spec = world(kSmall);
  const results::RunResult result = live(spec, 2);  // 2 s of real time
  const results::RunResult simulated = live::simulated(spec);
  // The same Poisson arrivals, request for request (the generator draws them as the simulator).
  EXPECT_EQ(result.summary().requests_total(), simulated.summary().requests_total());
  EXPECT_GT(result.summary().requests_total(), 700);
  // Failures only from the crash; a loose bound: a handful of requests either way.
  EXPECT_NEAR(result.summary().availability(), simulated.summary().availability(), 0.02);
  EXPECT_GT(result.summary().latency_ms().p50(), 2.0);  // 5 ms mean service: not instant
  // Queue waits are measured at the backends, as the simulator measures them: four workers at a
  // quarter of their capacity rarely queue.
  EXPECT_NEAR(static_cast<double>(result.summary().queue_wait_ms().count()),
              static_cast<double>(simulated.summary().queue_wait_ms().count()),
              0.02 * static_cast<double>(simulated.summary().queue_wait_ms().count()));
  EXPECT_GT(result.summary().queue_wait_ms().count(), 700);
  EXPECT_LT(result.summary().queue_wait_ms().p50(), 1.0);
  // One window per second of scenario time, the last one ending at the drain.
  ASSERT_GE(result.windows_size(), 4);
  EXPECT_EQ(result.windows(0).end_s(), 1.0);
  EXPECT_EQ(result.windows(0).regions(0).hosts(), 4);
  EXPECT_EQ(result.windows(1).regions(0).hosts_up(), 3);  // down from 1.5 s
  EXPECT_EQ(result.windows(3).regions(0).hosts_up(), 4);  // back at 3 s
  ASSERT_EQ(result.windows(0).balancers_size(), 1);
  EXPECT_EQ(result.windows(0).balancers(0).healthy_hosts(0), 4);
  std::set<int> kinds;
  for (const auto& event : result.events())
    kinds.insert(event.kind());
  for (const auto kind :
       {results::Event::FAULT_STARTED, results::Event::HOST_DOWN, results::Event::HOST_MARKED_DOWN,
        results::Event::FAULT_ENDED, results::Event::HOST_UP, results::Event::HOST_MARKED_UP}) {
    EXPECT_THAT(kinds, Contains(kind)) << results::Event::Kind_Name(kind);
  }
  ASSERT_EQ(result.summary().faults_size(), 1);
  EXPECT_TRUE(result.summary().faults(0).detected());
  EXPECT_LT(result.summary().faults(0).time_to_detect_s(), 1.0);
}

// An errors fault's answers are filed as the simulator files them: injected errors.
TEST(LiveRun, FailuresAreFiledByTheirCauseAsTheSimulatorFilesThem) {
  std::string text = kSmall;
  text.replace(text.find("faults {"), std::string::npos,
               R"(faults { name: "errors" errors { hosts { region: "r0" } probability: 1 }
                           start_s: 1 end_s: 2 })");
  const sim::WorldSpec spec = world(text);
  const results::RunResult result = live(spec, 2);
  const auto& failures = result.summary().failures();
  EXPECT_GT(failures.injected_error(), 100);  // every request of that second
  EXPECT_EQ(failures.backend_error(), 0);
  EXPECT_EQ(failures.rejected(), 0);
}

// Two regions: r0's hosts go dark and its traffic fails over to r1, then the link between them
// is cut: what crosses it is lost (client timeouts) until the health checks take r1 out of use.
constexpr const char* kPartition = R"(
  name: "partition"
  duration_s: 4
  seed: 5
  regions {
    name: "r0"
    backends { group: "api" count: 2 workers: 8 service_time { exponential { mean_ms: 5 } } }
    clients { rate_rps: 200 timeout_ms: 300 }
  }
  regions {
    name: "r1"
    backends { group: "api" count: 2 workers: 8 service_time { exponential { mean_ms: 5 } } }
  }
  network { links { from: "r0" to: "r1" one_way_ms: 10 jitter_ms: 2 } }
  balancer {
    strategy: "round-robin"
    health_check { interval_ms: 200 timeout_ms: 100 unhealthy_threshold: 2 healthy_threshold: 2 }
    locality { failover: BY_ORDER order: ["r0", "r1"] }
  }
  faults { name: "r0 dark" region_outage { region: "r0" } start_s: 0.5 end_s: 4 }
  faults { name: "cut" network_partition { from: "r0" to: "r1" both_directions: true }
           start_s: 2 end_s: 3 }
)";

TEST(LiveRun, APartitionLosesWhatCrossesItAsInTheSimulator) {
  const sim::WorldSpec spec = world(kPartition);
  const results::RunResult result = live(spec, 2);
  const results::RunResult simulated = live::simulated(spec);
  const auto& lost = result.summary().failures();
  // About a second of r0's traffic is lost in the outage and the partition each, less what the
  // checks save: hundreds of timeouts in both runs, their share within 4 points of each other
  // (a window of 200 requests per second moves it by half a point per request).
  EXPECT_GT(lost.timeout(), 100);
  EXPECT_GT(simulated.summary().failures().timeout(), 100);
  EXPECT_NEAR(result.summary().availability(), simulated.summary().availability(), 0.04);
  // The partition's requests took the link's delay both ways before it: slower than loopback.
  EXPECT_GT(result.summary().latency_ms().p50(), 20.0);
}

// A fault on a ramp grows as in the simulator: an errors fault of probability 1 that ramps up
// across its first two seconds fails about a quarter of the first second's requests, three
// quarters of the next's, then all.
TEST(LiveRun, AFaultOnARampGrowsAsInTheSimulator) {
  std::string text = kSmall;
  text.replace(text.find("faults {"), std::string::npos,
               R"(faults { name: "errors" errors { hosts { region: "r0" } probability: 1 }
                           start_s: 0 end_s: 4 ramp_up_s: 2 })");
  const sim::WorldSpec spec = world(text);
  const results::RunResult result = live(spec, 2);
  const results::RunResult simulated = live::simulated(spec);
  const auto live_errors = result.summary().failures().injected_error();
  const auto sim_errors = simulated.summary().failures().injected_error();
  // Half of the first two seconds' and all of the last two's: about 3/4 of some 800 requests.
  // Binomial spread about 12 requests; live's ramp moves in ticks of 40 ms: within 8%.
  EXPECT_GT(sim_errors, 500);
  EXPECT_NEAR(static_cast<double>(live_errors), static_cast<double>(sim_errors), 0.08 * sim_errors);
  ASSERT_GE(result.windows_size(), 2);
  const auto failed = [](const results::Window& window) {
    return static_cast<double>(window.failed()) / static_cast<double>(window.requests());
  };
  EXPECT_NEAR(failed(result.windows(0)), 0.25, 0.1);
  EXPECT_NEAR(failed(result.windows(1)), 0.75, 0.1);
}

// A host that refuses half its connections: the proxies in front of it fail that share of their
// tries with a connect failure, and the clients see refusals, as many as in the simulator. (Health
// checks too slow to see it: when they eject the hosts would depend on a few probes' draws.)
TEST(LiveRun, RefusedConnectionsFailTheirShareAsInTheSimulator) {
  std::string text = kSmall;
  text.replace(text.find("interval_ms: 200"), 16, "interval_ms: 9000");
  text.replace(text.find("faults {"), std::string::npos,
               R"(faults { name: "no entry" connection_refused { hosts { region: "r0" count: 2 }
                           probability: 0.5 } start_s: 1 end_s: 3 })");
  const sim::WorldSpec spec = world(text);
  const results::RunResult result = live(spec, 2);
  const auto live_refused = result.summary().failures().connection_refused();
  const auto sim_refused = simulated(spec).summary().failures().connection_refused();
  // Half of two hosts' quarter each of 400 requests: about 100, binomial spread about 9.
  EXPECT_GT(sim_refused, 60);
  EXPECT_NEAR(static_cast<double>(live_refused), static_cast<double>(sim_refused),
              0.3 * static_cast<double>(sim_refused));
}

// Clients that retry a failed request: each retry is a new request to the balancer, counted in
// its window as the simulator counts it; with most hosts erroring, as many retries as simulated.
TEST(LiveRun, ClientRetriesAreSentAndCountedAsInTheSimulator) {
  std::string text = kSmall;
  text.replace(text.find("clients {"), std::string::npos,
               R"(clients { rate_rps: 200 timeout_ms: 1000
                             retry { max_retries: 2 backoff: FIXED base_ms: 20 } }
                  }
                  balancer { strategy: "round-robin" }
                  faults { name: "errors" errors { hosts { region: "r0" count: 2 } probability: 1 }
                           start_s: 1 end_s: 3 })");
  const sim::WorldSpec spec = world(text);
  const results::RunResult result = live(spec, 2);
  const results::RunResult simulated = live::simulated(spec);
  std::int64_t live_retries = 0;
  std::int64_t sim_retries = 0;
  for (const auto& window : result.windows())
    live_retries += window.client_retries();
  for (const auto& window : simulated.windows())
    sim_retries += window.client_retries();
  // Half the hosts fail everything for two seconds: about 200 first attempts fail, a quarter of
  // those twice. Round robin spreads them alike in both; binomial spread about 15.
  EXPECT_GT(sim_retries, 150);
  EXPECT_NEAR(static_cast<double>(live_retries), static_cast<double>(sim_retries),
              0.2 * static_cast<double>(sim_retries));
  EXPECT_NEAR(result.summary().availability(), simulated.summary().availability(), 0.02);
}

// Zone-aware routing live: the clients say their zone, and the proxy keeps each request in it,
// as the simulator does; with the zones' capacity even, nearly nothing crosses zones.
TEST(LiveRun, ZoneAwareRoutingKeepsRequestsInTheirZoneAsInTheSimulator) {
  constexpr const char* kZones = R"(
    name: "zones"
    duration_s: 3
    seed: 4
    regions {
      name: "r0"
      zones: ["a", "b"]
      backends { group: "api" count: 4 workers: 4 service_time { exponential { mean_ms: 5 } } }
      clients { rate_rps: 200 timeout_ms: 1000 }
    }
    network { cross_zone_ms: 2 }
    balancer { strategy: "round-robin" zone_routing { mode: ZONE_AWARE min_cluster_size: 1 } }
  )";
  const sim::WorldSpec spec = world(kZones);
  ASSERT_TRUE(spec.balancer.config.zone_aware);
  const results::RunResult result = live(spec, 2);
  const results::RunResult simulated = live::simulated(spec);
  const auto crossed = [](const results::RunResult& run) {
    return static_cast<double>(run.summary().cross_zone_requests()) /
           static_cast<double>(run.summary().requests_total());
  };
  EXPECT_GT(result.summary().requests_total(), 400);
  EXPECT_NEAR(crossed(result), crossed(simulated), 0.05);
  EXPECT_LT(crossed(result), 0.2);  // without zone routing, half would cross
}

TEST(LiveRun, RatesScaleInTheLayoutToo) {
  sim::WorldSpec spec = world(kSmall);
  scaleRates(spec, 0.5);
  EXPECT_DOUBLE_EQ(spec.layout.regions[0].client_rate_rps, 100);
  EXPECT_DOUBLE_EQ(spec.clients[0].rate[0].rate_per_s, 100);
}

// A balancer tier live: two regions, one instance in r0 and two in r1, reached through DNS with
// a short TTL; r0's instance and one of r1's die for two seconds. r0's clients are refused until
// the global checks see it and their resolvers move them to r1; r1's clients try the other
// address and barely notice. Live and simulated runs lose about as many requests, see the death
// at about the same time, and draw the dead instance as down in its windows.
constexpr const char* kTier = R"(
  name: "tier"
  duration_s: 6
  seed: 2
  regions {
    name: "r0"
    backends { group: "api" count: 3 workers: 8 service_time { exponential { mean_ms: 5 } } }
    clients { rate_rps: 150 timeout_ms: 500 }
  }
  regions {
    name: "r1"
    backends { group: "api" count: 3 workers: 8 service_time { exponential { mean_ms: 5 } } }
    clients { rate_rps: 150 timeout_ms: 500 }
  }
  network { links { from: "r0" to: "r1" one_way_ms: 10 jitter_ms: 1 } }
  balancer {
    strategy: "least-request"
    health_check { interval_ms: 500 timeout_ms: 200 }
    tier {
      sites { region: "r0" instances: 1 }
      sites { region: "r1" instances: 2 }
      routing: DNS policy: NEAREST ttl_s: 0.5 resolvers: 10
      check_interval_ms: 200 failure_threshold: 2
    }
  }
  faults { name: "r0 down" balancer_crash { region: "r0" } start_s: 1 end_s: 3 }
  faults { name: "r1 one down" balancer_crash { region: "r1" count: 1 } start_s: 1 end_s: 3 }
)";

TEST(LiveRun, ABalancerTierDiesAndIsFoundAgainAsInTheSimulator) {
  const sim::WorldSpec spec = world(kTier);
  ASSERT_TRUE(spec.tier);
  const results::RunResult result = live(spec, 2);
  const results::RunResult simulated = live::simulated(spec);
  // r0's clients are refused from 1 s until DNS moves them, about 0.4 s of checks and up to
  // 0.5 s of TTL later: a hundred requests or so in both runs.
  const auto refused = [](const results::RunResult& run) {
    return run.summary().failures().connection_refused();
  };
  EXPECT_GT(refused(simulated), 40);
  EXPECT_NEAR(static_cast<double>(refused(result)), static_cast<double>(refused(simulated)),
              0.35 * static_cast<double>(refused(simulated)) + 10);
  EXPECT_NEAR(result.summary().availability(), simulated.summary().availability(), 0.02);
  // The global checks see the deaths and the returns.
  int deaths = 0;
  int returns = 0;
  for (const auto& event : result.events()) {
    if (event.kind() != results::Event::INSTANCE_MARKED_DOWN &&
        event.kind() != results::Event::INSTANCE_MARKED_UP) {
      continue;
    }
    (event.kind() == results::Event::INSTANCE_MARKED_DOWN ? deaths : returns) += 1;
  }
  EXPECT_EQ(deaths, 2);
  EXPECT_EQ(returns, 2);
  // Three instances in every window; r0's down in the second.
  ASSERT_GE(result.windows_size(), 4);
  ASSERT_EQ(result.windows(1).balancers_size(), 3);
  EXPECT_TRUE(result.windows(1).balancers(0).down());
  EXPECT_FALSE(result.windows(0).balancers(0).down());
  EXPECT_FALSE(result.windows(3).balancers(0).down());
}

// The tier's name stops resolving for r0's clients for a second: each resolver fails as its
// cached answer expires, so the failures grow across one TTL, as in the simulator.
TEST(LiveRun, ADnsFailureFailsWhatItsResolversCannotAnswerAsInTheSimulator) {
  std::string text = kTier;
  text.replace(text.find("faults {"), std::string::npos,
               R"(faults { name: "no names" dns_failure { region: "r0" } start_s: 1 end_s: 2 })");
  const sim::WorldSpec spec = world(text);
  const results::RunResult result = live(spec, 2);
  const auto failed = [](const results::RunResult& run) {
    return static_cast<double>(run.summary().failures().dns_failure());
  };
  const results::RunResult simulated = live::simulated(spec);
  // r0's 150 requests a second, the failing share growing over the 0.5 s TTL: about 110.
  EXPECT_GT(failed(simulated), 60);
  EXPECT_NEAR(failed(result), failed(simulated), 0.2 * failed(simulated));
  EXPECT_EQ(result.summary().failures().connection_refused(), 0);
}

}  // namespace
}  // namespace faultline::live
