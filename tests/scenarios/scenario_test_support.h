#pragma once

#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scenarios/diagnostic.h"
#include "scenarios/loader.h"
#include "scenarios/scenario.pb.h"
#include "scenarios/source_map.h"
#include "scenarios/validator.h"

namespace faultline::scenarios {

// Readable failures: gtest prints diagnostics as text, not bytes.
inline void PrintTo(const Diagnostic& diagnostic, std::ostream* out) {
  *out << '"' << diagnostic.toString() << '"';
}

}  // namespace faultline::scenarios

namespace faultline::scenarios::testing {

// A small valid scenario that exercises every section, so each rule test changes one value and
// expects exactly one diagnostic.
inline constexpr std::string_view kValidScenario = R"txt(
name: "base"
description: "two regions, one fault"
duration_s: 100
warmup_s: 5
window_s: 1
regions {
  name: "east"
  zones: ["a", "b"]
  backends {
    group: "api"  count: 4  workers: 2  queue_limit: 10
    service_time { exponential { mean_ms: 10 } }
    error_probability: 0.01
  }
  clients { rate_rps: 100  timeout_ms: 1000 }
}
regions {
  name: "west"
  backends { group: "api"  count: 2  service_time { constant { value_ms: 5 } } }
  backends { group: "db"  count: 1  service_time { uniform { min_ms: 1  max_ms: 3 } } }
  clients { rate_rps: 50 }
}
network {
  intra_region_ms: 0.5
  links { from: "east"  to: "west"  one_way_ms: 30  jitter_ms: 1 }
}
balancer {
  strategy: "least-request"
  least_request { choice_count: 2 }
  health_check { interval_ms: 2000  timeout_ms: 1000  unhealthy_threshold: 3  healthy_threshold: 2 }
  locality { failover: BY_LATENCY }
}
faults {
  name: "crash"
  host_crash { hosts { region: "east"  zone: "a"  count: 1 } }
  start_s: 10  end_s: 20
}
slo { availability: 0.999  latency_ms: 250  latency_percentile: 99 }
)txt";

// The valid scenario as a message, to change one field at a time.
inline scenario::Scenario validScenario() {
  auto loaded = loadScenarioText(kValidScenario, "base.textproto", Format::kText);
  EXPECT_TRUE(loaded.hasValue()) << loaded.error().toString();
  return loaded->scenario;
}

inline std::vector<Diagnostic> check(const scenario::Scenario& scenario) {
  return validate(scenario, SourceMap("t.textproto"));
}

// A diagnostic at `path` whose message contains `rule`.
inline auto diagnosticAt(const std::string& path, const std::string& rule) {
  return ::testing::AllOf(
      ::testing::Field("path", &Diagnostic::path, path),
      ::testing::Field("message", &Diagnostic::message, ::testing::HasSubstr(rule)));
}

inline std::filesystem::path testData(std::string_view name) {
  return std::filesystem::path(FAULTLINE_SCENARIOS_TEST_DATA) / name;
}

// A file in a fresh directory of the test's own, removed with the object.
class TempFile {
 public:
  TempFile(std::string_view name, std::string_view content) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    directory_ = std::filesystem::path(::testing::TempDir()) /
                 (std::string("faultline_") + info->test_suite_name() + "_" + info->name());
    std::filesystem::create_directories(directory_);
    path_ = directory_ / name;
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& directory() const { return directory_; }

 private:
  std::filesystem::path directory_;
  std::filesystem::path path_;
};

}  // namespace faultline::scenarios::testing
