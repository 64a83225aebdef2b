#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "balancer/edf_scheduler.h"
#include "balancer/host.h"
#include "balancer/priority_set.h"
#include "balancer/runtime.h"
#include "balancer/strategy.h"

namespace faultline::balancer {

// True when every host of `candidates` has the same scheduling weight (so with one host).
bool weightsAreEqual(std::span<const HostIndex> candidates, const PrioritySet& hosts);

// The EDF schedules of a weighted strategy, one per host source (a level or a zone of one), kept
// the way Envoy's
// EdfLoadBalancerBase keeps one per host source (load_balancing_policies/common/
// load_balancer_impl.cc, refresh()):
// - a source's schedule is rebuilt from scratch when its candidate list changes (a new
//   PrioritySet version); in between, picks only re-add the picked host;
// - a schedule exists only when the candidates' weights differ: with equal weights the
//   strategy's unweighted pick is exact and cheaper (Envoy's hostWeightsAreEqual shortcut);
// - a fresh schedule starts at a random point, so that a fleet of balancers that rebuild at the
//   same moment (a host came back) do not all send their next request to the same host. Envoy
//   takes `seed % hosts` picks off a new scheduler, with one seed per balancer (newer versions
//   emulate up to 4e8 picks at once, EdfScheduler::createWithPicks). We take [0, n) picks, drawn
//   from one Runtime::random() per rebuild, so a balancer does not restart at the same point of
//   the schedule every time its hosts change.
class SourceSchedules {
 public:
  // The schedule of `context.source`, rebuilt first if it was built from another version of the
  // candidates; nullptr when the candidates' weights are all equal. `weight_of(host)` is the
  // scheduling weight, > 0: it fills a new schedule and the caller passes it to pickAndAdd().
  template <class WeightOf>
  EdfScheduler* find(const PickContext& context, Runtime& runtime, WeightOf&& weight_of) {
    if (context.source >= sources_.size()) sources_.resize(context.source + 1);
    Source& source = sources_[context.source];
    if (!source.built || source.version != context.version) {
      source.built = true;
      source.version = context.version;
      source.weighted = !weightsAreEqual(context.candidates, context.hosts);
      if (source.weighted) rebuild(source.schedule, context.candidates, runtime, weight_of);
    }
    return source.weighted ? &source.schedule : nullptr;
  }

 private:
  struct Source {
    bool built = false;
    bool weighted = false;
    std::uint64_t version = 0;
    EdfScheduler schedule;
  };

  template <class WeightOf>
  static void rebuild(EdfScheduler& schedule, std::span<const HostIndex> candidates,
                      Runtime& runtime, WeightOf& weight_of) {
    schedule.clear();
    schedule.reserve(candidates.size());
    for (HostIndex host : candidates)
      schedule.add(host, weight_of(host));
    const auto size = static_cast<std::uint32_t>(candidates.size());
    const std::uint32_t offset = uniformIndex(runtime.random(), size);
    for (std::uint32_t i = 0; i < offset; ++i)
      schedule.pickAndAdd(weight_of);
  }

  std::vector<Source> sources_;
};

}  // namespace faultline::balancer
