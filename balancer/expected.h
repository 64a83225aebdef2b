#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace faultline {

// The error side of an Expected, spelt as in C++23: `return Unexpected(error);`.
template <typename E>
struct Unexpected {
  explicit Unexpected(E e) : error(std::move(e)) {}
  E error;
};

// A value or the reason there is none. g++ 12 has no std::expected; this is the subset of its
// interface Faultline uses, so moving to std::expected later is a rename. Configuration and
// scenario loading return it; nothing on the per-request or per-event path throws.
template <typename T, typename E>
class [[nodiscard]] Expected {
 public:
  template <typename U = T>
  requires std::is_constructible_v<T, U&&> Expected(U&& value)
      : storage_(std::in_place_index<0>, std::forward<U>(value)) {}
  Expected(Unexpected<E> unexpected)
      : storage_(std::in_place_index<1>, std::move(unexpected.error)) {}

  bool hasValue() const { return storage_.index() == 0; }
  explicit operator bool() const { return hasValue(); }

  T& value() & {
    assert(hasValue());
    return std::get<0>(storage_);
  }
  const T& value() const& {
    assert(hasValue());
    return std::get<0>(storage_);
  }
  T&& value() && {
    assert(hasValue());
    return std::get<0>(std::move(storage_));
  }
  const E& error() const {
    assert(!hasValue());
    return std::get<1>(storage_);
  }
  E& error() {
    assert(!hasValue());
    return std::get<1>(storage_);
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, E> storage_;
};

// Success without a value, or an error.
template <typename E>
class [[nodiscard]] Expected<void, E> {
 public:
  Expected() = default;
  Expected(Unexpected<E> unexpected) : error_(std::move(unexpected.error)), has_error_(true) {}

  bool hasValue() const { return !has_error_; }
  explicit operator bool() const { return hasValue(); }
  const E& error() const {
    assert(has_error_);
    return error_;
  }

 private:
  E error_{};
  bool has_error_ = false;
};

}  // namespace faultline
