#include "cli/proxy_command.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <string_view>

#include "cli/exit_codes.h"
#include "cli/scenario_errors.h"
#include "cli/world_loading.h"
#include "engine/live/admin_server.h"
#include "engine/live/descriptor_limit.h"
#include "engine/live/proxy.h"
#include "engine/sim/balancer_spec_builder.h"

namespace faultline::cli {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// How a default reads in --help, as parseDuration reads it back: "15s", "500ms".
std::string durationText(balancer::Duration duration) {
  using std::chrono::duration_cast;
  const auto millis = duration_cast<std::chrono::milliseconds>(duration);
  if (millis.count() % 1000 == 0) return std::to_string(millis.count() / 1000) + "s";
  return std::to_string(millis.count()) + "ms";
}

// The limits and timeouts in a group of their own, each with ProxyLimits' default shown (the
// default is not applied here: an option not given leaves the field as ProxyLimits has it).
void addLimitOptions(CLI::App& proxy, ProxyLimitArguments& given) {
  const live::ProxyLimits defaults;
  const auto add = [&](const char* name, std::optional<std::string>& into, const char* type,
                       std::string shown, const char* what) {
    proxy.add_option(name, into, what)
        ->type_name(type)
        ->default_str(std::move(shown))
        ->group("Limits and timeouts (SIZE: bytes, k or M, 1k = 1024; DURATION: 500ms, 15s, 1m)");
  };
  using scenarios::formatByteSize;
  add("--max-connections", given.max_connections, "N", std::to_string(defaults.max_connections),
      "Client connections open at once; beyond, new ones wait in the backlog (HAProxy's maxconn)");
  add("--max-header-size", given.max_header_size, "SIZE", formatByteSize(defaults.max_header_bytes),
      "Largest request head; beyond, 431");
  add("--max-body-size", given.max_body_size, "SIZE", formatByteSize(defaults.max_body_bytes),
      "Largest request body; beyond, 413");
  add("--max-response-header-size", given.max_response_header_size, "SIZE",
      formatByteSize(defaults.max_response_header_bytes),
      "Largest response head from a backend; beyond, 502");
  add("--max-response-body-size", given.max_response_body_size, "SIZE",
      formatByteSize(defaults.max_response_body_bytes),
      "Largest response body from a backend (buffered whole); beyond, 502");
  add("--timeout-head", given.timeout_head, "DURATION", durationText(defaults.request_head_timeout),
      "The request, head and body, must arrive within this; beyond, 408 (HAProxy's timeout "
      "http-request)");
  add("--timeout-client-idle", given.timeout_client_idle, "DURATION",
      durationText(defaults.client_idle_timeout),
      "A client connection without a request is closed after this");
  add("--timeout-connect", given.timeout_connect, "DURATION",
      durationText(defaults.connect_timeout),
      "Connecting to a backend; beyond, a connect failure (Envoy's connect_timeout)");
  add("--timeout-request", given.timeout_request, "DURATION",
      durationText(defaults.request_timeout),
      "The whole request, retries included; beyond, 504 (Envoy's route timeout); 0: none");
  add("--timeout-upstream-idle", given.timeout_upstream_idle, "DURATION",
      durationText(defaults.upstream_idle_timeout),
      "An idle pooled backend connection is closed after this");
  add("--timeout-drain", given.timeout_drain, "DURATION", durationText(defaults.drain_timeout),
      "On SIGTERM, requests in flight get this long to finish");
}

}  // namespace

void addProxyCommand(CLI::App& app, ProxyArguments& arguments) {
  auto* proxy = app.add_subcommand(
      "proxy", "Run the balancer as a reverse proxy in front of real backends (until SIGTERM)");
  proxy->add_option("--listen", arguments.listen, "Address to listen on, HOST:PORT (port 0: any)")
      ->capture_default_str();
  proxy
      ->add_option("--admin", arguments.admin,
                   "Admin endpoint (/metrics, /hosts, /faults), HOST:PORT or none")
      ->capture_default_str();
  auto* backend =
      proxy->add_option("--backend", arguments.backends, "A backend, HOST:PORT (repeat for more)");
  auto* config = proxy->add_option(
      "--config", arguments.config,
      "A scenario file: a region's balancer, in front of its backend groups' addresses");
  backend->excludes(config);
  proxy->add_option("--region", arguments.region,
                    "With --config: the region whose balancer runs (default: the only one)");
  proxy->add_option("--strategy", arguments.strategy,
                    "Balancing strategy (`faultline strategies`): the file's, or round-robin");
  proxy
      ->add_option("--health-path", arguments.health_path,
                   "Path the health checks GET (2xx or 3xx passes)")
      ->capture_default_str();
  proxy->add_flag("--no-health-checks", arguments.no_health_checks,
                  "Do not probe the backends (outlier detection still ejects failing ones)");
  proxy
      ->add_option("--retries", arguments.retries,
                   "Retry a failed try (5xx, reset, refused) up to N times on another backend")
      ->capture_default_str();
  proxy->add_option("--seed", arguments.seed, "Seed of the balancer's random draws")
      ->capture_default_str();
  addLimitOptions(*proxy, arguments.limits);
}

namespace {

// Bounds beyond which a value is a typo rather than a wish. Connections: Linux's default
// fs.nr_open, the most descriptors one process may have. Heads: Envoy's ceiling for
// max_request_headers_kb (8 MiB; Beast counts them in 32 bits). Bodies are buffered whole, so a
// gigabyte per request is already more than a proxy should hold.
constexpr std::uint64_t kMostConnections = 1024 * 1024;
constexpr std::uint64_t kMostHeadBytes = 8 * 1024 * 1024;
constexpr std::uint64_t kMostBodyBytes = 1024 * 1024 * 1024;

Unexpected<std::string> optionError(std::string_view option, std::string_view why) {
  std::string message(option);
  message += ": ";
  message += why;
  return Unexpected(std::move(message));
}

std::string inQuotes(std::string_view text) {
  std::string shown = "\"";
  shown.append(text).append("\"");
  return shown;
}

template <typename Field>
Expected<void, std::string> readCount(const std::optional<std::string>& given,
                                      std::string_view option, std::uint64_t most, Field& field) {
  if (!given) return {};
  auto count = scenarios::parseSeed(*given);  // a plain decimal number, as a seed is
  if (!count || *count == 0 || *count > most) {
    return optionError(
        option, inQuotes(*given) + " must be a whole number from 1 to " + std::to_string(most));
  }
  field = static_cast<Field>(*count);
  return {};
}

template <typename Field>
Expected<void, std::string> readSize(const std::optional<std::string>& given,
                                     std::string_view option, std::uint64_t most, Field& field) {
  if (!given) return {};
  auto size = scenarios::parseByteSize(*given);
  if (!size) return optionError(option, size.error());
  if (*size == 0) return optionError(option, inQuotes(*given) + " must be at least 1 byte");
  if (*size > most) {
    return optionError(option,
                       inQuotes(*given) + " is larger than " + scenarios::formatByteSize(most));
  }
  field = static_cast<Field>(*size);
  return {};
}

// "0", "0s", "0ms": zero in a unit parseDuration knows (which refuses zero itself).
bool isZeroDuration(std::string_view text) {
  if (text.empty() || text.front() != '0') return false;
  const std::size_t unit = std::min(text.find_first_not_of("0."), text.size());
  if (std::count(text.begin(), text.begin() + unit, '.') > 1) return false;
  std::string one = "1";
  one += text.substr(unit);
  return scenarios::parseDuration(one).hasValue();
}

Expected<void, std::string> readDuration(const std::optional<std::string>& given,
                                         std::string_view option, bool zero_is_none,
                                         balancer::Duration& field) {
  if (!given) return {};
  if (zero_is_none && isZeroDuration(*given)) {
    field = balancer::Duration::zero();
    return {};
  }
  auto duration = scenarios::parseDuration(*given);
  if (!duration && zero_is_none) return optionError(option, duration.error() + " (or 0: none)");
  if (!duration) return optionError(option, duration.error());
  field = *duration;
  return {};
}

}  // namespace

Expected<live::ProxyLimits, std::string> proxyLimitsOf(const ProxyLimitArguments& given) {
  live::ProxyLimits limits;
  const Expected<void, std::string> read[] = {
      readCount(given.max_connections, "--max-connections", kMostConnections,
                limits.max_connections),
      readSize(given.max_header_size, "--max-header-size", kMostHeadBytes, limits.max_header_bytes),
      readSize(given.max_body_size, "--max-body-size", kMostBodyBytes, limits.max_body_bytes),
      readSize(given.max_response_header_size, "--max-response-header-size", kMostHeadBytes,
               limits.max_response_header_bytes),
      readSize(given.max_response_body_size, "--max-response-body-size", kMostBodyBytes,
               limits.max_response_body_bytes),
      readDuration(given.timeout_head, "--timeout-head", false, limits.request_head_timeout),
      readDuration(given.timeout_client_idle, "--timeout-client-idle", false,
                   limits.client_idle_timeout),
      readDuration(given.timeout_connect, "--timeout-connect", false, limits.connect_timeout),
      readDuration(given.timeout_request, "--timeout-request", /*zero_is_none=*/true,
                   limits.request_timeout),
      readDuration(given.timeout_upstream_idle, "--timeout-upstream-idle", false,
                   limits.upstream_idle_timeout),
      readDuration(given.timeout_drain, "--timeout-drain", false, limits.drain_timeout),
  };
  for (const auto& result : read) {
    if (!result) return Unexpected(result.error());  // the first, in the order --help lists them
  }
  return limits;
}

namespace {

// What both kinds of plan take from the options: where to listen and the health checks' path.
Expected<ProxyPlan, std::string> commonPlan(const ProxyArguments& arguments) {
  ProxyPlan plan;
  auto listen = scenarios::parseHostPort(arguments.listen, /*allow_port_zero=*/true);
  if (!listen) return Unexpected("--listen: " + listen.error());
  plan.listen = *listen;
  if (arguments.admin != "none") {
    auto admin = scenarios::parseHostPort(arguments.admin, /*allow_port_zero=*/true);
    if (!admin) return Unexpected("--admin: " + admin.error());
    plan.admin = *admin;
  }
  if (arguments.health_path.empty() || arguments.health_path.front() != '/') {
    return Unexpected("--health-path: \"" + arguments.health_path + "\" must start with /");
  }
  plan.config.health_check_path = arguments.health_path;
  plan.config.seed = arguments.seed;
  auto limits = proxyLimitsOf(arguments.limits);
  if (!limits) return Unexpected(limits.error());
  plan.config.limits = *limits;
  return plan;
}

}  // namespace

Expected<ProxyPlan, std::string> proxyPlanOf(const ProxyArguments& arguments) {
  if (arguments.backends.empty()) {
    return Unexpected(std::string("--backend: at least one, or --config (never an open proxy)"));
  }
  auto plan = commonPlan(arguments);
  if (!plan) return plan;
  for (const auto& text : arguments.backends) {
    auto backend = scenarios::parseHostPort(text, /*allow_port_zero=*/false);
    if (!backend) return Unexpected("--backend: " + backend.error());
    plan->config.backends.push_back(
        live::BackendAddress{.name = text, .host = backend->host, .port = backend->port});
  }
  // The same resolution and defaults as a scenario's `balancer` section.
  scenario::Balancer balancer;
  balancer.set_strategy(arguments.strategy.value_or("round-robin"));
  if (arguments.no_health_checks) balancer.mutable_health_check()->set_enabled(false);
  if (arguments.retries > 0) {
    // Envoy's retry_on: 5xx with the previous_hosts predicate (HAProxy's option redispatch).
    balancer.mutable_retry()->set_num_retries(arguments.retries);
    balancer.mutable_retry()->set_retry_other_hosts(true);
  }
  auto spec = sim::buildBalancerSpec(balancer, std::nullopt);
  if (!spec) return Unexpected("--strategy: " + spec.error().message);
  plan->config.strategy = spec->strategy;
  plan->config.strategy_options = spec->options;
  plan->config.balancer = spec->config;
  return plan;
}

namespace {

// The region whose balancer runs: the one named, or the only one.
Expected<std::uint32_t, std::string> regionOf(const ProxyArguments& arguments,
                                              const sim::WorldSpec& spec) {
  const auto& regions = spec.layout.regions;
  if (!arguments.region) {
    if (regions.size() == 1) return 0u;
    std::string names;
    for (const auto& region : regions)
      names += (names.empty() ? "" : ", ") + region.name;
    return Unexpected("--region: the scenario has several regions; name one of " + names);
  }
  for (std::uint32_t r = 0; r < regions.size(); ++r) {
    if (regions[r].name == *arguments.region) return r;
  }
  return Unexpected("--region: no region is named \"" + *arguments.region + "\"");
}

}  // namespace

Expected<ProxyPlan, int> proxyPlanFromConfig(const ProxyArguments& arguments, std::ostream& err) {
  if (arguments.retries > 0 || arguments.no_health_checks) {
    // The file's balancer section says it all; two sources would leave one silently ignored.
    err << "faultline proxy: --retries and --no-health-checks go with --backend; with --config, "
           "set them in the file's balancer section\n";
    return Unexpected(kExitBadInput);
  }
  auto plan = commonPlan(arguments);
  if (!plan) {
    err << "faultline proxy: " << plan.error() << '\n';
    return Unexpected(kExitBadInput);
  }
  auto world =
      loadWorld({*arguments.config, arguments.strategy, std::nullopt, std::nullopt}, "proxy", err);
  if (!world) return Unexpected(world.error());
  const sim::WorldSpec& spec = world->spec;
  const scenario::Scenario& scenario = world->loaded.scenario;
  auto region = regionOf(arguments, spec);
  if (!region) {
    err << "faultline proxy: " << region.error() << '\n';
    return Unexpected(kExitBadInput);
  }
  if (spec.balancer.config.zone_aware || spec.balancer.config.locality_weights) {
    printConfigError({"balancer.zone_routing",
                      "faultline proxy does not route by zone yet (it does not know its "
                      "clients' zones)"},
                     world->loaded.source_map, "proxy", err);
    return Unexpected(kExitBadInput);
  }
  live::ProxyConfig& config = plan->config;
  config.strategy = spec.balancer.strategy;
  config.strategy_options = spec.balancer.options;
  config.balancer = spec.balancer.config;
  // The region's failover order: its own backends first, then the next regions', as its
  // simulated balancer sees them.
  const auto& order = spec.layout.regions[*region].failover_order;
  for (std::uint32_t level = 0; level < order.size(); ++level) {
    const auto& groups = scenario.regions(static_cast<int>(order[level])).backends();
    for (int g = 0; g < groups.size(); ++g) {
      const auto& group = groups[g];
      if (group.addresses().empty()) {
        const std::string path = "regions[" + std::to_string(order[level]) + "].backends[" +
                                 std::to_string(g) + "].addresses";
        printConfigError({path,
                          "faultline proxy needs the addresses of every group the region's "
                          "balancer may use"},
                         world->loaded.source_map, "proxy", err);
        return Unexpected(kExitBadInput);
      }
      for (int i = 0; i < group.addresses_size(); ++i) {
        const auto address = scenarios::parseHostPort(group.addresses(i), false);  // checked
        config.backends.push_back(
            live::BackendAddress{.name = group.addresses(i),
                                 .host = address->host,
                                 .port = address->port,
                                 .weight = group.has_weight() ? group.weight() : 1,
                                 .level = level,
                                 .region = order[level]});
      }
    }
  }
  return std::move(*plan);
}

namespace {

Expected<tcp::endpoint, std::string> listenEndpoint(asio::io_context& io,
                                                    const scenarios::HostPort& listen,
                                                    const char* option) {
  boost::system::error_code error;
  tcp::resolver resolver(io);
  const auto found =
      resolver.resolve(listen.host, std::to_string(listen.port), tcp::resolver::passive, error);
  if (error || found.empty()) {
    std::string message = option;
    message += ": cannot resolve ";
    message += listen.host;
    message += ": ";
    message += error.message();
    return Unexpected(std::move(message));
  }
  return found.begin()->endpoint();
}

}  // namespace

int runProxy(const ProxyArguments& arguments, std::ostream& out, std::ostream& err) {
  Expected<ProxyPlan, int> plan = Unexpected(kExitBadInput);
  if (arguments.config) {
    plan = proxyPlanFromConfig(arguments, err);
  } else if (auto quick = proxyPlanOf(arguments)) {
    plan = std::move(*quick);
  } else {
    err << "faultline proxy: " << quick.error() << "\n";
  }
  if (!plan) return plan.error();
  // One thread does everything (as HAProxy at nbthread 1): no locks in Asio's scheduler and
  // reactor. Names are resolved synchronously, and the one signal_set is this io_context's.
  asio::io_context io(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE);
  auto endpoint = listenEndpoint(io, plan->listen, "--listen");
  if (!endpoint) {
    err << "faultline proxy: " << endpoint.error() << "\n";
    return kExitBadInput;
  }
  std::optional<tcp::endpoint> admin_endpoint;
  if (plan->admin) {
    auto resolved = listenEndpoint(io, *plan->admin, "--admin");
    if (!resolved) {
      err << "faultline proxy: " << resolved.error() << "\n";
      return kExitBadInput;
    }
    admin_endpoint = *resolved;
  }
  const std::string strategy = plan->config.strategy;
  const std::size_t backends = plan->config.backends.size();
  // Two descriptors per client connection at most (its own and its upstream one), and Linux's
  // default soft limit of 1024 would cap --max-connections far below its default.
  live::raiseDescriptorLimit();
  auto proxy =
      live::Proxy::create(io, std::move(plan->config), *endpoint, [&err](const std::string& line) {
        err << "faultline proxy: " << line << "\n" << std::flush;
      });
  if (!proxy) {
    err << "faultline proxy: " << proxy.error() << "\n";
    return kExitFailure;
  }
  std::unique_ptr<live::AdminServer> admin;
  if (admin_endpoint) {
    auto created = live::AdminServer::create(io, *admin_endpoint, **proxy);
    if (!created) {
      err << "faultline proxy: " << created.error() << "\n";
      return kExitFailure;
    }
    admin = std::move(*created);
  }
  (*proxy)->start();
  if (admin) admin->start();
  out << "faultline proxy listening on " << endpoint->address().to_string() << ":"
      << (*proxy)->port() << ", " << backends << " backends, " << strategy << std::endl;
  if (admin) {
    out << "admin on " << admin_endpoint->address().to_string() << ":" << admin->port()
        << " (/metrics, /hosts, /faults)" << std::endl;
  }

  // The first SIGTERM or SIGINT drains; a second one stops at once.
  asio::signal_set signals(io, SIGINT, SIGTERM);
  bool draining = false;
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& error, int) {
        if (error) return;
        if (draining) return io.stop();
        draining = true;
        signals.async_wait(on_signal);
        if (admin) admin->stop();
        (*proxy)->drain([&] {
          signals.cancel();
          io.stop();
        });
      };
  signals.async_wait(on_signal);
  io.run();
  const auto& counters = (*proxy)->counters();
  err << "faultline proxy: stopped after " << counters.requests << " requests ("
      << counters.responses_5xx << " answered 5xx, " << counters.malformed << " malformed)\n";
  return kExitOk;
}

}  // namespace faultline::cli
