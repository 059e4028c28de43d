#include "progress.hpp"

#include "dftriage/azure/azure_error.hpp"
#include "dftriage/azure/read_pacer.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"

#include <array>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <vector>

namespace dftriage::cli {

namespace {

using std::chrono::milliseconds;

// How often the line is redrawn while a wait runs (gh's spinner rate).
constexpr milliseconds k_frame_interval{100};

constexpr std::array<std::string_view, 10> k_unicode_frames = {"⠋", "⠙", "⠹", "⠸", "⠼",
                                                               "⠴", "⠦", "⠧", "⠇", "⠏"};
constexpr std::array<std::string_view, 4> k_ascii_frames = {"|", "/", "-", "\\"};

constexpr std::string_view k_ellipsis = "…";

// Back to the start of the line, and clear it to the end.
constexpr std::string_view k_erase = "\r\x1b[K";

long long seconds_up(milliseconds ms)
{
  return ms.count() <= 0 ? 0 : (ms.count() + 999) / 1000;
}

// The language of the waits' sentences (set_progress_chinese).
std::atomic<bool> g_chinese{false};

std::string attempts(const azure::Wait& wait, bool zh)
{
  if (zh) {
    return "（第 " + std::to_string(wait.attempt) + " 次" +
           (wait.max_attempts > 0 ? "，共 " + std::to_string(wait.max_attempts) + " 次"
                                  : std::string()) +
           "）";
  }
  std::string out = "(attempt " + std::to_string(wait.attempt);
  if (wait.max_attempts > 0) {
    out += " of " + std::to_string(wait.max_attempts);
  }
  return out + ")";
}

// "500 InternalServerError", or "500 Internal Server Error" when the body named no code.
std::string status_text(const azure::Wait& wait)
{
  std::string out = std::to_string(wait.status);
  const std::string_view name =
      wait.error_code.empty() ? azure::reason_phrase(wait.status) : wait.error_code;
  if (!name.empty()) {
    out += " ";
    out += name;
  }
  return out;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to)
{
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

// Returns the byte offset of each character (code point) of UTF-8 `s`.
std::vector<std::size_t> character_starts(std::string_view s)
{
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) { // not a continuation byte
      out.push_back(i);
    }
  }
  return out;
}

std::size_t width(std::string_view s)
{
  return character_starts(s).size();
}

// Returns `s` cut to `columns` characters, ending with `ellipsis` when cut.
std::string fit(const std::string& s, std::size_t columns, std::string_view ellipsis)
{
  const auto characters = character_starts(s);
  if (characters.size() <= columns) {
    return s;
  }
  const std::size_t ellipsis_width = width(ellipsis);
  const std::size_t keep = columns > ellipsis_width ? columns - ellipsis_width : 0;
  return s.substr(0, characters[keep]) + std::string(ellipsis);
}

// Returns `what` ("PUT …/networkSecurityGroups/nsg-1") without the first segment after
// the ellipsis ("PUT …/nsg-1"), for a line too long for the terminal.
std::string compact_target(const std::string& what)
{
  const auto path = what.find(std::string(k_ellipsis) + "/");
  if (path == std::string::npos) {
    return what;
  }
  const auto first = path + k_ellipsis.size() + 1;
  const auto second = what.find('/', first);
  if (second == std::string::npos || what.find(' ', first) < second) {
    return what;
  }
  return what.substr(0, first) + what.substr(second + 1);
}

bool utf8_locale()
{
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') {
      const std::string v = text::to_lower(value);
      return v.find("utf-8") != std::string::npos || v.find("utf8") != std::string::npos;
    }
  }
  return false;
}

int stderr_columns()
{
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  return 80;
}

} // namespace

std::string spinner_line(const ProgressOptions& options, std::size_t n, std::string_view text)
{
  const std::string_view frame = options.unicode ? k_unicode_frames[n % k_unicode_frames.size()]
                                                 : k_ascii_frames[n % k_ascii_frames.size()];
  return terminal::paint(frame, terminal::Colour::cyan, options.colour) + " " + std::string(text);
}

void write_progress(const ProgressOptions& options, std::string_view s)
{
  if (options.write) {
    options.write(s);
    return;
  }
  std::fwrite(s.data(), 1, s.size(), stderr);
  std::fflush(stderr);
}

std::chrono::steady_clock::time_point progress_now(const ProgressOptions& options)
{
  return options.now ? options.now() : std::chrono::steady_clock::now();
}

void set_progress_chinese(bool chinese)
{
  g_chinese = chinese;
}

std::string describe_wait(const azure::Wait& wait, milliseconds left)
{
  const bool zh = g_chinese;
  const std::string seconds = std::to_string(seconds_up(left)) + " s";
  switch (wait.kind) {
  case azure::WaitKind::operation:
    return zh ? "等待长时间运行的操作 " + wait.what + "，" + seconds + " 后查询（第 " +
                    std::to_string(wait.attempt) + " 次）"
              : "Waiting " + seconds + " for the long-running operation " + wait.what + " (poll " +
                    std::to_string(wait.attempt) + ")";
  case azure::WaitKind::throttled:
    if (wait.paced && wait.status == 0) {
      // The read pacer holding a read back before Azure throttles it.
      const auto reason = *wait.paced;
      const std::string why_zh =
          reason == azure::PaceReason::budget ? "读取预算已用完" : "剩余读取次数不多";
      return zh ? "放慢读取（" + why_zh + "）：" + seconds + " 后发送 " + wait.what
                : "Pacing reads (" + std::string(azure::to_string(reason)) + "): waiting " +
                      seconds + " before " + wait.what;
    }
    return zh ? "被限流（" + status_text(wait) + "）：" + seconds + " 后重试 " + wait.what +
                    attempts(wait, zh)
              : "Throttled (" + status_text(wait) + "): waiting " + seconds + " to retry " +
                    wait.what + " " + attempts(wait, zh);
  case azure::WaitKind::retry:
    break;
  }
  const std::string cause = wait.status != 0
                                ? status_text(wait)
                                : (zh ? "无响应：" : "no response: ") + wait.transport_error;
  return zh ? "因 " + cause + "，" + seconds + " 后重试 " + wait.what + attempts(wait, zh)
            : "Waiting " + seconds + " to retry " + wait.what + " after " + cause + " " +
                  attempts(wait, zh);
}

ProgressOptions stderr_progress_options()
{
  ProgressOptions options;
  options.tty =
      terminal::is_tty(stderr) && spdlog::default_logger()->should_log(spdlog::level::warn);
  options.colour = terminal::use_colour(stderr);
  options.unicode = utf8_locale();
  options.columns = stderr_columns();
  return options;
}

Progress::Progress(ProgressOptions options)
    : m_options(std::move(options))
{
}

Progress::~Progress()
{
  end();
}

void Progress::on_wait(const azure::Wait& wait)
{
  if (wait.ended) {
    end();
  } else {
    begin(wait);
  }
}

void Progress::begin(const azure::Wait& wait)
{
  end(); // a wait that never said it ended (it cannot, but never draw two lines)
  std::string line = describe_wait(wait, wait.duration);
  line[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(line[0])));
  spdlog::info("{}", line);
  if (!m_options.tty) {
    return;
  }
  std::lock_guard<std::mutex> lock(m_mutex);
  m_wait = wait;
  m_until = progress_now(m_options) + wait.duration;
  m_frame = 0;
  m_stop = false;
  draw_locked();
  if (m_options.animate) {
    m_thread = std::thread([this] { animate(); });
  }
}

void Progress::end()
{
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
    if (m_wait) {
      m_wait.reset();
      write_progress(m_options, k_erase);
    }
  }
  m_wake.notify_all();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

void Progress::tick()
{
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_wait) {
    ++m_frame;
    draw_locked();
  }
}

void Progress::animate()
{
  std::unique_lock<std::mutex> lock(m_mutex);
  while (!m_wake.wait_for(lock, k_frame_interval, [this] { return m_stop; })) {
    if (m_wait) {
      ++m_frame;
      draw_locked();
    }
  }
}

void Progress::draw_locked()
{
  const auto left = std::chrono::duration_cast<milliseconds>(m_until - progress_now(m_options));
  // The spinner and its space take two columns; the line stops one short of the edge.
  const auto room = static_cast<std::size_t>(std::max(m_options.columns - 3, 1));
  const std::string_view ellipsis = m_options.unicode ? k_ellipsis : std::string_view("...");
  std::string text = describe_wait(*m_wait, left);
  if (width(text) >= room) {
    azure::Wait compact = *m_wait;
    compact.what = compact_target(compact.what);
    text = describe_wait(compact, left);
  }
  if (!m_options.unicode) {
    text = replace_all(std::move(text), k_ellipsis, "...");
  }
  text = fit(text + std::string(ellipsis), room, ellipsis);
  write_progress(m_options, "\r" + spinner_line(m_options, m_frame, text) + "\x1b[K");
}

std::function<void(const azure::Wait&)> make_wait_observer()
{
  auto progress = std::make_shared<Progress>(stderr_progress_options());
  return [progress](const azure::Wait& wait) { progress->on_wait(wait); };
}

} // namespace dftriage::cli
