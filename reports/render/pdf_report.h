#pragma once

#include <QByteArray>

#include "reports/document.h"

namespace faultline::reports::render {

// A report as a PDF: A4 portrait, the title in the document's metadata and in a running header,
// "page N of M" and the colophon in the footer, tables that repeat their header on a new page,
// and the charts in vector form (QCustomPlot drawn into QPictures, laid out by a QTextDocument and
// printed by QPdfWriter). Needs a QtSession. The bytes are the whole file.
QByteArray pdfOf(const Document& document);

}  // namespace faultline::reports::render
