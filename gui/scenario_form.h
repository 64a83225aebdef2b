#pragma once

#include <QTreeWidget>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/diagnostic.h"
#include "scenarios/scenario.pb.h"

namespace faultline::gui {

// A scenario as a form: every field it sets, nested as the schema nests them (regions with
// their zones and backend groups, the balancer and its tier, traffic, faults), each value
// editable in place; fields added, list elements duplicated and removed from a context menu. Built
// by protobuf reflection, so every field of the schema, present and future, appears without code of
// its own. An edit is checked against the field's type at once (a number for a number, a known name
// for an enum) and sent as the whole scenario; the validator's diagnostics mark the field they
// name.
class ScenarioForm : public QTreeWidget {
  Q_OBJECT

 public:
  explicit ScenarioForm(QWidget* parent = nullptr);

  void showScenario(const scenario::Scenario& scenario);
  void markDiagnostics(const std::vector<scenarios::Diagnostic>& diagnostics);

  // The item of a field path ("regions[0].backends[0].workers"), for tests and marks.
  QTreeWidgetItem* itemAt(const std::string& path);
  // Edits a field as a user typing `value` would; the error, when the value does not fit it.
  std::optional<QString> edit(const std::string& path, const QString& value);
  // The fields the message at `path` ("" for the scenario) can take that it does not have yet:
  // groups of fields, lists (another element), fields with presence (`optional`) and plain values
  // still at zero (which get a row to fill in: protobuf keeps no zero of theirs).
  std::vector<std::string> addableFields(const std::string& path);
  // Adds one, at its default (an empty group, a new list element); then it can be edited.
  std::optional<QString> addField(const std::string& path, const std::string& field);
  // Removes a field, or one element of a list; duplicates a list element after itself.
  std::optional<QString> remove(const std::string& path);
  std::optional<QString> duplicate(const std::string& path);

 signals:
  void edited(const scenario::Scenario& scenario);
  void editRefused(const QString& message);

 private:
  void addMessage(QTreeWidgetItem* parent, const google::protobuf::Message& message,
                  const std::string& path);
  void addField(QTreeWidgetItem* parent, const google::protobuf::Message& message,
                const google::protobuf::FieldDescriptor* field, int index, const std::string& path);
  void onItemChanged(QTreeWidgetItem* item, int column);
  void showMenu(const QPoint& position);
  // Shows and announces `changed` as the scenario, with the field at `focus` in sight.
  void commit(scenario::Scenario changed, const std::string& focus = "");
  void reveal(const std::string& path);
  // A row for an unset plain value under `parent_path`, to be filled in.
  void showPendingRow(const std::string& parent_path,
                      const google::protobuf::FieldDescriptor* field);
  // A list element, or a field with presence: it can go, and come back from the Add menu.
  bool removable(const std::string& path);

  scenario::Scenario scenario_;
};

// A field's value as the form shows it, and back: the text format's spelling (enum names, true
// and false, numbers as printed), without quotes for strings.
QString fieldText(const google::protobuf::Message& message,
                  const google::protobuf::FieldDescriptor* field, int index);
std::optional<QString> setFieldText(google::protobuf::Message& message,
                                    const google::protobuf::FieldDescriptor* field, int index,
                                    const QString& text);

}  // namespace faultline::gui
