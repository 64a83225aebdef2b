#include <cassert>

#include "engine/sim/world.h"
#include "engine/sim/world_internal.h"

// The server side of the world: hosts serving tries, answers crossing back, health probes, and
// faults striking hosts.
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
  if (host.injected_error > 0) {
    const auto u = uniformOpen(faultDraws(attempt)[0]);
    if (u < host.injected_error) return sendAnswer(try_slot, RequestOutcome::kInjectedError);
  }
  if (host.busy < host.workers) return startService(try_slot, host);
  if (host.waiting.size() >= host.queue_limit) {
    return sendAnswer(try_slot, RequestOutcome::kRejected);
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
  const Duration service =
      host.group->service.sample(uniformOpen(attempt.draws[Draw::kServiceDraw]));
  kernel_.scheduleIn(service, kServiceDone, try_slot, tries_.generation(try_slot));
}

void World::onServiceDone(std::uint32_t try_slot) {
  Try& attempt = tries_[try_slot];
  if (attempt.stage != Stage::kInService) return;  // its host crashed or went dark meanwhile
  Host& host = hosts_[attempt.host];
  --host.busy;
  const bool failed = uniformOpen(attempt.draws[Draw::kErrorDraw]) < host.group->error_probability;
  sendAnswer(try_slot, failed ? RequestOutcome::kBackendError : RequestOutcome::kOk);
  if (!host.waiting.empty()) {
    const std::uint32_t next = host.waiting.front();
    host.waiting.pop();
    startService(next, host);
  }
}

// The host answers; the answer reaches the client after the trip back (and any added latency).
void World::sendAnswer(std::uint32_t try_slot, RequestOutcome answer) {
  Try& attempt = tries_[try_slot];
  attempt.answer = answer;
  attempt.stage = Stage::kToClient;
  const Host& host = hosts_[attempt.host];
  const Duration delay = answerDelay(attempt, host);
  scheduleTrip(host.region, clients_[attempt.client].region, delay, kResponse, try_slot,
               tries_.generation(try_slot));
}

Duration World::answerDelay(const Try& attempt, const Host& host) {
  const std::uint32_t client_region = clients_[attempt.client].region;
  Duration delay = spec_.network.delay(host.region, host.zone, client_region, attempt.zone,
                                       attempt.draws[Draw::kJitterBackDraw]);
  if (host.added_latency > Duration::zero()) {
    delay += Network::jittered(host.added_latency, host.added_jitter, faultDraws(attempt)[1]);
  }
  return delay;
}

// Draws only faults need (an injected error, added latency's jitter), made on demand.
CounterRng::Block World::faultDraws(const Try& attempt) const {
  return clients_[attempt.client].demand.draw(attempt.index, 2 * std::uint64_t{attempt.number} + 1);
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
  probes_[handle.slot] = Probe{
      .balancer = balancer, .local = local, .host = host, .probe_id = probe_id, .passed = false};
  const std::uint32_t from = balancers_[balancer]->region();
  const Duration delay = spec_.network.delay(from, hosts_[host].region, probe_jitter_.next());
  kernel_.scheduleIn(delay, kProbeReachHost, handle.slot, 0);
}

void World::onProbeReachHost(std::uint32_t slot) {
  Probe& probe = probes_[slot];
  const Host& host = hosts_[probe.host];
  if (host.dark()) {  // unanswered: the balancer's probe timeout decides
    probes_.release(slot);
    return;
  }
  probe.passed = host.crashes == 0;
  const std::uint32_t to = balancers_[probe.balancer]->region();
  Duration delay = spec_.network.delay(host.region, to, probe_jitter_.next());
  if (host.added_latency > Duration::zero()) {
    delay += Network::jittered(host.added_latency, host.added_jitter, probe_jitter_.next());
  }
  kernel_.scheduleIn(delay, kProbeResponse, slot, 0);
}

void World::onProbeResponse(std::uint32_t slot) {
  const Probe probe = probes_[slot];
  probes_.release(slot);
  balancers_[probe.balancer]->core().onProbeResult(probe.local, probe.probe_id, probe.passed);
}

void World::onFaultChange(std::uint32_t fault, bool started) {
  fault_active_[fault] = started;
  metrics_.setFaultActive(fault, started, kernel_.now());
  observer_.onFault(metrics::FaultEvent{.time = kernel_.now(), .fault = fault, .started = started});
  std::vector<std::uint8_t> lost(hosts_.size(), 0);
  std::vector<std::uint8_t> reset(hosts_.size(), 0);
  bool any = false;
  for (std::uint32_t h : spec_.faults[fault].hosts) {
    const bool was_dark = hosts_[h].dark();
    const bool was_crashed = hosts_[h].crashes > 0;
    refreshHostFaults(h);
    const Host& host = hosts_[h];
    if (host.dark() && !was_dark) {
      lost[h] = 1;
      any = true;
    } else if (!host.dark() && host.crashes > 0 && !was_crashed) {
      reset[h] = 1;
      any = true;
    }
  }
  if (any) dropWorkOf(lost, reset);
}

// A host's fault state from every active fault that strikes it; overlapping faults add up.
void World::refreshHostFaults(std::uint32_t host_index) {
  Host& host = hosts_[host_index];
  host.crashes = 0;
  host.blackouts = 0;
  host.added_latency = Duration::zero();
  host.added_jitter = Duration::zero();
  double survives_errors = 1.0;
  for (std::uint32_t f : faults_of_host_[host_index]) {
    if (!fault_active_[f]) continue;
    const FaultSpec& fault = spec_.faults[f];
    switch (fault.kind) {
      case FaultKind::kHostCrash:
        ++host.crashes;
        break;
      case FaultKind::kZoneOutage:
      case FaultKind::kRegionOutage:
        ++host.blackouts;
        break;
      case FaultKind::kLatency:
        host.added_latency += fault.latency;
        host.added_jitter += fault.jitter;
        break;
      case FaultKind::kErrors:
        survives_errors *= 1.0 - fault.probability;
        break;
      case FaultKind::kTrafficSurge:
        break;
    }
  }
  host.injected_error = 1.0 - survives_errors;
}

// Work queued or in service on hosts that just went dark is lost without a word; on hosts that
// just crashed it is reset, and the client hears of it one network trip later.
void World::dropWorkOf(const std::vector<std::uint8_t>& lost,
                       const std::vector<std::uint8_t>& reset) {
  tries_.forEachLive([&](std::uint32_t slot, std::uint32_t, Try& attempt) {
    if (attempt.stage != Stage::kQueued && attempt.stage != Stage::kInService) return;
    if (lost[attempt.host]) {
      attempt.stage = Stage::kGone;
      releaseTryIfDone(slot);
    } else if (reset[attempt.host]) {
      sendAnswer(slot, RequestOutcome::kConnectionReset);
    }
  });
  for (std::uint32_t h = 0; h < hosts_.size(); ++h) {
    if (!lost[h] && !reset[h]) continue;
    hosts_[h].busy = 0;
    hosts_[h].waiting.clear();
  }
}

}  // namespace faultline::sim
