#pragma once

#include <QWidget>
#include <optional>

#include "scenarios/diagnostic.h"
#include "scenarios/loaded_scenario.h"

class QListWidget;
class QPlainTextEdit;
class QLabel;

namespace faultline::gui {

// The scenario: the built-ins with their descriptions, a file, and the text itself, editable.
// Validation is the loader's (the CLI's checks, word for word): its diagnostics are listed under
// the text, the lines they name are marked, and clicking one puts the cursor at its line and
// column.
class ScenarioPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ScenarioPanel(QWidget* parent = nullptr);

  // A built-in's name or a file's path, into the editor. The error, when it cannot be read.
  std::optional<QString> open(const QString& name_or_path);
  QString text() const;
  void setText(const QString& text);
  QString origin() const { return origin_; }

  // The editor's scenario, parsed and validated; nothing, with the diagnostics shown, when it
  // breaks a rule.
  std::optional<scenarios::LoadedScenario> load();
  // Shows problems found later (the engine's checks), at their place when they have one.
  void showDiagnostics(const std::vector<scenarios::Diagnostic>& diagnostics);
  int diagnosticCount() const;
  QString diagnosticText(int index) const;

 signals:
  void opened(const QString& origin);

 private:
  void markLines(const std::vector<scenarios::Diagnostic>& diagnostics);
  void goTo(const scenarios::Diagnostic& diagnostic);

  QListWidget* builtins_;
  QPlainTextEdit* editor_;
  QListWidget* problems_;
  QLabel* origin_label_;
  QString origin_;
  std::vector<scenarios::Diagnostic> diagnostics_;
};

// "file:12:7" -> 12 and 7; nothing when the location has no line.
std::optional<std::pair<int, int>> lineAndColumn(const std::string& location);

}  // namespace faultline::gui
