#include "engine/sim/world.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <string>

#include "engine/sim/world_internal.h"

namespace faultline::sim {
namespace {

using metrics::RequestOutcome;

// Stop checks cost an atomic load; every this many events is often enough to feel instant.
constexpr std::uint64_t kStopCheckEvents = 1 << 14;

}  // namespace

World::World(const WorldSpec& spec, metrics::Observer& observer)
    : spec_(spec),
      observer_(observer),
      metrics_(spec.layout),
      faults_of_host_(spec.hosts.size()),
      fault_active_(spec.faults.size(), false),
      fault_now_(spec.faults.size()),
      link_faults_(spec.faults, spec.network.regionCount()),
      probe_jitter_(spec.seed, Component::kProbes, 0),
      probe_fault_draws_(spec.seed, Component::kProbeFaults, 0) {
  buildHosts();
  buildLanes();
  buildClientsAndBalancers();
  buildTier();
}

// A jitter-free link delivers in the order it sends: its trips can skip the heap.
void World::buildLanes() {
  const auto regions = spec_.network.regionCount();
  link_lane_.assign(std::size_t{regions} * regions, -1);
  for (std::uint32_t from = 0; from < regions; ++from) {
    for (std::uint32_t to = 0; to < regions; ++to) {
      if (spec_.network.jitter(from, to) != Duration::zero()) continue;
      if (auto lane = kernel_.addLane(spec_.network.baseDelay(from, to))) {
        link_lane_[std::size_t{from} * regions + to] = *lane;
      }
    }
  }
}

void World::scheduleTrip(std::uint32_t from, std::uint32_t to, Duration delay, std::uint8_t kind,
                         std::uint32_t slot, std::uint32_t generation) {
  const std::int16_t lane = link_lane_[std::size_t{from} * spec_.network.regionCount() + to];
  if (lane >= 0 && delay == spec_.network.baseDelay(from, to)) {
    kernel_.scheduleOnLane(static_cast<std::uint8_t>(lane), kind, slot, generation);
    return;
  }
  kernel_.scheduleIn(delay, kind, slot, generation);
}

void World::buildHosts() {
  hosts_.resize(spec_.hosts.size());
  for (std::uint32_t h = 0; h < spec_.hosts.size(); ++h) {
    const GroupSpec& group = spec_.groups[spec_.hosts[h].group];
    Host& host = hosts_[h];
    host.region = spec_.hosts[h].region;
    host.zone = spec_.hosts[h].zone;
    host.workers = group.workers;
    host.queue_limit = group.queue_limit.value_or(UINT32_MAX);
    host.group = &group;
  }
  for (std::uint32_t f = 0; f < spec_.faults.size(); ++f) {
    const auto& hosts = spec_.faults[f].hosts;
    for (std::uint32_t position = 0; position < hosts.size(); ++position)
      faults_of_host_[hosts[position]].push_back(FaultOnHost{f, position});
  }
}

// Client-side balancing: one balancer per region with clients (no other region needs one). A
// tier: one per instance.
void World::buildClientsAndBalancers() {
  std::vector<std::uint32_t> balancer_of_region(spec_.layout.regions.size(), UINT32_MAX);
  ProbeTransport& transport = *this;
  if (spec_.tier) {
    for (std::uint32_t i = 0; i < spec_.tier->instances.size(); ++i) {
      const auto& instance = spec_.tier->instances[i];
      balancers_.push_back(std::make_unique<RegionalBalancer>(i, instance.region, spec_, kernel_,
                                                              transport, observer_, &instance));
    }
  } else {
    for (const ClientSpec& c : spec_.clients) {
      if (balancer_of_region[c.region] != UINT32_MAX) continue;
      const auto index = static_cast<std::uint32_t>(balancers_.size());
      balancers_.push_back(std::make_unique<RegionalBalancer>(index, c.region, spec_, kernel_,
                                                              transport, observer_));
      balancer_of_region[c.region] = index;
    }
  }
  const TimePoint end = TimePoint{} + spec_.layout.duration;
  clients_.reserve(spec_.clients.size());
  for (std::uint32_t c = 0; c < spec_.clients.size(); ++c) {
    const ClientSpec& client = spec_.clients[c];
    clients_.push_back(
        Client(client.region, CounterRng(spec_.seed, Component::kRequestDemand, c), client.retry));
    Client& added = clients_.back();
    added.retry_draws = HashRng(spec_.seed, Component::kClientRetries, c);
    if (client.closed_loop) {
      added.closed_loop = client.closed_loop;
      added.think_draws = HashRng(spec_.seed, Component::kThinkTimes, c);
      added.user_requests.assign(client.closed_loop->users, 0);
    }
    added.timeout = client.timeout;
    added.arrivals = std::make_unique<ArrivalProcess>(
        client.rate, RandomStream(spec_.seed, Component::kArrivals, c), end);
    added.balancer = balancer_of_region[client.region];
    if (client.request_keys) {
      added.keys.emplace(client.request_keys->distinct, client.request_keys->zipf_exponent);
      added.key_draws = CounterRng(spec_.seed, Component::kRequestKeys, c);
    }
    added.fault_draws = CounterRng(spec_.seed, Component::kFaultEffects, c);
    added.zones = ClientZones(client.zone_shares, spec_.seed, c);
  }
}

World::~World() = default;

RunStatus World::run(const std::atomic<bool>* stop) {
  observer_.onRunStarted(spec_.layout);
  const TimePoint hard_end = scheduleTimeline();
  Event event;
  std::uint64_t next_check = kStopCheckEvents;
  while (!(traffic_over_ && pending_ == 0) && kernel_.next(hard_end, event)) {
    dispatch(event);
    if (kernel_.eventsProcessed() < next_check) continue;
    next_check = kernel_.eventsProcessed() + kStopCheckEvents;
    if (stop != nullptr && stop->load(std::memory_order_relaxed)) {
      return RunStatus{RunEnd::kStopped, {}};
    }
    if (tries_.liveCount() > spec_.max_tries_in_flight ||
        requests_.liveCount() > spec_.max_tries_in_flight ||
        kernel_.pendingEvents() + queued_deadlines_ > spec_.max_events_pending) {
      return runaway();
    }
  }
  if (kernel_.now() > window_start_) closeWindow();
  observer_.onRunFinished(metrics_.summary(kernel_.now(), kernel_.eventsProcessed()));
  return RunStatus{RunEnd::kFinished, {}};
}

// An overload that only grows (unbounded queues, long timeouts, retries and hedges multiplying
// the work) would take all memory before the run ends: it stops with what it is instead.
RunStatus World::runaway() const {
  char simulated[32];
  std::snprintf(simulated, sizeof simulated, "%.3f",
                std::chrono::duration<double>(kernel_.now().time_since_epoch()).count());
  std::string message = "stopped at ";
  message += simulated;
  message += " s of simulated time with ";
  message += std::to_string(tries_.liveCount());
  message += " tries and ";
  message += std::to_string(requests_.liveCount());
  message += " requests in flight and ";
  message += std::to_string(kernel_.pendingEvents() + queued_deadlines_);
  message += " events pending (the simulator holds at most ";
  message += std::to_string(spec_.max_tries_in_flight);
  message += " tries and as many requests, and ";
  message += std::to_string(spec_.max_events_pending);
  message +=
      " events): the backends fall ever further behind, requests go where nothing answers, or "
      "clients give up and send again faster than the network delivers. Bound the work: "
      "backends.queue_limit, clients.timeout_ms, balancer.retry (num_retries, hedge), a retry "
      "budget, or fewer closed-loop users";
  return RunStatus{RunEnd::kRunaway, std::move(message)};
}

// Starts the balancers' health checks and schedules what is known in advance: first arrivals,
// fault edges, the end of traffic, the drain limit and the first window. Returns the drain limit.
TimePoint World::scheduleTimeline() {
  for (auto& balancer : balancers_)
    balancer->core().start();
  for (std::uint32_t c = 0; c < clients_.size(); ++c) {
    if (clients_[c].closed_loop) {
      for (std::uint32_t user = 0; user < clients_[c].closed_loop->users; ++user)
        scheduleUserRequest(c, user, false);
    } else if (auto first = clients_[c].arrivals->next()) {
      kernel_.schedule(*first, kArrival, c, 0);
    }
  }
  for (std::uint32_t f = 0; f < spec_.faults.size(); ++f) {
    const auto& steps = spec_.faults[f].steps;
    for (std::uint32_t s = 0; s < steps.size(); ++s)
      kernel_.schedule(steps[s].at, kFaultStep, f, s);
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
      onArrival(event.a, event.b == 0 ? kNoUser : event.b - 1);
      return;
    case kReachHost:
      if (tries_.holds(event.a, event.b)) onReachHost(event.a);
      return;
    case kServiceDone:
      if (tries_.holds(event.a, event.b)) onServiceDone(event.a);
      return;
    case kResponse:
      if (tries_.holds(event.a, event.b)) onResponse(event.a);
      return;
    case kClientTimeout:
      onClientTimeout(event.a);
      return;
    case kTryTimeout:
      if (tries_.holds(event.a, event.b)) onTryTimeout(event.a);
      return;
    // A request answered by a tier instance lives on during the trip back, but its retries and
    // hedges at the balancer ended with the answer.
    case kRetry:
      if (atBalancer(event.a, event.b)) onRetry(event.a);
      return;
    case kHedge:
      if (atBalancer(event.a, event.b)) onHedge(event.a);
      return;
    case kProbeReachHost:
      onProbeReachHost(event.a);
      return;
    case kProbeResponse:
      onProbeResponse(event.a);
      return;
    case kFaultStep:
      onFaultStep(event.a, event.b);
      return;
    case kReachBalancer:
      if (requests_.holds(event.a, event.b)) onReachBalancer(event.a);
      return;
    case kRefusedByBalancer:
      if (requests_.holds(event.a, event.b)) onRefusedByBalancer(event.a);
      return;
    case kReachClient:
      if (requests_.holds(event.a, event.b)) onReachClient(event.a);
      return;
    case kTierDetection:
      onTierDetection(event.a, event.b);
      return;
    case kClientRetry:
      if (requests_.holds(event.a, event.b)) onClientRetry(event.a);
      return;
    case kHeldReset:
      if (tries_.holds(event.a, event.b)) onHeldReset(event.a);
      return;
    case kWindowClose:
      closeWindow();
      kernel_.schedule(window_start_ + spec_.layout.window, kWindowClose, 0, 0,
                       Priority::kBoundary);
      return;
    case kEndOfTraffic:
      endTraffic();
      return;
    case kDrainLimit:
      finishUnanswered();
      return;
  }
  assert(false && "unknown event kind");
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
  for (std::uint32_t i = 0; i < balancers_.size(); ++i) {
    window.balancers.push_back(balancers_[i]->view(regions));
    // With a tier, balancers are its instances, in instance order.
    window.balancers.back().down = tier_ && !tier_->alive(i);
  }
  observer_.onWindowClosed(window);
  observer_.onProgress(metrics::Progress{.simulated = kernel_.now(),
                                         .duration = spec_.layout.duration,
                                         .events = kernel_.eventsProcessed()});
}

// Arrivals stop, and so do clients' retries: a request waiting to be retried by its client (the
// only requests at their clients between events) ends now with the failure that it was waiting on.
void World::endTraffic() {
  traffic_over_ = true;
  std::vector<std::uint32_t> waiting;
  requests_.forEachLive([&](std::uint32_t slot, std::uint32_t, Request& request) {
    if (request.leg == Leg::kAtClient) waiting.push_back(slot);
  });
  for (std::uint32_t slot : waiting)
    finishAtClient(slot, requests_[slot].outcome);
}

// Requests still without an answer when the drain gave up (no timeout, and a host that never
// answers) count as unfinished.
void World::finishUnanswered() {
  if (pending_ == 0) return;
  requests_.forEachLive([&](std::uint32_t slot, std::uint32_t, Request&) {
    giveUp(slot, RequestOutcome::kUnfinished);
  });
}

}  // namespace faultline::sim
