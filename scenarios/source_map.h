#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/text_format.h>

namespace faultline::scenarios {

// Turns a field path of a scenario ("regions[1].backends[0].workers") into the place in the
// source where that field was written ("us.textproto:14:5"), so a rule violation points where a
// syntax error would. Positions exist only for text format, where protobuf records them while
// parsing; for JSON (its parser keeps none) every path locates to the origin alone.
//
// A path to a field that was never written (a missing required field) locates to the nearest
// enclosing message that was written, else to the origin. Copies share the recorded positions.
class SourceMap {
 public:
  using ParseInfoTree = google::protobuf::TextFormat::ParseInfoTree;
  using ParseLocation = google::protobuf::TextFormat::ParseLocation;

  // What the text-format parser recorded for a faultline.scenario.Scenario.
  struct Positions {
    // Filled by TextFormat::Parser::WriteLocationsTo.
    ParseInfoTree tree;
    // ParseInfoTree records one location per *occurrence* of a field, and `zones: ["a", "b"]`
    // is one occurrence of two elements. For each repeated field (in a given tree node) written
    // that way, the start of every element, in element order; see list_positions.h.
    std::map<std::pair<const ParseInfoTree*, const google::protobuf::FieldDescriptor*>,
             std::vector<ParseLocation>>
        elements;
  };

  // Without positions: every path locates to `origin`.
  explicit SourceMap(std::string origin = {});
  SourceMap(std::string origin, std::shared_ptr<const Positions> positions);

  // "origin:line:col" (1-based; a tab advances the column to the next multiple of 8, as protobuf
  // and GCC count) or "origin".
  std::string locate(std::string_view field_path) const;

  // Places `field_path` at `location` ("timeline.csv:4:12"), and with it every path below it
  // that has no place of its own: for what the loader adds from another file, such as the faults
  // of a replayed timeline ("faults[3]" at its row, "faults[3].latency.latency_ms" at its cell).
  // Such a place wins over the positions of the parse.
  void place(std::string field_path, std::string location);

  const std::string& origin() const { return origin_; }
  bool hasPositions() const { return positions_ != nullptr; }

 private:
  ParseLocation elementLocation(const ParseInfoTree& tree,
                                const google::protobuf::FieldDescriptor* field, int index) const;

  std::string origin_;
  std::shared_ptr<const Positions> positions_;
  std::map<std::string, std::string, std::less<>> places_;
};

}  // namespace faultline::scenarios
