#include "engine/sim/world.h"

#include <algorithm>
#include <cassert>

namespace faultline::sim {
namespace {

using metrics::RequestOutcome;

balancer::Outcome toBalancerOutcome(RequestOutcome outcome) {
  switch (outcome) {
    case RequestOutcome::kOk:
      return balancer::Outcome::kSuccess;
    case RequestOutcome::kBackendError:
    case RequestOutcome::kInjectedError:
      return balancer::Outcome::kServerError;
    case RequestOutcome::kRejected:
      return balancer::Outcome::kOverloaded;
    case RequestOutcome::kConnectionRefused:
      return balancer::Outcome::kConnectFailure;
    case RequestOutcome::kConnectionReset:
      return balancer::Outcome::kReset;
    case RequestOutcome::kTimeout:
    case RequestOutcome::kUnfinished:
    case RequestOutcome::kNoHealthyHost:
      break;
  }
  return balancer::Outcome::kTimeout;
}

// Which of a request's four draws is for what.
enum Draw { kServiceDraw = 0, kErrorDraw = 1, kJitterOutDraw = 2, kJitterBackDraw = 3 };

// Stop checks cost an atomic load; every this many events is often enough to feel instant.
constexpr std::uint64_t kStopCheckEvents = 1 << 14;

}  // namespace

World::World(const WorldSpec& spec, metrics::Observer& observer)
    : spec_(spec),
      observer_(observer),
      metrics_(spec.layout),
      faults_of_host_(spec.hosts.size()),
      fault_active_(spec.faults.size(), false),
      probe_jitter_(spec.seed, Component::kProbes, 0) {
  buildHosts();
  buildClientsAndBalancers();
}

void World::buildHosts() {
  hosts_.resize(spec_.hosts.size());
  for (std::uint32_t h = 0; h < spec_.hosts.size(); ++h) {
    const GroupSpec& group = spec_.groups[spec_.hosts[h].group];
    Host& host = hosts_[h];
    host.region = spec_.hosts[h].region;
    host.workers = group.workers;
    host.queue_limit = group.queue_limit.value_or(UINT32_MAX);
    host.group = &group;
  }
  for (std::uint32_t f = 0; f < spec_.faults.size(); ++f) {
    for (std::uint32_t h : spec_.faults[f].hosts)
      faults_of_host_[h].push_back(f);
  }
}

// One balancer per region with clients (client-side balancing: no other region needs one).
void World::buildClientsAndBalancers() {
  std::vector<RegionalBalancer*> balancer_of_region(spec_.layout.regions.size(), nullptr);
  for (const ClientSpec& c : spec_.clients) {
    if (balancer_of_region[c.region] != nullptr) continue;
    const auto index = static_cast<std::uint32_t>(balancers_.size());
    ProbeTransport& transport = *this;
    balancers_.push_back(
        std::make_unique<RegionalBalancer>(index, c.region, spec_, kernel_, transport, observer_));
    balancer_of_region[c.region] = balancers_.back().get();
  }
  const TimePoint end = TimePoint{} + spec_.layout.duration;
  clients_.reserve(spec_.clients.size());
  for (std::uint32_t c = 0; c < spec_.clients.size(); ++c) {
    const ClientSpec& client = spec_.clients[c];
    clients_.push_back(Client(client.region, CounterRng(spec_.seed, Component::kRequestDemand, c)));
    Client& added = clients_.back();
    added.timeout = client.timeout;
    added.arrivals = std::make_unique<ArrivalProcess>(
        client.rate, RandomStream(spec_.seed, Component::kArrivals, c), end);
    added.balancer = balancer_of_region[client.region];
    if (client.request_keys) {
      added.keys.emplace(client.request_keys->distinct, client.request_keys->zipf_exponent);
      added.key_draws = CounterRng(spec_.seed, Component::kRequestKeys, c);
    }
  }
}

World::~World() = default;

bool World::run(const std::atomic<bool>* stop) {
  observer_.onRunStarted(spec_.layout);
  const TimePoint hard_end = scheduleTimeline();
  Event event;
  std::uint64_t next_stop_check = kStopCheckEvents;
  while (!(traffic_over_ && pending_ == 0) && kernel_.next(hard_end, event)) {
    dispatch(event);
    if (stop != nullptr && kernel_.eventsProcessed() >= next_stop_check) {
      if (stop->load(std::memory_order_relaxed)) return false;
      next_stop_check = kernel_.eventsProcessed() + kStopCheckEvents;
    }
  }
  if (kernel_.now() > window_start_) closeWindow();
  observer_.onRunFinished(metrics_.summary(kernel_.now(), kernel_.eventsProcessed()));
  return true;
}

// Starts the balancers' health checks and schedules what is known in advance: first arrivals,
// fault edges, the end of traffic, the drain limit and the first window. Returns the drain limit.
TimePoint World::scheduleTimeline() {
  for (auto& balancer : balancers_)
    balancer->core().start();
  for (std::uint32_t c = 0; c < clients_.size(); ++c) {
    if (auto first = clients_[c].arrivals->next()) kernel_.schedule(*first, kArrival, c, 0);
  }
  for (std::uint32_t f = 0; f < spec_.faults.size(); ++f) {
    kernel_.schedule(spec_.faults[f].start, kFaultChange, f, 1);
    kernel_.schedule(spec_.faults[f].end, kFaultChange, f, 0);
  }
  const TimePoint end = TimePoint{} + spec_.layout.duration;
  const TimePoint hard_end = end + spec_.drain_limit;
  kernel_.schedule(end, kEndOfTraffic, 0, 0);
  // Boundaries: the drain limit first, so what it ends still counts in the last window.
  kernel_.schedule(hard_end, kDrainLimit, 0, 0, Priority::kBoundary);
  kernel_.schedule(TimePoint{} + spec_.layout.window, kWindowClose, 0, 0, Priority::kBoundary);
  return hard_end;
}

void World::dispatch(const Event& event) {
  switch (static_cast<Kind>(event.kind())) {
    case kArrival:
      onArrival(event.a);
      return;
    case kReachHost:
      if (requests_.holds(event.a, event.b)) onReachHost(event.a);
      return;
    case kServiceDone:
      if (requests_.holds(event.a, event.b)) onServiceDone(event.a);
      return;
    case kResponse:
      if (requests_.holds(event.a, event.b)) onResponse(event.a);
      return;
    case kClientTimeout:
      onClientTimeout(event.a);
      return;
    case kProbeReachHost:
      onProbeReachHost(event.a);
      return;
    case kProbeResponse:
      onProbeResponse(event.a);
      return;
    case kFaultChange:
      onFaultChange(event.a, event.b != 0);
      return;
    case kWindowClose:
      closeWindow();
      kernel_.schedule(window_start_ + spec_.layout.window, kWindowClose, 0, 0,
                       Priority::kBoundary);
      return;
    case kEndOfTraffic:
      traffic_over_ = true;
      return;
    case kDrainLimit:
      finishUnanswered();
      return;
  }
  assert(false && "unknown event kind");
}

void World::onArrival(std::uint32_t client_index) {
  Client& client = clients_[client_index];
  if (auto next = client.arrivals->next()) kernel_.schedule(*next, kArrival, client_index, 0);
  metrics_.recordArrival(kernel_.now());
  const std::uint64_t index = client.sent++;

  const auto decision = client.balancer->core().choose(
      balancer::Request{.id = index, .hash_key = requestKey(client, index)});
  if (!decision.hasHost()) {
    metrics_.recordCompletion({.at = kernel_.now(),
                               .fault_epoch = metrics_.faultEpoch(),
                               .client_region = client.region,
                               .serving_region = metrics::kNoRegion,
                               .outcome = RequestOutcome::kNoHealthyHost,
                               .latency = Duration::zero()});
    return;
  }
  const auto handle = requests_.acquire();
  Request& request = requests_[handle.slot];
  request = Request{};
  request.draws = client.demand.draw(index);
  request.sent_at = kernel_.now();
  request.index = index;
  request.client = client_index;
  request.fault_epoch = metrics_.faultEpoch();
  request.host = client.balancer->globalHost(decision.host());
  request.balancer_host = decision.host();
  ++pending_;
  if (client.timeout) {
    const TimePoint deadline = kernel_.now() + *client.timeout;
    client.deadlines.push(TimeoutEntry{deadline, handle.slot, handle.generation});
    if (!client.deadline_armed) armDeadline(client, deadline);
  }
  const Host& host = hosts_[request.host];
  const Duration delay =
      spec_.network.delay(client.region, host.region, request.draws[kJitterOutDraw]);
  kernel_.scheduleIn(delay, kReachHost, handle.slot, handle.generation);
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

void World::onReachHost(std::uint32_t slot) {
  Request& request = requests_[slot];
  Host& host = hosts_[request.host];
  if (host.dark()) {  // a blackhole: no answer, ever
    request.stage = Stage::kGone;
    releaseIfDone(slot);
    return;
  }
  if (host.crashes > 0) return sendAnswer(slot, RequestOutcome::kConnectionRefused);
  if (host.injected_error > 0) {
    const auto u = uniformOpen(clients_[request.client].demand.draw(request.index, 1)[0]);
    if (u < host.injected_error) return sendAnswer(slot, RequestOutcome::kInjectedError);
  }
  if (host.busy < host.workers) return startService(slot, host);
  if (host.waiting.size() >= host.queue_limit) return sendAnswer(slot, RequestOutcome::kRejected);
  request.stage = Stage::kQueued;
  request.queued_at = kernel_.now();
  host.waiting.push(slot);
}

void World::startService(std::uint32_t slot, Host& host) {
  Request& request = requests_[slot];
  ++host.busy;
  metrics_.recordQueueWait(kernel_.now(), request.stage == Stage::kQueued
                                              ? kernel_.now() - request.queued_at
                                              : Duration::zero());
  request.stage = Stage::kInService;
  const Duration service = host.group->service.sample(uniformOpen(request.draws[kServiceDraw]));
  kernel_.scheduleIn(service, kServiceDone, slot, requests_.generation(slot));
}

void World::onServiceDone(std::uint32_t slot) {
  Request& request = requests_[slot];
  if (request.stage != Stage::kInService) return;  // its host crashed or went dark meanwhile
  Host& host = hosts_[request.host];
  --host.busy;
  const bool failed = uniformOpen(request.draws[kErrorDraw]) < host.group->error_probability;
  sendAnswer(slot, failed ? RequestOutcome::kBackendError : RequestOutcome::kOk);
  if (!host.waiting.empty()) {
    const std::uint32_t next = host.waiting.front();
    host.waiting.pop();
    startService(next, host);
  }
}

// The host answers; the answer reaches the client after the trip back (and any added latency).
void World::sendAnswer(std::uint32_t slot, RequestOutcome answer) {
  Request& request = requests_[slot];
  request.answer = answer;
  request.stage = Stage::kToClient;
  const Duration delay = answerDelay(request, hosts_[request.host]);
  kernel_.scheduleIn(delay, kResponse, slot, requests_.generation(slot));
}

Duration World::answerDelay(const Request& request, const Host& host) {
  const std::uint32_t client_region = clients_[request.client].region;
  Duration delay = spec_.network.delay(host.region, client_region, request.draws[kJitterBackDraw]);
  if (host.added_latency > Duration::zero()) {
    const auto bits = clients_[request.client].demand.draw(request.index, 1)[1];
    delay += Network::jittered(host.added_latency, host.added_jitter, bits);
  }
  return delay;
}

void World::onResponse(std::uint32_t slot) {
  Request& request = requests_[slot];
  request.stage = Stage::kGone;
  if (request.client_done) {  // it timed out: the late answer is dropped
    requests_.release(slot);
    return;
  }
  finish(slot, request.answer);
}

// Deadlines of one client are in FIFO order, so one pending event per client covers them all.
// Entries whose request already finished are skipped without an event of their own.
void World::onClientTimeout(std::uint32_t client_index) {
  Client& client = clients_[client_index];
  client.deadline_armed = false;
  while (!client.deadlines.empty()) {
    const TimeoutEntry entry = client.deadlines.front();
    if (!requests_.holds(entry.slot, entry.generation) || requests_[entry.slot].client_done) {
      client.deadlines.pop();
      continue;
    }
    if (entry.deadline > kernel_.now()) {
      armDeadline(client, entry.deadline);
      return;
    }
    client.deadlines.pop();
    finish(entry.slot, RequestOutcome::kTimeout);
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
    if (requests_.holds(entry.slot, entry.generation) && !requests_[entry.slot].client_done) return;
    client.deadlines.pop();
  }
}

// The client has its answer (or gave up): the balancer and the metrics hear of it once.
void World::finish(std::uint32_t slot, RequestOutcome outcome) {
  Request& request = requests_[slot];
  assert(!request.client_done);
  request.client_done = true;
  --pending_;
  Client& client = clients_[request.client];
  const Duration latency = kernel_.now() - request.sent_at;
  client.balancer->core().onResult(request.balancer_host, toBalancerOutcome(outcome), latency);
  metrics_.recordCompletion({.at = kernel_.now(),
                             .fault_epoch = request.fault_epoch,
                             .client_region = client.region,
                             .serving_region = hosts_[request.host].region,
                             .outcome = outcome,
                             .latency = latency});
  dropFinishedDeadlines(client);
  releaseIfDone(slot);
}

void World::releaseIfDone(std::uint32_t slot) {
  const Request& request = requests_[slot];
  if (request.client_done && request.stage == Stage::kGone) requests_.release(slot);
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
  requests_.forEachLive([&](std::uint32_t slot, std::uint32_t, Request& request) {
    if (request.stage != Stage::kQueued && request.stage != Stage::kInService) return;
    if (lost[request.host]) {
      request.stage = Stage::kGone;
      releaseIfDone(slot);
    } else if (reset[request.host]) {
      sendAnswer(slot, RequestOutcome::kConnectionReset);
    }
  });
  for (std::uint32_t h = 0; h < hosts_.size(); ++h) {
    if (!lost[h] && !reset[h]) continue;
    hosts_[h].busy = 0;
    hosts_[h].waiting.clear();
  }
}

void World::closeWindow() {
  metrics::WindowStats window;
  metrics_.closeWindow(kernel_.now(), window);
  window_start_ = kernel_.now();
  const auto regions = static_cast<std::uint32_t>(spec_.layout.regions.size());
  window.region_state.resize(regions);
  for (const Host& host : hosts_) {
    ++window.region_state[host.region].hosts;
    if (host.serving()) ++window.region_state[host.region].hosts_up;
  }
  for (const auto& balancer : balancers_)
    window.balancers.push_back(balancer->view(regions));
  observer_.onWindowClosed(window);
  observer_.onProgress(metrics::Progress{.simulated = kernel_.now(),
                                         .duration = spec_.layout.duration,
                                         .events = kernel_.eventsProcessed()});
}

// Requests still without an answer when the drain gave up (no timeout, and a host that never
// answers) count as unfinished.
void World::finishUnanswered() {
  if (pending_ == 0) return;
  requests_.forEachLive([&](std::uint32_t slot, std::uint32_t, Request& request) {
    if (!request.client_done) finish(slot, RequestOutcome::kUnfinished);
  });
}

}  // namespace faultline::sim
