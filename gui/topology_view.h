#pragma once

#include <QWidget>
#include <vector>

#include "gui/host_states.h"
#include "reports/results.pb.h"

namespace faultline::gui {

// How a region's backends, or a balancer, look at a moment of the run.
enum class Health {
  kIdle,      // nothing known yet (before the first window)
  kHealthy,   // every host up and routed to
  kDegraded,  // some hosts down, or ejected by a balancer, but some still serve
  kDown,      // no host able to serve (a dark region)
};

// The run as a map, at one moment (the window the timeline points at): regions with their zones
// and backend groups, each host a square coloured by its state (up and routed to, up but ejected
// by the most pessimistic balancer, down); the balancers of each region (client side, or the
// tier's instances); traffic from each region's clients to the regions serving it as arrows whose
// width follows the request rate, labelled with the rate and the share of those requests that
// failed;
// active faults marked on the regions they strike. Netflix's Vizceral and Kiali's traffic graph
// are the models: a failover is seen, not read.
class TopologyView : public QWidget {
  Q_OBJECT

 public:
  explicit TopologyView(QWidget* parent = nullptr);

  // The run's shape, once per run (or nothing: an empty map).
  void setTopology(const results::Topology& topology);
  // The moment to show: the window covering it (nullptr before the first window closed) and
  // every host's state at its end (hostStatesAt); without them, or where they disagree with the
  // window's counts, a region's squares are drawn from its counts alone.
  void setWindow(const results::Window* window, std::vector<HostState> hosts = {});

  // What is drawn, for tests and tooltips.
  Health regionHealth(int region) const;
  // Requests per second from `from`'s clients to backends of `to`, as the arrow shows it: the
  // requests the results counted between the two (RegionWindow.traffic, when the topology says
  // it counts traffic); for older results, the clients' completed requests times the share their
  // balancers send to `to` (Envoy's priority load, averaged over the region's balancers).
  double trafficRate(int from, int to) const;
  // Requests per second of `from`'s clients that no backend saw (RegionWindow.unserved: refused
  // by their balancer, or lost on the way), said in red on the region: no arrow can show them. 0
  // for older results.
  double unservedRate(int region) const;
  // The state drawn for host `host` (0-based, in group order) of `region`.
  HostState hostState(int region, int host) const;
  // The states of `region`'s hosts, when the host states given agree with its counts; else empty.
  std::vector<HostState> regionHosts(int region) const;
  // Names of the active faults striking `region` (by their hosts or tier instances), as marked
  // on the map.
  std::vector<std::string> faultsOn(int region) const;

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  results::Topology topology_;
  results::Window window_;
  bool has_window_ = false;
  std::vector<HostState> hosts_;
};

}  // namespace faultline::gui
