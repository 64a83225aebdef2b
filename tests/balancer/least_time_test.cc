#include "balancer/least_time.h"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "tests/balancer/fake_runtime.h"
#include "tests/balancer/pick_fixture.h"

namespace faultline::balancer {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeRuntime;
using testing::PickFixture;

LeastTimeOptions plain() {
  return LeastTimeOptions{.inflight = false};
}
LeastTimeOptions inflight() {
  return LeastTimeOptions{.inflight = true};
}

// Sends a request to `host` now (a pick with only that host to choose from, then onSent), as the
// LoadBalancer would, and counts it active until answer() reports it.
void send(LeastTime& strategy, PickFixture& fixture, HostIndex host) {
  const auto all = fixture.candidates;
  fixture.candidates = {host};
  EXPECT_EQ(strategy.pick(fixture.context()), host);
  strategy.onSent(host);
  fixture.candidates = all;
  ++fixture.load[host].active_requests;
}

void answer(LeastTime& strategy, PickFixture& fixture, HostIndex host, Duration latency,
            Outcome outcome = Outcome::kSuccess) {
  --fixture.load[host].active_requests;
  strategy.onResult(host, outcome, latency);
}

// One request to `host` answered in `latency`, reported without moving the clock, so the only
// time that passes in a test is the time it advances explicitly.
void measure(LeastTime& strategy, PickFixture& fixture, HostIndex host, Duration latency) {
  send(strategy, fixture, host);
  answer(strategy, fixture, host, latency);
}

std::vector<HostIndex> picks(LeastTime& strategy, const PickFixture& fixture, int count) {
  std::vector<HostIndex> picked;
  for (int i = 0; i < count; ++i)
    picked.push_back(strategy.pick(fixture.context()));
  return picked;
}

TEST(LeastTime, EtaIsTheRoundedResponseTimeTimesOnePlusActiveRequests) {
  FakeRuntime runtime;
  LeastTime strategy(runtime, plain(), 2);
  auto fixture = testing::equalHosts(2);
  measure(strategy, fixture, 1, milliseconds(100));
  EXPECT_EQ(strategy.eta(1, 0), 120u);  // 100 rounds up to the next 20 ms bucket
  EXPECT_EQ(strategy.eta(1, 2), 360u);
  // Never answered: rt 0, which rounds to 20, so a new host draws traffic until measured.
  EXPECT_EQ(strategy.responseTimeMs(0), 0u);
  EXPECT_EQ(strategy.eta(0, 0), 20u);
  EXPECT_EQ(strategy.eta(0, 5), 120u);
}

TEST(LeastTime, RoundsUpToTwentyMillisecondBucketsAndCapsAtFiveSeconds) {
  struct Case {
    int rt_ms;
    std::uint64_t eta;
  };
  // NGINX's `rt += 20 - rt % 20` moves an exact multiple up a bucket, and the cap applies only
  // above 5000: so 5000 itself becomes 5020 while 5001 becomes 5000.
  for (const Case c : {Case{0, 20}, Case{1, 20}, Case{19, 20}, Case{20, 40}, Case{21, 40},
                       Case{4999, 5000}, Case{5000, 5020}, Case{5001, 5000}, Case{60000, 5000}}) {
    FakeRuntime runtime;
    LeastTime strategy(runtime, plain(), 1);
    auto fixture = testing::equalHosts(1);
    measure(strategy, fixture, 0, milliseconds(c.rt_ms));
    EXPECT_EQ(strategy.eta(0, 0), c.eta) << "rt " << c.rt_ms;
    EXPECT_EQ(strategy.eta(0, 1), 2 * c.eta) << "rt " << c.rt_ms;
  }
}

TEST(LeastTime, AveragesResponseTimesWithAlphaOneTwentieth) {
  FakeRuntime runtime;
  LeastTime strategy(runtime, plain(), 1);
  auto fixture = testing::equalHosts(1);
  measure(strategy, fixture, 0, milliseconds(100));
  EXPECT_EQ(strategy.responseTimeMs(0), 100u);  // the first answer is taken as it is
  measure(strategy, fixture, 0, milliseconds(200));
  EXPECT_EQ(strategy.responseTimeMs(0), 105u);  // 0.05 x 200 + 0.95 x 100 = 105
  measure(strategy, fixture, 0, milliseconds(0));
  EXPECT_EQ(strategy.responseTimeMs(0), 100u);  // 99.75, rounded to the nearest millisecond
  measure(strategy, fixture, 0, std::chrono::microseconds(109'900));
  EXPECT_EQ(strategy.responseTimeMs(0), 100u);  // whole milliseconds: 109 -> 0.5 + 5.45 + 95
  measure(strategy, fixture, 0, milliseconds(110));
  EXPECT_EQ(strategy.responseTimeMs(0), 101u);
  // Converges geometrically: 1000 ms answers close the gap by 5% each.
  for (int i = 0; i < 200; ++i)
    measure(strategy, fixture, 0, milliseconds(1000));
  EXPECT_NEAR(static_cast<double>(strategy.responseTimeMs(0)), 1000.0, 10.0);
}

TEST(LeastTime, OnlyAnswersTeachTheAverage) {
  FakeRuntime runtime;
  LeastTime strategy(runtime, plain(), 1);
  auto fixture = testing::equalHosts(1);
  measure(strategy, fixture, 0, milliseconds(100));
  for (const Outcome failure : {Outcome::kTimeout, Outcome::kConnectFailure, Outcome::kReset}) {
    send(strategy, fixture, 0);
    answer(strategy, fixture, 0, milliseconds(5000), failure);
    EXPECT_EQ(strategy.responseTimeMs(0), 100u);
  }
  send(strategy, fixture, 0);
  answer(strategy, fixture, 0, milliseconds(300), Outcome::kServerError);  // a 5xx is an answer
  EXPECT_EQ(strategy.responseTimeMs(0), 110u);
  send(strategy, fixture, 0);
  answer(strategy, fixture, 0, milliseconds(10), Outcome::kOverloaded);
  EXPECT_EQ(strategy.responseTimeMs(0), 105u);  // 0.5 + 0.5 + 104.5
}

TEST(LeastTime, PicksTheLeastEtaCountingActiveRequests) {
  FakeRuntime runtime;
  LeastTime strategy(runtime, plain(), 3);
  auto fixture = testing::equalHosts(3);
  measure(strategy, fixture, 0, milliseconds(100));  // eta 120 per request
  measure(strategy, fixture, 1, milliseconds(200));  // 220
  measure(strategy, fixture, 2, milliseconds(300));  // 320
  EXPECT_EQ(strategy.pick(fixture.context()), 0u);
  fixture.load[0].active_requests = 1;  // 240 > 220
  EXPECT_EQ(strategy.pick(fixture.context()), 1u);
  fixture.load[0].active_requests = 2;  // 360
  fixture.load[1].active_requests = 1;  // 440
  EXPECT_EQ(strategy.pick(fixture.context()), 2u);
}

TEST(LeastTime, ComparesEtaPerUnitOfWeight) {
  FakeRuntime runtime;
  LeastTime strategy(runtime, plain(), 2);
  PickFixture fixture({1, 3});
  measure(strategy, fixture, 0, milliseconds(100));  // 120 / 1
  measure(strategy, fixture, 1, milliseconds(300));  // 320 / 3 = 106.7
  EXPECT_EQ(strategy.pick(fixture.context()), 1u);
  fixture.load[1].active_requests = 1;  // 640 / 3 = 213.3
  EXPECT_EQ(strategy.pick(fixture.context()), 0u);
}

TEST(LeastTime, TiesRotateBySmoothWeightedRoundRobinAmongTheTiedOnly) {
  FakeRuntime runtime;
  LeastTime strategy(runtime, plain(), 4);
  auto fixture = testing::equalHosts(4);
  fixture.load[3].active_requests = 1;  // eta 40: never tied with the other three at 20
  EXPECT_EQ(picks(strategy, fixture, 7), (std::vector<HostIndex>{0, 1, 2, 0, 1, 2, 0}));
}

TEST(LeastTime, WeightedTiesTakeTurnsInProportionToWeight) {
  FakeRuntime runtime;
  LeastTime strategy(runtime, plain(), 2);
  PickFixture fixture({1, 2});
  fixture.load[1].active_requests = 1;  // 20 / 1 and 40 / 2: tied per unit of weight
  // NGINX's smooth weighted round robin over weights 1 and 2: b a b, again and again.
  EXPECT_EQ(picks(strategy, fixture, 6), (std::vector<HostIndex>{1, 0, 1, 1, 0, 1}));
}

TEST(LeastTime, EveryHostTiedPerUnitOfWeightJoinsTheRotation) {
  FakeRuntime runtime;
  LeastTime strategy(runtime, plain(), 3);
  PickFixture fixture({1, 2, 1});
  fixture.load[1].active_requests = 1;  // 20 / 1, 40 / 2, 20 / 1
  // Smooth WRR over weights 1, 2, 1. NGINX tests later ties against the current best's weight,
  // which would drop host 2 once host 1 leads; every tied host takes its turns here.
  EXPECT_EQ(picks(strategy, fixture, 8), (std::vector<HostIndex>{1, 0, 2, 1, 1, 0, 2, 1}));
}

TEST(LeastTime, HalvesTheResponseTimeForEachFailTimeoutAHostGoesUnpicked) {
  FakeRuntime runtime;
  LeastTime strategy(runtime, plain(), 1);
  auto fixture = testing::equalHosts(1);
  measure(strategy, fixture, 0, milliseconds(400));  // picked at t = 0
  EXPECT_EQ(strategy.eta(0, 0), 420u);
  runtime.advance(milliseconds(10'999));  // 10 whole seconds: not more than fail_timeout
  EXPECT_EQ(strategy.eta(0, 0), 420u);
  runtime.advance(milliseconds(1));  // 11 s: once per fail_timeout + 1 s
  EXPECT_EQ(strategy.eta(0, 0), 220u);
  runtime.advance(milliseconds(10'999));  // 21.999 s
  EXPECT_EQ(strategy.eta(0, 0), 220u);
  runtime.advance(milliseconds(1));  // 22 s: 100
  EXPECT_EQ(strategy.eta(0, 0), 120u);
  runtime.advance(seconds(11));  // 33 s: 50
  EXPECT_EQ(strategy.eta(0, 0), 60u);
  EXPECT_EQ(strategy.responseTimeMs(0), 400u);  // the average itself is untouched
  send(strategy, fixture, 0);                   // a try sent restarts the clock
  EXPECT_EQ(strategy.eta(0, 0), 420u);
  runtime.advance(seconds(11 * 70));  // more halvings than the bits of rt
  EXPECT_EQ(strategy.eta(0, 0), 20u);
}

TEST(LeastTime, ATrySentRestartsTheHalvingClockOnlyOnceItIsStale) {
  FakeRuntime runtime;
  LeastTime strategy(runtime, plain(), 1);
  auto fixture = testing::equalHosts(1);
  measure(strategy, fixture, 0, milliseconds(400));  // checked at 0 s
  runtime.advance(seconds(5));
  send(strategy, fixture, 0);  // 5 s: not stale, `checked` stays at 0
  runtime.advance(seconds(6));
  EXPECT_EQ(strategy.eta(0, 0), 220u);  // 11 s after `checked`, though sent to 6 s ago
  send(strategy, fixture, 0);           // stale now: stamped at 11 s
  EXPECT_EQ(strategy.eta(0, 0), 420u);
}

// A pick that is not sent (a pick again, a circuit breaker's refusal) leaves no trace: in NGINX
// terms, no peer was taken.
TEST(LeastTime, APickThatIsNotSentCountsNoRequestInFlight) {
  FakeRuntime runtime;
  LeastTime strategy(runtime, inflight(), 1);
  auto fixture = testing::equalHosts(1);
  measure(strategy, fixture, 0, milliseconds(100));
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(strategy.pick(fixture.context()), 0u);
  runtime.advance(seconds(1));
  EXPECT_EQ(strategy.meanInflightAge(0), Duration::zero());
}

TEST(LeastTime, AFailedTryRestartsTheHalvingClock) {
  FakeRuntime runtime;
  LeastTime strategy(runtime, plain(), 1);
  auto fixture = testing::equalHosts(1);
  measure(strategy, fixture, 0, milliseconds(400));  // checked at 0 s
  send(strategy, fixture, 0);
  runtime.advance(seconds(8));
  answer(strategy, fixture, 0, seconds(8), Outcome::kTimeout);  // round robin's free: checked = 8
  runtime.advance(seconds(3));
  EXPECT_EQ(strategy.eta(0, 0), 420u);  // 11 s since the pick, 3 s since the failure
  runtime.advance(seconds(8));
  EXPECT_EQ(strategy.eta(0, 0), 220u);  // 11 s since the failure
}

TEST(LeastTime, InflightCountsTheTimeRequestsHaveWaitedSoFar) {
  for (const bool with_inflight : {false, true}) {
    FakeRuntime runtime;
    LeastTime strategy(runtime, with_inflight ? inflight() : plain(), 2);
    auto fixture = testing::equalHosts(2);
    measure(strategy, fixture, 0, milliseconds(20));   // eta 40 per request
    measure(strategy, fixture, 1, milliseconds(100));  // 120
    send(strategy, fixture, 0);                        // still waiting...
    runtime.advance(milliseconds(300));
    if (!with_inflight) {
      EXPECT_EQ(strategy.pick(fixture.context()), 0u);  // 40 x 2 = 80 < 120
      continue;
    }
    // The scan folds the mean age, 300 ms, into inflight_time (first value: taken as it is);
    // rt = max(20, 300) -> 320, x 2 = 640 > 120.
    EXPECT_EQ(strategy.pick(fixture.context()), 1u);
    EXPECT_EQ(strategy.inflightTimeMs(0), 300u);
    EXPECT_EQ(strategy.eta(0, 1), 640u);
    runtime.advance(milliseconds(100));
    strategy.pick(fixture.context());
    EXPECT_EQ(strategy.inflightTimeMs(0), 305u);  // 0.05 x 400 + 0.95 x 300, rounded down
    EXPECT_EQ(strategy.responseTimeMs(0), 20u);
  }
}

TEST(LeastTime, InflightAgesStayExactWhateverOrderRequestsFinishIn) {
  FakeRuntime runtime;
  LeastTime strategy(runtime, inflight(), 1);
  auto fixture = testing::equalHosts(1);
  send(strategy, fixture, 0);  // sent at 0
  runtime.advance(milliseconds(100));
  send(strategy, fixture, 0);  // sent at 100
  runtime.advance(milliseconds(50));
  EXPECT_EQ(strategy.meanInflightAge(0), milliseconds(100));  // (150 + 50) / 2
  answer(strategy, fixture, 0, milliseconds(50));             // the younger one finishes first
  EXPECT_EQ(strategy.meanInflightAge(0), milliseconds(150));
  runtime.advance(milliseconds(50));
  EXPECT_EQ(strategy.meanInflightAge(0), milliseconds(200));  // the one sent at 0
  send(strategy, fixture, 0);                                 // sent at 200
  EXPECT_EQ(strategy.meanInflightAge(0), milliseconds(100));
  answer(strategy, fixture, 0, milliseconds(200));  // the oldest
  EXPECT_EQ(strategy.meanInflightAge(0), Duration::zero());
  answer(strategy, fixture, 0, Duration::zero());
  EXPECT_EQ(strategy.meanInflightAge(0), Duration::zero());
}

TEST(LeastTime, InflightTimeCountsOnlyWhileRequestsAreInFlight) {
  FakeRuntime runtime;
  LeastTime strategy(runtime, inflight(), 1);
  auto fixture = testing::equalHosts(1);
  measure(strategy, fixture, 0, milliseconds(20));
  send(strategy, fixture, 0);
  runtime.advance(milliseconds(500));
  send(strategy, fixture, 0);  // folds 500 (the first request's age) and adds one of age 0
  EXPECT_EQ(strategy.inflightTimeMs(0), 500u);
  EXPECT_EQ(strategy.eta(0, 0), 520u);
  answer(strategy, fixture, 0, milliseconds(500), Outcome::kTimeout);
  answer(strategy, fixture, 0, Duration::zero(), Outcome::kTimeout);
  EXPECT_EQ(strategy.eta(0, 0), 40u);  // nothing in flight: back to rt alone
  EXPECT_EQ(strategy.responseTimeMs(0), 20u);
}

}  // namespace
}  // namespace faultline::balancer
