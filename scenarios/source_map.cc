#include "scenarios/source_map.h"

#include <charconv>
#include <optional>

#include <fmt/format.h>

#include "scenarios/scenario.pb.h"

namespace faultline::scenarios {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using ParseLocation = SourceMap::ParseLocation;

// One step of a field path: "backends[2]" is {"backends", 2}, "service_time" is {"service_time"}.
struct PathStep {
  std::string_view field;
  std::optional<int> index;
};

// Splits off the first step of `path`; nullopt when it is malformed.
std::optional<PathStep> takeStep(std::string_view& path) {
  const std::size_t dot = path.find('.');
  std::string_view step = path.substr(0, dot);
  path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);

  const std::size_t bracket = step.find('[');
  if (bracket == std::string_view::npos) return PathStep{step, std::nullopt};
  if (step.back() != ']') return std::nullopt;
  const std::string_view digits = step.substr(bracket + 1, step.size() - bracket - 2);
  int index = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (error != std::errc() || end != digits.data() + digits.size() || index < 0) {
    return std::nullopt;
  }
  return PathStep{step.substr(0, bracket), index};
}

}  // namespace

SourceMap::SourceMap(std::string origin) : origin_(std::move(origin)) {}

SourceMap::SourceMap(std::string origin, std::shared_ptr<const Positions> positions)
    : origin_(std::move(origin)), positions_(std::move(positions)) {}

ParseLocation SourceMap::elementLocation(const ParseInfoTree& tree, const FieldDescriptor* field,
                                         int index) const {
  const auto it = positions_->elements.find({&tree, field});
  if (it == positions_->elements.end()) return tree.GetLocation(field, index);
  const std::vector<ParseLocation>& elements = it->second;
  return static_cast<std::size_t>(index) < elements.size() ? elements[index] : ParseLocation();
}

void SourceMap::place(std::string field_path, std::string location) {
  places_.insert_or_assign(std::move(field_path), std::move(location));
}

std::string SourceMap::locate(std::string_view field_path) const {
  // The path itself, else the nearest enclosing path ("a[1].b" encloses "a[1].b.c" and
  // "a[1].b[2]").
  for (std::string_view path = field_path; !places_.empty() && !path.empty();) {
    if (const auto it = places_.find(path); it != places_.end()) return it->second;
    const std::size_t step = path.find_last_of(".[");
    path = step == std::string_view::npos ? std::string_view() : path.substr(0, step);
  }
  std::optional<ParseLocation> best;
  const ParseInfoTree* tree = positions_ ? &positions_->tree : nullptr;
  const Descriptor* descriptor = scenario::Scenario::descriptor();
  while (tree != nullptr && descriptor != nullptr && !field_path.empty()) {
    const std::optional<PathStep> step = takeStep(field_path);
    if (!step) break;
    const FieldDescriptor* field = descriptor->FindFieldByName(std::string(step->field));
    // ParseInfoTree wants an index exactly for repeated fields (-1 otherwise); a path that
    // disagrees is not ours to guess about.
    if (field == nullptr || field->is_repeated() != step->index.has_value()) break;
    const int index = step->index.value_or(-1);
    const ParseLocation location =
        field->is_repeated() ? elementLocation(*tree, field, index) : tree->GetLocation(field, -1);
    if (location.line < 0) break;  // never written: the enclosing message is the best we have
    best = location;
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) break;
    tree = tree->GetTreeForNested(field, index);
    descriptor = field->message_type();
  }
  if (!best) return origin_;
  return fmt::format("{}:{}:{}", origin_, best->line + 1, best->column + 1);
}

}  // namespace faultline::scenarios
