#include "cli/proxy_command.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>

#include "cli/exit_codes.h"
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
  proxy->add_option("--backend", arguments.backends, "A backend, HOST:PORT (repeat for more)")
      ->required();
  proxy->add_option("--strategy", arguments.strategy, "Balancing strategy (`faultline strategies`)")
      ->capture_default_str();
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

Expected<ProxyPlan, std::string> proxyPlanOf(const ProxyArguments& arguments) {
  ProxyPlan plan;
  auto listen = live::parseHostPort(arguments.listen, /*allow_port_zero=*/true);
  if (!listen) return Unexpected("--listen: " + listen.error());
  plan.listen = *listen;
  if (arguments.admin != "none") {
    auto admin = live::parseHostPort(arguments.admin, /*allow_port_zero=*/true);
    if (!admin) return Unexpected("--admin: " + admin.error());
    plan.admin = *admin;
  }
  for (const auto& text : arguments.backends) {
    auto backend = live::parseHostPort(text, /*allow_port_zero=*/false);
    if (!backend) return Unexpected("--backend: " + backend.error());
    plan.config.backends.push_back(
        live::BackendAddress{.name = text, .host = backend->host, .port = backend->port});
  }
  if (arguments.health_path.empty() || arguments.health_path.front() != '/') {
    return Unexpected("--health-path: \"" + arguments.health_path + "\" must start with /");
  }
  // The same resolution and defaults as a scenario's `balancer` section.
  scenario::Balancer balancer;
  balancer.set_strategy(arguments.strategy);
  if (arguments.no_health_checks) balancer.mutable_health_check()->set_enabled(false);
  if (arguments.retries > 0) {
    // Envoy's retry_on: 5xx with the previous_hosts predicate (HAProxy's option redispatch).
    balancer.mutable_retry()->set_num_retries(arguments.retries);
    balancer.mutable_retry()->set_retry_other_hosts(true);
  }
  auto spec = sim::buildBalancerSpec(balancer, std::nullopt);
  if (!spec) return Unexpected("--strategy: " + spec.error().message);
  plan.config.strategy = spec->strategy;
  plan.config.strategy_options = spec->options;
  plan.config.balancer = spec->config;
  plan.config.health_check_path = arguments.health_path;
  plan.config.seed = arguments.seed;
  return plan;
}

namespace {

Expected<tcp::endpoint, std::string> listenEndpoint(asio::io_context& io,
                                                    const live::HostPort& listen,
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
  auto plan = proxyPlanOf(arguments);
  if (!plan) {
    err << "faultline proxy: " << plan.error() << "\n";
    return kExitBadInput;
  }
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
