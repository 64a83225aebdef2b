#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "engine/sim/random_streams.h"

namespace faultline::sim {

// Where a client's requests come from, by zone of its region. A client with clients in one zone
// draws nothing; otherwise each request's zone is drawn from the client's own stream by arrival
// number (HashRng, Component::kClientZones), the same whatever the strategy, so a live run's
// load generator draws the simulated client's very zones.
class ClientZones {
 public:
  ClientZones() = default;
  // `shares`: by zone, the share of the client's requests that come from it (need not sum to 1).
  ClientZones(const std::vector<double>& shares, std::uint64_t seed, std::uint32_t client)
      : draws_(seed, Component::kClientZones, client) {
    std::uint32_t zones_with_clients = 0;
    for (std::uint32_t zone = 0; zone < shares.size(); ++zone) {
      if (shares[zone] <= 0) continue;
      only_ = zone;
      ++zones_with_clients;
    }
    if (zones_with_clients < 2) return;
    double cumulative = 0;
    for (const double share : shares) {
      cumulative += share;
      cumulative_.push_back(cumulative);
    }
  }

  // Whether requests come from several zones (and say which).
  bool spread() const { return !cumulative_.empty(); }
  // The zone of all requests when not spread (the last with clients otherwise).
  std::uint32_t only() const { return only_; }

  // The zone of the request with this arrival number.
  std::uint32_t of(std::uint64_t index) const {
    if (cumulative_.empty()) return only_;
    const double point = uniformOpen(draws_.draw(index)) * cumulative_.back();
    const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), point);
    // A point past the last bound (rounding) belongs to the last zone with clients.
    return it == cumulative_.end() ? only_ : static_cast<std::uint32_t>(it - cumulative_.begin());
  }

 private:
  std::uint32_t only_ = 0;
  std::vector<double> cumulative_;  // empty: one zone, nothing drawn
  HashRng draws_{0, Component::kClientZones, 0};
};

}  // namespace faultline::sim
