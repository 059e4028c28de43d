#pragma once

// Internal to src/cli: what the user sees while the Azure client waits (a long-running
// operation's poll interval, a retry's backoff, a Retry-After). On a terminal, one line
// on stderr with a spinner and a countdown, redrawn in place and erased when the wait
// ends; off a terminal nothing, except a log line per wait at -v. Never on stdout.

#include "dftriage/azure/client.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace dftriage::cli {

// Returns the sentence for `wait` with `left` still to wait, without spinner, colour or
// ellipsis: "Waiting 8 s for the long-running operation PUT …/nsg-1 (poll 2)",
// "Waiting 3 s to retry GET …/vaults/kv1 after 500 InternalServerError (attempt 2 of 4)",
// "Throttled (429 TooManyRequests): waiting 8 s to retry PUT …/nsg-1 (attempt 2 of 4)".
// The seconds are rounded up, so a wait shows "0 s" only when it is over.
std::string describe_wait(const azure::Wait& wait, std::chrono::milliseconds left);

// Makes describe_wait speak Chinese (zh-CN) from now on, for a walk in that language.
void set_progress_chinese(bool chinese);

struct ProgressOptions
{
  bool tty = false;    // draw the in-place line (stderr is a terminal and not -q)
  bool colour = false; // colour the spinner (a terminal without NO_COLOR)
  bool unicode = true; // braille spinner and "…"; ASCII "|/-\" and "..." otherwise
  // The line never wraps: when it is too long the resource type goes ("PUT …/nsg-1"),
  // then its end is cut at columns - 1.
  int columns = 80;
  bool animate = true; // a thread redraws while waiting; tests call tick() instead
  // Where the line goes; empty: stderr (written and flushed at once).
  std::function<void(std::string_view)> write;
  // The clock of the countdown; empty: steady_clock::now.
  std::function<std::chrono::steady_clock::time_point()> now;
};

// Returns the status line's visible part, which Progress and collect's progress line both
// redraw in place: spinner frame `n` (braille when options.unicode, "|/-\" otherwise; cyan
// when options.colour), a space, then `text` as it is.
std::string spinner_line(const ProgressOptions& options, std::size_t n, std::string_view text);

// Writes `s` where options.write says; when it is empty, to stderr, flushed at once so that
// the line shows before the next wait.
void write_progress(const ProgressOptions& options, std::string_view s);

// Returns options.now(), or steady_clock::now() when it is empty.
std::chrono::steady_clock::time_point progress_now(const ProgressOptions& options);

// Returns options for the process's stderr: a terminal and not quiet (the logger shows
// warnings), colour unless NO_COLOR, unicode in a UTF-8 locale, the terminal's width.
ProgressOptions stderr_progress_options();

// Renders the Azure client's waits. begin/end come from the client's thread; the
// animation thread only redraws between them.
class Progress
{
public:
  explicit Progress(ProgressOptions options);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // The client's wait observer: a wait that starts logs one line (info, shown at -v)
  // and, on a terminal, draws the progress line; one that ends erases it.
  void on_wait(const azure::Wait& wait);
  // Redraws the progress line (the next spinner frame, the seconds left); nothing when
  // no wait is running or off a terminal.
  void tick();

private:
  void begin(const azure::Wait& wait);
  void end();
  void draw_locked();
  void animate();

  ProgressOptions m_options;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::optional<azure::Wait> m_wait; // the wait being shown
  std::chrono::steady_clock::time_point m_until;
  std::size_t m_frame = 0;
  bool m_stop = false;
  std::thread m_thread;
};

// Returns a wait observer for ClientOptions::wait_observer drawing on stderr (see
// stderr_progress_options); it owns its Progress.
std::function<void(const azure::Wait&)> make_wait_observer();

} // namespace dftriage::cli
