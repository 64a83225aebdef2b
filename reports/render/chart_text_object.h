#pragma once

#include <QObject>
#include <QPicture>
#include <QSizeF>
#include <QTextObjectInterface>
#include <vector>

class QTextCursor;

namespace faultline::reports::render {

// Charts inside a QTextDocument, as vector pictures: each chart is one character of the text (an
// object replacement character) that the document lays out like a large glyph and this handler
// draws, so a chart moves to the next page whole and stays vector in a PDF. The pictures are
// drawn once, before layout (chart_image.h).
class ChartTextObject : public QObject, public QTextObjectInterface {
  Q_OBJECT
  Q_INTERFACES(QTextObjectInterface)

 public:
  // The object type this handler is registered for (QTextDocumentLayout::registerHandler).
  static constexpr int kType = QTextFormat::UserObject + 1;

  // Adds a picture and puts its character at the cursor.
  void insert(QTextCursor& cursor, QPicture picture, QSizeF size);

  QSizeF intrinsicSize(QTextDocument* document, int position, const QTextFormat& format) override;
  void drawObject(QPainter* painter, const QRectF& rect, QTextDocument* document, int position,
                  const QTextFormat& format) override;

 private:
  struct Entry {
    QPicture picture;
    QSizeF size;
  };
  const Entry* entryOf(const QTextFormat& format) const;

  std::vector<Entry> entries_;
};

}  // namespace faultline::reports::render
