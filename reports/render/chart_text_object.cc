#include "reports/render/chart_text_object.h"

#include <QPainter>
#include <QTextCursor>

namespace faultline::reports::render {
namespace {

constexpr int kEntryProperty = QTextFormat::UserProperty + 1;

}  // namespace

void ChartTextObject::insert(QTextCursor& cursor, QPicture picture, QSizeF size) {
  QTextCharFormat format;
  format.setObjectType(kType);
  format.setProperty(kEntryProperty, static_cast<int>(entries_.size()));
  entries_.push_back({std::move(picture), size});
  cursor.insertText(QString(QChar::ObjectReplacementCharacter), format);
}

const ChartTextObject::Entry* ChartTextObject::entryOf(const QTextFormat& format) const {
  bool ok = false;
  const int index = format.property(kEntryProperty).toInt(&ok);
  if (!ok || index < 0 || static_cast<std::size_t>(index) >= entries_.size()) return nullptr;
  return &entries_[static_cast<std::size_t>(index)];
}

QSizeF ChartTextObject::intrinsicSize(QTextDocument*, int, const QTextFormat& format) {
  const Entry* entry = entryOf(format);
  return entry != nullptr ? entry->size : QSizeF();
}

void ChartTextObject::drawObject(QPainter* painter, const QRectF& rect, QTextDocument*, int,
                                 const QTextFormat& format) {
  const Entry* entry = entryOf(format);
  if (entry == nullptr) return;
  // A picture replays QCustomPlot's own clipping, which replaces the painter's: a chart the page
  // clips (one moved whole to the next page) would be drawn over this page's footer. The layout
  // never splits a chart, so one not wholly inside the clip belongs to another page.
  if (painter->hasClipping() && !painter->clipBoundingRect().contains(rect)) return;
  painter->save();
  painter->translate(rect.topLeft());
  // The picture was recorded at `size`; a device of another resolution gets it scaled to fit.
  if (!entry->size.isEmpty()) {
    painter->scale(rect.width() / entry->size.width(), rect.height() / entry->size.height());
  }
  painter->drawPicture(0, 0, entry->picture);
  painter->restore();
}

}  // namespace faultline::reports::render
