#include "cli/scenario_errors.h"

namespace faultline::cli {

void printLoadError(const scenarios::LoadError& error, std::ostream& err) {
  err << error.toString() << '\n';
}

void printConfigError(const sim::ConfigError& error, const scenarios::SourceMap& source_map,
                      std::string_view command, std::ostream& err) {
  if (error.path.starts_with("--")) {
    err << "faultline " << command << ": " << error.path << ": " << error.message << '\n';
    return;
  }
  const scenarios::Diagnostic diagnostic{source_map.locate(error.path), error.path, error.message};
  err << diagnostic.toString() << '\n';
}

}  // namespace faultline::cli
