#include "gui/topology_view.h"

#include "reports/run_charts.h"

#include <QFontMetricsF>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace faultline::gui {
namespace {

// The reports' palette (matplotlib's), so the app and the reports speak the same colours.
constexpr QRgb kGreen = 0xff2ca02c;
constexpr QRgb kAmber = 0xffff7f0e;
constexpr QRgb kRed = 0xffd62728;
constexpr QRgb kGrey = 0xffb0b0b0;
constexpr QRgb kDeadInstance = 0xff3a3a3a;  // a tier instance that is not running
constexpr QRgb kTraffic = 0xff5f7f9f;
constexpr QRgb kInk = 0xff303030;
constexpr QRgb kMutedInk = 0xff707070;
constexpr QRgb kViolet = 0xff9467bd;  // up, but a fault slows it or fails its requests

QColor stateColor(HostState state) {
  switch (state) {
    case HostState::kServing:
      return QColor(kGreen);
    case HostState::kDegraded:
      return QColor(kViolet);
    case HostState::kEjected:
      return QColor(kAmber);
    case HostState::kDown:
      return QColor(kRed);
  }
  return QColor(kGrey);
}

// The hosts of a region, as its groups count them.
std::int64_t hostsIn(const results::RegionInfo& region) {
  std::int64_t hosts = 0;
  for (const auto& group : region.groups())
    hosts += std::max(0, group.count());
  return hosts;
}

constexpr int kMaxColumns = 4;
constexpr double kMaxBoxWidth = 380.0;
constexpr double kPadding = 8.0;
constexpr double kMaxPenWidth = 11.0;
const QChar kDot(0x00b7);

// ---------------------------------------------------------------------------------------------
// What the map shows, gathered from the protos once per paint, so drawing never touches them.

struct BalancerMark {
  QString label;
  QColor color;
};

struct GroupMark {
  QString label;
  int count = 0;
};

struct RegionScene {
  QString name;
  QString subtitle;
  Health health = Health::kIdle;
  std::vector<GroupMark> groups;
  bool known = false;            // a window gives the host counts below
  int routed = 0;                // up and routed to by every balancer
  int up = 0;                    // able to serve
  std::vector<HostState> hosts;  // each host's state, when known host by host
  std::vector<BalancerMark> balancers;
  QString faults;
  double unserved_rate = 0.0;  // the region's clients' requests no backend saw, per second
};

void fillHostCounts(const results::Window& window, int index, RegionScene& region);

struct TrafficScene {
  int from = 0;
  int to = 0;
  double rate = 0.0;
  double error_share = 0.0;
};

struct Scene {
  std::vector<RegionScene> regions;
  std::vector<TrafficScene> traffic;
  double max_rate = 0.0;
};

const QLocale& english() {
  static const QLocale locale(QLocale::English, QLocale::UnitedStates);
  return locale;
}

QString rateText(double rps) {
  if (rps >= 100.0) return english().toString(qRound64(rps));
  return english().toString(rps, 'f', 1);
}

QString errorText(double share) {
  const double percent = 100.0 * share;
  // A handful of errors among thousands must not read as none.
  if (percent > 0.0 && percent < 0.05) return QStringLiteral("<0.1% err");
  return QString::number(percent, 'f', 1) + QStringLiteral("% err");
}

QString trafficLabel(const TrafficScene& traffic) {
  return rateText(traffic.rate) + QStringLiteral(" rps ") + kDot + QChar(' ') +
         errorText(traffic.error_share);
}

// The serving region's failures among what it served: a failover target that errors is red.
double errorShare(const results::Window& window, int region) {
  if (region >= window.regions_size()) return 0.0;
  const auto& served = window.regions(region);
  if (served.requests_to() <= 0) return 0.0;
  const double ok = std::clamp(static_cast<double>(served.ok_to()), 0.0,
                               static_cast<double>(served.requests_to()));
  return 1.0 - ok / static_cast<double>(served.requests_to());
}

// The failures among `from`'s requests served by `to`; the serving region's share over all its
// clients when the results have no traffic between regions.
double edgeErrorShare(const results::Window& window, int from, int to) {
  if (from < window.regions_size() && to < window.regions_size()) {
    const std::string& name = window.regions(to).region();
    double requests = 0.0;  // a crafted file may list a pair twice: both count, as for the rate
    double ok = 0.0;
    for (const auto& pair : window.regions(from).traffic()) {
      if (pair.region() != name || pair.requests() <= 0) continue;
      requests += static_cast<double>(pair.requests());
      ok += std::clamp(static_cast<double>(pair.ok()), 0.0, static_cast<double>(pair.requests()));
    }
    if (requests > 0.0 && std::isfinite(requests)) return 1.0 - ok / requests;
  }
  return errorShare(window, to);
}

QColor healthColor(Health health) {
  switch (health) {
    case Health::kHealthy:
      return QColor(kGreen);
    case Health::kDegraded:
      return QColor(kAmber);
    case Health::kDown:
      return QColor(kRed);
    case Health::kIdle:
      break;
  }
  return QColor(kGrey);
}

QString healthWord(Health health) {
  switch (health) {
    case Health::kHealthy:
      return QStringLiteral("healthy");
    case Health::kDegraded:
      return QStringLiteral("degraded");
    case Health::kDown:
      return QStringLiteral("down");
    case Health::kIdle:
      break;
  }
  return {};
}

QColor balancerColor(const results::BalancerView& balancer) {
  if (balancer.down()) return QColor(kDeadInstance);
  if (balancer.active_region().empty()) return QColor(kRed);
  if (balancer.panic_regions_size() > 0) return QColor(kAmber);
  return QColor(kGreen);
}

QString balancerLabel(const results::BalancerView& balancer) {
  if (balancer.instance().empty()) return QStringLiteral("LB");
  const std::string& instance = balancer.instance();
  return QString::fromStdString(instance.substr(instance.rfind('/') + 1));
}

// A few percent of errors is already an incident, so the shade follows the square root of the
// error share: 2% is a fifth of the way to red, half the requests failing is fully red.
QColor trafficColor(double error_share) {
  const double t = std::sqrt(std::clamp(error_share / 0.5, 0.0, 1.0));
  const QColor low(kTraffic);
  const QColor high(kRed);
  auto mix = [t](int a, int b) { return static_cast<int>(std::lround(a + t * (b - a))); };
  return QColor(mix(low.red(), high.red()), mix(low.green(), high.green()),
                mix(low.blue(), high.blue()));
}

double penWidth(double rate, double max_rate) {
  if (!(max_rate > 0.0)) return 1.0;
  return std::min(kMaxPenWidth, 1.0 + 10.0 * rate / max_rate);
}

QFont smallFont(const QFont& base) {
  QFont font = base;
  font.setPointSizeF(std::max(6.0, base.pointSizeF() - 1.0));
  return font;
}

QFont boldFont(const QFont& base) {
  QFont font = base;
  font.setBold(true);
  return font;
}

// ---------------------------------------------------------------------------------------------
// Layout: regions left to right, at most four to a row, rows balanced (5 regions are 3 + 2).
// Each row keeps a lane above its boxes for left-to-right arrows and one below for the others,
// so arrows between neighbours never cross a box.

struct MapLayout {
  std::vector<QRectF> boxes;
  std::vector<int> rows;  // the row of each box
  double lane = 0.0;
};

MapLayout layoutMap(int count, const QRectF& area) {
  MapLayout layout;
  if (count <= 0 || area.width() <= 0.0 || area.height() <= 0.0) return layout;
  const int rows = (count + kMaxColumns - 1) / kMaxColumns;
  const int columns = (count + rows - 1) / rows;
  const double row_height = area.height() / rows;
  layout.lane = std::clamp(row_height * 0.16, 12.0, 44.0);
  const double cell_width = area.width() / columns;
  const double gap = std::clamp(cell_width * 0.16, 14.0, 70.0);
  const double box_width = std::max(1.0, std::min(cell_width - gap, kMaxBoxWidth));
  const double box_height = std::max(1.0, row_height - 2.0 * layout.lane);
  for (int row = 0; row < rows; ++row) {
    const int first = row * columns;
    const int in_row = std::min(columns, count - first);
    const double row_width = in_row * box_width + (in_row - 1) * gap;
    const double left = area.center().x() - row_width / 2.0;
    const double top = area.top() + row * row_height + layout.lane;
    for (int i = 0; i < in_row; ++i) {
      layout.boxes.emplace_back(left + i * (box_width + gap), top, box_width, box_height);
      layout.rows.push_back(row);
    }
  }
  return layout;
}

// ---------------------------------------------------------------------------------------------
// Drawing a region box: header, balancers and faults, host grids, local traffic at the bottom.

class RegionPainter {
 public:
  RegionPainter(QPainter& painter, const QFont& font) : painter_(painter), font_(font) {}

  void draw(const RegionScene& region, const QRectF& box, const TrafficScene* local,
            double max_rate) {
    const QColor border = healthColor(region.health);
    painter_.save();
    painter_.setPen(Qt::NoPen);
    painter_.setBrush(boxFill(region.health));
    painter_.drawRoundedRect(box, 8, 8);
    painter_.setClipRect(box.adjusted(1, 1, -1, -1));
    QRectF inner = box.adjusted(kPadding, kPadding / 2, -kPadding, -kPadding / 2);
    inner.setTop(drawHeader(region, inner));
    inner.setTop(drawBalancerRow(region, inner));
    // The local traffic keeps its place at the bottom even when there is none, so the map does
    // not jump from one window to the next.
    const double local_height = std::clamp(lineHeight(smallFont(font_)) + kMaxPenWidth + 4.0, 0.0,
                                           std::max(0.0, inner.height()));
    // Requests no backend saw (refused by a dead or hostless balancer, lost on the way): the
    // arrows cannot show them, so they are said in red above the local traffic.
    const double unserved_height = region.unserved_rate > 0.0 ? lineHeight(smallFont(font_)) : 0.0;
    drawGroups(region, inner.adjusted(0, 2, 0, -local_height - unserved_height));
    if (unserved_height > 0.0) {
      painter_.setFont(smallFont(font_));
      painter_.setPen(QColor(kRed));
      QString label = QStringLiteral("refused or lost ");
      label += rateText(region.unserved_rate);
      label += QStringLiteral(" rps");
      drawElided(QRectF(inner.left(), inner.bottom() - local_height - unserved_height,
                        inner.width(), unserved_height),
                 label);
    }
    if (local != nullptr) {
      drawLocalTraffic(
          *local, max_rate,
          QRectF(inner.left(), inner.bottom() - local_height, inner.width(), local_height));
    }
    painter_.setClipping(false);
    painter_.setBrush(Qt::NoBrush);
    painter_.setPen(QPen(border, 2.5));
    painter_.drawRoundedRect(box, 8, 8);
    painter_.restore();
  }

 private:
  static QColor boxFill(Health health) {
    switch (health) {
      case Health::kDegraded:
        return QColor(0xff, 0xf6, 0xec);
      case Health::kDown:
        return QColor(0xfc, 0xee, 0xee);
      case Health::kHealthy:
      case Health::kIdle:
        break;
    }
    return QColor(0xfb, 0xfb, 0xfb);
  }

  static double lineHeight(const QFont& font) { return QFontMetricsF(font).height(); }

  // Name and health on the first line, clients and zones on the second; returns the next top.
  double drawHeader(const RegionScene& region, const QRectF& inner) {
    const QFont bold = boldFont(font_);
    const QFont small = smallFont(font_);
    QRectF line(inner.left(), inner.top(), inner.width(), lineHeight(bold));
    const double word_width = drawHealthWord(region, line, QFontMetricsF(bold));
    painter_.setFont(bold);
    painter_.setPen(QColor(kInk));
    drawElided(line.adjusted(0, 0, -word_width, 0), region.name);
    line = QRectF(inner.left(), line.bottom(), inner.width(), lineHeight(small));
    painter_.setFont(small);
    painter_.setPen(QColor(kMutedInk));
    drawElided(line, region.subtitle);
    return line.bottom() + 2.0;
  }

  // The border already says it: in a narrow box the word gives way to the name. Returns the
  // width it took.
  double drawHealthWord(const RegionScene& region, const QRectF& line,
                        const QFontMetricsF& name_metrics) {
    const QFont small = smallFont(font_);
    const QString word = healthWord(region.health);
    const double width = QFontMetricsF(small).horizontalAdvance(word) + 6.0;
    const double name_width = name_metrics.horizontalAdvance(region.name);
    if (word.isEmpty() || line.width() - width < std::min(name_width, 0.6 * line.width())) {
      return 0.0;
    }
    painter_.setFont(small);
    painter_.setPen(healthColor(region.health).darker(115));
    painter_.drawText(line, Qt::AlignRight | Qt::AlignVCenter, word);
    return width;
  }

  void drawElided(const QRectF& line, const QString& text) {
    const QString shown =
        QFontMetricsF(painter_.font()).elidedText(text, Qt::ElideRight, line.width());
    painter_.drawText(line, Qt::AlignLeft | Qt::AlignVCenter, shown);
  }

  // The region's balancers as small circles, its active faults as a red badge on the right.
  double drawBalancerRow(const RegionScene& region, const QRectF& inner) {
    const QFont small = smallFont(font_);
    const QFontMetricsF metrics(small);
    const double height = metrics.height() + 4.0;
    const double diameter = std::min(12.0, height - 2.0);
    painter_.setFont(small);
    double x = inner.left();
    const double middle = inner.top() + height / 2.0;
    if (region.balancers.empty()) {
      painter_.setPen(QColor(kMutedInk));
      const QString hint =
          region.known ? QStringLiteral("no balancer") : QStringLiteral("no window yet");
      painter_.drawText(QRectF(x, inner.top(), inner.width(), height), Qt::AlignVCenter, hint);
    }
    for (const auto& balancer : region.balancers) {
      painter_.setPen(QPen(balancer.color.darker(130), 1));
      painter_.setBrush(balancer.color);
      painter_.drawEllipse(QPointF(x + diameter / 2.0, middle), diameter / 2.0, diameter / 2.0);
      x += diameter + 3.0;
      painter_.setPen(QColor(kInk));
      const double width = metrics.horizontalAdvance(balancer.label);
      painter_.drawText(QRectF(x, inner.top(), width + 1.0, height), Qt::AlignVCenter,
                        balancer.label);
      x += width + 8.0;
    }
    if (!region.faults.isEmpty()) drawFaultBadge(region.faults, inner, x, height);
    return inner.top() + height + 2.0;
  }

  void drawFaultBadge(const QString& faults, const QRectF& inner, double taken, double height) {
    const QFont bold = boldFont(smallFont(font_));
    const QFontMetricsF metrics(bold);
    const double room = std::max(40.0, inner.right() - taken);
    const QString text = metrics.elidedText(faults, Qt::ElideRight, room - 10.0);
    const double width = metrics.horizontalAdvance(text) + 10.0;
    const QRectF badge(inner.right() - width, inner.top() + 1.0, width, height - 2.0);
    painter_.setPen(Qt::NoPen);
    painter_.setBrush(QColor(kRed));
    painter_.drawRoundedRect(badge, 4, 4);
    painter_.setFont(bold);
    painter_.setPen(Qt::white);
    painter_.drawText(badge, Qt::AlignCenter, text);
  }

  // Each host in its own state when the results tell hosts apart; from the region's counts
  // alone otherwise (older results): the first hosts, in group order, routed to, the next up but
  // ejected, the rest down.
  void drawGroups(const RegionScene& region, const QRectF& area) {
    if (region.groups.empty() || area.height() <= 0.0) return;
    const QFont small = smallFont(font_);
    const double label_height = lineHeight(small);
    const double band = area.height() / static_cast<double>(region.groups.size());
    int first_host = 0;
    for (std::size_t i = 0; i < region.groups.size(); ++i) {
      const GroupMark& group = region.groups[i];
      const double top = area.top() + static_cast<double>(i) * band;
      painter_.setFont(small);
      painter_.setPen(QColor(kInk));
      drawElided(QRectF(area.left(), top, area.width(), label_height), group.label);
      const QRectF grid(area.left(), top + label_height, area.width(), band - label_height - 2.0);
      drawHostGrid(region, group.count, first_host, grid);
      first_host += group.count;
    }
  }

  // The largest square (2 to 16 px) whose grid holds `count` hosts in `grid`.
  static double squareSize(int count, const QRectF& grid) {
    for (double size = 16.0; size > 2.0; size -= 1.0) {
      const double step = size + std::max(1.0, std::floor(size / 4.0));
      const int columns = std::max(1, static_cast<int>((grid.width() + step - size) / step));
      const int rows = (count + columns - 1) / columns;
      if (rows * step - (step - size) <= grid.height()) return size;
    }
    return 2.0;
  }

  QColor hostColor(const RegionScene& region, int host) const {
    if (!region.known) return QColor(kGrey);
    if (host >= 0 && static_cast<std::size_t>(host) < region.hosts.size())
      return stateColor(region.hosts[static_cast<std::size_t>(host)]);
    if (host < region.routed) return QColor(kGreen);
    if (host < region.up) return QColor(kAmber);
    return QColor(kRed);
  }

  void drawHostGrid(const RegionScene& region, int count, int first_host, const QRectF& grid) {
    if (count <= 0 || grid.height() <= 0.0) return;
    const double size = squareSize(count, grid);
    const double step = size + std::max(1.0, std::floor(size / 4.0));
    const int columns = std::max(1, static_cast<int>((grid.width() + step - size) / step));
    painter_.setPen(Qt::NoPen);
    for (int i = 0; i < count; ++i) {
      const double x = grid.left() + (i % columns) * step;
      const double y = grid.top() + (i / columns) * step;
      if (y > grid.bottom()) break;
      painter_.setBrush(hostColor(region, first_host + i));
      painter_.drawRect(QRectF(x, y, size, size));
    }
  }

  // What the region's clients send to its own backends: a bar whose width follows the rate.
  void drawLocalTraffic(const TrafficScene& local, double max_rate, const QRectF& area) {
    const QFont small = smallFont(font_);
    const double label_height = lineHeight(small);
    const QColor color = trafficColor(local.error_share);
    if (area.height() >= label_height + kMaxPenWidth + 2.0) {
      painter_.setFont(small);
      painter_.setPen(color.darker(120));
      QString label = QStringLiteral("local ");
      label += trafficLabel(local);
      drawElided(QRectF(area.left(), area.top(), area.width(), label_height), label);
    }
    const double y = area.bottom() - kMaxPenWidth / 2.0 - 1.0;
    painter_.setPen(QPen(color, penWidth(local.rate, max_rate), Qt::SolidLine, Qt::RoundCap));
    painter_.drawLine(QPointF(area.left() + 4.0, y), QPointF(area.right() - 4.0, y));
  }

  QPainter& painter_;
  QFont font_;
};

// ---------------------------------------------------------------------------------------------
// Arrows between regions: arcs through the lanes for regions of one row (left to right above
// the boxes, right to left below), S-curves between rows. Every curve ends vertically, so its
// arrowhead points straight into the box.

struct Arrow {
  QPainterPath path;
  QPointF tip;
  double direction = 1.0;  // +1 pointing down, -1 pointing up
};

Arrow sameRowArrow(const QRectF& from, const QRectF& to, int span, double lane, double head) {
  const bool rightward = to.center().x() > from.center().x();
  const double shift = from.width() / 6.0 + (span - 1) * 6.0;
  const double sign = rightward ? 1.0 : -1.0;
  const double edge_from = rightward ? from.top() : from.bottom();
  const double edge_to = rightward ? to.top() : to.bottom();
  const double rise = std::min(0.95, 0.55 + 0.15 * (span - 1)) * lane;
  // Up through the lane above the row, or down through the one below it.
  const double out = rightward ? -1.0 : 1.0;
  Arrow arrow;
  arrow.direction = -out;
  arrow.tip = QPointF(to.center().x() - sign * shift, edge_to);
  const QPointF start(from.center().x() + sign * shift, edge_from);
  const QPointF end(arrow.tip.x(), edge_to + out * head);
  arrow.path.moveTo(start);
  arrow.path.cubicTo(QPointF(start.x(), edge_from + out * rise),
                     QPointF(end.x(), edge_to + out * rise), end);
  return arrow;
}

Arrow crossRowArrow(const QRectF& from, const QRectF& to, double head) {
  const bool downward = to.center().y() > from.center().y();
  // Downward arrows on the right of the centres, upward ones on the left, so a pair never overlaps.
  const double shift = (downward ? 1.0 : -1.0) * from.width() / 8.0;
  const QPointF start(from.center().x() + shift, downward ? from.bottom() : from.top());
  Arrow arrow;
  arrow.direction = downward ? 1.0 : -1.0;
  arrow.tip = QPointF(to.center().x() + shift, downward ? to.top() : to.bottom());
  const QPointF end(arrow.tip.x(), arrow.tip.y() - arrow.direction * head);
  const double bend = (end.y() - start.y()) / 2.0;
  arrow.path.moveTo(start);
  arrow.path.cubicTo(QPointF(start.x(), start.y() + bend), QPointF(end.x(), end.y() - bend), end);
  return arrow;
}

void drawArrowHead(QPainter& painter, const Arrow& arrow, double head, const QColor& color) {
  const double half = head * 0.6;
  const QPointF base(arrow.tip.x(), arrow.tip.y() - arrow.direction * head);
  const QPointF points[] = {arrow.tip, QPointF(base.x() - half, base.y()),
                            QPointF(base.x() + half, base.y())};
  painter.setPen(Qt::NoPen);
  painter.setBrush(color);
  painter.drawPolygon(points, 3);
}

void drawArrowLabel(QPainter& painter, const QFont& font, const QPointF& at, const QString& text,
                    const QColor& color) {
  const QFontMetricsF metrics(font);
  const QSizeF size(metrics.horizontalAdvance(text) + 8.0, metrics.height() + 2.0);
  const QRectF box(at.x() - size.width() / 2.0, at.y() - size.height() / 2.0, size.width(),
                   size.height());
  painter.setPen(QPen(color, 1));
  painter.setBrush(QColor(255, 255, 255, 230));
  painter.drawRoundedRect(box, 4, 4);
  painter.setFont(font);
  painter.setPen(color.darker(130));
  painter.drawText(box, Qt::AlignCenter, text);
}

// ---------------------------------------------------------------------------------------------
// The legend: what each colour means, in one line at the bottom.

class LegendPainter {
 public:
  LegendPainter(QPainter& painter, const QFont& font, const QRectF& line)
      : painter_(painter), font_(font), line_(line), x_(line.left()) {
    painter_.setFont(font_);
  }

  void square(QRgb color, const QString& text) {
    mark(text, [&](const QRectF& r) {
      painter_.setPen(Qt::NoPen);
      painter_.setBrush(QColor(color));
      painter_.drawRect(r.adjusted(1, 1, -1, -1));
    });
  }

  void circle(QRgb color, const QString& text) {
    mark(text, [&](const QRectF& r) {
      painter_.setPen(QPen(QColor(color).darker(130), 1));
      painter_.setBrush(QColor(color));
      painter_.drawEllipse(r.adjusted(1, 1, -1, -1));
    });
  }

  void line(QRgb color, const QString& text) {
    mark(text, [&](const QRectF& r) {
      painter_.setPen(QPen(QColor(color), 3, Qt::SolidLine, Qt::RoundCap));
      painter_.drawLine(QPointF(r.left() - 4, r.center().y()), QPointF(r.right(), r.center().y()));
    });
  }

  void badge(QRgb color, const QString& text) {
    mark(text, [&](const QRectF& r) {
      painter_.setPen(Qt::NoPen);
      painter_.setBrush(QColor(color));
      painter_.drawRoundedRect(r.adjusted(-3, 1, 0, -1), 2, 2);
    });
  }

  void gap() { x_ += 10.0; }

 private:
  // Items that no longer fit are left out whole rather than cut.
  template <typename Icon>
  void mark(const QString& text, Icon icon) {
    const QFontMetricsF metrics(font_);
    const double icon_size = std::min(10.0, line_.height());
    const double width = icon_size + 4.0 + metrics.horizontalAdvance(text) + 10.0;
    if (x_ + width > line_.right()) {
      x_ = line_.right();
      return;
    }
    const double top = line_.center().y() - icon_size / 2.0;
    icon(QRectF(x_, top, icon_size, icon_size));
    painter_.setPen(QColor(kMutedInk));
    painter_.drawText(QRectF(x_ + icon_size + 4.0, line_.top(), width, line_.height()),
                      Qt::AlignLeft | Qt::AlignVCenter, text);
    x_ += width;
  }

  QPainter& painter_;
  QFont font_;
  QRectF line_;
  double x_;
};

void drawLegend(QPainter& painter, const QFont& font, const QRectF& line) {
  LegendPainter legend(painter, font, line);
  legend.square(kGreen, QStringLiteral("host routed to"));
  legend.square(kAmber, QStringLiteral("up, ejected"));
  legend.square(kViolet, QStringLiteral("degraded"));
  legend.square(kRed, QStringLiteral("down"));
  legend.square(kGrey, QStringLiteral("unknown"));
  legend.gap();
  legend.circle(kGreen, QStringLiteral("balancer"));
  legend.circle(kAmber, QStringLiteral("panic"));
  legend.circle(kRed, QStringLiteral("refusing all"));
  legend.circle(kDeadInstance, QStringLiteral("instance down"));
  legend.gap();
  legend.line(kTraffic, QStringLiteral("rps (width)"));
  legend.line(kRed, QStringLiteral("errors at the target"));
  legend.badge(kRed, QStringLiteral("active fault"));
}

}  // namespace

// ---------------------------------------------------------------------------------------------

TopologyView::TopologyView(QWidget* parent) : QWidget(parent) {
  setAttribute(Qt::WA_OpaquePaintEvent);
}

void TopologyView::setTopology(const results::Topology& topology) {
  topology_ = topology;
  update();
}

void TopologyView::setWindow(const results::Window* window, std::vector<HostState> hosts) {
  hosts_ = std::move(hosts);
  has_window_ = window != nullptr;
  if (has_window_) {
    window_ = *window;
  } else {
    window_.Clear();
  }
  update();
}

Health TopologyView::regionHealth(int region) const {
  if (!has_window_ || region < 0 || region >= topology_.regions_size() ||
      region >= window_.regions_size()) {
    return Health::kIdle;
  }
  const auto& state = window_.regions(region);
  if (state.hosts() > 0 && state.hosts_up() <= 0) return Health::kDown;
  if (state.hosts_up() < state.hosts()) return Health::kDegraded;
  const int healthy = reports::lowestHealthy(window_, region);
  if (healthy >= 0 && healthy < state.hosts_up()) return Health::kDegraded;
  const auto hosts = regionHosts(region);
  if (std::find(hosts.begin(), hosts.end(), HostState::kDegraded) != hosts.end())
    return Health::kDegraded;
  return Health::kHealthy;
}

std::vector<HostState> TopologyView::regionHosts(int region) const {
  if (!has_window_ || region < 0 || region >= topology_.regions_size() ||
      region >= window_.regions_size()) {
    return {};
  }
  std::size_t first = 0;
  for (int r = 0; r < region; ++r)
    first += static_cast<std::size_t>(hostsIn(topology_.regions(r)));
  const auto count = static_cast<std::size_t>(hostsIn(topology_.regions(region)));
  if (first + count > hosts_.size()) return {};
  std::vector<HostState> states(hosts_.begin() + static_cast<std::ptrdiff_t>(first),
                                hosts_.begin() + static_cast<std::ptrdiff_t>(first + count));
  // The truth the window counted must be the truth the events tell, host for host.
  const auto& counted = window_.regions(region);
  const auto down = std::count(states.begin(), states.end(), HostState::kDown);
  if (static_cast<std::int64_t>(count) != counted.hosts() ||
      down != std::int64_t{counted.hosts()} - counted.hosts_up()) {
    return {};
  }
  return states;
}

HostState TopologyView::hostState(int region, int host) const {
  const auto hosts = regionHosts(region);
  if (host >= 0 && static_cast<std::size_t>(host) < hosts.size())
    return hosts[static_cast<std::size_t>(host)];
  RegionScene scene;
  if (has_window_ && region >= 0) fillHostCounts(window_, region, scene);
  if (host < scene.routed) return HostState::kServing;
  return host < scene.up ? HostState::kEjected : HostState::kDown;
}

double TopologyView::trafficRate(int from, int to) const {
  const int regions = topology_.regions_size();
  if (!has_window_ || from < 0 || to < 0 || from >= regions || to >= regions ||
      from >= window_.regions_size()) {
    return 0.0;
  }
  const double length = window_.end_s() - window_.start_s();
  if (!(length > 0.0)) return 0.0;
  // What the results counted, request by request; older results files only have the balancers'
  // shares, which miss where a balancer tier sent the clients.
  if (topology_.counts_traffic()) {  // a pair without an entry carried nothing
    const std::string& name = topology_.regions(to).name();
    double served = 0.0;
    for (const auto& pair : window_.regions(from).traffic()) {
      if (pair.region() == name)
        served += static_cast<double>(std::max<std::int64_t>(0, pair.requests()));
    }
    const double rate = served / length;
    return std::isfinite(rate) && rate > 0.0 ? rate : 0.0;
  }
  const std::string& name = topology_.regions(from).name();
  double percent = 0.0;
  int balancers = 0;
  for (const auto& balancer : window_.balancers()) {
    if (balancer.region() != name) continue;
    ++balancers;
    // A balancer without a share for `to` sends it nothing.
    if (to < balancer.load_percent_size()) percent += balancer.load_percent(to);
  }
  if (balancers == 0) return 0.0;
  const double sent = static_cast<double>(window_.regions(from).requests_from()) / length;
  const double rate = sent * (percent / balancers) / 100.0;
  return std::isfinite(rate) && rate > 0.0 ? rate : 0.0;
}

std::vector<std::string> TopologyView::faultsOn(int region) const {
  std::vector<std::string> names;
  if (!has_window_ || region < 0 || region >= topology_.regions_size()) return names;
  std::string prefix = topology_.regions(region).name();
  prefix += '/';
  const auto& active = window_.active_faults();
  for (const auto& fault : topology_.faults()) {
    if (std::find(active.begin(), active.end(), fault.name()) == active.end()) continue;
    const auto inRegion = [&](const std::string& name) { return name.rfind(prefix, 0) == 0; };
    const auto& hosts = fault.hosts();
    const auto& instances = fault.instances();
    if (std::any_of(hosts.begin(), hosts.end(), inRegion) ||
        std::any_of(instances.begin(), instances.end(), inRegion)) {
      names.push_back(fault.name());
    }
  }
  return names;
}

double TopologyView::unservedRate(int region) const {
  if (!has_window_ || region < 0 || region >= window_.regions_size()) return 0.0;
  const double length = window_.end_s() - window_.start_s();
  if (!(length > 0.0)) return 0.0;
  const double rate = static_cast<double>(window_.regions(region).unserved()) / length;
  return std::isfinite(rate) && rate > 0.0 ? rate : 0.0;
}

QSize TopologyView::sizeHint() const {
  return {900, 420};
}

QSize TopologyView::minimumSizeHint() const {
  return {400, 240};
}

namespace {

QString joined(const std::vector<std::string>& names, const QString& separator) {
  QString text;
  for (const auto& name : names) {
    if (!text.isEmpty()) text += separator;
    text += QString::fromStdString(name);
  }
  return text;
}

QString subtitle(const results::RegionInfo& info) {
  QString text = QStringLiteral("clients ");
  text += rateText(info.client_rate_rps());
  text += QStringLiteral(" rps");
  if (info.zones_size() > 0) {
    text += QStringLiteral("  ") + kDot + QStringLiteral("  zones ");
    text += joined({info.zones().begin(), info.zones().end()}, QStringLiteral(", "));
  }
  return text;
}

std::vector<GroupMark> groupMarks(const results::RegionInfo& info) {
  std::vector<GroupMark> groups;
  for (const auto& group : info.groups()) {
    QString label = QString::fromStdString(group.name());
    label += QStringLiteral(" ") + kDot + QChar(' ');
    label += QString::number(group.count());
    label += group.count() == 1 ? QStringLiteral(" host") : QStringLiteral(" hosts");
    if (group.workers() > 0) {
      label += QStringLiteral(" ") + kDot + QChar(' ') + QString::number(group.workers());
      label += QStringLiteral(" workers");
    }
    // A crafted file may claim any count: no grid draws more squares than pixels anyway.
    constexpr int kMostSquares = 100'000;
    groups.push_back({label, std::clamp(group.count(), 0, kMostSquares)});
  }
  return groups;
}

void fillHostCounts(const results::Window& window, int index, RegionScene& region) {
  if (index < 0 || index >= window.regions_size()) return;
  const auto& state = window.regions(index);
  region.known = true;
  region.up = std::clamp(state.hosts_up(), 0, std::max(0, state.hosts()));
  const int healthy = reports::lowestHealthy(window, index);
  region.routed = healthy < 0 ? region.up : std::clamp(healthy, 0, region.up);
}

std::vector<BalancerMark> balancerMarks(const results::Window& window, const std::string& name) {
  std::vector<BalancerMark> marks;
  for (const auto& balancer : window.balancers()) {
    if (balancer.region() == name)
      marks.push_back({balancerLabel(balancer), balancerColor(balancer)});
  }
  return marks;
}

Scene buildScene(const TopologyView& view, const results::Topology& topology,
                 const results::Window* window) {
  Scene scene;
  const int count = topology.regions_size();
  for (int r = 0; r < count; ++r) {
    const auto& info = topology.regions(r);
    RegionScene region;
    region.name = QString::fromStdString(info.name());
    region.subtitle = subtitle(info);
    region.health = view.regionHealth(r);
    region.groups = groupMarks(info);
    region.faults = joined(view.faultsOn(r), QStringLiteral(", "));
    region.unserved_rate = view.unservedRate(r);
    if (window != nullptr) {
      fillHostCounts(*window, r, region);
      region.hosts = view.regionHosts(r);
      region.balancers = balancerMarks(*window, info.name());
    }
    scene.regions.push_back(std::move(region));
    for (int to = 0; to < count && window != nullptr; ++to) {
      const double rate = view.trafficRate(r, to);
      if (rate <= 0.0) continue;
      scene.traffic.push_back({r, to, rate, edgeErrorShare(*window, r, to)});
      scene.max_rate = std::max(scene.max_rate, rate);
    }
  }
  return scene;
}

const TrafficScene* localTraffic(const Scene& scene, int region) {
  for (const auto& traffic : scene.traffic) {
    if (traffic.from == region && traffic.to == region) return &traffic;
  }
  return nullptr;
}

// Labels go on after every arrow, so no arrow crosses a label.
void drawArrows(QPainter& painter, const Scene& scene, const MapLayout& layout, const QFont& font) {
  std::vector<std::pair<QPointF, const TrafficScene*>> labels;
  for (const auto& traffic : scene.traffic) {
    if (traffic.from == traffic.to) continue;
    const double width = penWidth(traffic.rate, scene.max_rate);
    const double head = 6.0 + 0.8 * width;
    const QRectF& from = layout.boxes[static_cast<std::size_t>(traffic.from)];
    const QRectF& to = layout.boxes[static_cast<std::size_t>(traffic.to)];
    const bool same_row = layout.rows[static_cast<std::size_t>(traffic.from)] ==
                          layout.rows[static_cast<std::size_t>(traffic.to)];
    const Arrow arrow =
        same_row ? sameRowArrow(from, to, std::abs(traffic.to - traffic.from), layout.lane, head)
                 : crossRowArrow(from, to, head);
    const QColor color = trafficColor(traffic.error_share);
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(color, width, Qt::SolidLine, Qt::FlatCap));
    painter.drawPath(arrow.path);
    drawArrowHead(painter, arrow, head, color);
    labels.emplace_back(arrow.path.pointAtPercent(0.5), &traffic);
  }
  for (const auto& [at, traffic] : labels) {
    drawArrowLabel(painter, font, at, trafficLabel(*traffic), trafficColor(traffic->error_share));
  }
}

void paintScene(QPainter& painter, const Scene& scene, const QRectF& rect, const QFont& font) {
  painter.setRenderHint(QPainter::Antialiasing);
  painter.setRenderHint(QPainter::TextAntialiasing);
  painter.fillRect(rect, Qt::white);
  const QFont small = smallFont(font);
  const double legend_height = QFontMetricsF(small).height() + 6.0;
  const QRectF area = rect.adjusted(kPadding, 2.0, -kPadding, -legend_height - 2.0);
  const int count = static_cast<int>(scene.regions.size());
  const MapLayout layout = layoutMap(count, area);
  if (count == 0 || static_cast<int>(layout.boxes.size()) != count) {
    painter.setFont(font);
    painter.setPen(QColor(kMutedInk));
    painter.drawText(rect, Qt::AlignCenter, QStringLiteral("no scenario"));
    return;
  }
  RegionPainter regions(painter, font);
  for (int r = 0; r < count; ++r) {
    regions.draw(scene.regions[static_cast<std::size_t>(r)],
                 layout.boxes[static_cast<std::size_t>(r)], localTraffic(scene, r), scene.max_rate);
  }
  drawArrows(painter, scene, layout, small);
  drawLegend(painter, small,
             QRectF(rect.left() + kPadding, rect.bottom() - legend_height,
                    rect.width() - 2.0 * kPadding, legend_height));
}

}  // namespace

void TopologyView::paintEvent(QPaintEvent* /*event*/) {
  const Scene scene = buildScene(*this, topology_, has_window_ ? &window_ : nullptr);
  QPainter painter(this);
  paintScene(painter, scene, QRectF(rect()), font());
}

}  // namespace faultline::gui
