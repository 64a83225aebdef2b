// The bridge and the model, without a window: a run simulated on this thread arrives whole
// through take(), and the model finds windows and faults by time.
#include "gui/run_model.h"

#include <gtest/gtest.h>

#include <chrono>

#include "engine/sim/simulation.h"
#include "tests/gui/gui_test_support.h"
#include "tests/support/builtin_runs.h"

namespace faultline::gui {
namespace {

class RunModelTest : public testing::GuiTest {};

TEST_F(RunModelTest, ARunArrivesWholeThroughTheBridge) {
  sim::RunOverrides overrides;
  overrides.duration = std::chrono::seconds(130);
  auto spec = sim::buildWorldSpec(faultline::testing::builtInScenario("region-outage"), overrides);
  ASSERT_TRUE(spec.hasValue());
  RunBridge bridge;
  int arrivals = 0;
  QObject::connect(&bridge, &RunBridge::arrived, [&] { ++arrivals; });
  ASSERT_TRUE(sim::simulate(*spec, bridge).finished());
  // Emitted once until taken, however much arrived.
  EXPECT_EQ(arrivals, 1);

  RunModel model;
  EXPECT_TRUE(model.apply(bridge.take()));
  EXPECT_TRUE(model.finished());
  EXPECT_DOUBLE_EQ(model.progress(), 1);
  EXPECT_EQ(model.duration(), 130);
  const auto expected =
      faultline::testing::simulateBuiltIn("region-outage", std::chrono::seconds(130));
  EXPECT_EQ(model.result().windows_size(), expected.windows_size());
  EXPECT_EQ(model.result().events_size(), expected.events_size());
  EXPECT_EQ(model.result().summary().requests_failed(), expected.summary().requests_failed());
  EXPECT_EQ(model.result().topology().regions_size(), 3);
  // Nothing new: nothing changes.
  EXPECT_FALSE(model.apply(bridge.take()));
}

TEST_F(RunModelTest, WindowsAndFaultsByTime) {
  results::RunResult result;
  result.mutable_run()->set_duration_s(3);
  for (int w = 0; w < 3; ++w) {
    auto& window = *result.add_windows();
    window.set_start_s(w);
    window.set_end_s(w + 1);
  }
  for (double start : {2.5, 1.0})
    result.mutable_topology()->add_faults()->set_start_s(start);
  RunModel model;
  model.set(result);
  EXPECT_EQ(model.windowAt(-0.1), nullptr);
  EXPECT_EQ(model.windowAt(0)->start_s(), 0);
  EXPECT_EQ(model.windowAt(1.999)->start_s(), 1);
  EXPECT_EQ(model.windowAt(99)->start_s(), 2);
  EXPECT_EQ(model.nextFaultAfter(0), 1.0);
  EXPECT_EQ(model.nextFaultAfter(1.0), 2.5);
  EXPECT_FALSE(model.nextFaultAfter(2.5).has_value());
}

}  // namespace
}  // namespace faultline::gui
