// The progress line of src/cli/progress.cpp (end-to-end, on a served lab:
// tests/e2e/test_progress.cpp).

#include "cli/progress.hpp"
#include "support/captured_log.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sstream>
#include <thread>

using namespace dftriage;
using dftriage::cli::describe_wait;
using dftriage::cli::Progress;
using dftriage::cli::ProgressOptions;
using std::chrono::milliseconds;

namespace {

// -v: info and above, as the CLI prints it.
class CliLog : public dftriage::test::CapturedLog
{
public:
  CliLog()
      : dftriage::test::CapturedLog(spdlog::level::debug, "dftriage: %l: %v")
  {
  }
};

azure::Wait operation_wait()
{
  azure::Wait w;
  w.kind = azure::WaitKind::operation;
  w.what = "PUT …/networkSecurityGroups/nsg-isolation-1";
  w.duration = milliseconds(8000);
  w.attempt = 2;
  w.status = 200;
  return w;
}

azure::Wait ended(azure::Wait w)
{
  w.ended = true;
  return w;
}

// A Progress on a pretend terminal writing into `out`, on a clock the test moves.
struct FakeTerminal
{
  std::string out;
  std::chrono::steady_clock::time_point clock{std::chrono::seconds(1000)};

  ProgressOptions options(bool tty = true)
  {
    ProgressOptions o;
    o.tty = tty;
    o.columns = 120;
    o.animate = false;
    o.write = [this](std::string_view s) { out += s; };
    o.now = [this] { return clock; };
    return o;
  }
};

} // namespace

TEST_CASE("describe_wait says what the client waits for, how long and why")
{
  auto w = operation_wait();
  CHECK(describe_wait(w, milliseconds(8000)) == "Waiting 8 s for the long-running operation PUT "
                                                "…/networkSecurityGroups/nsg-isolation-1 (poll 2)");
  CHECK(describe_wait(w, milliseconds(2001)) == "Waiting 3 s for the long-running operation PUT "
                                                "…/networkSecurityGroups/nsg-isolation-1 (poll 2)");
  CHECK(describe_wait(w, milliseconds(-5)).find("Waiting 0 s") == 0);

  w.kind = azure::WaitKind::retry;
  w.what = "GET …/vaults/kv1";
  w.attempt = 2;
  w.max_attempts = 4;
  w.status = 500;
  w.error_code = "InternalServerError";
  CHECK(describe_wait(w, milliseconds(1600)) ==
        "Waiting 2 s to retry GET …/vaults/kv1 after 500 InternalServerError (attempt 2 of 4)");
  w.error_code.clear();
  w.status = 503;
  CHECK(describe_wait(w, milliseconds(1600)) ==
        "Waiting 2 s to retry GET …/vaults/kv1 after 503 Service Unavailable (attempt 2 of 4)");
  w.status = 0;
  w.transport_error = "Timeout was reached";
  CHECK(describe_wait(w, milliseconds(1600)) == "Waiting 2 s to retry GET …/vaults/kv1 after no "
                                                "response: Timeout was reached (attempt 2 of 4)");

  w.kind = azure::WaitKind::throttled;
  w.status = 429;
  w.error_code = "TooManyRequests";
  CHECK(describe_wait(w, milliseconds(8000)) ==
        "Throttled (429 TooManyRequests): waiting 8 s to retry GET …/vaults/kv1 (attempt 2 of 4)");

  // The read pacer holding a read back before Azure would throttle it.
  w.status = 0;
  w.error_code.clear();
  w.paced = azure::PaceReason::remaining_reads;
  CHECK(describe_wait(w, milliseconds(3000)) ==
        "Pacing reads (few reads left): waiting 3 s before GET …/vaults/kv1");
  w.paced = azure::PaceReason::budget;
  CHECK(describe_wait(w, milliseconds(3000)) ==
        "Pacing reads (read budget): waiting 3 s before GET …/vaults/kv1");
}

TEST_CASE("on a terminal the wait is one line, counted down in place and erased at its end")
{
  CliLog log;
  FakeTerminal term;
  Progress progress(term.options());
  const auto w = operation_wait();
  const std::string sentence =
      " for the long-running operation PUT …/networkSecurityGroups/nsg-isolation-1 (poll 2)…";

  progress.on_wait(w);
  CHECK(term.out == "\r⠋ Waiting 8 s" + sentence + "\x1b[K");

  term.out.clear();
  term.clock += milliseconds(3200);
  progress.tick();
  CHECK(term.out == "\r⠙ Waiting 5 s" + sentence + "\x1b[K");

  term.out.clear();
  progress.on_wait(ended(w));
  CHECK(term.out == "\r\x1b[K");

  term.out.clear();
  progress.tick();            // no wait: nothing to draw
  progress.on_wait(ended(w)); // an end without a beginning erases nothing
  CHECK(term.out.empty());

  SECTION("colour only when asked for (NO_COLOR unset)")
  {
    FakeTerminal coloured;
    auto options = coloured.options();
    options.colour = true;
    Progress p(options);
    p.on_wait(w);
    CHECK(coloured.out.find("\x1b[36m⠋\x1b[0m Waiting 8 s") != std::string::npos);
  }
  SECTION("ASCII outside a UTF-8 locale")
  {
    FakeTerminal plain;
    auto options = plain.options();
    options.unicode = false;
    Progress p(options);
    p.on_wait(w);
    CHECK(plain.out ==
          "\r| Waiting 8 s for the long-running operation PUT .../networkSecurityGroups/"
          "nsg-isolation-1 (poll 2)...\x1b[K");
  }
  SECTION("shortened to the terminal's width so that it never wraps")
  {
    FakeTerminal narrow;
    auto options = narrow.options();
    options.columns = 80; // the resource type goes
    Progress p80(options);
    p80.on_wait(w);
    CHECK(narrow.out ==
          "\r⠋ Waiting 8 s for the long-running operation PUT …/nsg-isolation-1 (poll 2)…\x1b[K");
    p80.on_wait(ended(w));

    narrow.out.clear();
    options.columns = 40; // and then the end
    Progress p40(options);
    p40.on_wait(w);
    CHECK(narrow.out == "\r⠋ Waiting 8 s for the long-running ope…\x1b[K"); // 39 columns
  }
}

TEST_CASE("off a terminal a wait prints nothing but a log line at -v")
{
  CliLog log;
  FakeTerminal term;
  Progress progress(term.options(false));
  auto w = operation_wait();
  progress.on_wait(w);
  progress.tick();
  progress.on_wait(ended(w));
  CHECK(term.out.empty());
  CHECK(log.text() == "dftriage: info: waiting 8 s for the long-running operation "
                      "PUT …/networkSecurityGroups/nsg-isolation-1 (poll 2)\n");

  SECTION("and nothing without -v")
  {
    const std::size_t before = log.text().size();
    spdlog::default_logger()->set_level(spdlog::level::warn);
    progress.on_wait(w);
    progress.on_wait(ended(w));
    CHECK(log.text().size() == before);
  }
}

TEST_CASE("the spinner turns by itself while the client sleeps, and stops at the end")
{
  CliLog log;
  std::mutex mutex;
  std::string out;
  ProgressOptions options;
  options.tty = true;
  options.write = [&](std::string_view s) {
    std::lock_guard<std::mutex> lock(mutex);
    out += s;
  };
  Progress progress(options);
  const auto w = operation_wait();
  progress.on_wait(w);
  std::this_thread::sleep_for(milliseconds(350));
  progress.on_wait(ended(w));
  const std::string done = out;
  std::this_thread::sleep_for(milliseconds(150));

  std::lock_guard<std::mutex> lock(mutex);
  CHECK(out == done);                        // nothing drawn after the end
  CHECK(out.find("⠙") != std::string::npos); // a frame after the first
  CHECK(out.size() >= 5);
  CHECK(out.substr(out.size() - 4) == "\r\x1b[K");
}

TEST_CASE("describe_wait speaks Chinese in a zh-CN walk")
{
  dftriage::cli::set_progress_chinese(true);
  auto w = operation_wait();
  CHECK(describe_wait(w, milliseconds(8000)) ==
        "等待长时间运行的操作 PUT …/networkSecurityGroups/nsg-isolation-1，8 s 后查询（第 2 次）");
  w.kind = azure::WaitKind::retry;
  w.what = "GET …/vaults/kv1";
  w.attempt = 2;
  w.max_attempts = 4;
  w.status = 500;
  w.error_code = "InternalServerError";
  CHECK(describe_wait(w, milliseconds(1600)) ==
        "因 500 InternalServerError，2 s 后重试 GET …/vaults/kv1（第 2 次，共 4 次）");
  w.kind = azure::WaitKind::throttled;
  w.status = 429;
  w.error_code = "TooManyRequests";
  CHECK(describe_wait(w, milliseconds(1600)) ==
        "被限流（429 TooManyRequests）：2 s 后重试 GET …/vaults/kv1（第 2 次，共 4 次）");
  dftriage::cli::set_progress_chinese(false);
  CHECK(describe_wait(w, milliseconds(1600)).rfind("Throttled", 0) == 0);
}
