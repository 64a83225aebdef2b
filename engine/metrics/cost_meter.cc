#include "engine/metrics/cost_meter.h"

#include <chrono>

namespace faultline::metrics {

void CostMeter::addRequest(CostFigures& figures, std::uint32_t client_region, bool cross_region,
                           bool ok) const {
  const auto request = static_cast<double>(layout_.request_bytes[client_region]);
  const auto response = ok ? static_cast<double>(layout_.response_bytes[client_region]) : 0.0;
  if (cross_region) figures.cross_region_bytes += request + response;
  figures.internet_bytes += response;
}

void CostMeter::addTime(CostFigures& figures, Duration length) const {
  const double hours = std::chrono::duration<double, std::ratio<3600>>(length).count();
  figures.infrastructure_usd += (layout_.hosts_hour_usd + layout_.balancers_hour_usd) * hours;
}

void CostMeter::addDowntime(CostFigures& figures, Duration length) const {
  figures.downtime_minutes += std::chrono::duration<double, std::ratio<60>>(length).count();
}

CostReport CostMeter::report(const CostFigures& figures) const {
  CostReport report;
  report.infrastructure_usd = figures.infrastructure_usd;
  report.cross_region_gb = figures.cross_region_bytes / kBytesPerGb;
  report.cross_region_usd = report.cross_region_gb * layout_.cross_region_gb_usd;
  report.internet_gb = figures.internet_bytes / kBytesPerGb;
  report.internet_usd = report.internet_gb * layout_.internet_gb_usd;
  report.downtime_minutes = figures.downtime_minutes;
  report.downtime_usd = figures.downtime_minutes * layout_.downtime_minute_usd;
  return report;
}

}  // namespace faultline::metrics
