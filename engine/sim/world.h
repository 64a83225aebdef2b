#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "engine/metrics/metrics_collector.h"
#include "engine/metrics/observer.h"
#include "engine/sim/arrival_process.h"
#include "engine/sim/client_zones.h"
#include "engine/sim/kernel.h"
#include "engine/sim/key_sampler.h"
#include "engine/sim/link_faults.h"
#include "engine/sim/random_streams.h"
#include "engine/sim/regional_balancer.h"
#include "engine/sim/ring_queue.h"
#include "engine/sim/run_status.h"
#include "engine/sim/slot_pool.h"
#include "engine/sim/tier_routing.h"
#include "engine/sim/world_spec.h"

namespace faultline::sim {

// The simulated multi-region world: clients, the network, backend hosts with workers and a FIFO
// queue, one balancer per region with clients, and faults on a timeline. It drives the real
// balancer core through its Runtime and reports to an observer.
//
// A request's life, as events: it arrives at its client and the client's balancer picks a host
// (no extra hop: the balancer is client-side); the try crosses the network; at the host it is
// refused (crashed), swallowed (dark), answered with an injected error, queued, rejected (queue
// full) or served; the answer crosses back. A failed try may be retried after a backoff, a slow
// one hedged, as the balancer's retry policy says. The client's timeout runs meanwhile; a try that
// times out keeps its worker busy until the work is done (wasted work) but the balancer stops
// counting it. The rules are DESIGN.md's modelling conventions; docs/metrics.md says how each end
// is counted.
class World final : private ProbeTransport {
 public:
  World(const WorldSpec& spec, metrics::Observer& observer);
  ~World() override;
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Runs the scenario to its end and reports the summary. Ends early, with no summary, when
  // `stop` is raised or when the work in flight outgrows what the simulator holds (both checked
  // every few thousand events).
  RunStatus run(const std::atomic<bool>* stop = nullptr);

  // After a run: the balancers (tests audit that every count they keep returned to zero), and
  // the requests and tries still held.
  std::span<const std::unique_ptr<RegionalBalancer>> balancers() const { return balancers_; }
  std::size_t requestsHeld() const { return requests_.liveCount(); }
  std::size_t triesHeld() const { return tries_.liveCount(); }

 private:
  enum Kind : std::uint8_t {
    kArrival = 1,
    kReachHost,
    kServiceDone,
    kResponse,
    kClientTimeout,
    kTryTimeout,
    kRetry,
    kHedge,
    kProbeReachHost,
    kProbeResponse,
    kFaultStep,
    kHeldReset,
    kClientRetry,
    kReachBalancer,
    kRefusedByBalancer,
    kReachClient,
    kTierDetection,
    kWindowClose,
    kEndOfTraffic,
    kDrainLimit,
  };

  // Where a request is: at its client (not sent yet, or waiting to retry), on its way to a tier
  // instance, at its balancer (its tries out from there), or its answer on the way back.
  enum class Leg : std::uint8_t { kAtClient, kToBalancer, kAtBalancer, kToClient };

  // Where the backend side of a try is. kFrozen: in service on a paused host; kHeld: held by a
  // connection reset fault until it resets.
  enum class Stage : std::uint8_t {
    kToHost,
    kQueued,
    kInService,
    kFrozen,
    kHeld,
    kToClient,
    kGone
  };

  static constexpr std::size_t kMaxLiveTries = 4;  // the first try and up to three hedges
  // Draw keys per client attempt: more than the first try, 10 retries and 3 hedges of one.
  static constexpr std::uint32_t kTriesPerAttempt = 32;
  static constexpr std::uint32_t kNoUser = UINT32_MAX;

  struct SlotRef {
    std::uint32_t slot = 0;
    std::uint32_t generation = 0;
  };

  // A client's request, from its send to the answer its client gets (or gives up on). Its tries
  // (the first, retries, hedges) are records of their own.
  struct Request {
    // What the balancer core is told for each pick (id = arrival number, key, tries so far, hosts
    // and levels tried), kept here so a pick copies nothing.
    balancer::Request core;
    TimePoint first_sent_at{};        // when its client first sent it: its latency counts from here
    TimePoint sent_at{};              // when its current attempt went out
    Duration last_backoff{};          // its client's last wait before retrying it
    std::uint32_t user = kNoUser;     // its closed-loop user
    std::uint32_t client_zone = 0;    // where its client is (core.zone: where its balancer is)
    std::uint32_t balancer = 0;       // the balancer (tier instance) of its current attempt
    std::uint32_t origin_region = 0;  // where its tries leave from: its client's or instance's
    metrics::RequestOutcome outcome = metrics::RequestOutcome::kOk;  // on its way back
    Leg leg = Leg::kAtClient;
    std::uint8_t connect_attempt = 0;  // connections its client tried for this attempt
    std::uint32_t client = 0;
    std::uint32_t fault_epoch = 0;                 // the faults active when it was sent
    std::uint32_t last_host = metrics::kNoRegion;  // host of the latest try sent; none yet
    std::uint8_t tries = 0;                        // sent: the first, retries and hedges
    std::uint8_t retries = 0;                      // sent or waiting for their backoff
    std::uint8_t hedges = 0;
    std::uint8_t client_attempt = 0;  // 0 for the first; its client's retries after
    std::uint8_t live = 0;            // tries whose end the balancer has not heard yet
    std::array<SlotRef, kMaxLiveTries> live_tries{};
    std::uint16_t status = 0;    // the HTTP status of its latest failed try's error answer
    bool retry_pending = false;  // a retry waits for its backoff, holding a retry slot
    bool admitted = false;       // its first try got a host: the balancer expects its end
  };

  // One try of a request on one host. It may outlive its request (a try that timed out keeps its
  // worker busy), so it holds what the server side needs of it: its client and draw key.
  struct Try {
    CounterRng::Block draws{};  // service time, base error, jitter to the host, jitter back
    SlotRef request{};
    std::uint64_t index = 0;  // its request's arrival number: the key of its draws
    std::uint32_t client = 0;
    std::uint32_t zone = 0;           // the zone it leaves from: its client's or instance's
    std::uint32_t origin_region = 0;  // the region it leaves from and its answer returns to
    std::uint32_t balancer = 0;
    TimePoint sent_at{};
    TimePoint queued_at{};
    TimePoint service_ends_at{};  // in service: when; frozen: the service left, from time zero
    std::uint32_t host = 0;
    balancer::HostIndex balancer_host = 0;
    std::uint32_t number = 0;  // 0 for the first try of its request
    metrics::RequestOutcome answer = metrics::RequestOutcome::kOk;
    std::uint16_t status = 0;  // the HTTP status of an error answer
    Stage stage = Stage::kToHost;
    bool ended = false;  // its balancer has heard how it ended
    bool retry = false;  // it is a retry, and holds a retry slot until it ends
  };

  struct Host {
    std::uint32_t region = 0;
    std::uint32_t zone = 0;
    std::uint32_t workers = 1;
    std::uint32_t queue_limit = UINT32_MAX;
    const GroupSpec* group = nullptr;
    std::uint32_t busy = 0;
    RingQueue<std::uint32_t> waiting;  // try slots
    std::uint32_t crashes = 0;         // crash faults striking it
    std::uint32_t blackouts = 0;       // zone or region outages striking it
    std::uint32_t pauses = 0;          // pause faults striking it
    // Faults striking it that act on each try or answer (latency, errors, brownout, gray
    // failure, resets, refusals), in fault order: the first to fire on a try wins.
    std::vector<std::uint32_t> effects;

    bool dark() const { return blackouts > 0; }
    bool paused() const { return pauses > 0; }
    bool serving() const { return crashes == 0 && blackouts == 0 && pauses == 0; }
  };

  struct TimeoutEntry {
    TimePoint deadline;
    std::uint32_t slot;
    std::uint32_t generation;
  };

  struct Client {
    Client(std::uint32_t region_index, CounterRng demand_rng,
           const balancer::ClientRetryConfig& retry_config)
        : region(region_index), demand(demand_rng), retry(retry_config) {}

    std::uint32_t region;
    std::optional<Duration> timeout;
    std::unique_ptr<ArrivalProcess> arrivals;
    CounterRng demand;
    balancer::ClientRetry retry;
    HashRng retry_draws{0, Component::kClientRetries, 0};
    std::optional<ClosedLoopSpec> closed_loop;
    HashRng think_draws{0, Component::kThinkTimes, 0};
    std::vector<std::uint32_t> user_requests;  // per user: requests sent
    std::optional<KeySampler> keys;            // when requests carry keys
    CounterRng key_draws{0, Component::kRequestKeys, 0};
    CounterRng fault_draws{0, Component::kFaultEffects, 0};
    ClientZones zones;           // where its requests come from
    std::uint32_t balancer = 0;  // client-side balancing: its region's balancer
    std::uint64_t sent = 0;
    RingQueue<TimeoutEntry> deadlines;  // FIFO: one timeout per client, so deadlines are sorted
    bool deadline_armed = false;
  };

  struct Probe {
    std::uint32_t balancer = 0;
    balancer::HostIndex local = 0;
    std::uint32_t host = 0;
    std::uint64_t probe_id = 0;
    std::uint64_t serial = 0;  // probes sent before it in the run: its draws' key
    bool passed = false;
  };

  // A fault striking a host: the host's position in the fault's strike order.
  struct FaultOnHost {
    std::uint32_t fault = 0;
    std::uint32_t position = 0;
  };

  // How a fault step changes a host's state, for the work on it.
  enum class HostChange : std::uint8_t { kNone, kLost, kReset, kFrozen, kResumed };

  // world.cc: set-up, the event loop, windows.
  void buildHosts();
  void buildLanes();
  RunStatus runaway() const;
  // Schedules a trip across the network: on the link's delay lane when it has one (no jitter, no
  // added latency), else on the heap.
  void scheduleTrip(std::uint32_t from, std::uint32_t to, Duration delay, std::uint8_t kind,
                    std::uint32_t slot, std::uint32_t generation);
  void buildClientsAndBalancers();
  TimePoint scheduleTimeline();
  void dispatch(const Event& event);
  void closeWindow();
  void endTraffic();
  void finishUnanswered();

  // world_requests.cc: a request's life on the client side, its tries, retries and hedges.
  void onArrival(std::uint32_t client_index, std::uint32_t user);
  void launch(std::uint32_t request_slot, std::uint32_t generation);
  void armTimeout(Client& client, std::uint32_t request_slot, std::uint32_t generation);
  // `instant`: the user's last request ended the moment it was sent.
  void scheduleUserRequest(std::uint32_t client_index, std::uint32_t user, bool instant);
  bool retriedByClient(std::uint32_t request_slot, metrics::RequestOutcome outcome);
  void onClientRetry(std::uint32_t request_slot);
  std::optional<std::uint64_t> requestKey(const Client& client, std::uint64_t index) const;
  std::uint32_t requestZone(const Client& client, std::uint64_t index) const {
    return client.zones.of(index);
  }
  bool sendTry(std::uint32_t request_slot, metrics::TryKind kind);
  void onTryEnded(std::uint32_t try_slot, metrics::RequestOutcome outcome);
  void afterFailedTry(std::uint32_t request_slot, metrics::RequestOutcome outcome);
  void onRetry(std::uint32_t request_slot);
  void onHedge(std::uint32_t request_slot);
  void scheduleHedge(std::uint32_t request_slot);
  void onTryTimeout(std::uint32_t try_slot);
  void onClientTimeout(std::uint32_t client_index);
  void armDeadline(Client& client, TimePoint deadline);
  void dropFinishedDeadlines(Client& client);
  // The balancer answers the client, which hears it at once (client-side balancing) or after the
  // trip back from the tier instance.
  void answer(std::uint32_t request_slot, metrics::RequestOutcome outcome);
  // The client stops waiting (its timeout, the end of the drain): the balancer hears at once.
  void giveUp(std::uint32_t request_slot, metrics::RequestOutcome outcome);
  void finishAtBalancer(std::uint32_t request_slot, metrics::RequestOutcome outcome);
  void finishAtClient(std::uint32_t request_slot, metrics::RequestOutcome outcome);
  bool atBalancer(std::uint32_t request_slot, std::uint32_t generation) const {
    return requests_.holds(request_slot, generation) &&
           requests_[request_slot].leg == Leg::kAtBalancer;
  }
  balancer::LoadBalancer& coreOf(const Request& request) {
    return balancers_[request.balancer]->core();
  }

  // world_tier.cc: clients reaching the balancer tier, and its instances failing.
  void buildTier();
  void connectToTier(std::uint32_t request_slot);
  void onReachBalancer(std::uint32_t request_slot);
  void onRefusedByBalancer(std::uint32_t request_slot);
  void onReachClient(std::uint32_t request_slot);
  // The trip between a client and a tier instance, through link faults; nullopt when lost.
  std::optional<Duration> tierTrip(const Request& request, bool back);
  void setInstanceAlive(std::uint32_t instance, bool alive);
  void onTierDetection(std::uint32_t instance, std::uint32_t epoch);
  void forgetLiveTry(Request& request, std::uint32_t try_slot);

  // world_backends.cc: hosts, the network back, probes and faults.
  void onReachHost(std::uint32_t try_slot);
  void startService(std::uint32_t try_slot, Host& host);
  void onServiceDone(std::uint32_t try_slot);
  void sendAnswer(std::uint32_t try_slot, metrics::RequestOutcome answer);
  void onResponse(std::uint32_t try_slot);
  void releaseTryIfDone(std::uint32_t try_slot);
  Duration answerDelay(const Try& attempt, const Host& host);

  void sendProbe(std::uint32_t balancer, balancer::HostIndex local, std::uint32_t host,
                 std::uint64_t probe_id) override;
  void onProbeReachHost(std::uint32_t slot);
  void onProbeResponse(std::uint32_t slot);

  // world_faults.cc: faults starting, stepping and ending, and what they do to each try.
  void onFaultStep(std::uint32_t fault, std::uint32_t step);
  void setLinkFault(std::uint32_t fault, bool active);
  void strikeInstances(std::uint32_t fault, const FaultStep& before, bool starting);
  HostChange refreshHostFaults(std::uint32_t host_index);
  void applyHostChanges(const std::vector<HostChange>& changes);
  void resumeHost(std::uint32_t host_index);
  bool strikes(const FaultOnHost& entry) const;
  CounterRng::Block effectDraws(const Try& attempt, std::uint32_t fault) const;
  // What the faults on the host do to a try reaching it; returns whether one answered it.
  bool faultsAnswer(std::uint32_t try_slot, const Host& host);
  Duration serviceWithFaults(Duration service, const Host& host) const;
  bool grayError(std::uint32_t try_slot, const Host& host);
  Duration faultLatency(const Try& attempt, const Host& host);
  void onHeldReset(std::uint32_t try_slot);
  // The delay of a trip from region `from` to `to` through the faults on that link, or nullopt
  // when the trip is lost. `draws` gives the two uniforms per fault (loss, jitter).
  // Called only while some link fault is active, so the std::function costs nothing otherwise.
  using LinkDraws = LinkFaults::Draws;
  std::optional<Duration> throughLinkFaults(std::uint32_t from, std::uint32_t to, Duration delay,
                                            const LinkDraws& draws);
  Duration expectedTrip(std::uint32_t from, std::uint32_t to) const;
  std::optional<Duration> requestTrip(const Try& attempt, std::uint32_t from, std::uint32_t to,
                                      Duration delay, bool back);
  // A probe's trips and what the faults on its host do to it, from draws keyed by the probe.
  CounterRng::Block probeDraws(std::uint64_t probe, std::uint32_t fault) const;
  std::optional<Duration> probeTrip(std::uint64_t probe, std::uint32_t from, std::uint32_t to,
                                    Duration delay, bool back);
  bool probeRefused(const Host& host, std::uint64_t probe, Duration& reset_after);
  Duration probeLatency(const Host& host, std::uint64_t probe);

  const WorldSpec& spec_;
  metrics::Observer& observer_;
  Kernel kernel_;
  metrics::MetricsCollector metrics_;
  std::vector<Host> hosts_;
  std::vector<std::int16_t> link_lane_;  // per (from, to) region pair: its delay lane, or -1
  std::vector<std::vector<FaultOnHost>> faults_of_host_;
  std::vector<bool> fault_active_;
  std::vector<FaultStep> fault_now_;  // per fault: its current step
  LinkFaults link_faults_;
  std::optional<TierRouter> tier_;
  std::vector<std::uint32_t> instance_epoch_;    // per instance: changes of its liveness
  std::vector<std::uint32_t> instance_crashes_;  // per instance: crash faults striking it
  std::vector<std::unique_ptr<RegionalBalancer>> balancers_;
  std::vector<Client> clients_;
  SlotPool<Request> requests_;
  SlotPool<Try> tries_;
  SlotPool<Probe> probes_;
  RandomStream probe_jitter_;
  CounterRng probe_fault_draws_;
  std::uint64_t probes_sent_ = 0;
  std::uint64_t pending_ = 0;  // requests whose client has no answer yet
  // Entries of all clients' deadline queues: one request held for an hour keeps every later
  // deadline of its client queued behind it, so they count towards the runaway limit as events.
  std::uint64_t queued_deadlines_ = 0;
  bool traffic_over_ = false;
  TimePoint window_start_{};
};

}  // namespace faultline::sim
