#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "balancer/expected.h"
#include "engine/live/proxy_config.h"
#include "scenarios/user_input.h"

namespace faultline::cli {

// The proxy's limits and timeouts as given on the command line, unparsed: those not given keep
// ProxyLimits' defaults. Sizes as parseByteSize reads them ("16k", "1M"), durations as
// parseDuration does ("500ms", "15s").
struct ProxyLimitArguments {
  std::optional<std::string> max_connections;
  std::optional<std::string> max_header_size;
  std::optional<std::string> max_body_size;
  std::optional<std::string> max_response_header_size;
  std::optional<std::string> max_response_body_size;
  std::optional<std::string> timeout_head;
  std::optional<std::string> timeout_client_idle;
  std::optional<std::string> timeout_connect;
  std::optional<std::string> timeout_request;  // "0": none
  std::optional<std::string> timeout_upstream_idle;
  std::optional<std::string> timeout_drain;
};

struct ProxyArguments {
  std::string listen = "127.0.0.1:8080";
  std::string admin = "127.0.0.1:9901";  // Envoy's admin port by convention; "none": no admin
  std::vector<std::string> backends;
  std::optional<std::string> config;    // a scenario whose backend groups give their addresses
  std::optional<std::string> region;    // with --config: whose balancer to run
  std::optional<std::string> strategy;  // default: the file's, or round-robin
  std::string health_path = "/";
  bool no_health_checks = false;
  std::uint32_t retries = 0;
  std::uint64_t seed = 1;
  ProxyLimitArguments limits;
};

// What `faultline proxy` runs: the proxy's configuration and where it listens.
struct ProxyPlan {
  live::ProxyConfig config;
  scenarios::HostPort listen;
  std::optional<scenarios::HostPort> admin;
};

// `faultline proxy --backend HOST:PORT [--backend ...] [--strategy NAME] [--listen ADDR]`, or
// `faultline proxy --config SCENARIO [--region NAME]`: the balancer core as a standalone reverse
// proxy in front of real backends, until SIGTERM or SIGINT, which drain it. With --config, a
// region's balancer of the scenario (strategy, every mechanism, failover order) runs in front of
// the addresses its backend groups give.
void addProxyCommand(CLI::App& app, ProxyArguments& arguments);

// ProxyLimits' defaults with the limits given on the command line; the error names the option.
Expected<live::ProxyLimits, std::string> proxyLimitsOf(const ProxyLimitArguments& given);

// The plan from the quick-start options (--backend); the error names the option at fault.
Expected<ProxyPlan, std::string> proxyPlanOf(const ProxyArguments& arguments);

// The plan from --config: the scenario loaded and checked as `run` checks it. Errors are printed
// with their file:line:col; the exit code is the error.
Expected<ProxyPlan, int> proxyPlanFromConfig(const ProxyArguments& arguments, std::ostream& err);

int runProxy(const ProxyArguments& arguments, std::ostream& out, std::ostream& err);

}  // namespace faultline::cli
