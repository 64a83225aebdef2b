#pragma once

#include "engine/sim/world_spec.h"
#include "scenarios/scenario.pb.h"

namespace faultline::sim {

// Resolves the scenario's faults into spec.faults and spec.layout.faults: targets chosen (hosts
// from the fault's own random stream, so every strategy run with one seed loses the same hosts),
// times clipped to the run, ramps laid out as steps, names defaulted to kind and target. Needs
// the topology and the network built first.
void buildFaults(const scenario::Scenario& scenario, WorldSpec& spec);

}  // namespace faultline::sim
