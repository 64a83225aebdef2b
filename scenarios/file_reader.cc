#include "scenarios/file_reader.h"

#include <cerrno>
#include <cstdio>
#include <memory>
#include <system_error>

#include <fmt/format.h>

namespace faultline::scenarios {
namespace {

struct CloseFile {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

std::string systemError(int error) {
  return std::generic_category().message(error);
}

std::string tooLarge(std::size_t max_bytes, std::string_view what) {
  return fmt::format("file is larger than {} bytes ({} MiB), the limit for a {}", max_bytes,
                     max_bytes / (1024 * 1024), what);
}

}  // namespace

Expected<std::string, Diagnostic> readFile(const std::filesystem::path& path, std::size_t max_bytes,
                                           std::string_view what) {
  const std::string name = path.string();
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return Unexpected(Diagnostic{name, "", fmt::format("is a directory, not a {} file", what)});
  }
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (!error && size > max_bytes) {
    return Unexpected(Diagnostic{name, "", tooLarge(max_bytes, what)});
  }

  errno = 0;
  const std::unique_ptr<std::FILE, CloseFile> file(std::fopen(name.c_str(), "rb"));
  if (!file) {
    return Unexpected(Diagnostic{name, "", fmt::format("cannot open: {}", systemError(errno))});
  }
  std::string content;
  char buffer[64 * 1024];
  while (content.size() <= max_bytes) {
    const std::size_t read = std::fread(buffer, 1, sizeof buffer, file.get());
    content.append(buffer, read);
    if (read < sizeof buffer) break;
  }
  if (std::ferror(file.get())) {
    return Unexpected(Diagnostic{name, "", fmt::format("cannot read: {}", systemError(errno))});
  }
  if (content.size() > max_bytes)
    return Unexpected(Diagnostic{name, "", tooLarge(max_bytes, what)});
  return content;
}

}  // namespace faultline::scenarios
