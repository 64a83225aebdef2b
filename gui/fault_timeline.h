#pragma once

#include <QWidget>

#include "scenarios/scenario.pb.h"

namespace faultline::gui {

// A scenario's faults on its timeline, one row each: a bar from its start to its end (the run's
// end when it has none), its ramps drawn lighter, coloured by kind, named.
class FaultTimeline : public QWidget {
  Q_OBJECT

 public:
  explicit FaultTimeline(QWidget* parent = nullptr);

  void showScenario(const scenario::Scenario& scenario);
  QSize sizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  scenario::Scenario scenario_;
};

}  // namespace faultline::gui
