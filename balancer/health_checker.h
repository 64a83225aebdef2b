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
// these fields required and has no defaults. The other fields are Envoy's (health_check.proto);
// an interval left at zero falls back as Envoy's does when the field is unset.
struct HealthCheckConfig {
  bool enabled = true;
  Duration interval = std::chrono::milliseconds(2000);
  Duration timeout = std::chrono::milliseconds(2000);
  std::uint32_t unhealthy_threshold = 3;  // HAProxy's fall
  std::uint32_t healthy_threshold = 2;    // HAProxy's rise

  // Added to every interval: a uniform time in [0, interval_jitter_percent % of the interval),
  // then one in [0, interval_jitter), drawn in that order as Envoy does. Zero: none.
  Duration interval_jitter{};
  std::uint32_t interval_jitter_percent = 0;
  // Added to each host's first probe: a uniform time in [0, initial_jitter). Zero: none.
  Duration initial_jitter{};

  // The interval while the balancer has never had traffic (see HealthChecker::onTraffic()), and
  // the one for a host that is healthy with no change pending (zero: no_traffic_interval).
  // Zero: no such interval. Envoy's default is 60 s; HAProxy has none, and zero keeps a balancer
  // that does not report its traffic probing at the normal intervals.
  Duration no_traffic_interval{};
  Duration no_traffic_healthy_interval{};

  // The interval for an unhealthy host (zero: interval; HAProxy's downinter), for a healthy host
  // whose last probe failed (zero: unhealthy_interval), and for an unhealthy host whose last probe
  // passed (zero: interval). HAProxy's fastinter sets both edge intervals.
  Duration unhealthy_interval{};
  Duration unhealthy_edge_interval{};
  Duration healthy_edge_interval{};

  // HAProxy's rise/fall health counter instead of Envoy's consecutive counts; see HealthChecker.
  bool haproxy_counter = false;
};

// Active health checking with Envoy's HealthCheck semantics (source/extensions/health_checkers/
// common/health_checker_base_impl.cc): a host is probed every interval, counted from the end of
// the previous probe (HAProxy too re-arms when a check completes); a probe with no answer within
// `timeout` fails; a healthy host goes down after `unhealthy_threshold` *consecutive* failures and
// comes back after `healthy_threshold` consecutive passes. Hosts start healthy. The first probes
// are spread evenly over one interval, as HAProxy's start_checks() does, so that a balancer does
// not probe all of its hosts in the same instant; initial_jitter is added to that.
//
// The next interval follows Envoy's HealthCheckerImplBase::interval(): while the balancer has had
// no traffic, no_traffic_interval (no_traffic_healthy_interval after a pass that leaves the host
// healthy); otherwise, after a failure, unhealthy_edge_interval while the host is still healthy
// (a change pending) and unhealthy_interval once it is down; after a pass, healthy_edge_interval
// while the host is still down and interval once it is up. Note that Envoy's code uses the edge
// intervals while a change is *pending*, not, as health_check.proto words it, right after the
// change. Jitter is then added, percent first (intervalWithJitter).
//
// With haproxy_counter, health follows HAProxy's check.c (set_server_check_status): a counter
// between 0 and rise + fall - 1, the server up while it is at least rise. A failure lowers it by
// one and, once below rise, to 0; a pass raises it by one and, once at rise or above, to the top.
// A server starts at rise, "up, but will fall down at first failure" (srv_settings_cpy); after
// its first pass it takes `fall` failures in a row to go down, and a pass in between restores
// it fully. The interval is srv_getinter()'s: `interval` at the top, unhealthy_interval (downinter)
// at 0, and in between (fastinter) unhealthy_edge_interval while up, healthy_edge_interval while
// down.
class HealthChecker {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void onHealthCheckVerdict(HostIndex host, bool healthy) = 0;
    // After every concluded probe, and after the verdict it caused, if any: Envoy's host
    // check-complete callback, through which a pass returns a host ejected by outlier detection.
    virtual void onProbeConcluded(HostIndex /*host*/, bool /*passed*/) {}
  };

  HealthChecker(Runtime& runtime, Prober& prober, Listener& listener, HealthCheckConfig config,
                std::size_t host_count);

  // Schedules the first probe of every host. Probes only happen after start().
  void start();

  // An answer from the driver. Answers to a probe that already timed out are ignored.
  void onProbeResult(HostIndex host, std::uint64_t probe_id, bool passed);

  // The balancer picked a host: it has traffic, so the normal intervals apply from the next probe
  // of each host on. Envoy's test is whether the cluster ever opened an upstream connection
  // (upstream_cx_total used); once is enough, forever. Probes already scheduled keep their time.
  void onTraffic() { had_traffic_ = true; }

  bool isHealthy(HostIndex host) const { return sessions_[host].healthy; }

 private:
  struct Session {
    std::unique_ptr<Timer> interval_timer;
    std::unique_ptr<Timer> timeout_timer;
    std::uint64_t probe_id = 0;  // of the probe awaiting an answer; 0 when none is
    std::uint32_t consecutive_passes = 0;
    std::uint32_t consecutive_failures = 0;
    std::uint32_t haproxy_health = 0;
    bool healthy = true;
  };

  void sendProbe(HostIndex host);
  void onTimeout(HostIndex host);
  void conclude(HostIndex host, bool passed);
  void countConsecutive(Session& session, bool passed) const;
  void countHaproxy(Session& session, bool passed) const;
  // Whether the host's state is on its way to changing: the edge intervals apply.
  bool changePending(const Session& session) const;
  Duration nextInterval(const Session& session);
  Duration uniformBelow(Duration bound);

  Runtime& runtime_;
  Prober& prober_;
  Listener& listener_;
  HealthCheckConfig config_;
  std::vector<Session> sessions_;
  std::uint64_t last_probe_id_ = 0;
  bool had_traffic_ = false;
};

}  // namespace faultline::balancer
