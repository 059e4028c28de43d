#pragma once

// Internal to src/cli: what `dftriage collect` shows while it works. At a terminal, one
// line on stderr redrawn in place (incidents done of all, requests sent, throttled waits,
// an estimate of the time left), in --lang's language, and erased at the end; results
// written to stdout meanwhile go above it. Off a terminal nothing until the summary.

#include "dftriage/playbook/playbook.hpp"
#include "progress.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace dftriage::cli {

// The counts the line shows, read when it is drawn.
struct CollectFigures
{
  std::uint64_t requests = 0;  // reads sent, every attempt, page and poll
  std::uint64_t throttled = 0; // 429s seen
  std::uint64_t waits = 0;     // waits to stay within the budget or after a 429
};

// Returns the progress line's text in `lang`, without spinner: "3/6 incidents, 42 requests,
// 2 throttled waits, about 12 s left", "事件 3/6，请求 42 次，限流等待 2 次，预计还需约 12 秒"
// (no estimate before the first incident is done). The estimate is the mean time of the
// incidents done so far, at `last_done` (the time the last one was done; nullopt: now),
// for each one left, less the time since: it counts down between incidents instead of
// growing, and stays at 1 s at least while any is left.
std::string
collect_progress_text(std::size_t done, std::size_t total, const CollectFigures& figures,
                      std::chrono::milliseconds elapsed, playbook::Lang lang = playbook::Lang::en,
                      std::optional<std::chrono::milliseconds> last_done = std::nullopt);

class CollectProgress
{
public:
  // `figures` is called by the drawing thread, so it must be thread-safe. `options.tty`
  // false: nothing is drawn. The line speaks `lang`.
  CollectProgress(std::size_t total, std::function<CollectFigures()> figures,
                  ProgressOptions options, playbook::Lang lang = playbook::Lang::en);
  // Erases the line and stops drawing.
  ~CollectProgress();
  CollectProgress(const CollectProgress&) = delete;
  CollectProgress& operator=(const CollectProgress&) = delete;

  // Counts one more incident done and writes `result` (a whole line, or "") to `stream`
  // first, with the line erased before and drawn again after it.
  void incident_done(std::FILE* stream, const std::string& result);
  // Writes `result` (whole lines, or "") to `stream` with the line erased before and drawn
  // again after it.
  void say(std::FILE* stream, const std::string& result);
  // Erases the line for good (the summary follows); idempotent.
  void finish();
  // Redraws the line (tests; the drawing thread calls it too).
  void tick();

  std::size_t done() const;
  std::chrono::milliseconds elapsed() const;

private:
  void draw_locked();
  void erase_locked();

  std::size_t m_total;
  std::function<CollectFigures()> m_figures;
  ProgressOptions m_options;
  playbook::Lang m_lang;
  std::chrono::steady_clock::time_point m_started;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  std::size_t m_done = 0;
  std::chrono::milliseconds m_last_done{0}; // elapsed() when the last incident was done
  std::size_t m_frame = 0;
  bool m_drawn = false;
  bool m_stop = false;
  std::thread m_thread;
};

} // namespace dftriage::cli
