#pragma once

#include "dftriage/util/exit_status.hpp"

#include <stdexcept>
#include <string>

namespace dftriage {

// The one exception hierarchy of dftriage. `main` catches Error, prints
// "dftriage: error: <what()>" once and exits with status(). Expected, per-item
// problems (a malformed alert among many) are reported as Diagnostic data instead.
// Every throw says which documented exit status it means: ExitStatus::failure only for
// what should never happen (an internal error).
class Error : public std::runtime_error
{
public:
  Error(const std::string& message, ExitStatus status)
      : std::runtime_error(message)
      , m_status(status)
  {
  }

  ExitStatus status() const { return m_status; }

private:
  ExitStatus m_status;
};

// The command line was wrong (unknown option value, missing file argument, ...).
class UsageError : public Error
{
public:
  explicit UsageError(const std::string& message)
      : Error(message, ExitStatus::usage)
  {
  }
};

// An input could not be used at all (unreadable file, document far too large, ...).
class InputError : public Error
{
public:
  explicit InputError(const std::string& message)
      : Error(message, ExitStatus::input_rejected)
  {
  }
};

// The user interrupted the run (Ctrl-C or SIGTERM).
class Interrupted : public Error
{
public:
  Interrupted()
      : Error("interrupted", ExitStatus::interrupted)
  {
  }
};

} // namespace dftriage
