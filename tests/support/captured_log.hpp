#pragma once

// Test support: spdlog's default logger replaced, for a test's lifetime, by one that
// writes into a string.

#include <memory>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sstream>
#include <string>

namespace dftriage::test {

class CapturedLog
{
public:
  // Captures messages at `level` and above; `pattern` as spdlog's ("" keeps its default).
  explicit CapturedLog(spdlog::level::level_enum level = spdlog::level::trace,
                       const std::string& pattern = "")
      : m_previous(spdlog::default_logger())
  {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(m_out);
    auto logger = std::make_shared<spdlog::logger>("captured", sink);
    if (!pattern.empty()) {
      logger->set_pattern(pattern);
    }
    logger->set_level(level);
    spdlog::set_default_logger(logger);
  }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;
  ~CapturedLog() { spdlog::set_default_logger(m_previous); }

  // Everything logged so far.
  std::string text() const { return m_out.str(); }

private:
  std::ostringstream m_out;
  std::shared_ptr<spdlog::logger> m_previous;
};

} // namespace dftriage::test
