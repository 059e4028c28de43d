// The journal reader (src/journal/journal.cpp): journal::verify on the bytes as given;
// then the same lines re-chained (seq and prev set right) so that the fuzzer gets past
// the hash chain: that text must verify, open as a Journal (from a file, as resume and
// undo open it) and replay into a CaseState (what resume, undo and report read).

#include "dftriage/journal/journal.hpp"

#include "common.hpp"
#include "dftriage/exec/case_state.hpp"
#include "dftriage/util/error.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace {

using json = nlohmann::ordered_json;

// A file in a directory of this process's own, removed at exit.
const std::string& journal_path()
{
  static const std::string path = [] {
    const char* shm = "/dev/shm";
    const char* base =
        access(shm, W_OK) == 0 ? shm : (std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp");
    std::string dir = std::string(base) + "/dftriage-fuzz-journal-XXXXXX";
    if (mkdtemp(dir.data()) == nullptr) {
      fuzz::fail("cannot make a temporary directory");
    }
    static std::string cleanup_dir = dir;
    std::atexit([] {
      unlink((cleanup_dir + "/journal.jsonl").c_str());
      rmdir(cleanup_dir.c_str());
    });
    return dir + "/journal.jsonl";
  }();
  return path;
}

void write_file(const std::string& path, const std::string& text)
{
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    fuzz::fail("cannot write the temporary journal");
  }
  close(fd);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  namespace journal = dftriage::journal;
  std::string_view text = fuzz::bytes(data, size);
  (void)journal::verify(text);

  // Re-chain every line that is a JSON object.
  std::string chained;
  std::string prev(journal::k_genesis);
  std::size_t seq = 0;
  bool whole = true; // every line an object, the last one ended
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    json entry = json::parse(line, nullptr, false);
    std::string out(line);
    if (!entry.is_discarded() && entry.is_object()) {
      entry["seq"] = ++seq;
      entry["prev"] = prev;
      out = entry.dump(-1, ' ', false, json::error_handler_t::replace);
      prev = journal::sha256_hex(out);
    } else {
      whole = false;
    }
    chained += out;
    if (end != std::string_view::npos) {
      chained += '\n';
    } else {
      whole = false;
    }
    if (!whole) {
      break;
    }
  }
  const auto check = journal::verify(chained);
  if (check.ok != whole || (whole && check.entries != seq)) {
    fuzz::fail("verify disagrees with the chain just written");
  }
  if (!whole) {
    return 0;
  }
  write_file(journal_path(), chained);
  const journal::Journal opened(journal_path(), journal::Operator{"fuzz@host", ""},
                                [] { return std::string("2026-01-01T00:00:00.000Z"); });
  if (opened.entries().size() != seq) {
    fuzz::fail("the journal opened with another number of entries than verified");
  }
  const auto state = dftriage::exec::CaseState::replay(opened.entries());
  for (const auto& id : state.order()) {
    if (state.step(id) == nullptr) {
      fuzz::fail("a step in order() has no record");
    }
  }
  return 0;
}
