#include "collect_progress.hpp"

#include "dftriage/util/terminal.hpp"

#include <array>
#include <string_view>

namespace dftriage::cli {

namespace {

using std::chrono::milliseconds;

constexpr milliseconds k_redraw_interval{200};
constexpr std::array<std::string_view, 10> k_braille_frames = {"⠋", "⠙", "⠹", "⠸", "⠼",
                                                               "⠴", "⠦", "⠧", "⠇", "⠏"};
constexpr std::array<std::string_view, 4> k_plain_frames = {"|", "/", "-", "\\"};
constexpr std::string_view k_erase_line = "\r\x1b[K";

std::string progress_count(std::uint64_t n, const char* one, const char* many)
{
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "42 s", "3 min 5 s", "1 h 2 min".
std::string time_left_text(long long seconds)
{
  if (seconds < 60) {
    return std::to_string(seconds) + " s";
  }
  if (seconds < 3600) {
    return std::to_string(seconds / 60) + " min " + std::to_string(seconds % 60) + " s";
  }
  return std::to_string(seconds / 3600) + " h " + std::to_string(seconds % 3600 / 60) + " min";
}

} // namespace

std::string collect_progress_text(std::size_t done, std::size_t total,
                                  const CollectFigures& figures, milliseconds elapsed)
{
  std::string out = std::to_string(done) + "/" + std::to_string(total) + " incidents, " +
                    progress_count(figures.requests, "request", "requests") + ", " +
                    progress_count(figures.waits, "throttled wait", "throttled waits");
  if (figures.throttled > 0) {
    out += " (" + std::to_string(figures.throttled) + " x 429)";
  }
  if (done > 0 && done < total) {
    const long long left =
        (elapsed.count() * static_cast<long long>(total - done) / static_cast<long long>(done) +
         999) /
        1000;
    out += ", about " + time_left_text(left) + " left";
  }
  return out;
}

CollectProgress::CollectProgress(std::size_t total, std::function<CollectFigures()> figures,
                                 ProgressOptions options)
    : m_total(total)
    , m_figures(std::move(figures))
    , m_options(std::move(options))
    , m_started(now())
{
  if (m_options.tty && m_options.animate) {
    m_thread = std::thread([this] {
      std::unique_lock<std::mutex> lock(m_mutex);
      while (!m_stop) {
        draw_locked();
        m_wake.wait_for(lock, k_redraw_interval);
      }
    });
  }
}

CollectProgress::~CollectProgress()
{
  finish();
}

void CollectProgress::finish()
{
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
    erase_locked();
  }
  m_wake.notify_all();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

void CollectProgress::incident_done(std::FILE* stream, const std::string& result)
{
  const std::lock_guard<std::mutex> lock(m_mutex);
  ++m_done;
  erase_locked();
  if (!result.empty()) {
    std::fwrite(result.data(), 1, result.size(), stream);
    std::fflush(stream);
  }
  if (!m_stop) {
    draw_locked();
  }
}

void CollectProgress::tick()
{
  const std::lock_guard<std::mutex> lock(m_mutex);
  if (!m_stop) {
    draw_locked();
  }
}

std::size_t CollectProgress::done() const
{
  const std::lock_guard<std::mutex> lock(m_mutex);
  return m_done;
}

milliseconds CollectProgress::elapsed() const
{
  return std::chrono::duration_cast<milliseconds>(now() - m_started);
}

void CollectProgress::draw_locked()
{
  if (!m_options.tty) {
    return;
  }
  const std::string_view frame = m_options.unicode
                                     ? k_braille_frames[m_frame % k_braille_frames.size()]
                                     : k_plain_frames[m_frame % k_plain_frames.size()];
  ++m_frame;
  std::string line = collect_progress_text(m_done, m_total, m_figures(), elapsed());
  // The text is ASCII: cut it to the terminal so that it never wraps.
  const std::size_t room =
      m_options.columns > 4 ? static_cast<std::size_t>(m_options.columns) - 3 : 1;
  if (line.size() > room) {
    line.resize(room);
  }
  write(std::string(k_erase_line) +
        terminal::paint(frame, terminal::Colour::cyan, m_options.colour) + " " + line);
  m_drawn = true;
}

void CollectProgress::erase_locked()
{
  if (m_drawn) {
    write(k_erase_line);
    m_drawn = false;
  }
}

void CollectProgress::write(std::string_view s) const
{
  if (m_options.write) {
    m_options.write(s);
    return;
  }
  std::fwrite(s.data(), 1, s.size(), stderr);
  std::fflush(stderr);
}

std::chrono::steady_clock::time_point CollectProgress::now() const
{
  return m_options.now ? m_options.now() : std::chrono::steady_clock::now();
}

} // namespace dftriage::cli
