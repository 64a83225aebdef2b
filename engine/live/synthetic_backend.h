#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "balancer/time.h"
#include "engine/live/time_scale.h"
#include "engine/sim/fault_delay.h"
#include "engine/sim/service_time.h"

namespace faultline::live {

// One host of a scenario's backend group (sim::GroupSpec), as a live server.
struct SyntheticBackendConfig {
  std::string name;  // sent back in an `x-faultline-host` response header
  sim::ServiceTime service_time = sim::ServiceTime::constant(balancer::Duration::zero());
  std::uint32_t workers = 1;                 // requests in service at once
  std::optional<std::uint32_t> queue_limit;  // waiting beyond the busy workers; nullopt: unlimited
  double error_probability = 0;              // a base error: 500 after the service time
  std::size_t response_bytes = 2;            // body size of a 200
  // Probes are answered at once, never queued behind work (DESIGN.md: why a gray host passes).
  std::string health_path = "/healthz";
  std::uint64_t seed = 1;  // the backend's own random stream (service times, error draws)
  // A connection idle this long between requests, or this slow to send one or to take an
  // answer, is closed: a slow client cannot hold a connection forever. Not while the host is
  // dark or paused (a frozen or cut-off host closes nothing).
  balancer::Duration idle_timeout = std::chrono::seconds(60);
  // A live run's clock (time_scale.h): service times, the latency fault's delay and the reset
  // fault's hold are scenario durations, waited shrunk by it. The idle timeout is real time.
  TimeScale time_scale;
  // Told as each request goes into service, of how long it waited for a worker, in scenario time
  // (the simulator's queue waits); may be empty.
  std::function<void(balancer::Duration queue_wait)> on_service_start;
};

// A latency fault as it strikes a backend now: its share of answers, its delay, its strength
// (below 1 on a ramp).
struct LatencyFault {
  sim::AddedDelay delay;
  double probability = 1;
  double intensity = 1;
};

namespace detail {
class BackendCore;
}

// A synthetic backend host on a real socket: HTTP/1.1 keep-alive, `workers` requests in service
// at once, a FIFO queue of `queue_limit` behind them (503 at once beyond it), service times drawn
// from the group's distribution with the backend's own SplitMix64 stream, and the host faults of
// the lab's fault model (../shared/reference/fault-model.md) applied in real time.
//
// It follows the simulator's host model (engine/sim/world_backends.cc, world_faults.cc) rather
// than any one chaos tool: a request meets, in this order, a blackhole (lost), the connection
// faults (reset, after a hold as Toxiproxy's `reset_peer` timeout), injected errors (answered at
// once), and only then the queue; a base error or a gray failure's error is decided after the
// service time; the latency fault delays every answer, probes included. Dark takes precedence
// over crashed, crashed over paused, and moving between them loses, resets, freezes or resumes
// the work as World::refreshHostFaults decides. Health probes follow World::onProbeReachHost:
// unanswered while dark or paused, refused while crashed, reset by connection faults, delayed by
// latency faults, and untouched by errors, brownouts and gray failures.
//
// Everything runs on the io_context's one thread: call every member from it (or while it is not
// running). The io_context must outlive the backend; destroying the backend closes its listener
// and connections, and handlers still pending on the io_context finish without it.
class SyntheticBackend {
 public:
  // Listens at once; throws boost::system::system_error when the address cannot be bound.
  SyntheticBackend(
      boost::asio::io_context& io, SyntheticBackendConfig config,
      const boost::asio::ip::address& address = boost::asio::ip::make_address("127.0.0.1"),
      std::uint16_t port = 0);  // 0: the OS picks
  ~SyntheticBackend();
  SyntheticBackend(const SyntheticBackend&) = delete;
  SyntheticBackend& operator=(const SyntheticBackend&) = delete;

  std::uint16_t port() const;

  // host_crash: the listener closes (connects are refused), every open connection is reset
  // (SO_LINGER 0, then close), and the work queued or in service is dropped.
  void crash();
  // Back after a crash, on the same port; throws boost::system::system_error if it is taken.
  void restart();
  // Zone or region outage, a blackhole: connections the kernel accepts get nothing, requests and
  // probes are never answered, and the work in progress is lost. Answers already on their way
  // (being delayed by a latency fault or written) still arrive, as in the simulator.
  void setDark(bool dark);
  // host_pause (SIGSTOP, `docker pause`): service stops where it is and carries on after;
  // arrivals queue beyond any limit (the kernel queues them) and probes go unanswered.
  void setPaused(bool paused);
  // errors fault: that share of requests is answered at once with `status`; probes pass.
  void setInjectedErrors(double probability, unsigned status);
  // latency faults: each delays its share of answers (probes included) by a draw of its delay
  // at its strength; they add up. Replaces those set before.
  void setLatencyFaults(std::vector<LatencyFault> faults);
  // Brownout (factor 1 / (1 - capacity_loss)) or gray failure (its slowdown): service times are
  // multiplied; probes are unaffected.
  void setSlowdown(double factor);
  // A gray failure's errors: that share of the work done fails with `status` after its service.
  void setGrayErrors(double probability, unsigned status);
  // connection_reset: that share of requests and probes have their connection reset, after
  // `reset_after` (Toxiproxy's reset_peer timeout).
  void setResetProbability(double probability,
                           balancer::Duration reset_after = balancer::Duration::zero());

  struct Stats {
    std::uint64_t requests = 0;  // requests read, probes aside
    std::uint64_t ok = 0;        // 200 after service
    std::uint64_t rejected = 0;  // 503, queue full
    std::uint64_t errors = 0;    // base, gray and injected errors
    std::uint64_t probes = 0;    // health probes read
    std::uint64_t resets = 0;    // connections reset by the reset fault or a crash
    std::uint64_t lost = 0;      // requests and probes a blackhole or pause swallowed, work lost
    std::uint32_t busy = 0;      // workers in service (frozen ones included)
    std::uint32_t queued = 0;
    std::uint32_t connections = 0;  // open (or closing) connections
  };
  Stats stats() const;

 private:
  std::shared_ptr<detail::BackendCore> core_;
};

}  // namespace faultline::live
