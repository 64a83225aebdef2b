#include "gui/scenario_form.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>

#include <QHeaderView>
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
  showScenario(changed);
  emit edited(scenario_);
  return std::nullopt;
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
