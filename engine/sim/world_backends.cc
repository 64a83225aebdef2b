#include <cassert>

#include "engine/sim/world.h"
#include "engine/sim/world_internal.h"

// The server side of the world: hosts serving tries, answers crossing back, and health probes.
namespace faultline::sim {

using internal::Draw;
using metrics::RequestOutcome;

void World::onReachHost(std::uint32_t try_slot) {
  Try& attempt = tries_[try_slot];
  Host& host = hosts_[attempt.host];
  if (host.dark()) {  // a blackhole: no answer, ever
    attempt.stage = Stage::kGone;
    releaseTryIfDone(try_slot);
    return;
  }
  if (host.crashes > 0) return sendAnswer(try_slot, RequestOutcome::kConnectionRefused);
  if (!host.effects.empty() && faultsAnswer(try_slot, host)) return;
  // A paused process accepts nothing itself: its kernel queues the connection, beyond any limit.
  if (!host.paused()) {
    if (host.busy < host.workers) return startService(try_slot, host);
    if (host.waiting.size() >= host.queue_limit) {
      return sendAnswer(try_slot, RequestOutcome::kRejected);
    }
  }
  attempt.stage = Stage::kQueued;
  attempt.queued_at = kernel_.now();
  host.waiting.push(try_slot);
}

void World::startService(std::uint32_t try_slot, Host& host) {
  Try& attempt = tries_[try_slot];
  ++host.busy;
  metrics_.recordQueueWait(kernel_.now(), attempt.stage == Stage::kQueued
                                              ? kernel_.now() - attempt.queued_at
                                              : Duration::zero());
  attempt.stage = Stage::kInService;
  Duration service = host.group->service.sample(uniformOpen(attempt.draws[Draw::kServiceDraw]));
  if (!host.effects.empty()) service = serviceWithFaults(service, host);
  attempt.service_ends_at = kernel_.now() + service;
  kernel_.schedule(attempt.service_ends_at, kServiceDone, try_slot, tries_.generation(try_slot));
}

void World::onServiceDone(std::uint32_t try_slot) {
  Try& attempt = tries_[try_slot];
  // Its host crashed, went dark or paused meanwhile (a resumed service ends later).
  if (attempt.stage != Stage::kInService || attempt.service_ends_at != kernel_.now()) return;
  Host& host = hosts_[attempt.host];
  --host.busy;
  const bool failed = uniformOpen(attempt.draws[Draw::kErrorDraw]) < host.group->error_probability;
  const bool gray = !failed && !host.effects.empty() && grayError(try_slot, host);
  sendAnswer(try_slot, failed || gray ? RequestOutcome::kBackendError : RequestOutcome::kOk);
  if (!host.waiting.empty() && !host.paused()) {
    const std::uint32_t next = host.waiting.front();
    host.waiting.pop();
    startService(next, host);
  }
}

// The host answers; the answer reaches the client after the trip back (and any added latency),
// unless a fault on the link loses it.
void World::sendAnswer(std::uint32_t try_slot, RequestOutcome answer) {
  Try& attempt = tries_[try_slot];
  attempt.answer = answer;
  attempt.stage = Stage::kToClient;
  const Host& host = hosts_[attempt.host];
  const std::uint32_t to = attempt.origin_region;
  const auto delay = requestTrip(attempt, host.region, to, answerDelay(attempt, host), true);
  if (!delay) {
    attempt.stage = Stage::kGone;
    releaseTryIfDone(try_slot);
    return;
  }
  scheduleTrip(host.region, to, *delay, kResponse, try_slot, tries_.generation(try_slot));
}

Duration World::answerDelay(const Try& attempt, const Host& host) {
  Duration delay = spec_.network.delay(host.region, host.zone, attempt.origin_region, attempt.zone,
                                       attempt.draws[Draw::kJitterBackDraw]);
  if (!host.effects.empty()) delay += faultLatency(attempt, host);
  return delay;
}

void World::onResponse(std::uint32_t try_slot) {
  Try& attempt = tries_[try_slot];
  attempt.stage = Stage::kGone;
  if (!attempt.ended) onTryEnded(try_slot, attempt.answer);
  releaseTryIfDone(try_slot);
}

void World::releaseTryIfDone(std::uint32_t try_slot) {
  const Try& attempt = tries_[try_slot];
  if (attempt.ended && attempt.stage == Stage::kGone) tries_.release(try_slot);
}

// Health probes cross the network like requests but never queue behind real work, which is why a
// host that is slow for real traffic can still pass them.
void World::sendProbe(std::uint32_t balancer, balancer::HostIndex local, std::uint32_t host,
                      std::uint64_t probe_id) {
  const auto handle = probes_.acquire();
  const std::uint64_t serial = probes_sent_++;
  probes_[handle.slot] = Probe{.balancer = balancer,
                               .local = local,
                               .host = host,
                               .probe_id = probe_id,
                               .serial = serial,
                               .passed = false};
  const std::uint32_t from = balancers_[balancer]->region();
  const std::uint32_t to = hosts_[host].region;
  const auto delay =
      probeTrip(serial, from, to, spec_.network.delay(from, to, probe_jitter_.next()), false);
  if (!delay) {  // lost on the way: the balancer's probe timeout decides
    probes_.release(handle.slot);
    return;
  }
  kernel_.scheduleIn(*delay, kProbeReachHost, handle.slot, 0);
}

void World::onProbeReachHost(std::uint32_t slot) {
  Probe& probe = probes_[slot];
  const Host& host = hosts_[probe.host];
  if (host.dark() || (host.crashes == 0 && host.paused())) {
    probes_.release(slot);  // unanswered: the balancer's probe timeout decides
    return;
  }
  Duration reset_after{};
  probe.passed = host.crashes == 0 &&
                 !(!host.effects.empty() && probeRefused(host, probe.serial, reset_after));
  const std::uint32_t to = balancers_[probe.balancer]->region();
  Duration delay = spec_.network.delay(host.region, to, probe_jitter_.next()) + reset_after;
  if (!host.effects.empty()) delay += probeLatency(host, probe.serial);
  const auto trip = probeTrip(probe.serial, host.region, to, delay, true);
  if (!trip) {
    probes_.release(slot);
    return;
  }
  kernel_.scheduleIn(*trip, kProbeResponse, slot, 0);
}

void World::onProbeResponse(std::uint32_t slot) {
  const Probe probe = probes_[slot];
  probes_.release(slot);
  balancers_[probe.balancer]->core().onProbeResult(probe.local, probe.probe_id, probe.passed);
}

}  // namespace faultline::sim
