#include "balancer/priority_load.h"

#include <algorithm>
#include <cassert>
#include <numeric>

namespace faultline::balancer {
namespace {

std::uint32_t health(const LevelHealth& level, std::uint32_t factor) {
  if (level.hosts == 0) return 0;
  const std::uint64_t scaled = std::uint64_t{factor} * level.healthy / level.hosts;
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(100, scaled));
}

bool inPanic(const LevelHealth& level, std::uint32_t threshold) {
  const double healthy_percent =
      level.hosts == 0 ? 0.0 : 100.0 * level.healthy / static_cast<double>(level.hosts);
  return healthy_percent < threshold;
}

// Load by health: each level health x 100 / min(100, sum of health), in order, at most what is
// left; the rounding remainder to the first level with health. Needs some health.
template <class HealthOf>
void distributeLoad(std::size_t levels, HealthOf&& health_of, std::vector<std::uint32_t>& percent) {
  std::uint32_t sum = 0;
  for (std::size_t p = 0; p < levels; ++p)
    sum += health_of(p);
  const std::uint32_t normalized_total = std::min<std::uint32_t>(100, sum);
  assert(normalized_total > 0);
  std::uint32_t remaining = 100;
  std::size_t first_available = levels;
  for (std::size_t p = 0; p < levels; ++p) {
    const std::uint32_t level_health = health_of(p);
    if (first_available == levels && level_health > 0) first_available = p;
    percent[p] = std::min(remaining, level_health * 100 / normalized_total);
    remaining -= percent[p];
  }
  if (remaining > 0) percent[first_available] += remaining;
}

// Every level panics: share by raw host counts, the remainder to the first non-empty level.
void loadInTotalPanic(std::span<const LevelHealth> levels, PriorityLoad& load) {
  std::uint64_t total_hosts = 0;
  for (const auto& level : levels)
    total_hosts += level.hosts;
  if (total_hosts == 0) {
    load.percent[0] = 100;
    return;
  }
  std::uint32_t remaining = 100;
  std::size_t first_non_empty = levels.size();
  for (std::size_t p = 0; p < levels.size(); ++p) {
    if (first_non_empty == levels.size() && levels[p].hosts > 0) first_non_empty = p;
    load.percent[p] = static_cast<std::uint32_t>(100 * levels[p].hosts / total_hosts);
    remaining -= load.percent[p];
  }
  load.percent[first_non_empty] += remaining;
}

}  // namespace

PriorityLoad computePriorityLoad(std::span<const LevelHealth> levels,
                                 const PriorityLoadConfig& config) {
  PriorityLoad load;
  computePriorityLoad(levels, config, load);
  return load;
}

void computePriorityLoad(std::span<const LevelHealth> levels, const PriorityLoadConfig& config,
                         PriorityLoad& load) {
  assert(!levels.empty());
  load.percent.assign(levels.size(), 0);
  load.panic.assign(levels.size(), false);
  std::uint32_t sum = 0;
  for (const auto& level : levels)
    sum += health(level, config.overprovisioning_factor);
  const std::uint32_t normalized_total = std::min<std::uint32_t>(100, sum);

  const auto health_of = [&](std::size_t p) {
    return health(levels[p], config.overprovisioning_factor);
  };
  if (normalized_total > 0) distributeLoad(levels.size(), health_of, load.percent);

  if (config.panic_threshold == 0) {
    if (normalized_total == 0) load.percent[0] = 100;
    return;
  }
  for (std::size_t p = 0; p < levels.size(); ++p) {
    load.panic[p] = normalized_total < 100 && inPanic(levels[p], config.panic_threshold);
  }
  if (std::all_of(load.panic.begin(), load.panic.end(), [](bool panic) { return panic; })) {
    std::fill(load.percent.begin(), load.percent.end(), 0);
    loadInTotalPanic(levels, load);
  }
}

std::uint32_t choosePriority(std::span<const std::uint32_t> percent, std::uint64_t hash) {
  const std::uint64_t point = hash % 100 + 1;
  std::uint64_t cumulative = 0;
  for (std::uint32_t p = 0; p < percent.size(); ++p) {
    cumulative += percent[p];
    if (point <= cumulative) return p;
  }
  assert(false && "priority loads sum to 100");
  return 0;
}

bool computeRetryPriorityLoad(std::span<const LevelHealth> levels, std::uint32_t tried_levels,
                              const PriorityLoadConfig& config,
                              std::vector<std::uint32_t>& percent) {
  const auto tried = [tried_levels](std::size_t p) {
    return p < 32 && (tried_levels & (std::uint32_t{1} << p)) != 0;
  };
  bool exclude = true;
  const auto health_of = [&](std::size_t p) {
    return exclude && tried(p) ? 0 : health(levels[p], config.overprovisioning_factor);
  };
  std::uint32_t sum = 0;
  for (std::size_t p = 0; p < levels.size(); ++p)
    sum += health_of(p);
  if (sum == 0) {  // nothing left untried: Envoy forgets the levels tried
    exclude = false;
    for (std::size_t p = 0; p < levels.size(); ++p)
      sum += health_of(p);
  }
  if (sum == 0) return false;
  percent.assign(levels.size(), 0);
  distributeLoad(levels.size(), health_of, percent);
  return true;
}

}  // namespace faultline::balancer
