#include "scenarios/traffic_rules.h"

#include <cmath>

#include <fmt/format.h>

#include "scenarios/limits.h"

namespace faultline::scenarios {
namespace {

constexpr double kMaxRateRps = limits::kMaxRateRps;
constexpr double kMaxPatternS = limits::kMaxDurationS;
constexpr double kMaxMultiplier = 1000;
constexpr int kMaxTraceSeconds = static_cast<int>(limits::kMaxTraceSeconds);
constexpr std::uint64_t kMaxClientRetries = 10;
constexpr double kMaxBackoffMs = 3'600'000;
constexpr double kMaxBudgetTtlS = 60;
constexpr double kMaxPercentCanRetry = 1000;
constexpr double kMaxTokens = 1000;
constexpr std::uint64_t kMaxUsers = 1'000'000;
constexpr double kMaxThinkTimeMs = 86'400'000;
// A backoff of less than a microsecond would be a retry with no wait: say NONE instead.
constexpr double kMinBackoffMs = 0.001;

// The curve is followed by 240 chords a period (traffic_pattern.h): a run of more periods than
// this would hold millions of them.
constexpr double kMaxPeriodsPerRun = 4000;

void checkDiurnal(const std::string& path, const scenario::Diurnal& curve, double duration_s,
                  RuleChecker& rules) {
  const double period_s = curve.has_period_s() ? curve.period_s() : 86'400;
  const bool period_ok =
      !curve.has_period_s() || rules.checkNumber(path + ".period_s", curve.period_s(),
                                                 {.at_least = 1, .at_most = kMaxPatternS});
  if (period_ok && duration_s > 0 && duration_s / period_s > kMaxPeriodsPerRun) {
    rules.report(path + ".period_s",
                 fmt::format("must be >= duration_s / {} ({}) (got {}): the curve is followed by "
                             "240 chords a period",
                             kMaxPeriodsPerRun, formatNumber(duration_s / kMaxPeriodsPerRun),
                             formatNumber(period_s)));
  }
  rules.checkNumber(path + ".amplitude", curve.amplitude(), {.at_least = 0, .at_most = 1});
  rules.checkNumber(path + ".peak_s", curve.peak_s(), {.at_least = 0, .at_most = kMaxPatternS});
}

void checkFlashCrowd(const std::string& path, const scenario::FlashCrowd& crowd,
                     RuleChecker& rules) {
  const Bounds span{.at_least = 0, .at_most = kMaxPatternS};
  rules.checkNumber(path + ".start_s", crowd.start_s(), span);
  rules.checkNumber(path + ".ramp_up_s", crowd.ramp_up_s(), span);
  rules.checkNumber(path + ".hold_s", crowd.hold_s(), span);
  rules.checkNumber(path + ".ramp_down_s", crowd.ramp_down_s(), span);
  rules.checkNumber(path + ".multiplier", crowd.multiplier(),
                    {.above = 0, .at_most = kMaxMultiplier});
}

void checkTrace(const std::string& path, const scenario::TraceReplay& trace, RuleChecker& rules) {
  if (trace.rates_rps().empty()) {
    rules.report(path, "needs its rates: csv (a file of per-second rates) or rates_rps");
    return;
  }
  if (trace.rates_rps_size() > kMaxTraceSeconds) {
    rules.report(path + ".rates_rps", fmt::format("at most {} seconds of rates (got {})",
                                                  kMaxTraceSeconds, trace.rates_rps_size()));
    return;
  }
  for (int i = 0; i < trace.rates_rps_size(); ++i) {
    // One diagnostic for a trace full of bad rates is enough.
    if (!rules.checkNumber(fmt::format("{}.rates_rps[{}]", path, i), trace.rates_rps(i),
                           {.at_least = 0, .at_most = kMaxRateRps})) {
      return;
    }
  }
}

void checkBackoff(const std::string& path, const scenario::ClientRetry& retry, RuleChecker& rules) {
  bool base_ok = true;
  if (retry.has_base_ms()) {
    base_ok = rules.checkNumber(path + ".base_ms", retry.base_ms(),
                                {.at_least = kMinBackoffMs, .at_most = kMaxBackoffMs});
  }
  if (!retry.has_max_ms()) return;
  const bool max_ok = rules.checkNumber(path + ".max_ms", retry.max_ms(),
                                        {.at_least = kMinBackoffMs, .at_most = kMaxBackoffMs});
  const double base = retry.has_base_ms() ? retry.base_ms() : 100;
  if (base_ok && max_ok && retry.max_ms() < base) {
    rules.report(path + ".max_ms", fmt::format("must be >= base_ms ({}) (got {})",
                                               formatNumber(base), formatNumber(retry.max_ms())));
  }
}

void checkRetry(const std::string& path, const scenario::ClientRetry& retry, RuleChecker& rules) {
  rules.checkCount(path + ".max_retries", retry.max_retries(), 1, kMaxClientRetries);
  checkBackoff(path, retry, rules);
  if (retry.has_budget()) {
    const auto& budget = retry.budget();
    const std::string at = path + ".budget";
    if (budget.has_ttl_s()) {
      rules.checkNumber(at + ".ttl_s", budget.ttl_s(), {.at_least = 1, .at_most = kMaxBudgetTtlS});
    }
    if (budget.has_min_retries_per_s()) {
      rules.checkNumber(at + ".min_retries_per_s", budget.min_retries_per_s(),
                        {.at_least = 0, .at_most = kMaxRateRps});
    }
    if (budget.has_percent_can_retry()) {
      rules.checkNumber(at + ".percent_can_retry", budget.percent_can_retry(),
                        {.at_least = 0, .at_most = kMaxPercentCanRetry});
    }
  }
  if (retry.has_throttling()) {
    const auto& throttling = retry.throttling();
    const std::string at = path + ".throttling";
    if (throttling.has_max_tokens()) {
      rules.checkNumber(at + ".max_tokens", throttling.max_tokens(),
                        {.above = 0, .at_most = kMaxTokens});
    }
    if (throttling.has_token_ratio()) {
      rules.checkNumber(at + ".token_ratio", throttling.token_ratio(), {.above = 0, .at_most = 1});
    }
  }
}

void checkClosedLoop(const std::string& path, const scenario::ClosedLoop& loop,
                     RuleChecker& rules) {
  rules.checkCount(path + ".users", loop.users(), 1, kMaxUsers);
  rules.checkNumber(path + ".think_time_ms", loop.think_time_ms(),
                    {.at_least = 0, .at_most = kMaxThinkTimeMs});
}

}  // namespace

void checkClientBehaviour(const std::string& path, const scenario::Clients& clients,
                          double duration_s, RuleChecker& rules) {
  switch (clients.pattern_case()) {
    case scenario::Clients::kDiurnal:
      checkDiurnal(path + ".diurnal", clients.diurnal(), duration_s, rules);
      break;
    case scenario::Clients::kFlashCrowd:
      checkFlashCrowd(path + ".flash_crowd", clients.flash_crowd(), rules);
      break;
    case scenario::Clients::kTrace:
      checkTrace(path + ".trace", clients.trace(), rules);
      break;
    case scenario::Clients::PATTERN_NOT_SET:
      break;
  }
  if (clients.has_retry()) checkRetry(path + ".retry", clients.retry(), rules);
  if (clients.has_closed_loop()) {
    checkClosedLoop(path + ".closed_loop", clients.closed_loop(), rules);
    if (clients.pattern_case() != scenario::Clients::PATTERN_NOT_SET) {
      rules.report(path + ".closed_loop",
                   "cannot go with a traffic pattern: users send as fast as they are answered, not "
                   "at a rate");
    }
  }
}

bool sendsTraffic(const scenario::Region& region) {
  if (!region.has_clients()) return false;
  const auto& clients = region.clients();
  if (clients.has_closed_loop()) return clients.closed_loop().users() > 0;
  if (clients.has_trace()) {
    for (double rate : clients.trace().rates_rps()) {
      if (std::isfinite(rate) && rate > 0) return true;
    }
    return false;
  }
  return std::isfinite(clients.rate_rps()) && clients.rate_rps() > 0;
}

}  // namespace faultline::scenarios
