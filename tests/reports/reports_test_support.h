#pragma once

#include <gtest/gtest.h>

#include <string>

#include "reports/results.pb.h"
#include "tests/support/temp_dir.h"

namespace faultline::reports::testing {

using ::faultline::testing::readFile;
using ::faultline::testing::TempDir;

inline void setLatency(results::LatencyStats& l, std::int64_t count, double mean, double p50,
                       double p90, double p99, double p999, double max) {
  l.set_count(count);
  l.set_mean(mean);
  l.set_p50(p50);
  l.set_p90(p90);
  l.set_p99(p99);
  l.set_p999(p999);
  l.set_max(max);
}

// A result built by hand with a value in every kind of field: numbers big enough for thousands
// separators, failures, two faults, failovers and a missed SLO. Values need not be consistent
// with each other (the summary renders what it is given), but are, where it was easy.
inline results::RunResult sampleResult() {
  results::RunResult r;
  auto& run = *r.mutable_run();
  run.set_scenario("sample");
  run.set_description("a hand-built result");
  run.set_strategy("least-request");
  run.set_seed(42);
  run.set_duration_s(600);
  run.set_window_s(1);
  run.set_warmup_s(30);
  run.set_mode("sim");
  run.set_faultline_version("0.1.0");

  auto& topology = *r.mutable_topology();
  for (const char* name : {"us-east", "us-west", "eu-west"}) {
    auto& region = *topology.add_regions();
    region.set_name(name);
    region.add_zones(std::string("a"));
    region.add_zones(std::string("b"));
    auto& group = *region.add_groups();
    group.set_name("api");
    group.set_count(20);
    group.set_workers(8);
    group.set_queue_limit(-1);
    group.set_mean_service_ms(10);
    region.set_hosts(20);
    region.set_client_rate_rps(6000);
    region.add_failover_order(name);
  }
  auto& fault_info = *topology.add_faults();
  fault_info.set_name("us-east dark");
  fault_info.set_kind("region_outage");
  fault_info.set_start_s(120);
  fault_info.set_end_s(240);
  fault_info.add_hosts("us-east/api-0");

  for (int i = 0; i < 2; ++i) {
    auto& w = *r.add_windows();
    w.set_start_s(i);
    w.set_end_s(i + 1);
    w.set_arrivals(14000 + i);
    w.set_requests(13990);
    w.set_ok(13900);
    w.set_failed(90);
    w.mutable_failures()->set_timeout(90);
    setLatency(*w.mutable_latency_ms(), 13900, 11.5, 8.75, 20.5, 41.25, 70.125, 150.0625);
    auto& rw = *w.add_regions();
    rw.set_region("us-east");
    rw.set_requests_from(6000);
    rw.set_ok_from(5950);
    rw.set_requests_to(5990);
    rw.set_ok_to(5940);
    rw.set_hosts(20);
    rw.set_hosts_up(i == 0 ? 20 : 0);
    auto& view = *w.add_balancers();
    view.set_region("us-east");
    view.add_healthy_hosts(20);
    view.add_healthy_hosts(0);
    view.set_active_region(i == 0 ? "us-east" : "");
    if (i == 1) w.add_active_faults("us-east dark");
    w.set_slo_violated(i == 1);
  }

  auto addEvent = [&](double time, results::Event::Kind kind) -> results::Event& {
    auto& e = *r.add_events();
    e.set_time_s(time);
    e.set_kind(kind);
    return e;
  };
  addEvent(120, results::Event::FAULT_STARTED).set_fault("us-east dark");
  auto& down = addEvent(125.5, results::Event::HOST_MARKED_DOWN);
  down.set_balancer("us-east");
  down.set_host("us-east/api-0");
  auto& away = addEvent(127.694, results::Event::FAILOVER);
  away.set_balancer("us-east");
  away.set_from_region("us-east");
  away.set_to_region("us-west");
  auto& none = addEvent(130.25, results::Event::FAILOVER);
  none.set_balancer("eu-west");
  none.set_from_region("eu-west");  // to no region at all
  addEvent(240, results::Event::FAULT_ENDED).set_fault("us-east dark");
  auto& up = addEvent(241.5, results::Event::HOST_MARKED_UP);
  up.set_balancer("us-east");
  up.set_host("us-east/api-0");
  auto& back = addEvent(242.062, results::Event::FAILOVER);
  back.set_balancer("us-east");
  back.set_from_region("us-west");
  back.set_to_region("us-east");

  auto& s = *r.mutable_summary();
  s.set_requests_total(1234567);
  s.set_requests_ok(1233024);
  s.set_requests_failed(1543);
  s.set_availability(0.99875);
  setLatency(*s.mutable_latency_ms(), 1233024, 12.3456, 8.5, 20.25, 99.125, 250.5, 1234.5);
  s.mutable_failures()->set_timeout(1000);
  s.mutable_failures()->set_rejected(500);
  s.mutable_failures()->set_no_healthy_host(43);
  setLatency(*s.mutable_queue_wait_ms(), 1233024, 0.75, 0, 1, 5, 9, 20);
  s.set_cross_region_requests(4321);
  auto addRegion = [&](const char* name, std::int64_t from, std::int64_t ok, double availability) {
    auto& region = *s.add_regions();
    region.set_region(name);
    region.set_requests_from(from);
    region.set_ok_from(ok);
    region.set_availability_from(availability);
    if (from > 0) setLatency(*region.mutable_latency_ms(), ok, 12, 8, 20, 90, 200, 1000);
    region.set_requests_to(from);
    region.set_ok_to(ok);
  };
  addRegion("us-east", 800000, 798500, 0.998125);
  addRegion("us-west", 434567, 434524, 0.9999);
  addRegion("eu-west", 0, 0, 1);  // sent nothing: no row of its own
  auto& fault = *s.add_faults();
  fault.set_name("us-east dark");
  fault.set_kind("region_outage");
  fault.set_start_s(120);
  fault.set_end_s(240);
  fault.set_requests(250000);
  fault.set_ok(248750);
  fault.set_failed(1250);
  fault.set_availability(0.995);
  setLatency(*fault.mutable_latency_ms(), 248750, 20, 10, 40, 150.25, 300, 999);
  auto& quiet = *s.add_faults();  // a fault during which nothing succeeded
  quiet.set_name("db crash");
  quiet.set_kind("host_crash");
  quiet.set_start_s(300);
  quiet.set_end_s(300.5);
  quiet.set_requests(12);
  quiet.set_failed(12);
  auto& slo = *s.mutable_slo();
  slo.set_availability_target(0.999);
  slo.set_latency_target_ms(250);
  slo.set_latency_percentile(99);
  slo.set_availability_met(false);
  slo.set_latency_met(true);
  slo.set_met(false);
  slo.set_windows(570);
  slo.set_windows_violating(121);
  s.set_end_s(600.123);
  s.set_events(98765432);
  return r;
}

// A quiet run: every request succeeded, no faults, no balancer events, the SLO met.
inline results::RunResult quietResult() {
  results::RunResult r;
  auto& run = *r.mutable_run();
  run.set_scenario("quiet");
  run.set_description("nothing happens");
  run.set_strategy("round-robin");
  run.set_seed(7);
  run.set_duration_s(60);
  run.set_window_s(1);
  auto& s = *r.mutable_summary();
  s.set_requests_total(999);
  s.set_requests_ok(999);
  s.set_availability(1);
  setLatency(*s.mutable_latency_ms(), 999, 5, 4, 8, 12, 15, 16);
  auto& region = *s.add_regions();
  region.set_region("only");
  region.set_requests_from(999);
  region.set_ok_from(999);
  region.set_availability_from(1);
  setLatency(*region.mutable_latency_ms(), 999, 5, 4, 8, 12, 15, 16);
  auto& slo = *s.mutable_slo();
  slo.set_availability_target(0.99);
  slo.set_availability_met(true);
  slo.set_latency_met(true);
  slo.set_met(true);
  slo.set_windows(61);
  s.set_end_s(60.004);
  return r;
}

}  // namespace faultline::reports::testing
