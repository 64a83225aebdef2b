#include "engine/live/proxy.h"

#include <boost/asio/post.hpp>
#include <cassert>

#include "balancer/strategy_registry.h"

namespace faultline::live {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// FNV-1a, 64 bits: the same key hashes the same on every machine and run.
std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

Expected<std::vector<tcp::endpoint>, std::string> resolve(asio::io_context& io,
                                                          const std::vector<BackendAddress>& all) {
  std::vector<tcp::endpoint> endpoints;
  tcp::resolver resolver(io);
  for (const auto& backend : all) {
    boost::system::error_code error;
    const auto found = resolver.resolve(backend.host, std::to_string(backend.port), error);
    if (error || found.empty()) {
      return Unexpected("backend " + backend.name + ": cannot resolve " + backend.host + ": " +
                        error.message());
    }
    endpoints.push_back(found.begin()->endpoint());
  }
  return endpoints;
}

balancer::PrioritySet prioritySet(const std::vector<BackendAddress>& backends) {
  std::vector<balancer::HostDescriptor> hosts;
  std::uint32_t levels = 1;
  for (const auto& backend : backends)
    levels = std::max(levels, backend.level + 1);
  std::vector<std::vector<balancer::HostIndex>> members(levels);
  for (std::size_t i = 0; i < backends.size(); ++i) {
    const auto& backend = backends[i];
    members[backend.level].push_back(static_cast<balancer::HostIndex>(i));
    hosts.push_back(balancer::HostDescriptor{.address = i,
                                             .name = backend.name,
                                             .locality = {backend.region, backend.zone},
                                             .weight = std::max(1u, backend.weight)});
  }
  return balancer::PrioritySet(std::move(hosts), std::move(members));
}

}  // namespace

Expected<std::unique_ptr<Proxy>, std::string> Proxy::create(asio::io_context& io,
                                                            ProxyConfig config,
                                                            const tcp::endpoint& listen, Log log,
                                                            balancer::BalancerEvents* listener) {
  if (config.backends.empty()) return Unexpected(std::string("no backend to forward to"));
  if (!balancer::isKnownStrategy(config.strategy)) {
    return Unexpected("unknown strategy \"" + config.strategy +
                      "\"; known: " + balancer::knownStrategyNames());
  }
  auto endpoints = resolve(io, config.backends);
  if (!endpoints) return Unexpected(endpoints.error());
  std::unique_ptr<Proxy> proxy(
      new Proxy(io, std::move(config), std::move(*endpoints), std::move(log), listener));
  if (auto error = listenOn(proxy->acceptor_, listen)) return Unexpected(std::move(*error));
  return proxy;
}

Proxy::Proxy(asio::io_context& io, ProxyConfig config, std::vector<tcp::endpoint> backends, Log log,
             balancer::BalancerEvents* listener)
    : io_(io),
      config_(std::move(config)),
      log_(std::move(log)),
      listener_(listener),
      runtime_(io, config_.seed, config_.time_scale, config_.epoch),
      prober_(io, backends, config_.health_check_path,
              config_.time_scale.toReal(config_.balancer.health_check.timeout),
              config_.network.get(), config_.time_scale),
      pools_(),
      balancer_(makeBalancer()),
      faults_(config_.seed),
      context_{io,           runtime_,           *balancer_,
               pools_,       config_.limits,     counters_,
               faults_,      config_.time_scale, config_.network.get(),
               config_.zone, config_.zone_header},
      acceptor_(io),
      reserved_(io),
      accept_pause_(io),
      drain_timer_(io) {
  const ProxyLimits& limits = config_.limits;
  constexpr std::size_t kMostIdlePerBackend = 1024;
  for (const auto& endpoint : backends) {
    pools_.push_back(std::make_unique<UpstreamPool>(
        io, endpoint, limits.connect_timeout, limits.upstream_idle_timeout, kMostIdlePerBackend));
  }
  prober_.attach(*balancer_);
  prober_.setFaults([this](balancer::HostIndex host) {
    return faults_.empty() ? TryEffect{} : faults_.drawForProbe(config_.backends[host].name);
  });
}

Proxy::~Proxy() {
  *alive_ = false;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  drain_timer_.cancel();
  accept_pause_.cancel();
  prober_.stop();
  std::vector<std::shared_ptr<ClientSession>> open;
  for (auto& [raw, session] : sessions_)
    open.push_back(session);
  for (auto& session : open)  // each close() leaves sessions_
    session->close();
}

std::unique_ptr<balancer::LoadBalancer> Proxy::makeBalancer() {
  auto strategy = balancer::makeStrategy(config_.strategy, config_.strategy_options, runtime_,
                                         config_.backends.size());
  assert(strategy && "create() checks the strategy name");
  balancer::Prober& prober = prober_;
  balancer::BalancerEvents& events = *this;
  return std::make_unique<balancer::LoadBalancer>(runtime_, prober, prioritySet(config_.backends),
                                                  std::move(*strategy), config_.balancer, &events);
}

void Proxy::start() {
  balancer_->start();
  accepting_ = true;
  accept();
}

void Proxy::crash() {
  if (crashed_ || draining_) return;
  crashed_ = true;
  accepting_ = false;
  boost::system::error_code ignored;
  bound_ = acceptor_.local_endpoint(ignored);
  acceptor_.close(ignored);
  // The port stays taken, bound but not listening (connections to it are refused), so that no
  // outgoing connection is given it before the restart.
  reserved_.open(bound_.protocol(), ignored);
  reserved_.set_option(Acceptor::reuse_address(true), ignored);
  reserved_.bind(bound_, ignored);
  accept_pause_.cancel();
  std::vector<std::shared_ptr<ClientSession>> open;
  for (auto& [raw, session] : sessions_)
    open.push_back(session);
  for (auto& session : open)  // each reset() leaves sessions_
    session->reset();
  if (log_) log_("crashed");
}

std::optional<std::string> Proxy::restart() {
  if (!crashed_) return std::nullopt;
  boost::system::error_code ignored;
  reserved_.close(ignored);
  if (auto error = listenOn(acceptor_, bound_)) return error;
  crashed_ = false;
  accepting_ = true;
  accept();
  if (log_) log_("restarted");
  return std::nullopt;
}

std::uint16_t Proxy::port() const {
  boost::system::error_code error;
  const auto endpoint = acceptor_.local_endpoint(error);
  return error ? 0 : endpoint.port();
}

// Accepts while below the connection limit; a session that closes resumes it.
void Proxy::accept() {
  if (!accepting_ || draining_ || sessions_.size() >= config_.limits.max_connections) {
    accepting_ = false;
    return;
  }
  acceptor_.async_accept([this, alive = alive_](boost::system::error_code error, Socket socket) {
    if (!*alive || draining_ || crashed_) return;  // a connection accepted as it died closes
    if (!error) {
      SessionOwner& owner = *this;
      auto session = std::make_shared<ClientSession>(std::move(socket), owner);
      sessions_.emplace(session.get(), session);
      session->start();
    }
    if (error == asio::error::operation_aborted) return;
    if (error == asio::error::no_descriptors || error == asio::error::no_buffer_space ||
        error == asio::error::no_memory ||
        error == boost::system::errc::too_many_files_open_in_system) {
      // Out of descriptors: accepting again at once would spin on the same error; the
      // connection waits in the backlog meanwhile (HAProxy pauses its listeners the same way).
      accept_pause_.expires_after(std::chrono::milliseconds(100));
      accept_pause_.async_wait([this, alive](const boost::system::error_code& e) {
        if (!e && *alive) accept();
      });
      return;
    }
    accept();
  });
}

void Proxy::sessionClosed(ClientSession& session) {
  const auto found = sessions_.find(&session);
  if (found == sessions_.end()) return;
  // The session is still running its close(): it goes after, not here.
  asio::post(io_, [keep = std::move(found->second)] {});
  sessions_.erase(found);
  if (draining_) {
    if (sessions_.empty()) finishDrain();
    return;
  }
  if (!accepting_ && !crashed_) {
    accepting_ = true;
    accept();
  }
}

void Proxy::drain(std::function<void()> done) {
  if (draining_) return;
  draining_ = true;
  accepting_ = false;
  drained_ = std::move(done);
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  if (log_) log_("draining " + std::to_string(sessions_.size()) + " connections");
  std::vector<std::shared_ptr<ClientSession>> open;
  for (auto& [raw, session] : sessions_)
    open.push_back(session);
  for (auto& session : open)
    session->drain();
  if (sessions_.empty()) return finishDrain();
  drain_timer_.expires_after(config_.limits.drain_timeout);
  drain_timer_.async_wait([this, alive = alive_](const boost::system::error_code& error) {
    if (error || !*alive) return;
    std::vector<std::shared_ptr<ClientSession>> left;
    for (auto& [raw, session] : sessions_)
      left.push_back(session);
    for (auto& session : left)
      session->close();
  });
}

void Proxy::finishDrain() {
  drain_timer_.cancel();
  prober_.stop();
  for (auto& pool : pools_)
    pool->closeIdle();
  if (auto done = std::exchange(drained_, nullptr)) asio::post(io_, std::move(done));
}

std::optional<std::uint64_t> Proxy::hashKeyOf(const HttpRequest& request) const {
  const auto key = request[config_.hash_key_header];
  if (key.empty()) return std::nullopt;
  return fnv1a(std::string_view(key.data(), key.size()));
}

void Proxy::onHostHealthChanged(balancer::HostIndex host, bool healthy) {
  if (listener_) listener_->onHostHealthChanged(host, healthy);
  if (host_usable_.size() <= host) host_usable_.resize(config_.backends.size(), true);
  if (host_usable_[host] == healthy) return;
  host_usable_[host] = healthy;
  if (log_) {
    log_("backend " + config_.backends[host].name + (healthy ? " back in use" : " out of use"));
  }
}

void Proxy::onActiveLevelChanged(std::optional<std::uint32_t> from,
                                 std::optional<std::uint32_t> to) {
  if (listener_) listener_->onActiveLevelChanged(from, to);
  if (!log_) return;
  const auto name = [](std::optional<std::uint32_t> level) {
    return level ? "priority " + std::to_string(*level) : std::string("none");
  };
  log_("traffic moves from " + name(from) + " to " + name(to));
}

}  // namespace faultline::live
