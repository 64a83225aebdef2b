#include "reports/render/chart_image.h"

#include <qcustomplot.h>

#include <QBuffer>

#include "reports/render/chart_plot.h"

namespace faultline::reports::render {

QByteArray chartPng(const Chart& chart, QSize size, double scale) {
  QCustomPlot plot;
  plot.resize(size);
  drawChart(chart, plot);
  const QPixmap pixmap = plot.toPixmap(size.width(), size.height(), scale);
  QByteArray png;
  QBuffer buffer(&png);
  buffer.open(QIODevice::WriteOnly);
  pixmap.save(&buffer, "PNG");
  return png;
}

QPicture chartPicture(const Chart& chart, QSize size) {
  QCustomPlot plot;
  plot.resize(size);
  drawChart(chart, plot);
  QPicture picture;
  QCPPainter painter(&picture);
  // Vector output: no cached pixmaps, and hairline (cosmetic) pens given a real width, which
  // a PDF viewer would otherwise draw one device pixel wide at any zoom.
  painter.setModes(QCPPainter::pmVectorized | QCPPainter::pmNoCaching | QCPPainter::pmNonCosmetic);
  plot.toPainter(&painter, size.width(), size.height());
  painter.end();
  return picture;
}

}  // namespace faultline::reports::render
