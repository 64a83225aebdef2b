#pragma once

#include <QTableWidget>

#include "reports/results.pb.h"

namespace faultline::gui {

// A comparison's ranking (`faultline compare`): each strategy's metrics as mean [low, high] at
// the comparison's confidence, the significant differences against the baseline in bold and
// tied ranks marked. Clicking a strategy shows its example run.
class ComparisonTable : public QTableWidget {
  Q_OBJECT

 public:
  explicit ComparisonTable(QWidget* parent = nullptr);

  void showComparison(const results::ComparisonResult& comparison);

 signals:
  void strategySelected(const QString& strategy);
};

}  // namespace faultline::gui
