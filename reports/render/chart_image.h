#pragma once

#include <QByteArray>
#include <QPicture>
#include <QSize>

#include "reports/chart.h"

namespace faultline::reports::render {

// A chart as PNG bytes: `size` in logical pixels, drawn at `scale` times as many device pixels so
// it stays sharp on high-density screens and in print. Needs a QtSession.
QByteArray chartPng(const Chart& chart, QSize size, double scale);

// A chart as vector drawing commands (lines, paths, text) of `size` logical pixels, for
// documents that stay vector (the PDF report). Needs a QtSession.
QPicture chartPicture(const Chart& chart, QSize size);

}  // namespace faultline::reports::render
