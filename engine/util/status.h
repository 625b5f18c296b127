// Status and Result<T>: engine errors are values (as in LevelDB and RE2).
// Exceptions exist only where yaml-cpp or the allocator throw; the C API
// boundary catches them.
#ifndef ZARI_ENGINE_UTIL_STATUS_H_
#define ZARI_ENGINE_UTIL_STATUS_H_

#include <optional>
#include <string>
#include <utility>

namespace zari {

// Mirrors zari_status in zari.h (same numbers), so the C shim can pass codes through.
enum class Code : int {
  kOk = 0,
  kInvalid = -1,
  kNoMemory = -2,
  kNotFound = -3,
  kPack = -4,
  kState = -5,
  kIo = -6,
  kLimit = -7,
  kInternal = -8,
  kBusy = -9,  // a conversation is held by another operator, or by none
};

class Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T* operator->() { return &*value_; }
  T& operator*() { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace zari

#endif  // ZARI_ENGINE_UTIL_STATUS_H_
