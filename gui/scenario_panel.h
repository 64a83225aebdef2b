#pragma once

#include <QWidget>
#include <optional>

#include "scenarios/diagnostic.h"
#include "scenarios/loaded_scenario.h"

class QListWidget;
class QPlainTextEdit;
class QLabel;
class QTabWidget;

namespace faultline::gui {

class FaultTimeline;
class ScenarioForm;

// The scenario: the built-ins with their descriptions, a file, and the scenario itself, editable
// as text or as a form (every field it sets, and its faults on a timeline). Validation is the
// loader's (the CLI's checks, word for word): its diagnostics are listed under the editor, the
// lines and form fields they name are marked, and clicking one puts the cursor at its line and
// column. An edit in the form rewrites the text from the scenario (without its comments).
class ScenarioPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ScenarioPanel(QWidget* parent = nullptr);

  // A built-in's name or a file's path, into the editor. The error, when it cannot be read.
  std::optional<QString> open(const QString& name_or_path);
  QString text() const;
  void setText(const QString& text);

  // The editor's scenario, parsed and validated; nothing, with the diagnostics shown, when it
  // breaks a rule.
  std::optional<scenarios::LoadedScenario> load();
  // Shows problems found later (the engine's checks), at their place when they have one.
  void showDiagnostics(const std::vector<scenarios::Diagnostic>& diagnostics);
  int diagnosticCount() const;
  QString diagnosticText(int index) const;

  ScenarioForm& form() { return *form_; }
  // Shows the text's scenario in the form, when the text parses; whether it did.
  bool refreshForm();

 private:
  void markLines(const std::vector<scenarios::Diagnostic>& diagnostics);
  void goTo(const scenarios::Diagnostic& diagnostic);

  void formEdited(const scenario::Scenario& scenario);

  QListWidget* builtins_;
  QTabWidget* tabs_;
  QPlainTextEdit* editor_;
  ScenarioForm* form_;
  FaultTimeline* faults_;
  QListWidget* problems_;
  QLabel* origin_label_;
  QString origin_;
  std::vector<scenarios::Diagnostic> diagnostics_;
};

// "file:12:7" -> 12 and 7; nothing when the location has no line.
std::optional<std::pair<int, int>> lineAndColumn(const std::string& location);

}  // namespace faultline::gui
