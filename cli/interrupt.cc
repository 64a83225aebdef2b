#include "cli/interrupt.h"

#include <cassert>
#include <csignal>

namespace faultline::cli {
namespace {

// A signal handler may only touch lock-free atomics: these two, set by the handler, read by the
// simulation loop and the command.
std::atomic<bool> stop_requested{false};
std::atomic<int> stop_signal{0};
std::atomic<bool> installed{false};
struct sigaction previous_int;
struct sigaction previous_term;

extern "C" void onStopSignal(int signal_number) {
  stop_signal.store(signal_number, std::memory_order_relaxed);
  stop_requested.store(true, std::memory_order_relaxed);
}

}  // namespace

StopOnSignal::StopOnSignal() {
  static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);
  [[maybe_unused]] const bool was_installed = installed.exchange(true);
  assert(!was_installed && "one StopOnSignal at a time");
  stop_requested = false;
  stop_signal = 0;
  struct sigaction action {};
  action.sa_handler = onStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &previous_int);
  sigaction(SIGTERM, &action, &previous_term);
}

StopOnSignal::~StopOnSignal() {
  sigaction(SIGINT, &previous_int, nullptr);
  sigaction(SIGTERM, &previous_term, nullptr);
  installed = false;
}

const std::atomic<bool>& StopOnSignal::requested() const {
  return stop_requested;
}

int StopOnSignal::signal() const {
  return stop_signal.load(std::memory_order_relaxed);
}

}  // namespace faultline::cli
