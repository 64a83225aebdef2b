#include "reports/results_file_writer.h"

#include <cassert>
#include <cerrno>
#include <cstring>

#include "reports/results_io.h"

namespace faultline::reports {
namespace {

// toJson prints the windows of a result with no windows as this line; the streamed file puts the
// windows where it stands.
constexpr std::string_view kEmptyWindows = "\n \"windows\": []";

// A window printed on its own, indented to where it stands in the whole result (two levels deep).
std::string nested(const std::string& json) {
  std::string out = "  ";
  for (std::size_t i = 0; i + 1 < json.size(); ++i) {  // drop the final newline
    out += json[i];
    if (json[i] == '\n') out += "  ";
  }
  return out;
}

}  // namespace

Expected<std::unique_ptr<ResultsFileWriter>, std::string> ResultsFileWriter::open(
    const std::filesystem::path& path, std::ostream& standard_output) {
  if (path == "-") {
    return std::unique_ptr<ResultsFileWriter>(new ResultsFileWriter(nullptr, &standard_output));
  }
  auto file = AtomicFile::create(path);
  if (!file) return Unexpected(file.error());
  return std::unique_ptr<ResultsFileWriter>(new ResultsFileWriter(std::move(*file), nullptr));
}

void ResultsFileWriter::onRunStarted(const metrics::RunLayout& layout) {
  recorder_.onRunStarted(layout);
  const std::string json = toJson(recorder_.result());
  const auto at = json.find(kEmptyWindows);
  assert(at != std::string::npos);
  write(std::string_view(json).substr(0, at + kEmptyWindows.size() - 1));  // up to the '['
}

void ResultsFileWriter::onWindowClosed(const metrics::WindowStats& window) {
  recorder_.onWindowClosed(window);  // comes back through onWindow()
}

void ResultsFileWriter::onWindow(const results::Window& window) {
  write(wrote_window_ ? ",\n" : "\n");
  write(nested(toJson(window)));
  wrote_window_ = true;
}

void ResultsFileWriter::onHostHealthChanged(const metrics::HostHealthEvent& event) {
  recorder_.onHostHealthChanged(event);
}

void ResultsFileWriter::onFailover(const metrics::FailoverEvent& event) {
  recorder_.onFailover(event);
}

void ResultsFileWriter::onInstanceHealthChanged(const metrics::InstanceHealthEvent& event) {
  recorder_.onInstanceHealthChanged(event);
}

void ResultsFileWriter::onFault(const metrics::FaultEvent& event) {
  recorder_.onFault(event);
}

void ResultsFileWriter::onHostStateChanged(const metrics::HostStateEvent& event) {
  recorder_.onHostStateChanged(event);
}

void ResultsFileWriter::onRunFinished(const metrics::RunSummary& summary) {
  recorder_.onRunFinished(summary);
  const std::string json = toJson(recorder_.result());
  const auto at = json.find(kEmptyWindows);
  assert(at != std::string::npos);
  write(wrote_window_ ? "\n ]" : "]");
  write(std::string_view(json).substr(at + kEmptyWindows.size()));
  finished_ = true;
}

void ResultsFileWriter::write(std::string_view text) {
  if (stream_ != nullptr) {
    stream_->write(text.data(), static_cast<std::streamsize>(text.size()));
    failed_ = failed_ || !*stream_;
    return;
  }
  if (std::fwrite(text.data(), 1, text.size(), file_->stream()) != text.size()) failed_ = true;
}

Expected<void, std::string> ResultsFileWriter::commit() {
  assert(finished_ && "commit() before the run finished");
  if (failed_) return Unexpected(std::string("write failed: ") + std::strerror(errno));
  if (file_) return file_->commit();
  if (!stream_->flush()) return Unexpected(std::string("standard output: write failed"));
  return {};
}

}  // namespace faultline::reports
