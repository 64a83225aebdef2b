#include "cli/progress_bar.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <string>

namespace faultline::cli {
namespace {

constexpr auto kRedrawEvery = std::chrono::milliseconds(100);
constexpr std::size_t kBarWidth = 30;

double seconds(balancer::Duration d) {
  return static_cast<double>(d.count()) / 1e9;
}

}  // namespace

StatusLine::StatusLine(std::FILE* stream)
    : stream_(stream), enabled_(::isatty(::fileno(stream)) == 1) {}

StatusLine::~StatusLine() {
  clear();
}

void StatusLine::draw(const std::string& text) {
  if (!enabled_) return;
  std::fputs("\r", stream_);
  std::fputs(text.c_str(), stream_);
  std::fflush(stream_);
  drawn_ = true;
}

void StatusLine::clear() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stream_);
  std::fflush(stream_);
  drawn_ = false;
}

std::string StatusLine::bar(double fraction) {
  const auto filled = static_cast<std::size_t>(std::clamp(fraction, 0.0, 1.0) * kBarWidth);
  std::string text(1, '[');
  text.append(filled, '#');
  text.append(kBarWidth - filled, '.');
  text += ']';
  return text;
}

ProgressBar::ProgressBar(std::FILE* stream)
    : line_(stream), started_(std::chrono::steady_clock::now()), last_draw_(started_) {}

ProgressBar::~ProgressBar() = default;

void ProgressBar::onProgress(const metrics::Progress& progress) {
  if (!line_.enabled()) return;
  const auto now = std::chrono::steady_clock::now();
  if (line_.drawn() && now - last_draw_ < kRedrawEvery) return;
  last_draw_ = now;
  const double simulated = seconds(progress.simulated.time_since_epoch());
  const double total = seconds(progress.duration);
  const double fraction = total > 0 ? std::clamp(simulated / total, 0.0, 1.0) : 1.0;
  const double wall = std::chrono::duration<double>(now - started_).count();
  const double speed = wall > 0 ? simulated / wall : 0;
  line_.draw(
      fmt::format("{} {:5.1f}%  {:.0f} / {:.0f} s simulated  {:.0f}x real time  {:.1f} M "
                  "events ",
                  StatusLine::bar(fraction), fraction * 100, simulated, total, speed,
                  static_cast<double>(progress.events) / 1e6));
}

void ProgressBar::onRunFinished(const metrics::RunSummary& /*summary*/) {
  line_.clear();
}

}  // namespace faultline::cli
