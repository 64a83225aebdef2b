#include "cli/progress_bar.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <string>

namespace faultline::cli {
namespace {

constexpr auto kRedrawEvery = std::chrono::milliseconds(100);
constexpr int kBarWidth = 30;

double seconds(balancer::Duration d) {
  return static_cast<double>(d.count()) / 1e9;
}

}  // namespace

ProgressBar::ProgressBar(std::FILE* stream)
    : stream_(stream),
      enabled_(::isatty(::fileno(stream)) == 1),
      started_(std::chrono::steady_clock::now()),
      last_draw_(started_) {}

ProgressBar::~ProgressBar() {
  clear();
}

void ProgressBar::onProgress(const metrics::Progress& progress) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < kRedrawEvery) return;
  last_draw_ = now;
  const double simulated = seconds(progress.simulated.time_since_epoch());
  const double total = seconds(progress.duration);
  const double fraction = total > 0 ? std::clamp(simulated / total, 0.0, 1.0) : 1.0;
  const auto filled = static_cast<int>(fraction * kBarWidth);
  const double wall = std::chrono::duration<double>(now - started_).count();
  const double speed = wall > 0 ? simulated / wall : 0;
  const std::string line = fmt::format(
      "\r[{}{}] {:5.1f}%  {:.0f} / {:.0f} s simulated  {:.0f}x real time  {:.1f} M events ",
      std::string(static_cast<std::size_t>(filled), '#'),
      std::string(static_cast<std::size_t>(kBarWidth - filled), '.'), fraction * 100, simulated,
      total, speed, static_cast<double>(progress.events) / 1e6);
  std::fputs(line.c_str(), stream_);
  std::fflush(stream_);
  drawn_ = true;
}

void ProgressBar::onRunFinished(const metrics::RunSummary& /*summary*/) {
  clear();
}

void ProgressBar::clear() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stream_);
  std::fflush(stream_);
  drawn_ = false;
}

}  // namespace faultline::cli
