#include "cli/proxy_command.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>

#include "cli/exit_codes.h"
#include "cli/scenario_errors.h"
#include "cli/world_loading.h"
#include "engine/live/admin_server.h"
#include "engine/live/proxy.h"
#include "engine/sim/balancer_spec_builder.h"

namespace faultline::cli {

namespace asio = boost::asio;
using asio::ip::tcp;

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
  asio::io_context io(1);
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
