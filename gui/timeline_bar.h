#pragma once

#include <QWidget>
#include <functional>
#include <optional>

class QComboBox;
class QLabel;
class QSlider;
class QTimer;
class QToolButton;

namespace faultline::gui {

// The moment of the run the window shows: a scrubber over simulated time, play and pause at 1x
// to 1000x of simulated time, and a jump to the next fault. While a run streams in and the
// scrubber sits at its end, it follows the run.
class TimelineBar : public QWidget {
  Q_OBJECT

 public:
  explicit TimelineBar(QWidget* parent = nullptr);

  // The time the scrubber spans, and how far the run has got (the scrubber stops there).
  void setSpan(double duration_s, double available_s);
  // Moves the scrubber (emits timeChanged when it moved).
  void setTime(double time_s);
  double time() const { return time_s_; }
  // Where "next fault" jumps from a time: the start of the next fault, if any.
  void setNextFault(std::function<std::optional<double>(double)> next_fault);

  void play();
  void pause();
  bool playing() const;
  // Simulated seconds per second of play.
  void setSpeed(double speed);
  // Advances play by `elapsed_s` of wall time, as the play timer does (tests call it directly).
  void advance(double elapsed_s);
  void jumpToNextFault();

 signals:
  void timeChanged(double time_s);

 private:
  void showTime();

  QToolButton* play_button_;
  QComboBox* speed_box_;
  QToolButton* next_fault_;
  QSlider* slider_;
  QLabel* label_;
  QTimer* timer_;
  std::function<std::optional<double>(double)> next_fault_at_;
  double duration_s_ = 0;
  double available_s_ = 0;
  double time_s_ = 0;
  double speed_ = 10;
};

}  // namespace faultline::gui
