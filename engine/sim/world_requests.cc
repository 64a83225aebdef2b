#include <algorithm>
#include <cassert>
#include <cmath>

#include "engine/sim/world.h"
#include "engine/sim/world_internal.h"

// The client side of the world: a request's arrival, its tries, retries and hedges, its timeouts,
// and how it completes.
namespace faultline::sim {

using internal::Draw;
using internal::fromRefusal;
using internal::toBalancerOutcome;
using metrics::RequestOutcome;

// A new request: from the open loop's arrival process, or a closed-loop user's next one.
void World::onArrival(std::uint32_t client_index, std::uint32_t user) {
  Client& client = clients_[client_index];
  if (user == kNoUser) {
    if (auto next = client.arrivals->next()) kernel_.schedule(*next, kArrival, client_index, 0);
  }
  metrics_.recordArrival(kernel_.now());
  client.retry.onRequest(kernel_.now());
  const std::uint64_t index = client.sent++;

  const auto handle = requests_.acquire();
  Request& request = requests_[handle.slot];
  request.core.id = index;
  request.core.hash_key = requestKey(client, index);
  request.core.zone = requestZone(client, index);
  request.client_zone = request.core.zone;
  request.leg = Leg::kAtClient;
  request.first_sent_at = kernel_.now();
  request.last_backoff = Duration::zero();
  request.user = user;
  request.client = client_index;
  request.client_attempt = 0;
  request.fault_epoch = metrics_.faultEpoch();
  ++pending_;
  launch(handle.slot, handle.generation);
}

// Sends a request's attempt (its first, or its client's retry) to the balancer as a new request,
// with its own timeout and hedges.
void World::launch(std::uint32_t request_slot, std::uint32_t generation) {
  Request& request = requests_[request_slot];
  Client& client = clients_[request.client];
  request.core.attempt = 0;
  request.core.tried_hosts = balancer::TriedHosts();
  request.core.tried_levels = 0;
  request.sent_at = kernel_.now();
  request.last_host = metrics::kNoRegion;
  request.tries = 0;
  request.retries = 0;
  request.hedges = 0;
  request.live = 0;
  request.retry_pending = false;
  request.admitted = false;
  request.status = internal::kBaseErrorStatus;
  request.connect_attempt = 0;
  if (tier_) {  // the client's timeout runs from now; the tier hop comes first
    request.leg = Leg::kAtClient;
    request.core.zone = request.client_zone;
    armTimeout(client, request_slot, generation);
    connectToTier(request_slot);
    return;
  }
  request.balancer = client.balancer;
  request.origin_region = client.region;
  request.leg = Leg::kAtBalancer;
  if (!sendTry(request_slot, metrics::TryKind::kFirst)) return;  // refused: already complete
  armTimeout(client, request_slot, generation);
  scheduleHedge(request_slot);
}

void World::armTimeout(Client& client, std::uint32_t request_slot, std::uint32_t generation) {
  if (!client.timeout) return;
  const TimePoint deadline = kernel_.now() + *client.timeout;
  client.deadlines.push(TimeoutEntry{deadline, request_slot, generation});
  ++queued_deadlines_;
  if (!client.deadline_armed) armDeadline(client, deadline);
}

// A closed-loop user thinks (an exponential time, drawn by user and request number), then sends
// its next request; none after the end of traffic.
void World::scheduleUserRequest(std::uint32_t client_index, std::uint32_t user, bool instant) {
  Client& client = clients_[client_index];
  const std::uint64_t n = client.user_requests[user]++;
  const Duration mean = client.closed_loop->mean_think_time;
  Duration think{};
  if (mean > Duration::zero()) {
    const double u = uniformOpen(client.think_draws.draw((std::uint64_t{user} << 32) | n));
    think = Duration(std::llround(-std::log(u) * static_cast<double>(mean.count())));
  }
  // A request refused at once (no healthy host, a rate limit) would otherwise let a user without
  // think time send again in the same instant forever: time would stop.
  if (think < kMinUserPause && instant) think = kMinUserPause;
  const TimePoint at = kernel_.now() + think;
  if (at >= TimePoint{} + spec_.layout.duration) return;
  kernel_.schedule(at, kArrival, client_index, user + 1);
}

// A request's key is drawn from its client's own key stream, by arrival number: the same key for
// the same request whatever the strategy.
std::optional<std::uint64_t> World::requestKey(const Client& client, std::uint64_t index) const {
  if (!client.keys) return std::nullopt;
  CounterRng::Block block{};
  std::size_t used = block.size();
  std::uint64_t lane = 0;
  return client.keys->sample([&] {
    if (used == block.size()) {
      block = client.key_draws.draw(index, lane++);
      used = 0;
    }
    return uniformOpen(block[used++]);
  });
}

// Asks the request's balancer for a host and sends a try there. A refusal answers the request
// when no other try of it is still out; returns whether a try went out.
bool World::sendTry(std::uint32_t request_slot, metrics::TryKind kind) {
  Request& request = requests_[request_slot];
  Client& client = clients_[request.client];
  const RegionalBalancer& balancer = *balancers_[request.balancer];
  balancer::LoadBalancer& core = coreOf(request);
  request.core.attempt = request.tries;
  const auto decision = core.choose(request.core);
  if (!decision.hasHost()) {
    if (kind != metrics::TryKind::kFirst) core.onRetryFinished();  // retries and hedges
    if (request.live == 0 && !request.retry_pending) {
      answer(request_slot, fromRefusal(decision.refusal()));
    }
    return false;
  }
  const auto handle = tries_.acquire();
  Try& attempt = tries_[handle.slot];
  assert(request.tries < kTriesPerAttempt);
  attempt.number = std::uint32_t{request.client_attempt} * kTriesPerAttempt + request.tries;
  attempt.draws = client.demand.draw(request.core.id, 2 * std::uint64_t{attempt.number});
  attempt.request = SlotRef{request_slot, requests_.generation(request_slot)};
  attempt.index = request.core.id;
  attempt.client = request.client;
  attempt.zone = request.core.zone;
  attempt.origin_region = request.origin_region;
  attempt.balancer = request.balancer;
  attempt.sent_at = kernel_.now();
  attempt.host = balancer.globalHost(decision.host());
  attempt.balancer_host = decision.host();
  attempt.answer = RequestOutcome::kOk;
  attempt.status = internal::kBaseErrorStatus;
  attempt.stage = Stage::kToHost;
  attempt.ended = false;
  attempt.retry = kind != metrics::TryKind::kFirst;  // a hedge holds a retry slot too
  request.admitted = true;

  metrics_.recordTry(kernel_.now(), kind);
  ++request.tries;
  assert(request.live < kMaxLiveTries);
  request.live_tries[request.live++] = SlotRef{handle.slot, handle.generation};
  request.last_host = attempt.host;
  request.core.tried_hosts.add(decision.host());
  request.core.tried_levels |= core.hosts().levelBit(decision.host());

  const Host& host = hosts_[attempt.host];
  const std::uint32_t host_region = host.region;
  const std::uint32_t from = attempt.origin_region;
  const auto delay = requestTrip(attempt, from, host_region,
                                 spec_.network.delay(from, attempt.zone, host_region, host.zone,
                                                     attempt.draws[Draw::kJitterOutDraw]),
                                 false);
  if (delay) {
    scheduleTrip(from, host_region, *delay, kReachHost, handle.slot, handle.generation);
  } else {
    attempt.stage = Stage::kGone;  // lost on the way: only a timeout ends it
  }
  const Duration per_try = core.retryPolicy().config().per_try_timeout;
  if (per_try > Duration::zero()) {
    kernel_.scheduleIn(per_try, kTryTimeout, handle.slot, handle.generation);
  }
  return true;
}

// The balancer hears how the try ended; the request completes on a success, or tries again.
void World::onTryEnded(std::uint32_t try_slot, RequestOutcome outcome) {
  Try& attempt = tries_[try_slot];
  assert(!attempt.ended);
  attempt.ended = true;
  balancer::LoadBalancer& core = balancers_[attempt.balancer]->core();
  core.onResult(attempt.balancer_host, toBalancerOutcome(outcome, attempt.status),
                kernel_.now() - attempt.sent_at);
  if (attempt.retry) core.onRetryFinished();
  // A try that is not ended always belongs to a live request: completing ends them all.
  assert(requests_.holds(attempt.request.slot, attempt.request.generation));
  const std::uint32_t request_slot = attempt.request.slot;
  Request& request = requests_[request_slot];
  forgetLiveTry(request, try_slot);
  request.status = attempt.status;
  if (outcome == RequestOutcome::kOk) {
    answer(request_slot, RequestOutcome::kOk);
    return;
  }
  afterFailedTry(request_slot, outcome);
}

// A failed try is retried after a backoff when the policy allows; otherwise the request fails
// with it once no other try of it is still out.
void World::afterFailedTry(std::uint32_t request_slot, RequestOutcome outcome) {
  Request& request = requests_[request_slot];
  balancer::LoadBalancer& core = coreOf(request);
  if (!request.retry_pending) {
    const std::uint32_t retries_done = request.retries + request.hedges;
    if (auto backoff =
            core.retryBackoff(retries_done, toBalancerOutcome(outcome, request.status))) {
      ++request.retries;
      request.retry_pending = true;
      kernel_.scheduleIn(*backoff, kRetry, request_slot, requests_.generation(request_slot));
      return;
    }
  }
  if (request.live == 0 && !request.retry_pending) answer(request_slot, outcome);
}

void World::onRetry(std::uint32_t request_slot) {
  Request& request = requests_[request_slot];
  request.retry_pending = false;
  coreOf(request).onRetryBackoffEnded();
  sendTry(request_slot, metrics::TryKind::kRetry);
}

// Hedging: another try alongside the ones out, once the delay has passed without an answer.
void World::scheduleHedge(std::uint32_t request_slot) {
  const Request& request = requests_[request_slot];
  balancer::LoadBalancer& core = coreOf(request);
  if (!core.hedges()) return;
  const auto delay = core.hedgeDelay(request.hedges);
  if (delay) kernel_.scheduleIn(*delay, kHedge, request_slot, requests_.generation(request_slot));
}

// A hedge is a retry (Envoy's hedged retry): it goes out only with a retry left and a retry slot,
// and none is sent while a retry waits in its backoff (that retry is the next try already). The
// first hedge refused ends hedging for the request.
void World::onHedge(std::uint32_t request_slot) {
  Request& request = requests_[request_slot];
  balancer::LoadBalancer& core = coreOf(request);
  if (request.retry_pending) {
    scheduleHedge(request_slot);
    return;
  }
  static_assert(kMaxLiveTries >= 1 + 3, "the first try and up to max_hedges (3) hedges");
  if (!core.admitHedge(request.retries + request.hedges)) return;
  ++request.hedges;
  const std::uint32_t generation = requests_.generation(request_slot);
  sendTry(request_slot, metrics::TryKind::kHedge);
  if (requests_.holds(request_slot, generation)) scheduleHedge(request_slot);
}

void World::onTryTimeout(std::uint32_t try_slot) {
  if (tries_[try_slot].ended) return;
  onTryEnded(try_slot, RequestOutcome::kTimeout);
  releaseTryIfDone(try_slot);
}

void World::forgetLiveTry(Request& request, std::uint32_t try_slot) {
  for (std::uint8_t i = 0; i < request.live; ++i) {
    if (request.live_tries[i].slot != try_slot) continue;
    request.live_tries[i] = request.live_tries[--request.live];
    return;
  }
  assert(false && "a live try its request does not know");
}

// Deadlines of one client are in FIFO order, so one pending event per client covers them all.
// Entries whose request already finished are skipped without an event of their own.
void World::onClientTimeout(std::uint32_t client_index) {
  Client& client = clients_[client_index];
  client.deadline_armed = false;
  while (!client.deadlines.empty()) {
    const TimeoutEntry entry = client.deadlines.front();
    if (!requests_.holds(entry.slot, entry.generation)) {
      client.deadlines.pop();
      --queued_deadlines_;
      continue;
    }
    if (entry.deadline > kernel_.now()) {
      armDeadline(client, entry.deadline);
      return;
    }
    client.deadlines.pop();
    --queued_deadlines_;
    giveUp(entry.slot, RequestOutcome::kTimeout);
  }
}

void World::armDeadline(Client& client, TimePoint deadline) {
  client.deadline_armed = true;
  kernel_.schedule(deadline, kClientTimeout, static_cast<std::uint32_t>(&client - clients_.data()),
                   0);
}

// Deadlines of requests already answered are dropped from the front as they finish, so the queue
// holds about the requests in flight rather than every request of the last timeout period.
void World::dropFinishedDeadlines(Client& client) {
  while (!client.deadlines.empty()) {
    const TimeoutEntry& entry = client.deadlines.front();
    if (requests_.holds(entry.slot, entry.generation)) return;
    client.deadlines.pop();
    --queued_deadlines_;
  }
}

void World::answer(std::uint32_t request_slot, RequestOutcome outcome) {
  finishAtBalancer(request_slot, outcome);
  if (!tier_) return finishAtClient(request_slot, outcome);
  Request& request = requests_[request_slot];
  request.leg = Leg::kToClient;
  request.outcome = outcome;
  if (const auto delay = tierTrip(request, /*back=*/true)) {
    kernel_.scheduleIn(*delay, kReachClient, request_slot, requests_.generation(request_slot));
  }  // else lost on the way back: only the client's timeout ends it
}

void World::giveUp(std::uint32_t request_slot, RequestOutcome outcome) {
  finishAtBalancer(request_slot, outcome);
  finishAtClient(request_slot, outcome);
}

// The balancer is done with the request's attempt: the tries still out are abandoned (it stops
// counting them; their hosts finish the work regardless). Done once: a second call finds nothing.
void World::finishAtBalancer(std::uint32_t request_slot, RequestOutcome outcome) {
  Request& request = requests_[request_slot];
  if (request.leg != Leg::kAtBalancer) return;  // never reached one, or already answered
  balancer::LoadBalancer& core = coreOf(request);
  const auto abandon =
      outcome == RequestOutcome::kOk ? balancer::Outcome::kCancelled : balancer::Outcome::kTimeout;
  for (std::uint8_t i = 0; i < request.live; ++i) {
    const SlotRef ref = request.live_tries[i];
    Try& attempt = tries_[ref.slot];
    attempt.ended = true;
    core.onResult(attempt.balancer_host, abandon, kernel_.now() - attempt.sent_at);
    if (attempt.retry) core.onRetryFinished();
    releaseTryIfDone(ref.slot);
  }
  request.live = 0;
  if (request.retry_pending) {  // abandoned in its backoff
    request.retry_pending = false;
    core.onRetryBackoffEnded();
    core.onRetryFinished();
  }
  if (request.admitted && core.watchesRequests()) {
    core.onRequestFinished(toBalancerOutcome(outcome, request.status),
                           kernel_.now() - request.sent_at,
                           /*replied=*/outcome != RequestOutcome::kUnfinished);
  }
  request.admitted = false;
  request.leg = Leg::kToClient;
}

// The client has its answer, or gives up on this attempt. A failed request its client retries
// goes on; otherwise the metrics hear of it once.
void World::finishAtClient(std::uint32_t request_slot, RequestOutcome outcome) {
  Request& request = requests_[request_slot];
  Client& client = clients_[request.client];
  client.retry.onAttemptEnded(outcome == RequestOutcome::kOk);
  if (outcome != RequestOutcome::kOk && retriedByClient(request_slot, outcome)) return;

  --pending_;
  const bool served = request.last_host != metrics::kNoRegion;
  const std::uint32_t serving = served ? hosts_[request.last_host].region : metrics::kNoRegion;
  metrics_.recordCompletion({.at = kernel_.now(),
                             .fault_epoch = request.fault_epoch,
                             .client_region = client.region,
                             .serving_region = serving,
                             .cross_zone = served && serving == client.region &&
                                           hosts_[request.last_host].zone != request.client_zone,
                             .outcome = outcome,
                             .latency = kernel_.now() - request.first_sent_at});
  const std::uint32_t user = request.user;
  const std::uint32_t client_index = request.client;
  const TimePoint first_sent_at = request.first_sent_at;
  requests_.release(request_slot);
  dropFinishedDeadlines(client);
  if (user != kNoUser) scheduleUserRequest(client_index, user, kernel_.now() == first_sent_at);
}

// Whether the client sends the failed request again, after its backoff. The retry is a record of
// its own (a new slot and generation), so the timeout and tries of the failed attempt can never
// touch it. Once traffic is over, failures are final: the drain lets requests finish, not grow.
bool World::retriedByClient(std::uint32_t request_slot, RequestOutcome outcome) {
  Client& client = clients_[requests_[request_slot].client];
  if (!client.retry.enabled() || traffic_over_ || outcome == RequestOutcome::kUnfinished) {
    return false;
  }
  const Request failed = requests_[request_slot];
  const std::uint64_t bits =
      client.retry_draws.draw(failed.core.id * std::uint64_t{256} + failed.client_attempt);
  const auto wait =
      client.retry.retryAfter(failed.client_attempt, outcome == RequestOutcome::kTimeout,
                              failed.last_backoff, kernel_.now(), bits);
  if (!wait) return false;
  requests_.release(request_slot);
  const auto handle = requests_.acquire();
  Request& retry = requests_[handle.slot];
  retry = failed;
  retry.client_attempt = static_cast<std::uint8_t>(failed.client_attempt + 1);
  retry.last_backoff = *wait;
  retry.live = 0;
  retry.retry_pending = false;
  retry.admitted = false;  // the balancer has heard the end of the failed attempt
  retry.leg = Leg::kAtClient;
  retry.outcome = outcome;  // what it ends with if the run's traffic ends first
  dropFinishedDeadlines(client);
  kernel_.scheduleIn(*wait, kClientRetry, handle.slot, handle.generation);
  return true;
}

void World::onClientRetry(std::uint32_t request_slot) {
  if (traffic_over_) {  // the drain lets requests finish, not start again
    finishAtClient(request_slot, requests_[request_slot].outcome);
    return;
  }
  metrics_.recordClientRetry(kernel_.now());
  launch(request_slot, requests_.generation(request_slot));
}

}  // namespace faultline::sim
