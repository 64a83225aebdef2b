#include "gui/scenario_panel.h"

#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextBlock>
#include <QVBoxLayout>
#include <charconv>

#include <google/protobuf/text_format.h>

#include <QTabWidget>

#include "gui/fault_timeline.h"
#include "gui/scenario_form.h"
#include "scenarios/json_parser.h"
#include "scenarios/library.h"
#include "scenarios/loader.h"
#include "scenarios/text_parser.h"

namespace faultline::gui {
namespace {

constexpr int kOriginRole = Qt::UserRole + 1;

QString qt(std::string_view text) {
  return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

std::optional<int> number(std::string_view text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// As the loader decides for a file of another extension: JSON when it starts with '{'.
bool looksLikeJson(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && text[first] == '{';
}

}  // namespace

std::optional<std::pair<int, int>> lineAndColumn(const std::string& location) {
  const auto last = location.rfind(':');
  if (last == std::string::npos || last == 0) return std::nullopt;
  const auto before = location.rfind(':', last - 1);
  if (before == std::string::npos) return std::nullopt;
  const auto line = number(std::string_view(location).substr(before + 1, last - before - 1));
  const auto column = number(std::string_view(location).substr(last + 1));
  if (!line || !column) return std::nullopt;
  return std::pair{*line, *column};
}

ScenarioPanel::ScenarioPanel(QWidget* parent)
    : QWidget(parent),
      builtins_(new QListWidget(this)),
      tabs_(new QTabWidget(this)),
      editor_(new QPlainTextEdit(this)),
      form_(new ScenarioForm(this)),
      faults_(new FaultTimeline(this)),
      problems_(new QListWidget(this)),
      origin_label_(new QLabel(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(new QLabel(tr("Built-in scenarios"), this));
  for (const auto& builtin : scenarios::builtinScenarios()) {
    auto* item = new QListWidgetItem(qt(builtin.name), builtins_);
    item->setToolTip(qt(builtin.description));
    item->setData(kOriginRole, qt(builtin.name));
  }
  builtins_->setMaximumHeight(150);
  layout->addWidget(builtins_);
  // The description of the built-in under the pointer or selected: what incident it stands for.
  auto* description = new QLabel(this);
  description->setWordWrap(true);
  description->setStyleSheet(QStringLiteral("color: palette(dark);"));
  layout->addWidget(description);
  connect(builtins_, &QListWidget::currentItemChanged, description,
          [description](QListWidgetItem* item) {
            description->setText(item != nullptr ? item->toolTip() : QString());
          });
  auto* file_row = new QHBoxLayout;
  auto* open_file = new QPushButton(tr("Open file..."), this);
  file_row->addWidget(origin_label_, 1);
  file_row->addWidget(open_file);
  layout->addLayout(file_row);
  editor_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  editor_->setLineWrapMode(QPlainTextEdit::NoWrap);
  auto* form_page = new QWidget(this);
  auto* form_layout = new QVBoxLayout(form_page);
  form_layout->setContentsMargins(0, 0, 0, 0);
  form_layout->addWidget(form_, 1);
  form_layout->addWidget(faults_);
  tabs_->addTab(editor_, tr("Text"));
  tabs_->addTab(form_page, tr("Form"));
  layout->addWidget(tabs_, 1);
  problems_->setMaximumHeight(110);
  problems_->setVisible(false);
  layout->addWidget(problems_);

  connect(builtins_, &QListWidget::itemClicked, this,
          [this](QListWidgetItem* item) { open(item->data(kOriginRole).toString()); });
  connect(open_file, &QPushButton::clicked, this, [this] {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open a scenario"), QString(),
                                     tr("Scenarios (*.textproto *.txtpb *.json);;All (*)"));
    if (!path.isEmpty()) open(path);
  });
  connect(tabs_, &QTabWidget::currentChanged, this, [this](int tab) {
    if (tab == 1) refreshForm();
  });
  connect(form_, &ScenarioForm::edited, this, &ScenarioPanel::formEdited);
  connect(form_, &ScenarioForm::editRefused, this, [this](const QString& message) {
    showDiagnostics({{origin_.toStdString(), "", message.toStdString()}});
  });
  connect(problems_, &QListWidget::currentRowChanged, this, [this](int row) {
    if (row >= 0 && static_cast<std::size_t>(row) < diagnostics_.size())
      goTo(diagnostics_[static_cast<std::size_t>(row)]);
  });
}

std::optional<QString> ScenarioPanel::open(const QString& name_or_path) {
  const std::string name = name_or_path.toStdString();
  if (const auto builtin = scenarios::findBuiltin(name)) {
    setText(qt(builtin->text));
    const auto found = builtins_->findItems(name_or_path, Qt::MatchExactly);
    if (!found.isEmpty()) builtins_->setCurrentItem(found.front());
  } else {
    QFile file(name_or_path);
    if (!file.open(QIODevice::ReadOnly)) {
      return tr("cannot read %1: %2").arg(name_or_path, file.errorString());
    }
    if (file.size() > static_cast<qint64>(scenarios::kMaxScenarioBytes)) {
      return tr("%1: larger than %2 bytes").arg(name_or_path).arg(scenarios::kMaxScenarioBytes);
    }
    setText(QString::fromUtf8(file.readAll()));
  }
  origin_ = name_or_path;
  origin_label_->setText(origin_);
  return std::nullopt;
}

QString ScenarioPanel::text() const {
  return editor_->toPlainText();
}

void ScenarioPanel::setText(const QString& text) {
  editor_->setPlainText(text);
  showDiagnostics({});
  if (tabs_->currentIndex() == 1) refreshForm();
}

std::optional<scenarios::LoadedScenario> ScenarioPanel::load() {
  const std::string text = editor_->toPlainText().toStdString();
  const auto first = text.find_first_not_of(" \t\r\n");
  const auto format = first != std::string::npos && text[first] == '{' ? scenarios::Format::kJson
                                                                       : scenarios::Format::kText;
  auto loaded = scenarios::loadScenarioText(
      text, origin_.isEmpty() ? std::string("<editor>") : origin_.toStdString(), format);
  if (!loaded) {
    showDiagnostics(loaded.error().diagnostics);
    return std::nullopt;
  }
  showDiagnostics({});
  return std::move(*loaded);
}

bool ScenarioPanel::refreshForm() {
  const std::string text = editor_->toPlainText().toStdString();
  const std::string origin = origin_.isEmpty() ? std::string("<editor>") : origin_.toStdString();
  auto parsed = looksLikeJson(text) ? scenarios::parseJsonScenario(text, origin)
                                    : scenarios::parseTextScenario(text, origin);
  if (!parsed) return false;
  form_->showScenario(parsed->scenario);
  faults_->showScenario(parsed->scenario);
  form_->markDiagnostics(diagnostics_);
  return true;
}

void ScenarioPanel::formEdited(const scenario::Scenario& scenario) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(scenario, &text);
  editor_->setPlainText(QString::fromStdString(text));
  faults_->showScenario(scenario);
  load();  // the validator's word on the edit, marked in the form and the text
}

void ScenarioPanel::showDiagnostics(const std::vector<scenarios::Diagnostic>& diagnostics) {
  diagnostics_ = diagnostics;
  form_->markDiagnostics(diagnostics);
  problems_->clear();
  for (const auto& diagnostic : diagnostics)
    problems_->addItem(QString::fromStdString(diagnostic.toString()));
  problems_->setVisible(!diagnostics.empty());
  markLines(diagnostics);
}

int ScenarioPanel::diagnosticCount() const {
  return problems_->count();
}

QString ScenarioPanel::diagnosticText(int index) const {
  const auto* item = problems_->item(index);
  return item != nullptr ? item->text() : QString();
}

void ScenarioPanel::markLines(const std::vector<scenarios::Diagnostic>& diagnostics) {
  QList<QTextEdit::ExtraSelection> marks;
  for (const auto& diagnostic : diagnostics) {
    const auto place = lineAndColumn(diagnostic.location);
    if (!place) continue;
    const QTextBlock block = editor_->document()->findBlockByNumber(place->first - 1);
    if (!block.isValid()) continue;
    QTextEdit::ExtraSelection mark;
    mark.cursor = QTextCursor(block);
    mark.format.setBackground(QColor(0xfd, 0xde, 0xde));
    mark.format.setProperty(QTextFormat::FullWidthSelection, true);
    mark.format.setToolTip(QString::fromStdString(diagnostic.message));
    marks.append(mark);
  }
  editor_->setExtraSelections(marks);
}

void ScenarioPanel::goTo(const scenarios::Diagnostic& diagnostic) {
  const auto place = lineAndColumn(diagnostic.location);
  if (!place) return;
  const QTextBlock block = editor_->document()->findBlockByNumber(place->first - 1);
  if (!block.isValid()) return;
  QTextCursor cursor(block);
  cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor,
                      std::clamp(place->second - 1, 0, std::max(0, block.length() - 1)));
  editor_->setTextCursor(cursor);
  editor_->setFocus();
}

}  // namespace faultline::gui
