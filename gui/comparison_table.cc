#include "gui/comparison_table.h"

#include <QHeaderView>

#include "reports/metric_text.h"

namespace faultline::gui {

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
    const auto* strategy = reports::strategyNamed(comparison, ranked.strategy());
    const QString rank = ranked.tied_with_previous() ? tr("%1 (tied)").arg(ranked.rank())
                                                     : QString::number(ranked.rank());
    setItem(row, 0, new QTableWidgetItem(rank));
    setItem(row, 1, new QTableWidgetItem(QString::fromStdString(ranked.strategy())));
    if (strategy == nullptr) continue;
    for (int m = 0; m < strategy->metrics_size() && m + 2 < columnCount(); ++m) {
      const auto& metric = strategy->metrics(m);
      auto* cell = new QTableWidgetItem(QString::fromStdString(reports::metricInterval(
          metric.metric(), metric.value(), reports::MetricText::kMarkdown)));
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
