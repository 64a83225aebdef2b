#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "balancer/host.h"
#include "balancer/prober.h"
#include "balancer/runtime.h"

namespace faultline::balancer {

// Defaults are HAProxy's (`inter 2000 rise 2 fall 3`, timeout check = inter), since Envoy makes
// these fields required and has no defaults.
struct HealthCheckConfig {
  bool enabled = true;
  Duration interval = std::chrono::milliseconds(2000);
  Duration timeout = std::chrono::milliseconds(2000);
  std::uint32_t unhealthy_threshold = 3;
  std::uint32_t healthy_threshold = 2;
};

// Active health checking with Envoy's HealthCheck semantics: a host is probed every `interval`,
// counted from the end of the previous probe (HAProxy too re-arms its interval when a check
// completes); a probe with no answer within `timeout` fails; a healthy host goes down after
// `unhealthy_threshold` *consecutive* failures and comes back after `healthy_threshold`
// consecutive passes. Hosts start healthy. The first probes are spread evenly over one interval,
// as HAProxy's start_checks() does, so that a balancer does not probe all of its hosts in the same
// instant. HAProxy's rise/fall counter (a health value between 0 and rise + fall - 1) differs: a
// pass between failures only delays a markdown there; see docs/strategies.md.
class HealthChecker {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void onHealthCheckVerdict(HostIndex host, bool healthy) = 0;
  };

  HealthChecker(Runtime& runtime, Prober& prober, Listener& listener, HealthCheckConfig config,
                std::size_t host_count);

  // Schedules the first probe of every host. Probes only happen after start().
  void start();

  // An answer from the driver. Answers to a probe that already timed out are ignored.
  void onProbeResult(HostIndex host, std::uint64_t probe_id, bool passed);

  bool isHealthy(HostIndex host) const { return sessions_[host].healthy; }

 private:
  struct Session {
    std::unique_ptr<Timer> interval_timer;
    std::unique_ptr<Timer> timeout_timer;
    std::uint64_t probe_id = 0;  // of the probe awaiting an answer; 0 when none is
    std::uint32_t consecutive_passes = 0;
    std::uint32_t consecutive_failures = 0;
    bool healthy = true;
  };

  void sendProbe(HostIndex host);
  void onTimeout(HostIndex host);
  void conclude(HostIndex host, bool passed);

  Runtime& runtime_;
  Prober& prober_;
  Listener& listener_;
  HealthCheckConfig config_;
  std::vector<Session> sessions_;
  std::uint64_t last_probe_id_ = 0;
};

}  // namespace faultline::balancer
