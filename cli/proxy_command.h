#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "balancer/expected.h"
#include "engine/live/host_port.h"
#include "engine/live/proxy_config.h"

namespace faultline::cli {

struct ProxyArguments {
  std::string listen = "127.0.0.1:8080";
  std::string admin = "127.0.0.1:9901";  // Envoy's admin port by convention; "none": no admin
  std::vector<std::string> backends;
  std::string strategy = "round-robin";
  std::string health_path = "/";
  bool no_health_checks = false;
  std::uint32_t retries = 0;
  std::uint64_t seed = 1;
};

// What `faultline proxy` runs: the proxy's configuration and where it listens.
struct ProxyPlan {
  live::ProxyConfig config;
  live::HostPort listen;
  std::optional<live::HostPort> admin;
};

// `faultline proxy --backend HOST:PORT [--backend ...] [--strategy NAME] [--listen ADDR]`: the
// balancer core as a standalone reverse proxy in front of real backends, until SIGTERM or
// SIGINT, which drain it.
void addProxyCommand(CLI::App& app, ProxyArguments& arguments);

// The plan from the arguments; the error names the option at fault.
Expected<ProxyPlan, std::string> proxyPlanOf(const ProxyArguments& arguments);

int runProxy(const ProxyArguments& arguments, std::ostream& out, std::ostream& err);

}  // namespace faultline::cli
