#include "gui/run_controls.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

#include "balancer/strategy_registry.h"
#include "scenarios/user_input.h"

namespace faultline::gui {

RunControls::RunControls(QWidget* parent)
    : QWidget(parent),
      strategies_(new QListWidget(this)),
      seeds_(new QSpinBox(this)),
      first_seed_(new QLineEdit(QStringLiteral("1"), this)),
      duration_(new QLineEdit(this)),
      run_(new QPushButton(tr("Run"), this)),
      cancel_(new QPushButton(tr("Cancel"), this)),
      progress_(new QProgressBar(this)),
      status_(new QLabel(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(new QLabel(tr("Strategies (none checked: the scenario's own; several: a "
                                  "comparison)"),
                               this));
  for (const auto& info : balancer::knownStrategies()) {
    auto* item = new QListWidgetItem(
        QString::fromUtf8(info.name.data(), static_cast<qsizetype>(info.name.size())), strategies_);
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(Qt::Unchecked);
    item->setToolTip(
        QString::fromUtf8(info.semantics.data(), static_cast<qsizetype>(info.semantics.size())));
  }
  strategies_->setMaximumHeight(150);
  layout->addWidget(strategies_);
  auto* form = new QFormLayout;
  seeds_->setRange(1, 1000);
  form->addRow(tr("Seeds"), seeds_);
  form->addRow(tr("First seed"), first_seed_);
  duration_->setPlaceholderText(tr("the scenario's (e.g. 150s, 10m)"));
  form->addRow(tr("Duration"), duration_);
  layout->addLayout(form);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(run_);
  buttons->addWidget(cancel_);
  layout->addLayout(buttons);
  progress_->setRange(0, 1000);
  layout->addWidget(progress_);
  status_->setWordWrap(true);
  layout->addWidget(status_);
  setBusy(false);
  connect(run_, &QPushButton::clicked, this, &RunControls::runClicked);
  connect(cancel_, &QPushButton::clicked, this, &RunControls::cancelClicked);
}

std::variant<RunRequest, QString> RunControls::request() const {
  RunRequest request;
  for (int i = 0; i < strategies_->count(); ++i) {
    const auto* item = strategies_->item(i);
    if (item->checkState() == Qt::Checked) request.strategies.push_back(item->text().toStdString());
  }
  request.seeds = seeds_->value();
  const auto seed = scenarios::parseSeed(first_seed_->text().toStdString());
  if (!seed) return tr("First seed: %1").arg(QString::fromStdString(seed.error()));
  request.first_seed = *seed;
  if (!duration_->text().trimmed().isEmpty()) {
    const auto duration = scenarios::parseDuration(duration_->text().trimmed().toStdString());
    if (!duration) return tr("Duration: %1").arg(QString::fromStdString(duration.error()));
    request.duration = *duration;
  }
  return request;
}

void RunControls::setStrategies(const std::vector<std::string>& names) {
  for (int i = 0; i < strategies_->count(); ++i) {
    auto* item = strategies_->item(i);
    const bool wanted =
        std::find(names.begin(), names.end(), item->text().toStdString()) != names.end();
    item->setCheckState(wanted ? Qt::Checked : Qt::Unchecked);
  }
}

void RunControls::setSeeds(int seeds) {
  seeds_->setValue(seeds);
}

void RunControls::setDuration(const QString& text) {
  duration_->setText(text);
}

void RunControls::setBusy(bool busy) {
  run_->setEnabled(!busy);
  cancel_->setEnabled(busy);
  if (busy) progress_->setValue(0);
}

void RunControls::setProgress(double fraction) {
  progress_->setValue(static_cast<int>(std::lround(std::clamp(fraction, 0.0, 1.0) * 1000)));
}

void RunControls::setStatus(const QString& text) {
  status_->setText(text);
}

QString RunControls::status() const {
  return status_->text();
}

}  // namespace faultline::gui
