#include "gui/timeline_bar.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <algorithm>
#include <cmath>

namespace faultline::gui {
namespace {

constexpr int kSliderSteps = 10'000;
constexpr int kTickMs = 40;
constexpr double kSpeeds[] = {1, 10, 100, 1000};

}  // namespace

TimelineBar::TimelineBar(QWidget* parent)
    : QWidget(parent),
      play_button_(new QToolButton(this)),
      speed_box_(new QComboBox(this)),
      next_fault_(new QToolButton(this)),
      slider_(new QSlider(Qt::Horizontal, this)),
      label_(new QLabel(this)),
      timer_(new QTimer(this)) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(4, 2, 4, 2);
  play_button_->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
  play_button_->setToolTip(tr("Play or pause simulated time"));
  for (double speed : kSpeeds)
    speed_box_->addItem(QStringLiteral("%1x").arg(speed), speed);
  speed_box_->setCurrentIndex(1);
  speed_box_->setToolTip(tr("Simulated seconds per second of play"));
  next_fault_->setText(tr("Next fault"));
  next_fault_->setToolTip(tr("Jump to the start of the next fault"));
  slider_->setRange(0, kSliderSteps);
  label_->setMinimumWidth(150);
  layout->addWidget(play_button_);
  layout->addWidget(speed_box_);
  layout->addWidget(next_fault_);
  layout->addWidget(slider_, 1);
  layout->addWidget(label_);
  timer_->setInterval(kTickMs);
  connect(timer_, &QTimer::timeout, this, [this] { advance(kTickMs / 1000.0); });
  connect(play_button_, &QToolButton::clicked, this, [this] { playing() ? pause() : play(); });
  connect(next_fault_, &QToolButton::clicked, this, &TimelineBar::jumpToNextFault);
  connect(speed_box_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this](int index) { speed_ = speed_box_->itemData(index).toDouble(); });
  connect(slider_, &QSlider::sliderMoved, this,
          [this](int position) { setTime(duration_s_ * position / kSliderSteps); });
  showTime();
}

void TimelineBar::setSpan(double duration_s, double available_s) {
  const bool following = time_s_ >= available_s_ - 1e-9 && !playing();
  duration_s_ = std::max(0.0, duration_s);
  available_s_ = std::clamp(available_s, 0.0, duration_s_);
  if (following) {
    setTime(available_s_);
    return;
  }
  setTime(std::min(time_s_, available_s_));
}

void TimelineBar::setTime(double time_s) {
  const double clamped = std::clamp(std::isfinite(time_s) ? time_s : 0.0, 0.0, available_s_);
  const bool moved = clamped != time_s_;
  time_s_ = clamped;
  showTime();
  if (moved) emit timeChanged(time_s_);
}

void TimelineBar::setNextFault(std::function<std::optional<double>(double)> next_fault) {
  next_fault_at_ = std::move(next_fault);
}

void TimelineBar::play() {
  if (time_s_ >= available_s_) setTime(0);
  timer_->start();
  play_button_->setIcon(style()->standardIcon(QStyle::SP_MediaPause));
}

void TimelineBar::pause() {
  timer_->stop();
  play_button_->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
}

bool TimelineBar::playing() const {
  return timer_->isActive();
}

void TimelineBar::setSpeed(double speed) {
  const int index = speed_box_->findData(speed);
  if (index >= 0) speed_box_->setCurrentIndex(index);
  speed_ = speed;
}

void TimelineBar::advance(double elapsed_s) {
  setTime(time_s_ + elapsed_s * speed_);
  if (time_s_ >= available_s_) pause();
}

void TimelineBar::jumpToNextFault() {
  if (!next_fault_at_) return;
  if (const auto next = next_fault_at_(time_s_)) setTime(*next);
}

void TimelineBar::showTime() {
  const int position =
      duration_s_ > 0 ? static_cast<int>(std::lround(time_s_ / duration_s_ * kSliderSteps)) : 0;
  slider_->blockSignals(true);
  slider_->setValue(position);
  slider_->blockSignals(false);
  label_->setText(tr("%1 s of %2 s").arg(time_s_, 0, 'f', 1).arg(duration_s_, 0, 'f', 0));
}

}  // namespace faultline::gui
