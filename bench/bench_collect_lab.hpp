// What the collect benchmark reads around a collection: a lab served by `dftriage lab
// serve` in a child process (its connection line, the requests it recorded), and the
// case journals the collection wrote (the reads each case sent).

#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

namespace dftriage::bench {

// How to serve the lab.
struct LabSpec
{
  std::string dftriage;           // the dftriage binary
  std::vector<std::string> seeds; // alert files the lab is seeded from
  int latency_ms = 0;             // added to every response
  std::string read_budget;        // lab serve --read-budget ("" for none)
  std::filesystem::path dir;      // emptied, then holds its state, record and output
};

// What the lab answered, from its record.
struct LabTraffic
{
  std::uint64_t requests = 0;  // every request, token requests included
  std::uint64_t tokens = 0;    // requests to a token endpoint
  std::uint64_t throttled = 0; // answered 429
};

// A lab served over HTTPS by `dftriage lab serve`, stopped (SIGTERM) by the destructor.
class CollectLab
{
public:
  // Starts the lab and waits up to 20 s for its connection line; throws
  // std::runtime_error when it cannot start or says nothing.
  explicit CollectLab(const LabSpec& spec);
  ~CollectLab();
  CollectLab(const CollectLab&) = delete;
  CollectLab& operator=(const CollectLab&) = delete;

  // The lab's connection JSON, one line (a cloud file for --cloud).
  const std::string& connection() const { return m_connection; }
  // The file holding the connection line.
  const std::filesystem::path& cloud_file() const { return m_cloud_file; }
  // What the lab recorded so far.
  LabTraffic traffic() const;

private:
  pid_t m_pid = -1;
  std::filesystem::path m_record;
  std::filesystem::path m_cloud_file;
  std::string m_connection;
};

// One read a case journal says was sent.
struct SentRead
{
  std::string url;
  std::string audience; // the token's audience ("" when the journal names none)
};

// What the case journals under a cases folder hold.
struct CaseReads
{
  std::uint64_t cases = 0;
  std::vector<SentRead> reads;    // GETs journaled as sent (request.sent, reads.unused)
  std::uint64_t throttled = 0;    // answers or failures journaled with status 429
  std::uint64_t failed = 0;       // request.failed entries
  std::uint64_t not_finished = 0; // cases whose last entry is not collect.finished
};

// Reads every `*/journal.jsonl` under `cases`; throws std::runtime_error on a line that
// is not JSON.
CaseReads read_case_journals(const std::filesystem::path& cases);

// What `dftriage collect` said in its last line on stderr ("collect: … R requests, W
// throttled waits, T x 429; S s").
struct CollectSummary
{
  std::uint64_t requests = 0;
  std::uint64_t waits = 0;
  std::uint64_t throttled = 0;
  bool found = false;
};

// Reads the summary out of collect's stderr text; `found` is false when there is none.
CollectSummary parse_collect_summary(const std::string& stderr_text);

// Returns the whole text of `path` ("" when it cannot be read).
std::string read_text_file(const std::filesystem::path& path);

} // namespace dftriage::bench
