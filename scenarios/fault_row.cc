#include "scenarios/fault_row.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <system_error>

#include <fmt/format.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

namespace faultline::scenarios {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::OneofDescriptor;
using google::protobuf::Reflection;
using scenario::Fault;

constexpr std::string_view kKindColumn = "kind";
constexpr std::string_view kTargetColumn = "target";
constexpr std::string_view kStartColumn = "start_s";
// Nested parameters ("hosts.count") are looked for this deep; the schema needs two levels.
constexpr int kMaxParameterDepth = 4;

const OneofDescriptor* kindOneof() {
  return Fault::descriptor()->FindOneofByName("kind");
}

bool isScalar(const FieldDescriptor* field) {
  return !field->is_repeated() && field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE;
}

// A field of Fault outside its kind that a column may set: start_s, end_s, name, ramps.
const FieldDescriptor* faultField(std::string_view name) {
  const FieldDescriptor* field = Fault::descriptor()->FindFieldByName(std::string(name));
  if (field == nullptr || field->real_containing_oneof() != nullptr || !isScalar(field)) {
    return nullptr;
  }
  return field;
}

const FieldDescriptor* kindField(std::string_view name) {
  const FieldDescriptor* field = Fault::descriptor()->FindFieldByName(std::string(name));
  return field != nullptr && field->real_containing_oneof() == kindOneof() ? field : nullptr;
}

std::string kindNames() {
  std::string names;
  const OneofDescriptor* kinds = kindOneof();
  for (int i = 0; i < kinds->field_count(); ++i) {
    if (i > 0) names += ", ";
    names += kinds->field(i)->name();
  }
  return names;
}

// A parameter's fields from the kind's message down: "hosts.count" is {hosts, count}. Empty when
// the name is no scalar field there.
std::vector<const FieldDescriptor*> resolveParameter(const Descriptor* kind,
                                                     std::string_view name) {
  std::vector<const FieldDescriptor*> fields;
  const Descriptor* message = kind;
  while (message != nullptr && fields.size() < kMaxParameterDepth) {
    const std::size_t dot = name.find('.');
    const FieldDescriptor* field = message->FindFieldByName(std::string(name.substr(0, dot)));
    if (field == nullptr || field->is_repeated()) return {};
    fields.push_back(field);
    if (dot == std::string_view::npos) {
      if (!isScalar(field)) return {};
      return fields;
    }
    message = field->message_type();  // null for a scalar: "latency_ms.x" is no parameter
    name.remove_prefix(dot + 1);
  }
  return {};
}

void collectParameters(const Descriptor* message, const std::string& prefix, int depth,
                       std::vector<std::string>& out) {
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* field = message->field(i);
    if (field->is_repeated()) continue;
    if (isScalar(field)) {
      out.push_back(prefix + field->name());
    } else if (depth + 1 < kMaxParameterDepth) {
      collectParameters(field->message_type(), prefix + field->name() + ".", depth + 1, out);
    }
  }
}

// "latency_ms, jitter_ms, ..., hosts.region, ...": what a kind takes besides target.
std::string parameterNames(const Descriptor* kind) {
  std::vector<std::string> names;
  collectParameters(kind, "", 0, names);
  // Direct fields first: they are what a row usually sets; a selector's usually come by target.
  std::stable_partition(names.begin(), names.end(), [](const std::string& name) {
    return name.find('.') == std::string::npos;
  });
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out.empty() ? "none" : out;
}

bool isParameterOfSomeKind(std::string_view name) {
  const OneofDescriptor* kinds = kindOneof();
  for (int i = 0; i < kinds->field_count(); ++i) {
    if (!resolveParameter(kinds->field(i)->message_type(), name).empty()) return true;
  }
  return false;
}

// C's strtod and strtol take a leading '+'; std::from_chars does not.
std::string_view withoutPlus(std::string_view text) {
  if (text.size() > 1 && text[0] == '+' && text[1] != '+' && text[1] != '-') text.remove_prefix(1);
  return text;
}

template <typename T>
std::optional<T> parseInteger(std::string_view text) {
  text = withoutPlus(text);
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parseDouble(std::string_view text) {
  text = withoutPlus(text);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

template <typename T>
std::string wholeNumberRule() {
  return fmt::format("must be a whole number from {} to {}", std::numeric_limits<T>::min(),
                     std::numeric_limits<T>::max());
}

// Sets a scalar field from its text; the rule broken otherwise.
std::optional<std::string> setScalar(Message& message, const FieldDescriptor* field,
                                     std::string_view text) {
  const Reflection* reflection = message.GetReflection();
  const auto got = [&] { return fmt::format(" (got {})", quote(text)); };
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      const std::optional<double> value = parseDouble(text);
      if (!value) return "must be a finite number" + got();
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
        reflection->SetDouble(&message, field, *value);
      } else if (std::fabs(*value) <= std::numeric_limits<float>::max()) {
        reflection->SetFloat(&message, field, static_cast<float>(*value));
      } else {
        return "must be a finite number within the range of a float" + got();
      }
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      const auto value = parseInteger<std::int32_t>(text);
      if (!value) return wholeNumberRule<std::int32_t>() + got();
      reflection->SetInt32(&message, field, *value);
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      const auto value = parseInteger<std::int64_t>(text);
      if (!value) return wholeNumberRule<std::int64_t>() + got();
      reflection->SetInt64(&message, field, *value);
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      const auto value = parseInteger<std::uint32_t>(text);
      if (!value) return wholeNumberRule<std::uint32_t>() + got();
      reflection->SetUInt32(&message, field, *value);
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      const auto value = parseInteger<std::uint64_t>(text);
      if (!value) return wholeNumberRule<std::uint64_t>() + got();
      reflection->SetUInt64(&message, field, *value);
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      if (text != "true" && text != "false") return "must be true or false" + got();
      reflection->SetBool(&message, field, text == "true");
      return std::nullopt;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const EnumValueDescriptor* value = field->enum_type()->FindValueByName(std::string(text));
      if (value == nullptr) {
        std::string names;
        for (int i = 0; i < field->enum_type()->value_count(); ++i) {
          if (i > 0) names += ", ";
          names += field->enum_type()->value(i)->name();
        }
        return fmt::format("must be one of {}{}", names, got());
      }
      reflection->SetEnum(&message, field, value);
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_STRING:
      reflection->SetString(&message, field, std::string(text));
      return std::nullopt;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return "cannot be set from a timeline";
}

// What `target` means for a kind: which of its fields (or of its `hosts` selector's) the parts
// of the target set.
struct TargetShape {
  std::string prefix;             // "hosts." for a kind with a selector
  std::vector<std::string> path;  // the fields of "a/b/c", in order: region, zone, group
  bool count = false;             // "*3"
  bool percent = false;           // "*25%"
  bool link = false;              // "from->to"
  bool both_directions = false;   // "from<->to"
  std::string form;               // for messages: "region[/zone[/group]][*count|*percent%]"
};

TargetShape targetShape(const Descriptor* kind) {
  TargetShape shape;
  const Descriptor* fields = kind;
  if (const FieldDescriptor* hosts = kind->FindFieldByName("hosts");
      hosts != nullptr && !isScalar(hosts) && !hosts->is_repeated()) {
    shape.prefix = "hosts.";
    fields = hosts->message_type();
  }
  const auto has = [&](const char* name) {
    const FieldDescriptor* field = fields->FindFieldByName(name);
    return field != nullptr && isScalar(field);
  };
  if (has("from") && has("to")) {
    shape.link = true;
    shape.both_directions = has("both_directions");
    shape.form = shape.both_directions ? "from->to or from<->to (both directions)" : "from->to";
    return shape;
  }
  for (const char* name : {"region", "zone", "group"}) {
    if (has(name)) shape.path.emplace_back(name);
  }
  shape.count = has("count");
  shape.percent = has("percent");
  for (std::size_t i = 0; i < shape.path.size(); ++i) {
    shape.form += i == 0 ? shape.path[i] : "[/" + shape.path[i];
  }
  if (shape.path.size() > 1) {
    // zone_outage needs both: region/zone; a selector takes any prefix of region/zone/group.
    if (shape.prefix.empty()) {
      shape.form.clear();
      for (std::size_t i = 0; i < shape.path.size(); ++i)
        shape.form += (i == 0 ? "" : "/") + shape.path[i];
    } else {
      shape.form += std::string(shape.path.size() - 1, ']');
    }
  }
  if (shape.count && shape.percent) {
    shape.form += "[*count|*percent%]";
  } else if (shape.count) {
    shape.form += "[*count]";
  } else if (shape.percent) {
    shape.form += "[*percent%]";
  }
  return shape;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

// The parameters a target sets ({"hosts.region", "us-east"}, ...), or nullopt when it does not
// fit the kind's form.
std::optional<std::vector<std::pair<std::string, std::string>>> splitTarget(
    const TargetShape& shape, std::string_view target) {
  std::vector<std::pair<std::string, std::string>> parameters;
  if (shape.link) {
    const std::size_t arrow = target.find("->");
    if (arrow == std::string_view::npos) return std::nullopt;
    const bool both = arrow > 0 && target[arrow - 1] == '<';
    if (both && !shape.both_directions) return std::nullopt;
    const std::string_view from = trim(target.substr(0, both ? arrow - 1 : arrow));
    const std::string_view to = trim(target.substr(arrow + 2));
    if (from.empty() || to.empty() || from.find_first_of("<>") != std::string_view::npos ||
        to.find_first_of("<>") != std::string_view::npos) {
      return std::nullopt;
    }
    parameters.emplace_back(shape.prefix + "from", std::string(from));
    parameters.emplace_back(shape.prefix + "to", std::string(to));
    if (both) parameters.emplace_back(shape.prefix + "both_directions", "true");
    return parameters;
  }
  if (target.find_first_of("<>") != std::string_view::npos) return std::nullopt;
  const std::size_t star = target.find('*');
  std::string_view path = target.substr(0, star);
  if (star != std::string_view::npos) {
    std::string_view amount = trim(target.substr(star + 1));
    const bool percent = amount.ends_with('%');
    if (percent) amount = trim(amount.substr(0, amount.size() - 1));
    if (amount.empty() || (percent ? !shape.percent : !shape.count)) return std::nullopt;
    // 0 is the schema's "unset", which strikes every host: a target that says 0 means a mistake.
    if (amount.find_first_not_of("0.") == std::string_view::npos) return std::nullopt;
    parameters.emplace_back(shape.prefix + (percent ? "percent" : "count"), std::string(amount));
  }
  std::size_t part = 0;
  while (true) {
    const std::size_t slash = path.find('/');
    const std::string_view name = trim(path.substr(0, slash));
    if (part >= shape.path.size()) {
      if (!name.empty() || slash != std::string_view::npos || part == 0) return std::nullopt;
      break;
    }
    if (!name.empty()) parameters.emplace_back(shape.prefix + shape.path[part], std::string(name));
    ++part;
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parameters;
}

class RowBuilder {
 public:
  RowBuilder(const FaultRow& row, std::string_view file, std::vector<Diagnostic>& diagnostics)
      : row_(row), file_(file), diagnostics_(diagnostics) {}

  std::optional<ImportedFault> build() {
    place("", row_.at);
    const RowCell* kind_cell = find(kKindColumn);
    const RowCell* target_cell = find(kTargetColumn);
    if (find(kStartColumn) == nullptr) {
      error(row_.at, fmt::format("{}: required: when the fault starts, seconds from the start "
                                 "of the run",
                                 kStartColumn));
    }
    const FieldDescriptor* kind = nullptr;
    if (kind_cell == nullptr) {
      error(row_.at, fmt::format("{}: required (one of {})", kKindColumn, kindNames()));
    } else if ((kind = kindField(kind_cell->value)) == nullptr) {
      error(kind_cell->value_at, fmt::format("{}: unknown fault kind {} (kinds: {})", kKindColumn,
                                             quote(kind_cell->value), kindNames()));
    }
    Message* parameters = nullptr;
    if (kind != nullptr) {
      parameters = fault_.GetReflection()->MutableMessage(&fault_, kind);
      place(kind->name(), target_cell != nullptr ? target_cell->value_at : kind_cell->value_at);
      if (target_cell != nullptr) setTarget(*kind, *parameters, *target_cell);
    }
    for (const RowCell& cell : row_.cells) {
      if (cell.value.empty() || cell.name == kKindColumn || cell.name == kTargetColumn) continue;
      if (const FieldDescriptor* field = faultField(cell.name)) {
        if (auto rule = setScalar(fault_, field, cell.value)) {
          error(cell.value_at, fmt::format("{}: {}", cell.name, *rule));
        } else {
          place(cell.name, cell.value_at);
        }
        continue;
      }
      // Without a kind a parameter cannot be judged; the kind's error says enough.
      if (parameters != nullptr) setParameter(*kind, *parameters, cell.name, cell.value, cell);
    }
    if (bad_) return std::nullopt;
    return ImportedFault{std::move(fault_), std::move(places_)};
  }

 private:
  const RowCell* find(std::string_view name) const {
    for (const RowCell& cell : row_.cells) {
      if (cell.name == name && !cell.value.empty()) return &cell;
    }
    return nullptr;
  }

  std::string location(TextPosition at) const {
    return fmt::format("{}:{}:{}", file_, at.line, at.column);
  }

  void error(TextPosition at, std::string message) {
    bad_ = true;
    diagnostics_.push_back(Diagnostic{location(at), "", std::move(message)});
  }

  void place(const std::string& path, TextPosition at) {
    if (placed_.insert(path).second) places_.emplace_back(path, location(at));
  }

  void setTarget(const FieldDescriptor& kind, Message& parameters, const RowCell& cell) {
    const TargetShape shape = targetShape(parameters.GetDescriptor());
    const auto assignments = splitTarget(shape, cell.value);
    if (!assignments) {
      error(cell.value_at,
            shape.form.empty()
                ? fmt::format("{}: {} takes no target (got {})", kTargetColumn, kind.name(),
                              quote(cell.value))
                : fmt::format("{}: a target of {} is written {} (got {})", kTargetColumn,
                              kind.name(), shape.form, quote(cell.value)));
      return;
    }
    for (const auto& [name, value] : *assignments)
      setParameter(kind, parameters, name, value, cell);
  }

  // Sets the kind's parameter `name` (dotted for a nested field) to `value`, which `cell` gave.
  void setParameter(const FieldDescriptor& kind, Message& parameters, const std::string& name,
                    const std::string& value, const RowCell& cell) {
    const bool by_target = cell.name == kTargetColumn;
    const std::string column = by_target ? fmt::format("{} ({})", kTargetColumn, name) : name;
    const std::vector<const FieldDescriptor*> fields =
        resolveParameter(parameters.GetDescriptor(), name);
    if (fields.empty()) {
      error(cell.name_at,
            fmt::format("{}: not a parameter of {} (its parameters: {})", printable(name),
                        kind.name(), parameterNames(parameters.GetDescriptor())));
      return;
    }
    const auto [first, inserted] = set_by_.emplace(name, cell.name);
    if (!inserted) {
      error(cell.value_at, fmt::format("{}: also set by {}", column, printable(first->second)));
      return;
    }
    Message* message = &parameters;
    std::string path = kind.name();
    for (const FieldDescriptor* field : fields) {
      if (const OneofDescriptor* oneof = field->real_containing_oneof()) {
        const Reflection* reflection = message->GetReflection();
        const FieldDescriptor* chosen = reflection->GetOneofFieldDescriptor(*message, oneof);
        if (chosen != nullptr && chosen != field) {
          error(cell.value_at, fmt::format("{}: {} and {} are alternatives: set one", column,
                                           chosen->name(), field->name()));
          return;
        }
      }
      path += "." + field->name();
      place(path, cell.value_at);
      if (field == fields.back()) break;
      message = message->GetReflection()->MutableMessage(message, field);
    }
    if (auto rule = setScalar(*message, fields.back(), value)) {
      error(cell.value_at, fmt::format("{}: {}", column, *rule));
    }
  }

  const FaultRow& row_;
  std::string_view file_;
  std::vector<Diagnostic>& diagnostics_;
  Fault fault_;
  std::vector<std::pair<std::string, std::string>> places_;
  std::set<std::string> placed_;
  std::map<std::string, std::string> set_by_;  // parameter -> the column that set it
  bool bad_ = false;
};

}  // namespace

bool isTimelineColumn(std::string_view name) {
  return name == kKindColumn || name == kTargetColumn || faultField(name) != nullptr ||
         isParameterOfSomeKind(name);
}

std::string timelineColumnsHelp() {
  std::string out = fmt::format("{}, {}", kKindColumn, kTargetColumn);
  const Descriptor* fault = Fault::descriptor();
  for (int i = 0; i < fault->field_count(); ++i) {
    if (faultField(fault->field(i)->name()) != nullptr) out += ", " + fault->field(i)->name();
  }
  return out + ", and the parameters of the kinds";
}

std::optional<ImportedFault> buildFault(const FaultRow& row, std::string_view file,
                                        std::vector<Diagnostic>& diagnostics) {
  return RowBuilder(row, file, diagnostics).build();
}

}  // namespace faultline::scenarios
