#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "balancer/expected.h"
#include "engine/live/time_scale.h"
#include "engine/metrics/observer.h"
#include "engine/sim/run_status.h"
#include "engine/sim/world_spec.h"

namespace faultline::live {

struct LiveOptions {
  // How much faster than the wall clock the scenario runs (time_scale.h): 10 runs a 10-minute
  // scenario in one minute, at ten times the request rate per real second.
  TimeScale time_scale;
  // Told of what happens on the way (backends out of use, faults); may be empty.
  std::function<void(const std::string&)> log;
};

// Why a live run failed on this machine (a port taken, out of descriptors): not the scenario's
// fault, which the loader and validator have refused before.
struct LiveError {
  std::string message;
};

// Multiplies every client's rate (and what the layout says of it): below 1 to keep a run within
// what loopback and two cores can carry. The load on each backend falls with it (its capacity
// does not), so a comparison runs the simulator on the same scaled world.
void scaleRates(sim::WorldSpec& spec, double factor);

// Runs a scenario on loopback, in (scaled) real time: every backend host a SyntheticBackend,
// every client region's balancer (or every instance of the balancer tier, reached through a
// TierFront per client region) a Proxy with the real balancer core (the scenario's network trips
// waited on loopback), every client region's traffic a LoadGenerator; faults applied on their
// timeline. The observer hears what it hears from a simulated run (the layout, windows
// with the same counts and views, host and failover events, faults, the summary), so the results
// file, the reports and the desktop app read a live run unchanged. Blocks until the run and its
// drain end, or `stop` is set (checked ten times a second).
Expected<sim::RunStatus, LiveError> runLive(const sim::WorldSpec& spec, const LiveOptions& options,
                                            metrics::Observer& observer,
                                            const std::atomic<bool>* stop);

}  // namespace faultline::live
