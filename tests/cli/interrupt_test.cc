#include "cli/interrupt.h"

#include <gtest/gtest.h>

#include <csignal>

namespace faultline::cli {
namespace {

TEST(CliInterruptTest, ASignalAsksToStopInsteadOfKillingTheProcess) {
  {
    const StopOnSignal stop;
    EXPECT_FALSE(stop.requested());
    EXPECT_EQ(stop.signal(), 0);
    std::raise(SIGTERM);  // handled: the test process lives on
    EXPECT_TRUE(stop.requested());
    EXPECT_EQ(stop.signal(), SIGTERM);
  }
  {
    const StopOnSignal again;  // a fresh one starts clear
    EXPECT_FALSE(again.requested());
    std::raise(SIGINT);
    EXPECT_EQ(again.signal(), SIGINT);
  }
}

TEST(CliInterruptTest, TheHandlersBeforeAreRestored) {
  struct sigaction before {};
  sigaction(SIGINT, nullptr, &before);
  { const StopOnSignal stop; }
  struct sigaction after {};
  sigaction(SIGINT, nullptr, &after);
  EXPECT_EQ(after.sa_handler, before.sa_handler);
}

}  // namespace
}  // namespace faultline::cli
