#include "collect_progress.hpp"

#include "dftriage/util/terminal.hpp"
#include "walk_text.hpp"

#include <algorithm>
#include <string_view>

namespace dftriage::cli {

namespace {

using std::chrono::milliseconds;

constexpr milliseconds k_redraw_interval{200};
constexpr std::string_view k_erase_line = "\r\x1b[K";

// "42 requests", "1 throttled wait"; in Chinese "请求 42 次".
std::string collect_count_text(std::uint64_t n, const char* one, const char* many,
                               const char* zh_cn, playbook::Lang lang)
{
  if (lang == playbook::Lang::zh_cn) {
    return std::string(zh_cn) + " " + std::to_string(n) + " 次";
  }
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "42 s", "3 min 5 s", "1 h 2 min"; in Chinese "42 秒", "3 分 5 秒", "1 小时 2 分".
std::string collect_time_left_text(long long seconds, playbook::Lang lang)
{
  const std::string s = tr(lang, " s", " 秒");
  const std::string min = tr(lang, " min", " 分");
  if (seconds < 60) {
    return std::to_string(seconds) + s;
  }
  if (seconds < 3600) {
    return std::to_string(seconds / 60) + min + " " + std::to_string(seconds % 60) + s;
  }
  return std::to_string(seconds / 3600) + tr(lang, " h ", " 小时 ") +
         std::to_string(seconds % 3600 / 60) + min;
}

// Returns `line` cut to `columns` terminal columns at a character's start (a wide
// character takes two), so that the line never wraps.
std::string collect_fit_columns(const std::string& line, std::size_t columns)
{
  std::size_t used = 0;
  for (std::size_t i = 0; i < line.size();) {
    const std::size_t start = i;
    used += terminal::is_wide(terminal::next_char(line, i)) ? 2 : 1;
    if (used > columns) {
      return line.substr(0, start);
    }
  }
  return line;
}

} // namespace

std::string collect_progress_text(std::size_t done, std::size_t total,
                                  const CollectFigures& figures, milliseconds elapsed,
                                  playbook::Lang lang, std::optional<milliseconds> last_done)
{
  const bool zh = lang == playbook::Lang::zh_cn;
  const std::string of = std::to_string(done) + "/" + std::to_string(total);
  std::string out =
      (zh ? "事件 " + of + "，" : of + " incidents, ") +
      collect_count_text(figures.requests, "request", "requests", "请求", lang) +
      tr(lang, ", ", "，") +
      collect_count_text(figures.waits, "throttled wait", "throttled waits", "限流等待", lang);
  if (figures.throttled > 0) {
    const std::string n = std::to_string(figures.throttled);
    out += zh ? "（429 共 " + n + " 次）" : " (" + n + " x 429)";
  }
  if (done > 0 && done < total) {
    const long long at = std::min(last_done.value_or(elapsed), elapsed).count();
    const long long per_incident_left =
        at * static_cast<long long>(total - done) / static_cast<long long>(done);
    const long long left = std::max(1LL, (per_incident_left - (elapsed.count() - at) + 999) / 1000);
    out += zh ? "，预计还需约 " + collect_time_left_text(left, lang)
              : ", about " + collect_time_left_text(left, lang) + " left";
  }
  return out;
}

CollectProgress::CollectProgress(std::size_t total, std::function<CollectFigures()> figures,
                                 ProgressOptions options, playbook::Lang lang)
    : m_total(total)
    , m_figures(std::move(figures))
    , m_options(std::move(options))
    , m_lang(lang)
    , m_started(progress_now(m_options))
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
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    ++m_done;
    m_last_done = elapsed();
  }
  say(stream, result);
}

void CollectProgress::say(std::FILE* stream, const std::string& result)
{
  const std::lock_guard<std::mutex> lock(m_mutex);
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
  return std::chrono::duration_cast<milliseconds>(progress_now(m_options) - m_started);
}

void CollectProgress::draw_locked()
{
  if (!m_options.tty) {
    return;
  }
  // The spinner and its space take two columns; the line stops one short of the edge.
  const std::size_t room =
      m_options.columns > 4 ? static_cast<std::size_t>(m_options.columns) - 3 : 1;
  const std::string line = collect_fit_columns(
      collect_progress_text(m_done, m_total, m_figures(), elapsed(), m_lang, m_last_done), room);
  write_progress(m_options, std::string(k_erase_line) + spinner_line(m_options, m_frame, line));
  ++m_frame;
  m_drawn = true;
}

void CollectProgress::erase_locked()
{
  if (m_drawn) {
    write_progress(m_options, k_erase_line);
    m_drawn = false;
  }
}

} // namespace dftriage::cli
