#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "balancer/expected.h"

namespace faultline::reports {

// A file that appears complete or not at all: written to a hidden temporary file in the target's
// directory and renamed into place by commit() (rename is atomic within a file system). Destroyed
// without commit(), it removes the temporary file, so a failed run leaves nothing behind.
class AtomicFile {
 public:
  static Expected<std::unique_ptr<AtomicFile>, std::string> create(
      const std::filesystem::path& path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::FILE* stream() { return stream_; }
  // Flushes, gives the file the permissions a new file would get, and renames it into place.
  Expected<void, std::string> commit();

 private:
  AtomicFile(std::filesystem::path path, std::string temp_path, std::FILE* stream)
      : path_(std::move(path)), temp_path_(std::move(temp_path)), stream_(stream) {}

  std::filesystem::path path_;
  std::string temp_path_;
  std::FILE* stream_;
};

}  // namespace faultline::reports
