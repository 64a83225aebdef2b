#include "gui/fault_timeline.h"

#include <QPainter>
#include <algorithm>

#include "reports/render/chart_plot.h"

namespace faultline::gui {
namespace {

constexpr int kRowHeight = 18;
constexpr int kLabelWidth = 170;
constexpr int kMargin = 6;

QString kindOf(const scenario::Fault& fault) {
  const auto* oneof = fault.GetDescriptor()->FindOneofByName("kind");
  const auto* field = fault.GetReflection()->GetOneofFieldDescriptor(fault, oneof);
  return field != nullptr ? QString::fromStdString(field->name()) : QStringLiteral("?");
}

}  // namespace

FaultTimeline::FaultTimeline(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void FaultTimeline::showScenario(const scenario::Scenario& scenario) {
  scenario_ = scenario;
  updateGeometry();
  update();
}

QSize FaultTimeline::sizeHint() const {
  return {400, kMargin * 2 + kRowHeight * std::max(1, scenario_.faults_size()) + 14};
}

void FaultTimeline::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.setRenderHint(QPainter::Antialiasing);
  painter.fillRect(rect(), palette().base());
  const double duration = scenario_.duration_s() > 0 ? scenario_.duration_s() : 1;
  const double left = kLabelWidth;
  const double width = std::max(10.0, static_cast<double>(this->width()) - left - kMargin);
  const auto x = [&](double t) { return left + width * std::clamp(t / duration, 0.0, 1.0); };
  painter.setPen(palette().color(QPalette::Text));
  if (scenario_.faults().empty()) {
    painter.drawText(rect(), Qt::AlignCenter, tr("No faults"));
    return;
  }
  for (int i = 0; i < scenario_.faults_size(); ++i) {
    const auto& fault = scenario_.faults(i);
    const double top = kMargin + i * kRowHeight;
    const QString kind = kindOf(fault);
    const QString name = fault.name().empty() ? kind : QString::fromStdString(fault.name());
    painter.setPen(palette().color(QPalette::Text));
    painter.drawText(QRectF(kMargin, top, kLabelWidth - 2 * kMargin, kRowHeight),
                     Qt::AlignVCenter | Qt::AlignLeft,
                     painter.fontMetrics().elidedText(name, Qt::ElideRight, kLabelWidth - 12));
    const double end = fault.has_end_s() ? fault.end_s() : duration;
    QColor color = reports::render::seriesColor(static_cast<int>(qHash(kind) % 10));
    painter.setPen(Qt::NoPen);
    painter.setBrush(color.lighter(150));
    painter.drawRect(
        QRectF(x(fault.start_s()), top + 3, x(end) - x(fault.start_s()), kRowHeight - 6));
    painter.setBrush(color);
    painter.drawRect(QRectF(x(fault.start_s() + fault.ramp_up_s()), top + 3,
                            x(end - fault.ramp_down_s()) - x(fault.start_s() + fault.ramp_up_s()),
                            kRowHeight - 6));
  }
  const double axis = kMargin + scenario_.faults_size() * kRowHeight + 2;
  painter.setPen(palette().color(QPalette::Mid));
  painter.drawLine(QPointF(left, axis), QPointF(left + width, axis));
  painter.setPen(palette().color(QPalette::Text));
  painter.drawText(QRectF(left, axis, width, 12), Qt::AlignLeft | Qt::AlignTop,
                   QStringLiteral("0 s"));
  painter.drawText(QRectF(left, axis, width, 12), Qt::AlignRight | Qt::AlignTop,
                   QStringLiteral("%1 s").arg(duration));
}

}  // namespace faultline::gui
