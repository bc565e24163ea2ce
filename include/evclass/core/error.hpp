#pragma once
// Errors that come from input (files, configs, expressions, users). Bugs in evclass itself
// use EVC_ASSERT instead; nothing here is ever raised for a broken internal invariant.

#include <stdexcept>
#include <string>

namespace evclass {

/// Base of every error evclass reports to a user. what() is a complete, readable message.
class Error : public std::runtime_error {
 public:
  /// Control characters in the message (from names read out of damaged files) are escaped as
  /// \xNN; a line break followed by two spaces (a continuation line) is kept.
  explicit Error(const std::string& message) : std::runtime_error(printable_message(message)) {}
  /// Short name of the error kind, printed before the message ("CorruptFile", ...).
  [[nodiscard]] virtual const char* kind() const noexcept { return "Error"; }

 private:
  static std::string printable_message(const std::string& message);
};

/// The operating system refused: open, read, write or rename failed (message has errno text).
class IoError : public Error {
 public:
  using Error::Error;
  [[nodiscard]] const char* kind() const noexcept override { return "IoError"; }
};

/// The bytes of a file do not match its format.
class CorruptFile : public Error {
 public:
  using Error::Error;
  [[nodiscard]] const char* kind() const noexcept override { return "CorruptFile"; }
};

/// Valid input that evclass does not handle yet (an unusual streamer, RNTuple, ...).
class Unsupported : public Error {
 public:
  using Error::Error;
  [[nodiscard]] const char* kind() const noexcept override { return "Unsupported"; }
};

/// A configuration or command-line value is wrong.
class ConfigError : public Error {
 public:
  using Error::Error;
  [[nodiscard]] const char* kind() const noexcept override { return "ConfigError"; }
};

/// A named thing (tree, branch, key, column) does not exist; the message lists the closest names.
class KeyNotFound : public Error {
 public:
  using Error::Error;
  [[nodiscard]] const char* kind() const noexcept override { return "KeyNotFound"; }
};

}  // namespace evclass

/// Checks an internal invariant (a bug if it fails). Never use it on file or user content.
#define EVC_ASSERT(cond, msg)                                                   \
  do {                                                                          \
    if (!(cond)) ::evclass::detail::assert_failed(#cond, msg, __FILE__, __LINE__); \
  } while (0)

namespace evclass::detail {
[[noreturn]] void assert_failed(const char* cond, const char* msg, const char* file, int line);
}
