#pragma once

#include <string_view>

#include <google/protobuf/message.h>

#include "scenarios/source_map.h"

namespace faultline::scenarios {

// Fills `positions.elements` for every repeated field of `message` (at any depth) that was
// written in list syntax, `zones: ["a", "b"]` or `regions: [{...}, {...}]`, so each element
// locates to its own token rather than to its list. `positions.tree` must hold what the parser
// recorded when it parsed `text` into `message`.
//
// The text is tokenized again only if some field needs it, and then once: linear in its size.
void recordListElementPositions(std::string_view text, const google::protobuf::Message& message,
                                SourceMap::Positions& positions);

}  // namespace faultline::scenarios
