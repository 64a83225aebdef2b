#include "reports/results_io.h"

#include <google/protobuf/util/json_util.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace faultline::reports {

std::string toJson(const results::RunResult& result) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = false;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(result, &json, options);
  if (!status.ok()) return "{}\n";  // printing a well-formed message cannot fail
  if (json.empty() || json.back() != '\n') json += '\n';
  return json;
}

Expected<results::RunResult, std::string> parseResultsJson(std::string_view json) {
  results::RunResult result;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // files from newer versions stay readable
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &result, options);
  if (!status.ok()) return Unexpected(std::string(status.message()));
  return result;
}

Expected<results::RunResult, std::string> readResultsFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unexpected(path.string() + ": " + std::strerror(errno));
  std::ostringstream content;
  content << in.rdbuf();
  auto result = parseResultsJson(content.str());
  if (!result) return Unexpected(path.string() + ": not a Faultline results file: " + result.error());
  return result;
}

Expected<void, std::string> writeFileAtomically(const std::filesystem::path& path,
                                                std::string_view content) {
  const auto directory = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string hidden_name = ".";
  hidden_name.append(path.filename().string()).append(".XXXXXX");
  std::string temp = (directory / hidden_name).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return Unexpected(path.string() + ": " + std::strerror(errno));
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t written = ::write(fd, data, left);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      const std::string error = std::strerror(errno);
      ::close(fd);
      ::unlink(temp.c_str());
      return Unexpected(path.string() + ": " + error);
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  // mkstemp creates the file 0600; a results file is as readable as any file the user writes.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  if (::close(fd) != 0 || std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string error = std::strerror(errno);
    ::unlink(temp.c_str());
    return Unexpected(path.string() + ": " + error);
  }
  return {};
}

}  // namespace faultline::reports
