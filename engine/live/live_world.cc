#include "engine/live/live_world.h"

#include <algorithm>

#include "engine/live/descriptor_limit.h"
#include "engine/live/live_links.h"
#include "engine/sim/balancer_view.h"
#include "engine/sim/client_zones.h"
#include "engine/sim/regional_balancer.h"

namespace faultline::live {

namespace asio = boost::asio;
using balancer::Duration;
using balancer::TimePoint;
using namespace std::chrono_literals;
using metrics::RequestOutcome;

struct LiveWorld::Balancer {
  std::uint32_t region = 0;
  std::optional<std::uint32_t> instance;       // of the tier
  std::vector<std::uint32_t> level_region;     // the failover order: priority level -> region
  std::vector<std::uint32_t> host_of_backend;  // proxy backend index -> world host
  std::unique_ptr<BalancerListener> listener;
  std::unique_ptr<Proxy> proxy;
  std::unordered_map<std::uint32_t, std::uint64_t> refusal_of_host;  // its injected fault's id
};

struct LiveWorld::ClientRegion {
  std::uint32_t region = 0;
  std::uint32_t index = 0;           // in spec.clients
  std::unique_ptr<TierFront> front;  // with a tier: how its clients reach the instances
  std::unique_ptr<LoadGenerator> load;
  std::unordered_map<std::uint64_t, std::uint32_t> sent_in_epoch;  // arrival -> fault epoch
};

// A proxy's balancer events, told to the observer as a simulated balancer's are.
class LiveWorld::BalancerListener final : public balancer::BalancerEvents {
 public:
  BalancerListener(LiveWorld& world, Balancer& balancer) : world_(world), balancer_(balancer) {}

  void onHostHealthChanged(balancer::HostIndex host, bool healthy) override {
    world_.observer_.onHostHealthChanged(
        metrics::HostHealthEvent{.time = world_.clock_.now(),
                                 .balancer_region = balancer_.region,
                                 .host = balancer_.host_of_backend[host],
                                 .healthy = healthy});
  }
  void onActiveLevelChanged(std::optional<std::uint32_t> from,
                            std::optional<std::uint32_t> to) override {
    world_.observer_.onFailover(
        metrics::FailoverEvent{.time = world_.clock_.now(),
                               .balancer_region = balancer_.region,
                               .from_region = sim::regionOfLevel(balancer_.level_region, from),
                               .to_region = sim::regionOfLevel(balancer_.level_region, to)});
  }

 private:
  LiveWorld& world_;
  Balancer& balancer_;
};

namespace {

// How a client's request ended, in the results' terms: the proxy's own answers say why in
// x-faultline-reason; a backend's 503 is its full queue.
RequestOutcome outcomeOf(const LoadResult& result) {
  switch (result.failure) {
    case LoadResult::Failure::kTimeout:
      return RequestOutcome::kTimeout;
    case LoadResult::Failure::kRefused:
      return RequestOutcome::kConnectionRefused;
    case LoadResult::Failure::kReset:
      return RequestOutcome::kConnectionReset;
    case LoadResult::Failure::kUnfinished:
      return RequestOutcome::kUnfinished;
    case LoadResult::Failure::kNone:
      break;
  }
  if (result.status < 400) return RequestOutcome::kOk;
  const std::string& why = result.reason;
  if (why == "no_healthy_host") return RequestOutcome::kNoHealthyHost;
  if (why == "circuit_open") return RequestOutcome::kCircuitOpen;
  if (why == "rate_limited") return RequestOutcome::kRateLimited;
  if (why == "load_shed") return RequestOutcome::kLoadShed;
  if (why == "dns failure") return RequestOutcome::kDnsFailure;
  if (why == "upstream connect failure") return RequestOutcome::kConnectionRefused;
  if (why == "upstream reset before response") return RequestOutcome::kConnectionReset;
  if (why == "upstream timeout") return RequestOutcome::kTimeout;
  if (why == "injected error") return RequestOutcome::kInjectedError;
  if (why == "queue full") return RequestOutcome::kRejected;
  return RequestOutcome::kBackendError;  // a base error, a gray failure's, another backend's
}

}  // namespace

LiveWorld::LiveWorld(const sim::WorldSpec& spec, const LiveOptions& options,
                     metrics::Observer& observer)
    : spec_(spec),
      options_(options),
      observer_(observer),
      io_(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE),  // one thread does everything: no locks
      epoch_(std::chrono::steady_clock::now()),
      clock_(io_, spec.seed, options.time_scale, epoch_),
      metrics_(spec.layout),
      striking_(spec.hosts.size()),
      fault_now_(spec.faults.size()),
      link_faults_(spec.faults, spec.network.regionCount()) {
  buildBackends();
  buildBalancers();
  buildTier();
  buildClients();
}

LiveWorld::~LiveWorld() = default;

void LiveWorld::buildBackends() {
  for (std::uint32_t h = 0; h < spec_.hosts.size(); ++h) {
    const sim::HostSpec& host = spec_.hosts[h];
    const sim::GroupSpec& group = spec_.groups[host.group];
    SyntheticBackendConfig config;
    config.name = spec_.layout.hosts[h].name;
    config.service_time = group.service;
    config.workers = group.workers;
    config.queue_limit = group.queue_limit;
    config.error_probability = group.error_probability;
    config.seed = spec_.seed * 0x9e3779b97f4a7c15ULL + h;
    config.time_scale = options_.time_scale;
    config.on_service_start = [this](Duration wait) {
      metrics_.recordQueueWait(advanceTo(clock_.now()), wait);
    };
    backends_.push_back(std::make_unique<SyntheticBackend>(io_, config));
    host_by_name_.emplace(config.name, h);
  }
  for (auto& backend : backends_)
    host_faults_.emplace_back(*backend);
}

// The scenario's balancer for one region, in front of the hosts in its failover order (as
// priority levels), configured as the simulator configures it (sim::regionalBalancerConfig).
ProxyConfig LiveWorld::proxyConfigFor(std::uint32_t region) const {
  ProxyConfig config;
  config.strategy = spec_.balancer.strategy;
  config.strategy_options = spec_.balancer.options;
  config.balancer = sim::regionalBalancerConfig(spec_, region);
  config.health_check_path = "/healthz";
  config.time_scale = options_.time_scale;
  config.epoch = epoch_;

  const auto& order = spec_.layout.regions[region].failover_order;
  for (std::uint32_t level = 0; level < order.size(); ++level) {
    for (std::uint32_t h = 0; h < spec_.hosts.size(); ++h) {
      const sim::HostSpec& host = spec_.hosts[h];
      if (host.region != order[level]) continue;
      config.backends.push_back(BackendAddress{.name = spec_.layout.hosts[h].name,
                                               .host = "127.0.0.1",
                                               .port = backends_[h]->port(),
                                               .weight = spec_.groups[host.group].weight,
                                               .level = level,
                                               .region = host.region,
                                               .zone = host.zone});
    }
  }
  return config;
}

// Connections each client region's load generator may hold: as many as the descriptors allow
// (four per request in flight, some kept for the listeners and the probes), so that its clients
// are not held back where the simulator's are not; 64 at least, 65,536 at most.
std::uint32_t LiveWorld::connectionsPerClient() const {
  constexpr std::uint64_t kKept = 512;
  const std::uint64_t limit = raiseDescriptorLimit();
  const std::uint64_t spare =
      limit > kKept + spec_.hosts.size() ? limit - kKept - spec_.hosts.size() : 0;
  const std::uint64_t each = spare / (4 * std::max<std::size_t>(1, spec_.clients.size()));
  return static_cast<std::uint32_t>(std::clamp<std::uint64_t>(each, 64, 65'536));
}

// The longest timeout of the clients a proxy serves (those of `region`, or all for the tier);
// zero when one of them has none (its requests are given up only at the drain's end).
Duration LiveWorld::clientTimeout(std::optional<std::uint32_t> region) const {
  Duration longest{};
  for (const sim::ClientSpec& client : spec_.clients) {
    if (region && client.region != *region) continue;
    if (!client.timeout) return Duration::zero();
    longest = std::max(longest, *client.timeout);
  }
  return longest;
}

// A client-side balancer per client region, or an instance of the tier each (World's
// buildClientsAndBalancers).
void LiveWorld::buildBalancers() {
  if (spec_.tier) {
    for (std::uint32_t i = 0; i < spec_.tier->instances.size(); ++i) {
      const sim::TierInstanceSpec& instance = spec_.tier->instances[i];
      addBalancer(instance.region, instance.zone, i);
    }
    return;
  }
  for (const sim::ClientSpec& client : spec_.clients) {
    if (balancerOf(client.region) == nullptr) {
      addBalancer(client.region, sim::ClientZones(client.zone_shares, 0, 0).only(), std::nullopt);
    }
  }
}

LiveWorld::Balancer* LiveWorld::balancerOf(std::uint32_t region) const {
  for (const auto& balancer : balancers_) {
    if (balancer->region == region && !balancer->instance) return balancer.get();
  }
  return nullptr;
}

void LiveWorld::addBalancer(std::uint32_t region, std::uint32_t zone,
                            std::optional<std::uint32_t> instance) {
  auto added = std::make_unique<Balancer>();
  added->region = region;
  added->instance = instance;
  added->level_region = spec_.layout.regions[region].failover_order;
  ProxyConfig config = proxyConfigFor(region);
  for (const auto& backend : config.backends)
    added->host_of_backend.push_back(host_by_name_.at(backend.name));
  config.zone = zone;
  // A client-side balancer stands for its region's clients, who say their zone; an instance
  // routes from where it runs.
  if (!instance) config.zone_header = "x-faultline-zone";
  // A client that gives up closes its connection, which the proxy does not watch while it
  // forwards: it ends the request itself when the clients it serves have given up on it, and the
  // balancer hears the tries still out time out, as the simulator's does at the client's timeout.
  config.limits.request_timeout =
      options_.time_scale.toReal(clientTimeout(instance ? std::nullopt : std::optional(region)));
  const std::uint64_t stream = instance ? sim::kInstanceStreams + *instance : region;
  config.seed = spec_.seed + stream;
  config.network = std::make_shared<LiveLinks>(spec_, link_faults_, clock_, region,
                                               hostEnds(spec_, added->host_of_backend),
                                               spec_.seed * 31 + stream);
  added->listener = std::make_unique<BalancerListener>(*this, *added);
  auto proxy = Proxy::create(io_, std::move(config),
                             asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0),
                             options_.log, added->listener.get());
  if (!proxy) throw std::runtime_error(proxy.error());
  added->proxy = std::move(*proxy);
  balancers_.push_back(std::move(added));
}

// The clients' way to the tier: the simulator's router, with the network as clients measure it.
void LiveWorld::buildTier() {
  if (!spec_.tier) return;
  std::vector<std::uint32_t> client_regions;
  for (const sim::ClientSpec& client : spec_.clients)
    client_regions.push_back(client.region);
  const auto regions = static_cast<std::uint32_t>(spec_.layout.regions.size());
  const auto trip = [this](std::uint32_t from, std::uint32_t to) {
    return link_faults_.expectedTrip(from, to, spec_.network.baseDelay(from, to), clock_.now());
  };
  tier_.emplace(
      *spec_.tier, std::move(client_regions), regions, spec_.seed,
      [this](std::uint32_t from, std::uint32_t to) { return spec_.network.baseDelay(from, to); },
      [trip](std::uint32_t from, std::uint32_t to) { return trip(from, to) + trip(to, from); });
  instance_crashes_.assign(spec_.tier->instances.size(), 0);
  instance_epoch_.assign(spec_.tier->instances.size(), 0);
}

// A load generator per client region: at its region's proxy, or at a front to the tier.
void LiveWorld::buildClients() {
  std::vector<asio::ip::tcp::endpoint> instances;
  std::vector<LinkEnd> instance_ends;
  if (spec_.tier) {
    for (std::uint32_t i = 0; i < spec_.tier->instances.size(); ++i) {
      instances.emplace_back(asio::ip::make_address("127.0.0.1"), balancers_[i]->proxy->port());
      instance_ends.push_back(
          LinkEnd{spec_.tier->instances[i].region, spec_.tier->instances[i].zone});
    }
  }
  const std::uint32_t connections = connectionsPerClient();
  for (std::uint32_t c = 0; c < spec_.clients.size(); ++c) {
    const sim::ClientSpec& spec_client = spec_.clients[c];
    auto client = std::make_unique<ClientRegion>();
    client->region = spec_client.region;
    client->index = c;
    std::uint16_t target = 0;
    if (tier_) {
      client->front = std::make_unique<TierFront>(
          io_, *tier_, clock_, c, instances,
          std::make_shared<LiveLinks>(spec_, link_faults_, clock_, spec_client.region,
                                      instance_ends, spec_.seed * 37 + c),
          TierFront::Options{.scale = options_.time_scale,
                             .zone = sim::ClientZones(spec_client.zone_shares, 0, 0).only(),
                             .zone_header = "x-faultline-zone",
                             .timeout = spec_client.timeout.value_or(Duration::zero())});
      if (auto error = client->front->listen()) throw std::runtime_error(*error);
      target = client->front->port();
    } else {
      target = balancerOf(spec_client.region)->proxy->port();
    }
    LoadPlan plan = loadPlanFor(spec_, c);
    plan.time_scale = options_.time_scale;
    plan.max_connections = connections;
    ClientRegion& ref = *client;
    client->load = std::make_unique<LoadGenerator>(
        io_, clock_, LoadTarget{"127.0.0.1", target}, std::move(plan),
        [this, &ref](const LoadResult& result) { onResult(ref, result); });
    client->load->onArrival(
        [this, &ref](std::uint64_t index, TimePoint intended) { onArrival(ref, index, intended); });
    client->load->onClientRetry([this](std::uint64_t, TimePoint intended) {
      metrics_.recordClientRetry(advanceTo(std::min(intended, clock_.now())));
    });
    clients_.push_back(std::move(client));
  }
}

// A one-shot action at a scenario time, on the run's clock.
void LiveWorld::at(TimePoint when, std::function<void()> what) {
  auto timer = std::make_unique<Timer>(io_);
  timer->expires_at(epoch_ + options_.time_scale.toReal(when - balancer::kRunStart));
  timer->async_wait([what = std::move(what)](const boost::system::error_code& error) {
    if (!error) what();
  });
  timers_.push_back(std::move(timer));
}

void LiveWorld::scheduleFaults() {
  for (std::uint32_t f = 0; f < spec_.faults.size(); ++f) {
    for (std::size_t step = 0; step < spec_.faults[f].steps.size(); ++step)
      at(spec_.faults[f].steps[step].at, [this, f, step] { onFaultStep(f, step); });
  }
}

// A fault starts, moves along its ramp, or ends: the hosts it strikes now get the faults that
// strike them now, and the links it cuts or degrades change (World::onFaultStep, live).
void LiveWorld::onFaultStep(std::uint32_t fault, std::size_t step) {
  const sim::FaultSpec& spec = spec_.faults[fault];
  // A window that ends when the fault steps closes first, as the simulator orders them.
  const TimePoint now = advanceTo(clock_.now());
  const bool starting = step == 0;
  const bool ending = step + 1 == spec.steps.size();
  if (starting || ending) {
    metrics_.setFaultActive(fault, starting, now);
    observer_.onFault(metrics::FaultEvent{.time = now, .fault = fault, .started = starting});
    if (options_.log) {
      options_.log((starting ? "fault starts: " : "fault ends: ") +
                   spec_.layout.faults[fault].name);
    }
    if (sim::onLinks(spec.kind)) link_faults_.set(fault, starting);
    const bool dns =
        spec.kind == sim::FaultKind::kDnsFailure || spec.kind == sim::FaultKind::kDnsStale;
    if (dns && tier_) {
      const int delta = starting ? 1 : -1;
      if (spec.kind == sim::FaultKind::kDnsFailure) tier_->changeDnsFailure(spec.region, delta);
      if (spec.kind == sim::FaultKind::kDnsStale) tier_->changeDnsStale(spec.region, delta);
    }
  }
  const sim::FaultStep before = fault_now_[fault];
  fault_now_[fault] = spec.steps[step];
  if (spec.kind == sim::FaultKind::kBalancerCrash) strikeInstances(fault, before, starting, ending);
  strikeHosts(fault, ending);
}

// The instances a balancer crash strikes move from the range it struck before to the one it
// strikes now; an instance is dead while any crash strikes it (World::strikeInstances).
void LiveWorld::strikeInstances(std::uint32_t fault, const sim::FaultStep& before, bool starting,
                                bool ending) {
  const sim::FaultSpec& spec = spec_.faults[fault];
  const sim::FaultStep& now = fault_now_[fault];
  for (std::uint32_t position = 0; position < spec.instances.size(); ++position) {
    const bool was = !starting && before.first_struck <= position && position < before.end_struck;
    const bool is = !ending && now.first_struck <= position && position < now.end_struck;
    if (was == is) continue;
    const std::uint32_t instance = spec.instances[position];
    instance_crashes_[instance] += is ? 1 : -1;
    setInstanceAlive(instance, instance_crashes_[instance] == 0);
  }
}

// An instance's process dies (its connections reset, connections refused) or comes back on its
// port; the global layer's checks see the change some checks later (World::setInstanceAlive).
void LiveWorld::setInstanceAlive(std::uint32_t instance, bool alive) {
  if (tier_->alive(instance) == alive) return;
  tier_->setAlive(instance, alive);
  Proxy& proxy = *balancers_[instance]->proxy;
  if (alive) {
    if (auto error = proxy.restart()) throw std::runtime_error(*error);
  } else {
    proxy.crash();
  }
  const std::uint32_t epoch = ++instance_epoch_[instance];
  at(tier_->detectionTime(instance, clock_.now()), [this, instance, epoch] {
    if (epoch != instance_epoch_[instance]) return;  // it changed again before the checks saw it
    const bool up = tier_->alive(instance);
    if (tier_->seenUp(instance) == up) return;
    tier_->setSeenUp(instance, up);
    observer_.onInstanceHealthChanged(
        metrics::InstanceHealthEvent{.time = clock_.now(), .instance = instance, .healthy = up});
  });
}

// The hosts a fault strikes at its current step gain it, those it no longer strikes lose it.
void LiveWorld::strikeHosts(std::uint32_t fault, bool ending) {
  const sim::FaultSpec& spec = spec_.faults[fault];
  const sim::FaultStep& struck = fault_now_[fault];
  const TimePoint now = clock_.now();
  for (std::uint32_t position = 0; position < spec.hosts.size(); ++position) {
    const std::uint32_t host = spec.hosts[position];
    auto& faults = striking_[host];
    const bool strikes = !ending && struck.first_struck <= position && position < struck.end_struck;
    const auto found = std::find(faults.begin(), faults.end(), fault);
    if (strikes == (found != faults.end())) continue;
    if (strikes) {
      faults.push_back(fault);
    } else {
      faults.erase(found);
    }
    const bool was_serving = host_faults_[host].serving();
    const bool serving = applyHostFaults(host, now);
    if (serving != was_serving) {
      observer_.onHostStateChanged(
          metrics::HostStateEvent{.time = now, .host = host, .serving = serving});
    }
  }
}

// A fault that slows or fails hosts grows across its ramp up and fades across its ramp down
// (FaultSpec::intensityAt); the simulator reads its strength at every try, a live backend holds
// what it was last given, so the hosts of faults on a ramp are given their strength again at
// every tick: 50 ticks across the shortest ramp, no closer than 10 ms of real time.
void LiveWorld::scheduleRampRefresh() {
  Duration shortest = Duration::max();
  for (const sim::FaultSpec& fault : spec_.faults) {
    if (sim::strikesOutright(fault.kind) || sim::onLinks(fault.kind))
      continue;  // in steps; per trip
    for (const Duration ramp : {fault.ramp_up, fault.ramp_down}) {
      if (ramp > Duration::zero()) shortest = std::min(shortest, ramp);
    }
  }
  if (shortest == Duration::max()) return;
  ramp_tick_ = std::max<Duration>(shortest / 50, options_.time_scale.toScenario(10ms));
  ramp_timer_ = std::make_unique<Timer>(io_);
  rampTick(balancer::kRunStart + ramp_tick_);
}

void LiveWorld::rampTick(TimePoint when) {
  ramp_timer_->expires_at(epoch_ + options_.time_scale.toReal(when - balancer::kRunStart));
  ramp_timer_->async_wait([this, when](const boost::system::error_code& error) {
    if (error || finished_) return;  // through the drain too: the faults go on
    refreshRamps();
    rampTick(when + ramp_tick_);
  });
}

// The hosts struck by a fault on its ramp, or just past its ramp up (so full strength is given
// once it is reached), get every fault striking them at its strength now.
void LiveWorld::refreshRamps() {
  const TimePoint now = clock_.now();
  const auto ramping = [&](std::uint32_t f) {
    const sim::FaultSpec& fault = spec_.faults[f];
    return !sim::strikesOutright(fault.kind) &&
           (now - fault.start < fault.ramp_up + ramp_tick_ || fault.end - now < fault.ramp_down);
  };
  for (std::uint32_t host = 0; host < striking_.size(); ++host) {
    const auto& faults = striking_[host];
    if (std::any_of(faults.begin(), faults.end(), ramping)) applyHostFaults(host, now);
  }
}

// The faults striking a host, applied to its backend, and its refusals to every proxy in front of
// it (HostFaults::refused). Whether it serves.
bool LiveWorld::applyHostFaults(std::uint32_t host, TimePoint now) {
  const double refused_before = host_faults_[host].refused();
  const bool serving = host_faults_[host].apply(striking_[host], spec_.faults, now);
  const double refused = host_faults_[host].refused();
  if (refused == refused_before) return serving;
  for (auto& balancer : balancers_) {
    UpstreamFaults& injected = balancer->proxy->upstreamFaults();
    std::uint64_t& id = balancer->refusal_of_host[host];
    if (id != 0) injected.remove(std::exchange(id, 0));
    if (refused > 0) {
      id = injected
               .add(UpstreamFault{.kind = UpstreamFault::Kind::kRefused,
                                  .backend = spec_.layout.hosts[host].name,
                                  .probability = refused})
               .id;
    }
  }
  return serving;
}

// Windows close on their timer when nothing else happens, and before any arrival or completion
// that comes after their end: the metrics see one clock that never goes back.
void LiveWorld::scheduleWindow(TimePoint end) {
  at(end, [this, end] {
    if (finished_) return;
    advanceTo(clock_.now());
    scheduleWindow(end + spec_.layout.window);
  });
}

TimePoint LiveWorld::advanceTo(TimePoint at) {
  last_event_ = std::max(last_event_, at);
  while (!finished_ && next_window_end_ <= last_event_) {
    closeWindow(next_window_end_);
    next_window_end_ += spec_.layout.window;
  }
  return last_event_;
}

// The proxies' tries since the last window, as the simulator records each one.
void LiveWorld::recordTries(TimePoint at) {
  std::uint64_t tries = 0;
  std::uint64_t retries = 0;
  std::uint64_t hedges = 0;
  for (const auto& balancer : balancers_) {
    tries += balancer->proxy->counters().tries;
    retries += balancer->proxy->counters().retries;
    hedges += balancer->proxy->counters().hedges;
  }
  // Within the window that closes at `at`, not in the next (a window ending at the warm-up's end
  // keeps its tries out of the summary).
  const TimePoint within = at - Duration(1);
  for (; retries_seen_ < retries; ++retries_seen_, ++tries_seen_)
    metrics_.recordTry(within, metrics::TryKind::kRetry);
  for (; hedges_seen_ < hedges; ++hedges_seen_, ++tries_seen_)
    metrics_.recordTry(within, metrics::TryKind::kHedge);
  for (; tries_seen_ < tries; ++tries_seen_)
    metrics_.recordTry(within, metrics::TryKind::kFirst);
}

// A window closes as in the simulator: the requests completed in it, each host's truth and each
// balancer's own view at its end.
void LiveWorld::closeWindow(TimePoint end) {
  recordTries(end);
  metrics::WindowStats window;
  metrics_.closeWindow(end, window);
  const auto regions = static_cast<std::uint32_t>(spec_.layout.regions.size());
  window.region_state.assign(regions, {});
  for (std::uint32_t h = 0; h < spec_.hosts.size(); ++h) {
    auto& state = window.region_state[spec_.hosts[h].region];
    ++state.hosts;
    if (host_faults_[h].serving()) ++state.hosts_up;
  }
  for (const auto& balancer : balancers_) {
    window.balancers.push_back(sim::balancerView(
        balancer->proxy->balancer(), balancer->level_region, balancer->region, regions));
    if (balancer->instance) {  // as RegionalBalancer::view and World::closeWindow tell it
      window.balancers.back().instance = spec_.tier->instances[*balancer->instance].name;
      window.balancers.back().down = !tier_->alive(*balancer->instance);
    }
  }
  observer_.onWindowClosed(window);
  observer_.onProgress(
      metrics::Progress{.simulated = end, .duration = spec_.layout.duration, .events = 0});
  window_start_ = end;
}

// Arrivals reach the metrics in time order (their concurrency integral needs it): the loop may
// hand over a late one, which counts at the latest time the metrics saw.
void LiveWorld::onArrival(ClientRegion& client, std::uint64_t index, TimePoint intended) {
  metrics_.recordArrival(advanceTo(std::min(intended, clock_.now())));
  client.sent_in_epoch.emplace(index, metrics_.faultEpoch());
}

void LiveWorld::onResult(ClientRegion& client, const LoadResult& result) {
  const auto sent = client.sent_in_epoch.find(result.index);
  if (sent == client.sent_in_epoch.end()) return;  // never arrived (cannot happen)
  metrics::CompletedRequest done;
  done.at = advanceTo(clock_.now());
  done.fault_epoch = sent->second;
  client.sent_in_epoch.erase(sent);
  done.client_region = client.region;
  done.outcome = outcomeOf(result);
  done.latency = result.latency();
  if (const auto host = host_by_name_.find(result.served_by); host != host_by_name_.end()) {
    const sim::HostSpec& served = spec_.hosts[host->second];
    done.serving_region = served.region;
    done.cross_zone = served.region == client.region && served.zone != result.zone;
  }
  metrics_.recordCompletion(done);
  finishIfDone();
}

// Once the scenario's duration has passed and every client's requests are answered (or given
// up at the drain limit), the last window closes where the drain ended and the run is summed
// up, as the simulator ends a run.
void LiveWorld::finishIfDone() {
  if (finished_ || !traffic_over_) return;
  for (const auto& client : clients_) {
    if (!client->load->finished()) return;
  }
  const TimePoint end = advanceTo(clock_.now());
  finished_ = true;
  if (end > window_start_) closeWindow(end);
  observer_.onRunFinished(metrics_.summary(end, 0));
  io_.stop();
}

sim::RunStatus LiveWorld::run(const std::atomic<bool>* stop) {
  observer_.onRunStarted(spec_.layout);
  for (auto& balancer : balancers_)
    balancer->proxy->start();
  for (auto& client : clients_) {
    if (client->front) client->front->start();
  }
  scheduleFaults();
  scheduleRampRefresh();
  next_window_end_ = balancer::kRunStart + spec_.layout.window;
  scheduleWindow(next_window_end_);
  at(balancer::kRunStart + spec_.layout.duration, [this] {
    traffic_over_ = true;
    finishIfDone();
  });
  // From the run's start, as the faults and windows: the time spent setting up is not a shift.
  for (auto& client : clients_)
    client->load->start(balancer::kRunStart);
  bool stopped = false;
  Timer watch(io_);
  std::function<void()> check = [&] {
    watch.expires_after(std::chrono::milliseconds(100));
    watch.async_wait([&](const boost::system::error_code& error) {
      if (error) return;
      if (stop != nullptr && stop->load()) {
        stopped = true;
        io_.stop();
        return;
      }
      check();
    });
  };
  check();
  io_.run();
  if (stopped || !finished_) return sim::RunStatus{sim::RunEnd::kStopped, "stopped"};
  return {};
}

Expected<sim::RunStatus, LiveError> runLive(const sim::WorldSpec& spec, const LiveOptions& options,
                                            metrics::Observer& observer,
                                            const std::atomic<bool>* stop) {
  try {
    LiveWorld world(spec, options, observer);
    return world.run(stop);
  } catch (const std::exception& error) {
    return Unexpected(LiveError{std::string("the live run failed: ") + error.what()});
  }
}

}  // namespace faultline::live
