#include "balancer/retry_budget.h"

#include <gtest/gtest.h>

namespace faultline::balancer {
namespace {

TEST(RetryBudgetTest, DefaultsAreEnvoys) {
  const RetryBudgetConfig config;
  EXPECT_EQ(config.budget_percent, 20.0);
  EXPECT_EQ(config.min_retry_concurrency, 3u);
}

// Envoy's own example (PR #9069): 20% with a minimum of 3 allows 5 retries at 25 active requests,
// and still 3 at 2 active requests.
TEST(RetryBudgetTest, FollowsEnvoysExample) {
  const RetryBudget budget(RetryBudgetConfig{});
  EXPECT_EQ(budget.maxActiveRetries(25), 5u);
  EXPECT_EQ(budget.maxActiveRetries(2), 3u);
  EXPECT_EQ(budget.maxActiveRetries(0), 3u);
  EXPECT_EQ(budget.maxActiveRetries(1000), 200u);
}

TEST(RetryBudgetTest, TruncatesThePercentageAsEnvoyDoes) {
  const RetryBudget budget(RetryBudgetConfig{20.0, 0});
  EXPECT_EQ(budget.maxActiveRetries(4), 0u);   // 0.8
  EXPECT_EQ(budget.maxActiveRetries(9), 1u);   // 1.8
  EXPECT_EQ(budget.maxActiveRetries(16), 3u);  // 3.2
  EXPECT_EQ(budget.maxActiveRetries(24), 4u);  // 4.8
}

TEST(RetryBudgetTest, TheMinimumConcurrencyIsAFloor) {
  const RetryBudget budget(RetryBudgetConfig{20.0, 10});
  EXPECT_EQ(budget.maxActiveRetries(49), 10u);
  EXPECT_EQ(budget.maxActiveRetries(60), 12u);
}

TEST(RetryBudgetTest, AdmitsWhileActiveRetriesStayBelowTheBudget) {
  const RetryBudget budget(RetryBudgetConfig{});
  EXPECT_TRUE(budget.admits(4, 25));
  EXPECT_FALSE(budget.admits(5, 25));
  EXPECT_TRUE(budget.admits(2, 0));
  EXPECT_FALSE(budget.admits(3, 0));
}

// The configuration of envoy#30205's reproduction: 100% and no minimum allows one retry per
// active request.
TEST(RetryBudgetTest, AFullBudgetAllowsOneRetryPerActiveRequest) {
  const RetryBudget budget(RetryBudgetConfig{100.0, 0});
  EXPECT_EQ(budget.maxActiveRetries(0), 0u);
  EXPECT_EQ(budget.maxActiveRetries(7), 7u);
  EXPECT_FALSE(budget.admits(0, 0));
}

}  // namespace
}  // namespace faultline::balancer
