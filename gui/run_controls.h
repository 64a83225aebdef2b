#pragma once

#include <QWidget>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "balancer/time.h"

class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QLabel;

namespace faultline::gui {

// What to run: the strategies (one streams live; several are compared over the seeds), the
// number of seeds and the first, and the simulated duration (the scenario's when empty).
struct RunRequest {
  std::vector<std::string> strategies;  // empty: the scenario's own
  int seeds = 1;
  std::uint64_t first_seed = 1;
  std::optional<balancer::Duration> duration;
};

// Run and Cancel, the choices above, a progress bar and a line of status.
class RunControls : public QWidget {
  Q_OBJECT

 public:
  explicit RunControls(QWidget* parent = nullptr);

  // The request, or a message naming the field that is wrong.
  std::variant<RunRequest, QString> request() const;
  void setStrategies(const std::vector<std::string>& names);
  void setSeeds(int seeds);
  void setDuration(const QString& text);

  void setBusy(bool busy);
  void setProgress(double fraction);
  void setStatus(const QString& text);
  QString status() const;

 signals:
  void runClicked();
  void cancelClicked();

 private:
  QListWidget* strategies_;
  QSpinBox* seeds_;
  QLineEdit* first_seed_;
  QLineEdit* duration_;
  QPushButton* run_;
  QPushButton* cancel_;
  QProgressBar* progress_;
  QLabel* status_;
};

}  // namespace faultline::gui
