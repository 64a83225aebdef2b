#include "reports/render/pdf_report.h"

#include <QAbstractTextDocumentLayout>
#include <QBuffer>
#include <QPainter>
#include <QPdfWriter>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextList>
#include <QTextTable>
#include <algorithm>
#include <variant>

#include "reports/render/chart_image.h"
#include "reports/render/chart_text_object.h"

namespace faultline::reports::render {
namespace {

// Device units are CSS pixels (96 per inch), as the charts are drawn: the text and the charts
// share one scale, and everything stays vector whatever the number.
constexpr int kDotsPerInch = 96;
constexpr double kMarginMm = 14;
constexpr double kHeaderHeight = 22;  // device units above the body, and as much below
const QString kFont = QStringLiteral("DejaVu Sans");

QString qt(const std::string& text) {
  return QString::fromStdString(text);
}

QTextCharFormat textFormat(double point_size, bool bold = false,
                           QColor color = QColor(0x1d, 0x23, 0x30)) {
  QTextCharFormat format;
  format.setFontFamilies({kFont});
  format.setFontPointSize(point_size);
  format.setFontWeight(bold ? QFont::Bold : QFont::Normal);
  format.setForeground(color);
  return format;
}

class DocumentBuilder {
 public:
  DocumentBuilder(QTextDocument& document, ChartTextObject& charts, double width)
      : cursor_(&document), charts_(charts), width_(width) {}

  void operator()(const Heading& heading) {
    QTextBlockFormat block;
    block.setTopMargin(heading.level <= 1 ? 0 : 14);
    block.setBottomMargin(6);
    block.setPageBreakPolicy(QTextFormat::PageBreak_Auto);
    const double size = heading.level <= 1 ? 17 : heading.level == 2 ? 12.5 : 10.5;
    newBlock(block, textFormat(size, true));
    cursor_.insertText(qt(heading.text));
  }

  void operator()(const Paragraph& paragraph) {
    QTextBlockFormat block;
    block.setBottomMargin(6);
    if (paragraph.tone != Tone::kPlain) {
      block.setBackground(paragraph.tone == Tone::kGood ? QColor(0xea, 0xf6, 0xec)
                                                        : QColor(0xfd, 0xec, 0xec));
      block.setLeftMargin(0);
      block.setTopMargin(4);
      block.setBottomMargin(10);
    }
    newBlock(block, textFormat(9));
    for (const auto& span : paragraph.spans)
      cursor_.insertText(qt(span.text), textFormat(9, span.strong));
  }

  void operator()(const Quote& quote) {
    QTextBlockFormat block;
    block.setLeftMargin(14);
    block.setBottomMargin(8);
    QTextCharFormat format = textFormat(9, false, QColor(0x4a, 0x52, 0x63));
    format.setFontItalic(true);
    newBlock(block, format);
    cursor_.insertText(qt(quote.text));
  }

  void operator()(const BulletList& list) {
    if (list.items.empty()) return;
    newBlock(QTextBlockFormat(), textFormat(9));
    QTextListFormat format;
    format.setStyle(QTextListFormat::ListDisc);
    format.setIndent(1);
    cursor_.insertList(format);
    for (std::size_t i = 0; i < list.items.size(); ++i) {
      if (i > 0) cursor_.insertBlock();
      cursor_.insertText(qt(list.items[i]), textFormat(9));
    }
  }

  void operator()(const Table& table) {
    if (table.columns.empty()) return;
    newBlock(QTextBlockFormat(), textFormat(8));
    QTextTableFormat format;
    format.setBorder(0.5);
    format.setBorderBrush(QColor(0xd8, 0xdc, 0xe4));
    format.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
    format.setCellSpacing(0);
    format.setCellPadding(3);
    // A table of label and value pairs has no titles: no header row either.
    const int header = hasTitles(table) ? 1 : 0;
    format.setHeaderRowCount(header);
    format.setBottomMargin(8);
    const int rows = static_cast<int>(table.rows.size()) + header;
    const int columns = static_cast<int>(table.columns.size());
    QTextTable* text_table = cursor_.insertTable(rows, columns, format);
    for (int c = 0; c < columns; ++c) {
      const auto& column = table.columns[static_cast<std::size_t>(c)];
      if (header == 1) {
        QTextTableCell cell = text_table->cellAt(0, c);
        QTextCharFormat shade = cell.format();
        shade.setBackground(QColor(0xf3, 0xf5, 0xf8));
        cell.setFormat(shade);
        fill(cell, column.title, column.align, true);
      }
      for (int r = header; r < rows; ++r) {
        const auto& row = table.rows[static_cast<std::size_t>(r - header)];
        const auto index = static_cast<std::size_t>(c);
        fill(text_table->cellAt(r, c), index < row.size() ? row[index] : std::string(),
             column.align, false);
      }
    }
    cursor_.movePosition(QTextCursor::End);
  }

  void operator()(const ChartGroup& group) {
    if (group.charts.empty()) return;
    (*this)(Heading{2, group.heading});
    const QSize size(static_cast<int>(width_), static_cast<int>(width_ * 0.42));
    for (const auto& chart : group.charts) {
      QTextBlockFormat block;
      block.setBottomMargin(8);
      block.setAlignment(Qt::AlignHCenter);
      newBlock(block, QTextCharFormat());
      charts_.insert(cursor_, chartPicture(chart, size), QSizeF(size));
    }
  }

 private:
  // Every block but the document's first starts a new one; the first reuses the empty block a
  // QTextDocument starts with.
  void newBlock(const QTextBlockFormat& block, const QTextCharFormat& chars) {
    if (first_) {
      cursor_.setBlockFormat(block);
      cursor_.setBlockCharFormat(chars);
      first_ = false;
      return;
    }
    cursor_.insertBlock(block, chars);
  }

  static void fill(QTextTableCell cell, const std::string& text, Align align, bool header) {
    QTextCursor cursor = cell.firstCursorPosition();
    QTextBlockFormat block;
    block.setAlignment(align == Align::kRight ? Qt::AlignRight : Qt::AlignLeft);
    cursor.setBlockFormat(block);
    cursor.insertText(qt(text), textFormat(7.5, header));
  }

  QTextCursor cursor_;
  ChartTextObject& charts_;
  double width_;
  bool first_ = true;
};

void paintPage(QPainter& painter, QTextDocument& document, const QString& title,
               const QString& colophon, int page, int pages, QRectF paint_rect) {
  const double body_height = document.pageSize().height();
  painter.setPen(QColor(0x7a, 0x82, 0x94));
  painter.setFont(QFont(kFont, 7));
  const QRectF header(0, 0, paint_rect.width(), kHeaderHeight - 6);
  painter.drawText(
      header, Qt::AlignLeft | Qt::AlignTop,
      painter.fontMetrics().elidedText(title, Qt::ElideRight, static_cast<int>(header.width())));
  const QRectF footer(0, paint_rect.height() - kHeaderHeight + 8, paint_rect.width(),
                      kHeaderHeight - 8);
  const QString number = QStringLiteral("page %1 of %2").arg(page + 1).arg(pages);
  painter.drawText(footer, Qt::AlignRight | Qt::AlignBottom, number);
  const double room = footer.width() - painter.fontMetrics().horizontalAdvance(number) - 24;
  painter.drawText(footer, Qt::AlignLeft | Qt::AlignBottom,
                   painter.fontMetrics().elidedText(colophon, Qt::ElideMiddle,
                                                    static_cast<int>(std::max(0.0, room))));
  painter.save();
  painter.translate(0, kHeaderHeight - page * body_height);
  // A chart or table row moved to the next page still starts on this one: clip it away.
  const QRectF body(0, page * body_height, paint_rect.width(), body_height);
  painter.setClipRect(body);
  document.drawContents(&painter, body);
  painter.restore();
}

}  // namespace

QByteArray pdfOf(const Document& source) {
  QByteArray bytes;
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::WriteOnly);
  QPdfWriter writer(&buffer);
  writer.setResolution(kDotsPerInch);
  writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait,
                                   QMarginsF(kMarginMm, kMarginMm, kMarginMm, kMarginMm),
                                   QPageLayout::Millimeter));
  writer.setTitle(qt(source.title));
  writer.setCreator(QStringLiteral("Faultline"));
  const QRectF paint_rect = writer.pageLayout().paintRectPixels(kDotsPerInch);

  QTextDocument document;
  document.documentLayout()->setPaintDevice(&writer);
  document.setDocumentMargin(0);
  document.setDefaultFont(QFont(kFont, 9));
  document.setPageSize(QSizeF(paint_rect.width(), paint_rect.height() - 2 * kHeaderHeight));
  ChartTextObject charts;
  document.documentLayout()->registerHandler(ChartTextObject::kType, &charts);

  {
    // One edit block: the document lays itself out once, not after every insertion (which made
    // a table of a thousand faults take minutes).
    QTextCursor batch(&document);
    batch.beginEditBlock();
    DocumentBuilder builder(document, charts, paint_rect.width());
    builder(Heading{1, source.title});
    for (const auto& block : source.blocks)
      std::visit(builder, block);
    batch.endEditBlock();
  }

  const int pages = document.pageCount();
  QPainter painter(&writer);
  for (int page = 0; page < pages; ++page) {
    if (page > 0) writer.newPage();
    paintPage(painter, document, qt(source.title), qt(source.colophon), page, pages, paint_rect);
  }
  painter.end();
  return bytes;
}

}  // namespace faultline::reports::render
