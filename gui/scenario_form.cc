#include "gui/scenario_form.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>

#include <QHeaderView>
#include <QMenu>
#include <QSignalBlocker>
#include <charconv>
#include <cmath>
#include <limits>

namespace faultline::gui {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr int kPathRole = Qt::UserRole + 1;

std::string fieldPath(const std::string& parent, const FieldDescriptor* field, int index) {
  std::string path = parent;
  if (!path.empty()) path += '.';
  path += field->name();
  if (index >= 0) {
    path += '[';
    path += std::to_string(index);
    path += ']';
  }
  return path;
}

template <typename T>
std::optional<T> parseNumber(const std::string& text) {
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parseReal(const std::string& text) {
  auto value = parseNumber<double>(text);
  if (!value || !std::isfinite(*value)) return std::nullopt;
  return value;
}

// The message and field an item path names, walking from the root; nullptr when it does not.
struct Located {
  Message* message = nullptr;
  const FieldDescriptor* field = nullptr;
  int index = -1;
};

Located locate(Message& root, const std::string& path) {
  Located at{&root, nullptr, -1};
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto dot = path.find('.', start);
    std::string part =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    int index = -1;
    if (const auto bracket = part.find('['); bracket != std::string::npos) {
      index = parseNumber<int>(part.substr(bracket + 1, part.size() - bracket - 2)).value_or(-1);
      part.resize(bracket);
    }
    const FieldDescriptor* field = at.message->GetDescriptor()->FindFieldByName(part);
    if (field == nullptr) return {};
    const auto* reflection = at.message->GetReflection();
    if (field->is_repeated() && (index < 0 || index >= reflection->FieldSize(*at.message, field))) {
      return {};
    }
    if (dot == std::string::npos) return {at.message, field, index};
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return {};
    at.message = field->is_repeated() ? reflection->MutableRepeatedMessage(at.message, field, index)
                                      : reflection->MutableMessage(at.message, field);
    start = dot + 1;
  }
  return {};
}

// The message a path names ("" is the root); nullptr when it names none.
Message* messageAt(Message& root, const std::string& path) {
  if (path.empty()) return &root;
  const Located at = locate(root, path);
  if (at.field == nullptr || at.field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
    return nullptr;
  }
  const auto* r = at.message->GetReflection();
  return at.field->is_repeated() ? r->MutableRepeatedMessage(at.message, at.field, at.index)
                                 : r->MutableMessage(at.message, at.field);
}

// A new element at the end of a list: an empty group, or a scalar's default.
void appendDefault(Message& message, const FieldDescriptor* field) {
  const auto* r = message.GetReflection();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_MESSAGE:
      r->AddMessage(&message, field);
      return;
    case FieldDescriptor::CPPTYPE_INT32:
      r->AddInt32(&message, field, 0);
      return;
    case FieldDescriptor::CPPTYPE_INT64:
      r->AddInt64(&message, field, 0);
      return;
    case FieldDescriptor::CPPTYPE_UINT32:
      r->AddUInt32(&message, field, 0);
      return;
    case FieldDescriptor::CPPTYPE_UINT64:
      r->AddUInt64(&message, field, 0);
      return;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      r->AddDouble(&message, field, 0);
      return;
    case FieldDescriptor::CPPTYPE_FLOAT:
      r->AddFloat(&message, field, 0);
      return;
    case FieldDescriptor::CPPTYPE_BOOL:
      r->AddBool(&message, field, false);
      return;
    case FieldDescriptor::CPPTYPE_ENUM:
      r->AddEnum(&message, field, field->enum_type()->value(0));
      return;
    case FieldDescriptor::CPPTYPE_STRING:
      r->AddString(&message, field, std::string());
      return;
  }
}

// A copy of element `index` appended to the list, of any type.
void appendCopy(Message& message, const FieldDescriptor* field, int index) {
  const auto* r = message.GetReflection();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_MESSAGE:
      r->AddMessage(&message, field)->CopyFrom(r->GetRepeatedMessage(message, field, index));
      return;
    case FieldDescriptor::CPPTYPE_INT32:
      r->AddInt32(&message, field, r->GetRepeatedInt32(message, field, index));
      return;
    case FieldDescriptor::CPPTYPE_INT64:
      r->AddInt64(&message, field, r->GetRepeatedInt64(message, field, index));
      return;
    case FieldDescriptor::CPPTYPE_UINT32:
      r->AddUInt32(&message, field, r->GetRepeatedUInt32(message, field, index));
      return;
    case FieldDescriptor::CPPTYPE_UINT64:
      r->AddUInt64(&message, field, r->GetRepeatedUInt64(message, field, index));
      return;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      r->AddDouble(&message, field, r->GetRepeatedDouble(message, field, index));
      return;
    case FieldDescriptor::CPPTYPE_FLOAT:
      r->AddFloat(&message, field, r->GetRepeatedFloat(message, field, index));
      return;
    case FieldDescriptor::CPPTYPE_BOOL:
      r->AddBool(&message, field, r->GetRepeatedBool(message, field, index));
      return;
    case FieldDescriptor::CPPTYPE_ENUM:
      r->AddEnum(&message, field, r->GetRepeatedEnum(message, field, index));
      return;
    case FieldDescriptor::CPPTYPE_STRING:
      r->AddString(&message, field, r->GetRepeatedString(message, field, index));
      return;
  }
}

// A singular field made present at its default.
void setDefault(Message& message, const FieldDescriptor* field) {
  const auto* r = message.GetReflection();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_MESSAGE:
      r->MutableMessage(&message, field);
      return;
    case FieldDescriptor::CPPTYPE_INT32:
      r->SetInt32(&message, field, field->default_value_int32());
      return;
    case FieldDescriptor::CPPTYPE_INT64:
      r->SetInt64(&message, field, field->default_value_int64());
      return;
    case FieldDescriptor::CPPTYPE_UINT32:
      r->SetUInt32(&message, field, field->default_value_uint32());
      return;
    case FieldDescriptor::CPPTYPE_UINT64:
      r->SetUInt64(&message, field, field->default_value_uint64());
      return;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      r->SetDouble(&message, field, field->default_value_double());
      return;
    case FieldDescriptor::CPPTYPE_FLOAT:
      r->SetFloat(&message, field, field->default_value_float());
      return;
    case FieldDescriptor::CPPTYPE_BOOL:
      r->SetBool(&message, field, field->default_value_bool());
      return;
    case FieldDescriptor::CPPTYPE_ENUM:
      r->SetEnum(&message, field, field->default_value_enum());
      return;
    case FieldDescriptor::CPPTYPE_STRING:
      r->SetString(&message, field, field->default_value_string());
      return;
  }
}

// A field the form can add: a list, a group, or a field whose presence is kept (`optional`).
// A plain proto3 number at zero is not kept at all: it is edited in the text.
// A member of a oneof (a fault's kind) is not offered while another member is set: adding it
// would silently replace that one.
bool addable(const Message& message, const FieldDescriptor* field) {
  if (field->is_repeated()) return true;
  const auto* reflection = message.GetReflection();
  // A plain proto3 value is "set" when it differs from zero: an unset one gets a row to edit.
  if (!field->has_presence()) return !reflection->HasField(message, field);
  if (const auto* oneof = field->real_containing_oneof();
      oneof != nullptr && reflection->HasOneof(message, oneof)) {
    return false;
  }
  return !reflection->HasField(message, field);
}

}  // namespace

QString fieldText(const Message& message, const FieldDescriptor* field, int index) {
  const auto* r = message.GetReflection();
  const bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return QString::number(repeated ? r->GetRepeatedInt32(message, field, index)
                                      : r->GetInt32(message, field));
    case FieldDescriptor::CPPTYPE_INT64:
      return QString::number(repeated ? r->GetRepeatedInt64(message, field, index)
                                      : r->GetInt64(message, field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return QString::number(repeated ? r->GetRepeatedUInt32(message, field, index)
                                      : r->GetUInt32(message, field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return QString::number(repeated ? r->GetRepeatedUInt64(message, field, index)
                                      : r->GetUInt64(message, field));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return QString::number(
          repeated ? r->GetRepeatedDouble(message, field, index) : r->GetDouble(message, field),
          'g', 17);
    case FieldDescriptor::CPPTYPE_FLOAT:
      return QString::number(
          repeated ? r->GetRepeatedFloat(message, field, index) : r->GetFloat(message, field), 'g',
          9);
    case FieldDescriptor::CPPTYPE_BOOL:
      return (repeated ? r->GetRepeatedBool(message, field, index) : r->GetBool(message, field))
                 ? QStringLiteral("true")
                 : QStringLiteral("false");
    case FieldDescriptor::CPPTYPE_ENUM:
      return QString::fromStdString(
          (repeated ? r->GetRepeatedEnum(message, field, index) : r->GetEnum(message, field))
              ->name());
    case FieldDescriptor::CPPTYPE_STRING:
      return QString::fromStdString(repeated ? r->GetRepeatedString(message, field, index)
                                             : r->GetString(message, field));
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return {};
  }
  return {};
}

std::optional<QString> setFieldText(Message& message, const FieldDescriptor* field, int index,
                                    const QString& text) {
  const auto* r = message.GetReflection();
  const bool repeated = field->is_repeated();
  const std::string value = text.trimmed().toStdString();
  const auto bad = [&] {
    return QStringLiteral("%1: not a %2: \"%3\"")
        .arg(QString::fromStdString(field->name()), QString::fromUtf8(field->cpp_type_name()),
             text);
  };
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: {
      const auto v = parseNumber<std::int32_t>(value);
      if (!v) return bad();
      repeated ? r->SetRepeatedInt32(&message, field, index, *v) : r->SetInt32(&message, field, *v);
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      const auto v = parseNumber<std::int64_t>(value);
      if (!v) return bad();
      repeated ? r->SetRepeatedInt64(&message, field, index, *v) : r->SetInt64(&message, field, *v);
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      const auto v = parseNumber<std::uint32_t>(value);
      if (!v) return bad();
      repeated ? r->SetRepeatedUInt32(&message, field, index, *v)
               : r->SetUInt32(&message, field, *v);
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      const auto v = parseNumber<std::uint64_t>(value);
      if (!v) return bad();
      repeated ? r->SetRepeatedUInt64(&message, field, index, *v)
               : r->SetUInt64(&message, field, *v);
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      const auto v = parseReal(value);
      if (!v) return bad();
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
        const auto f = static_cast<float>(*v);
        repeated ? r->SetRepeatedFloat(&message, field, index, f) : r->SetFloat(&message, field, f);
      } else {
        repeated ? r->SetRepeatedDouble(&message, field, index, *v)
                 : r->SetDouble(&message, field, *v);
      }
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      if (value != "true" && value != "false") return bad();
      repeated ? r->SetRepeatedBool(&message, field, index, value == "true")
               : r->SetBool(&message, field, value == "true");
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* named = field->enum_type()->FindValueByName(value);
      if (named == nullptr) return bad();
      repeated ? r->SetRepeatedEnum(&message, field, index, named)
               : r->SetEnum(&message, field, named);
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_STRING:
      repeated ? r->SetRepeatedString(&message, field, index, value)
               : r->SetString(&message, field, value);
      return std::nullopt;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return QStringLiteral("a group of fields has no value");
  }
  return bad();
}

ScenarioForm::ScenarioForm(QWidget* parent) : QTreeWidget(parent) {
  setColumnCount(2);
  setHeaderLabels({tr("field"), tr("value")});
  header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                  QAbstractItemView::SelectedClicked);
  connect(this, &QTreeWidget::itemChanged, this, &ScenarioForm::onItemChanged);
  setContextMenuPolicy(Qt::CustomContextMenu);
  connect(this, &QTreeWidget::customContextMenuRequested, this, &ScenarioForm::showMenu);
}

void ScenarioForm::showScenario(const scenario::Scenario& scenario) {
  scenario_ = scenario;
  const QSignalBlocker quiet(this);
  clear();
  addMessage(invisibleRootItem(), scenario_, "");
  expandToDepth(1);
}

void ScenarioForm::addMessage(QTreeWidgetItem* parent, const Message& message,
                              const std::string& path) {
  std::vector<const FieldDescriptor*> fields;
  message.GetReflection()->ListFields(message, &fields);  // the set ones, in field number order
  for (const auto* field : fields) {
    if (!field->is_repeated()) {
      addField(parent, message, field, -1, path);
      continue;
    }
    const int size = message.GetReflection()->FieldSize(message, field);
    for (int i = 0; i < size; ++i)
      addField(parent, message, field, i, path);
  }
}

void ScenarioForm::addField(QTreeWidgetItem* parent, const Message& message,
                            const FieldDescriptor* field, int index, const std::string& path) {
  const std::string here = fieldPath(path, field, index);
  auto* item = new QTreeWidgetItem(parent);
  item->setText(
      0, index >= 0 ? QStringLiteral("%1[%2]").arg(QString::fromStdString(field->name())).arg(index)
                    : QString::fromStdString(field->name()));
  item->setData(0, kPathRole, QString::fromStdString(here));
  if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
    item->setText(1, fieldText(message, field, index));
    item->setFlags(item->flags() | Qt::ItemIsEditable);
    return;
  }
  const auto* r = message.GetReflection();
  const Message& child =
      index >= 0 ? r->GetRepeatedMessage(message, field, index) : r->GetMessage(message, field);
  // A named element reads better by its name ("regions[1] us-west").
  if (const auto* name = child.GetDescriptor()->FindFieldByName("name");
      name != nullptr && name->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
      !name->is_repeated()) {
    item->setText(1, QString::fromStdString(child.GetReflection()->GetString(child, name)));
  }
  addMessage(item, child, here);
}

void ScenarioForm::onItemChanged(QTreeWidgetItem* item, int column) {
  if (column != 1 || !(item->flags() & Qt::ItemIsEditable)) return;
  const std::string path = item->data(0, kPathRole).toString().toStdString();
  const QString value = item->text(1);
  const Located at = locate(scenario_, path);
  if (at.field == nullptr || fieldText(*at.message, at.field, at.index) == value) return;
  // The edit rebuilds the tree, which must not happen inside the item's own change signal.
  QMetaObject::invokeMethod(
      this,
      [this, path, value] {
        if (auto error = edit(path, value)) emit editRefused(*error);
      },
      Qt::QueuedConnection);
}

std::optional<QString> ScenarioForm::edit(const std::string& path, const QString& value) {
  scenario::Scenario changed = scenario_;
  const Located at = locate(changed, path);
  if (at.field == nullptr || at.field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    return QStringLiteral("no value at %1").arg(QString::fromStdString(path));
  }
  if (auto error = setFieldText(*at.message, at.field, at.index, value)) {
    showScenario(scenario_);  // back to the value that was there
    return error;
  }
  commit(std::move(changed));
  return std::nullopt;
}

void ScenarioForm::commit(scenario::Scenario changed, const std::string& focus) {
  showScenario(changed);
  reveal(focus);
  emit edited(scenario_);
}

void ScenarioForm::reveal(const std::string& path) {
  QTreeWidgetItem* item = path.empty() ? nullptr : itemAt(path);
  if (item == nullptr) return;
  for (QTreeWidgetItem* parent = item->parent(); parent != nullptr; parent = parent->parent())
    parent->setExpanded(true);
  item->setExpanded(true);
  setCurrentItem(item);
  scrollToItem(item);
}

bool ScenarioForm::removable(const std::string& path) {
  const Located at = locate(scenario_, path);
  return at.field != nullptr && (at.field->is_repeated() || at.field->has_presence());
}

std::vector<std::string> ScenarioForm::addableFields(const std::string& path) {
  std::vector<std::string> names;
  const Message* message = messageAt(scenario_, path);
  if (message == nullptr) return names;
  const auto* descriptor = message->GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    if (addable(*message, descriptor->field(i))) names.push_back(descriptor->field(i)->name());
  }
  return names;
}

std::optional<QString> ScenarioForm::addField(const std::string& path, const std::string& name) {
  scenario::Scenario changed = scenario_;
  Message* message = messageAt(changed, path);
  if (message == nullptr)
    return QStringLiteral("no group of fields at %1").arg(QString::fromStdString(path));
  const FieldDescriptor* field = message->GetDescriptor()->FindFieldByName(name);
  if (field == nullptr || !addable(*message, field)) {
    return QStringLiteral("%1 cannot be added here").arg(QString::fromStdString(name));
  }
  std::string added = path.empty() ? name : path + "." + name;
  if (field->is_repeated()) {
    appendDefault(*message, field);
    added += '[';
    added += std::to_string(message->GetReflection()->FieldSize(*message, field) - 1);
    added += ']';
  } else if (!field->has_presence()) {
    // A plain proto3 value at zero is not kept: a row to fill in, that an edit makes real.
    showPendingRow(path, field);
    return std::nullopt;
  } else {
    setDefault(*message, field);
  }
  commit(std::move(changed), added);
  return std::nullopt;
}

std::optional<QString> ScenarioForm::remove(const std::string& path) {
  if (!removable(path)) {
    return QStringLiteral("%1 has no unset state: edit its value")
        .arg(QString::fromStdString(path));
  }
  scenario::Scenario changed = scenario_;
  const Located at = locate(changed, path);
  const auto* r = at.message->GetReflection();
  if (at.field->is_repeated()) {
    // To the end, keeping the others' order, then off.
    const int size = r->FieldSize(*at.message, at.field);
    for (int i = at.index; i + 1 < size; ++i)
      r->SwapElements(at.message, at.field, i, i + 1);
    r->RemoveLast(at.message, at.field);
  } else {
    r->ClearField(at.message, at.field);
  }
  commit(std::move(changed));
  return std::nullopt;
}

std::optional<QString> ScenarioForm::duplicate(const std::string& path) {
  scenario::Scenario changed = scenario_;
  const Located at = locate(changed, path);
  if (at.field == nullptr || !at.field->is_repeated()) {
    return QStringLiteral("%1 is not a list element").arg(QString::fromStdString(path));
  }
  const auto* r = at.message->GetReflection();
  appendCopy(*at.message, at.field, at.index);
  const int last = r->FieldSize(*at.message, at.field) - 1;
  // Next to the original rather than at the end of the list.
  for (int i = last; i > at.index + 1; --i)
    r->SwapElements(at.message, at.field, i, i - 1);
  const auto bracket = path.rfind('[');
  commit(std::move(changed), path.substr(0, bracket) + "[" + std::to_string(at.index + 1) + "]");
  return std::nullopt;
}

void ScenarioForm::showMenu(const QPoint& position) {
  QTreeWidgetItem* item = QTreeWidget::itemAt(position);
  const std::string path = item != nullptr ? item->data(0, kPathRole).toString().toStdString() : "";
  QMenu menu(this);
  const auto report = [this](std::optional<QString> error) {
    if (error) emit editRefused(*error);
  };
  if (!path.empty() && path.back() == ']') {
    menu.addAction(tr("Duplicate"), this, [=, this] { report(duplicate(path)); });
  }
  if (!path.empty() && removable(path)) {
    menu.addAction(tr("Remove"), this, [=, this] { report(remove(path)); });
  }
  const auto fields = addableFields(path);
  if (!fields.empty()) {
    QMenu* add = menu.addMenu(path.empty() ? tr("Add to the scenario") : tr("Add"));
    for (const auto& field : fields) {
      add->addAction(QString::fromStdString(field), this,
                     [=, this] { report(addField(path, field)); });
    }
  }
  if (!menu.isEmpty()) menu.exec(viewport()->mapToGlobal(position));
}

void ScenarioForm::showPendingRow(const std::string& parent_path, const FieldDescriptor* field) {
  QTreeWidgetItem* parent = parent_path.empty() ? invisibleRootItem() : itemAt(parent_path);
  if (parent == nullptr) return;
  const QSignalBlocker quiet(this);
  auto* item = new QTreeWidgetItem(parent);
  item->setText(0, QString::fromStdString(field->name()));
  item->setData(0, kPathRole, QString::fromStdString(fieldPath(parent_path, field, -1)));
  item->setText(1, fieldText(*messageAt(scenario_, parent_path), field, -1));
  item->setFlags(item->flags() | Qt::ItemIsEditable);
  reveal(fieldPath(parent_path, field, -1));
  if (isVisible()) editItem(item, 1);
}

QTreeWidgetItem* ScenarioForm::itemAt(const std::string& path) {
  const QString wanted = QString::fromStdString(path);
  for (QTreeWidgetItemIterator it(this); *it; ++it) {
    if ((*it)->data(0, kPathRole).toString() == wanted) return *it;
  }
  return nullptr;
}

void ScenarioForm::markDiagnostics(const std::vector<scenarios::Diagnostic>& diagnostics) {
  // Colours and tooltips change items too: itemChanged must not take them for edits.
  const QSignalBlocker quiet(this);
  for (QTreeWidgetItemIterator it(this); *it; ++it) {
    (*it)->setBackground(1, QBrush());
    (*it)->setToolTip(1, QString());
  }
  for (const auto& diagnostic : diagnostics) {
    // The deepest item the path reaches: a missing field marks its parent.
    std::string path = diagnostic.path;
    QTreeWidgetItem* item = nullptr;
    while (!path.empty() && (item = itemAt(path)) == nullptr) {
      const auto dot = path.rfind('.');
      path = dot == std::string::npos ? std::string() : path.substr(0, dot);
    }
    if (item == nullptr) continue;
    item->setBackground(1, QColor(0xfd, 0xde, 0xde));
    item->setToolTip(1, QString::fromStdString(diagnostic.message));
    scrollToItem(item);
  }
}

}  // namespace faultline::gui
