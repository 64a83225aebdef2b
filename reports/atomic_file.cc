#include "reports/atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace faultline::reports {

Expected<std::unique_ptr<AtomicFile>, std::string> AtomicFile::create(
    const std::filesystem::path& path) {
  const auto directory = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string hidden_name = ".";
  hidden_name.append(path.filename().string()).append(".XXXXXX");
  std::string temp = (directory / hidden_name).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return Unexpected(path.string() + ": " + std::strerror(errno));
  std::FILE* stream = ::fdopen(fd, "w");
  if (stream == nullptr) {
    const std::string error = std::strerror(errno);
    ::close(fd);
    ::unlink(temp.c_str());
    return Unexpected(path.string() + ": " + error);
  }
  return std::unique_ptr<AtomicFile>(new AtomicFile(path, std::move(temp), stream));
}

AtomicFile::~AtomicFile() {
  if (stream_ == nullptr) return;
  std::fclose(stream_);
  ::unlink(temp_path_.c_str());
}

Expected<void, std::string> AtomicFile::commit() {
  // mkstemp creates the file 0600; a results file is as readable as any file the user writes.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(::fileno(stream_), 0666 & ~mask);
  const bool written = std::fflush(stream_) == 0 && std::ferror(stream_) == 0;
  const int saved_errno = errno;
  const bool closed = std::fclose(stream_) == 0;
  stream_ = nullptr;
  if (!written || !closed || std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    const std::string error = std::strerror(written ? errno : saved_errno);
    ::unlink(temp_path_.c_str());
    return Unexpected(path_.string() + ": " + error);
  }
  return {};
}

}  // namespace faultline::reports
