#include <algorithm>
#include <cassert>
#include <chrono>
#include <cmath>

#include "engine/sim/service_time.h"
#include "engine/sim/world.h"
#include "engine/sim/world_internal.h"

// Faults on the timeline: they start, step through their ramps and end, changing the state of
// hosts and links; and what the active ones do to each try, answer and probe that meets them.
namespace faultline::sim {

using metrics::RequestOutcome;
using namespace std::chrono_literals;

void World::onFaultStep(std::uint32_t fault, std::uint32_t step) {
  const FaultSpec& spec = spec_.faults[fault];
  const bool starting = step == 0;
  const bool ending = step + 1 == spec.steps.size();
  if (starting || ending) {
    fault_active_[fault] = starting;
    metrics_.setFaultActive(fault, starting, kernel_.now());
    observer_.onFault(
        metrics::FaultEvent{.time = kernel_.now(), .fault = fault, .started = starting});
  }
  const FaultStep before = fault_now_[fault];
  fault_now_[fault] = spec.steps[step];
  if (onLinks(spec.kind) && (starting || ending)) setLinkFault(fault, starting);
  if (spec.kind == FaultKind::kBalancerCrash) strikeInstances(fault, before, starting);
  if ((spec.kind == FaultKind::kDnsFailure || spec.kind == FaultKind::kDnsStale) &&
      (starting || ending)) {
    const int delta = starting ? 1 : -1;
    if (spec.kind == FaultKind::kDnsFailure) tier_->changeDnsFailure(spec.region, delta);
    if (spec.kind == FaultKind::kDnsStale) tier_->changeDnsStale(spec.region, delta);
  }
  if (spec.hosts.empty()) return;
  std::vector<HostChange> changes(hosts_.size(), HostChange::kNone);
  bool any = false;
  for (std::uint32_t h : spec.hosts) {
    const bool was_serving = hosts_[h].serving();
    changes[h] = refreshHostFaults(h);
    any = any || changes[h] != HostChange::kNone;
    if (hosts_[h].serving() != was_serving) {
      observer_.onHostStateChanged(metrics::HostStateEvent{
          .time = kernel_.now(), .host = h, .serving = hosts_[h].serving()});
    }
  }
  if (any) applyHostChanges(changes);
}

// The instances a balancer crash strikes move from the range it struck before to the one it
// strikes now; an instance is dead while any crash strikes it.
void World::strikeInstances(std::uint32_t fault, const FaultStep& before, bool starting) {
  const FaultSpec& spec = spec_.faults[fault];
  const FaultStep& now = fault_now_[fault];
  for (std::uint32_t position = 0; position < spec.instances.size(); ++position) {
    const bool was = !starting && before.first_struck <= position && position < before.end_struck;
    const bool is =
        fault_active_[fault] && now.first_struck <= position && position < now.end_struck;
    if (was == is) continue;
    const std::uint32_t instance = spec.instances[position];
    if (is) {
      ++instance_crashes_[instance];
    } else {
      --instance_crashes_[instance];
    }
    setInstanceAlive(instance, instance_crashes_[instance] == 0);
  }
}

void World::setLinkFault(std::uint32_t fault, bool active) {
  link_faults_.set(fault, active);
}

bool World::strikes(const FaultOnHost& entry) const {
  const FaultStep& now = fault_now_[entry.fault];
  return fault_active_[entry.fault] && now.first_struck <= entry.position &&
         entry.position < now.end_struck;
}

// A host's fault state from every fault striking it now; overlapping faults add up. Returns what
// changed for the work on it.
World::HostChange World::refreshHostFaults(std::uint32_t host_index) {
  Host& host = hosts_[host_index];
  const bool was_dark = host.dark();
  const bool was_crashed = host.crashes > 0;
  const bool was_paused = host.paused();
  host.crashes = 0;
  host.blackouts = 0;
  host.pauses = 0;
  host.effects.clear();
  for (const FaultOnHost& entry : faults_of_host_[host_index]) {
    if (!strikes(entry)) continue;
    switch (spec_.faults[entry.fault].kind) {
      case FaultKind::kHostCrash:
        ++host.crashes;
        break;
      case FaultKind::kZoneOutage:
      case FaultKind::kRegionOutage:
        ++host.blackouts;
        break;
      case FaultKind::kHostPause:
        ++host.pauses;
        break;
      case FaultKind::kLatency:
      case FaultKind::kErrors:
      case FaultKind::kBrownout:
      case FaultKind::kGrayFailure:
      case FaultKind::kConnectionReset:
      case FaultKind::kConnectionRefused:
        host.effects.push_back(entry.fault);
        break;
      case FaultKind::kTrafficSurge:
      case FaultKind::kNetworkPartition:
      case FaultKind::kLinkDegradation:
      case FaultKind::kBalancerCrash:
      case FaultKind::kDnsFailure:
      case FaultKind::kDnsStale:
        break;
    }
  }
  if (host.dark()) return was_dark ? HostChange::kNone : HostChange::kLost;
  if (host.crashes > 0) return was_crashed && !was_dark ? HostChange::kNone : HostChange::kReset;
  if (host.paused())
    return was_paused && !was_dark && !was_crashed ? HostChange::kNone : HostChange::kFrozen;
  return was_paused && !was_dark && !was_crashed ? HostChange::kResumed : HostChange::kNone;
}

// Work queued or in service on hosts that just went dark is lost without a word; on hosts that
// just crashed it is reset, and the client hears of it one network trip later. On hosts just
// paused, work in service stops where it is; on hosts resumed, it carries on.
void World::applyHostChanges(const std::vector<HostChange>& changes) {
  tries_.forEachLive([&](std::uint32_t slot, std::uint32_t, Try& attempt) {
    const bool working = attempt.stage == Stage::kQueued || attempt.stage == Stage::kInService ||
                         attempt.stage == Stage::kFrozen;
    if (!working) return;
    switch (changes[attempt.host]) {
      case HostChange::kLost:
        attempt.stage = Stage::kGone;
        releaseTryIfDone(slot);
        return;
      case HostChange::kReset:
        sendAnswer(slot, RequestOutcome::kConnectionReset);
        return;
      case HostChange::kFrozen:
        if (attempt.stage != Stage::kInService) return;
        attempt.stage = Stage::kFrozen;
        attempt.service_ends_at = TimePoint{} + (attempt.service_ends_at - kernel_.now());
        return;
      case HostChange::kResumed:
        if (attempt.stage != Stage::kFrozen) return;
        attempt.stage = Stage::kInService;
        attempt.service_ends_at = kernel_.now() + attempt.service_ends_at.time_since_epoch();
        kernel_.schedule(attempt.service_ends_at, kServiceDone, slot, tries_.generation(slot));
        return;
      case HostChange::kNone:
        return;
    }
  });
  for (std::uint32_t h = 0; h < hosts_.size(); ++h) {
    if (changes[h] == HostChange::kLost || changes[h] == HostChange::kReset) {
      hosts_[h].busy = 0;
      hosts_[h].waiting.clear();
    } else if (changes[h] == HostChange::kResumed) {
      resumeHost(h);
    }
  }
}

// A resumed host takes up what queued while it was paused, as far as its free workers go.
void World::resumeHost(std::uint32_t host_index) {
  Host& host = hosts_[host_index];
  while (host.busy < host.workers && !host.waiting.empty()) {
    const std::uint32_t next = host.waiting.front();
    host.waiting.pop();
    startService(next, host);
  }
}

// Each fault draws its own four numbers per try, keyed by the request, the try and the fault: a
// fault added to a scenario changes no other fault's draws, and every strategy sees the same.
CounterRng::Block World::effectDraws(const Try& attempt, std::uint32_t fault) const {
  return clients_[attempt.client].fault_draws.draw(
      attempt.index, (std::uint64_t{attempt.number} << 32) | spec_.faults[fault].draw_key);
}

bool World::faultsAnswer(std::uint32_t try_slot, const Host& host) {
  Try& attempt = tries_[try_slot];
  for (std::uint32_t f : host.effects) {
    const FaultSpec& fault = spec_.faults[f];
    const bool refuses = fault.kind == FaultKind::kConnectionRefused;
    const bool resets = fault.kind == FaultKind::kConnectionReset;
    if (fault.kind != FaultKind::kErrors && !refuses && !resets) continue;
    const double u = uniformOpen(effectDraws(attempt, f)[0]);
    if (u >= fault.probability * fault.intensityAt(kernel_.now())) continue;
    if (refuses) {
      sendAnswer(try_slot, RequestOutcome::kConnectionRefused);
    } else if (resets) {
      attempt.stage = Stage::kHeld;
      kernel_.scheduleIn(fault.reset_after, kHeldReset, try_slot, tries_.generation(try_slot));
    } else {
      attempt.status = fault.status;
      sendAnswer(try_slot, RequestOutcome::kInjectedError);
    }
    return true;
  }
  return false;
}

void World::onHeldReset(std::uint32_t try_slot) {
  Try& attempt = tries_[try_slot];
  if (attempt.stage != Stage::kHeld) return;
  if (hosts_[attempt.host].dark()) {  // the zone went dark meanwhile: nothing comes back
    attempt.stage = Stage::kGone;
    releaseTryIfDone(try_slot);
    return;
  }
  sendAnswer(try_slot, RequestOutcome::kConnectionReset);
}

// A brownout stretches service by 1 / (1 - loss), a gray failure by its slowdown.
Duration World::serviceWithFaults(Duration service, const Host& host) const {
  double factor = 1.0;
  for (std::uint32_t f : host.effects) {
    const FaultSpec& fault = spec_.faults[f];
    if (fault.kind == FaultKind::kBrownout) {
      factor /= 1.0 - fault.capacity_loss * fault.intensityAt(kernel_.now());
    } else if (fault.kind == FaultKind::kGrayFailure) {
      factor *= 1.0 + (fault.slowdown - 1.0) * fault.intensityAt(kernel_.now());
    }
  }
  if (factor == 1.0 || service == Duration::zero()) return service;
  // Stacked near-total brownouts can make the factor infinite; the comparison keeps NaN out too.
  const double stretched = static_cast<double>(service.count()) * factor;
  return Duration(std::llround(stretched < kLongestServiceNs ? stretched : kLongestServiceNs));
}

// A gray failure fails its share of the work it has done.
bool World::grayError(std::uint32_t try_slot, const Host& host) {
  Try& attempt = tries_[try_slot];
  for (std::uint32_t f : host.effects) {
    const FaultSpec& fault = spec_.faults[f];
    if (fault.kind != FaultKind::kGrayFailure || fault.probability <= 0) continue;
    const double u = uniformOpen(effectDraws(attempt, f)[0]);
    if (u < fault.probability * fault.intensityAt(kernel_.now())) {
      attempt.status = fault.status;
      return true;
    }
  }
  return false;
}

Duration World::faultLatency(const Try& attempt, const Host& host) {
  Duration added{};
  for (std::uint32_t f : host.effects) {
    const FaultSpec& fault = spec_.faults[f];
    if (fault.kind != FaultKind::kLatency) continue;
    const auto draws = effectDraws(attempt, f);
    if (uniformOpen(draws[0]) >= fault.probability) continue;
    added += fault.delay.sample(fault.intensityAt(kernel_.now()), uniformOpen(draws[1]),
                                uniformOpen(draws[2]));
  }
  return added;
}

// A probe's draws for one fault, keyed like a try's: by the probe and the fault.
CounterRng::Block World::probeDraws(std::uint64_t probe, std::uint32_t fault) const {
  return probe_fault_draws_.draw(probe, spec_.faults[fault].draw_key);
}

// Latency faults delay probes as they delay answers.
Duration World::probeLatency(const Host& host, std::uint64_t probe) {
  Duration added{};
  for (std::uint32_t f : host.effects) {
    const FaultSpec& fault = spec_.faults[f];
    if (fault.kind != FaultKind::kLatency) continue;
    const auto draws = probeDraws(probe, f);
    if (uniformOpen(draws[0]) >= fault.probability) continue;
    added += fault.delay.sample(fault.intensityAt(kernel_.now()), uniformOpen(draws[1]),
                                uniformOpen(draws[2]));
  }
  return added;
}

std::optional<Duration> World::throughLinkFaults(std::uint32_t from, std::uint32_t to,
                                                 Duration delay, const LinkDraws& draws) {
  return link_faults_.trip(from, to, delay, kernel_.now(), draws);
}

// What a trip from one region to another takes on average now (LinkFaults::expectedTrip).
Duration World::expectedTrip(std::uint32_t from, std::uint32_t to) const {
  return link_faults_.expectedTrip(from, to, spec_.network.baseDelay(from, to), kernel_.now());
}

std::optional<Duration> World::requestTrip(const Try& attempt, std::uint32_t from, std::uint32_t to,
                                           Duration delay, bool back) {
  if (!link_faults_.any()) return delay;
  return throughLinkFaults(from, to, delay, [&](std::uint32_t f) {
    const auto block = effectDraws(attempt, f);
    const std::size_t first = back ? 2 : 0;
    return std::pair{uniformOpen(block[first]), uniformOpen(block[first + 1])};
  });
}

std::optional<Duration> World::probeTrip(std::uint64_t probe, std::uint32_t from, std::uint32_t to,
                                         Duration delay, bool back) {
  if (!link_faults_.any()) return delay;
  return throughLinkFaults(from, to, delay, [&](std::uint32_t f) {
    const auto block = probeDraws(probe, f);
    const std::size_t first = back ? 2 : 0;
    return std::pair{uniformOpen(block[first]), uniformOpen(block[first + 1])};
  });
}

// Connection faults strike probes as they strike requests: the network cannot tell them apart.
// Returns whether the probe fails, and for a reset, after how long.
bool World::probeRefused(const Host& host, std::uint64_t probe, Duration& reset_after) {
  for (std::uint32_t f : host.effects) {
    const FaultSpec& fault = spec_.faults[f];
    if (fault.kind != FaultKind::kConnectionRefused && fault.kind != FaultKind::kConnectionReset) {
      continue;
    }
    const double u = uniformOpen(probeDraws(probe, f)[0]);
    if (u >= fault.probability * fault.intensityAt(kernel_.now())) {
      continue;
    }
    reset_after = fault.kind == FaultKind::kConnectionReset ? fault.reset_after : Duration::zero();
    return true;
  }
  return false;
}

}  // namespace faultline::sim
