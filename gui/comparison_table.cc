#include "gui/comparison_table.h"

#include <QHeaderView>

#include "reports/metric_text.h"

namespace faultline::gui {
namespace {

const results::StrategyComparison* strategyNamed(const results::ComparisonResult& comparison,
                                                 const std::string& name) {
  for (const auto& strategy : comparison.strategies()) {
    if (strategy.strategy() == name) return &strategy;
  }
  return nullptr;
}

QString interval(const results::MetricComparison& metric) {
  const auto& value = metric.value();
  const auto text = [&](double x) {
    return QString::fromStdString(
        reports::metricValue(metric.metric(), x, reports::MetricText::kMarkdown));
  };
  return QStringLiteral("%1 [%2, %3]")
      .arg(text(value.mean()), text(value.low()), text(value.high()));
}

}  // namespace

ComparisonTable::ComparisonTable(QWidget* parent) : QTableWidget(parent) {
  setEditTriggers(QAbstractItemView::NoEditTriggers);
  setSelectionBehavior(QAbstractItemView::SelectRows);
  setSelectionMode(QAbstractItemView::SingleSelection);
  verticalHeader()->setVisible(false);
  connect(this, &QTableWidget::cellClicked, this, [this](int row, int) {
    if (const auto* cell = item(row, 1)) emit strategySelected(cell->text());
  });
}

void ComparisonTable::showComparison(const results::ComparisonResult& comparison) {
  clear();
  QStringList headers{tr("rank"), tr("strategy")};
  for (const auto& info : comparison.metric_info())
    headers << QString::fromStdString(info.name());
  setColumnCount(static_cast<int>(headers.size()));
  setHorizontalHeaderLabels(headers);
  setRowCount(comparison.ranking_size());
  for (int row = 0; row < comparison.ranking_size(); ++row) {
    const auto& ranked = comparison.ranking(row);
    const auto* strategy = strategyNamed(comparison, ranked.strategy());
    const QString rank = ranked.tied_with_previous() ? tr("%1 (tied)").arg(ranked.rank())
                                                     : QString::number(ranked.rank());
    setItem(row, 0, new QTableWidgetItem(rank));
    setItem(row, 1, new QTableWidgetItem(QString::fromStdString(ranked.strategy())));
    if (strategy == nullptr) continue;
    for (int m = 0; m < strategy->metrics_size() && m + 2 < columnCount(); ++m) {
      const auto& metric = strategy->metrics(m);
      auto* cell = new QTableWidgetItem(interval(metric));
      cell->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      if (metric.significant()) {
        QFont bold = cell->font();
        bold.setBold(true);
        cell->setFont(bold);
        cell->setToolTip(tr("significantly different from %1")
                             .arg(QString::fromStdString(comparison.strategies(0).strategy())));
      }
      setItem(row, m + 2, cell);
    }
  }
  resizeColumnsToContents();
}

}  // namespace faultline::gui
