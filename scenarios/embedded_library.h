#pragma once

#include <span>
#include <string_view>

namespace faultline::scenarios::detail {

// One scenarios/library/*.textproto as embedded by embed_library.cmake.
struct EmbeddedFile {
  std::string_view stem;
  std::string_view text;
};

// Defined in the generated embedded_library.cc, in file name order.
std::span<const EmbeddedFile> embeddedLibrary();

}  // namespace faultline::scenarios::detail
