#pragma once

// Internal to src/cli: what `dftriage collect` says on stderr, in --lang's language (en or
// zh-CN): -o text's line per incident, the summary, a line per incident that did not go
// well, a line per incident at -v, the line after Ctrl-C. The JSON records on stdout stay as
// they are in every language (docs/OUTPUT.md "Collect record"); alert content in these
// lines is sanitized.

#include "collect_case.hpp"
#include "collect_progress.hpp"
#include "dftriage/playbook/playbook.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace dftriage::cli {

// Returns `-o text`'s line for an incident, with its newline: "INC-1  cases/INC-1  3 reads, 0
// failed  collected"; in Chinese "INC-1  cases/INC-1  读取 3 项，失败 0 项  已收集（collected）".
std::string collect_line_text(const CaseCollected& c, playbook::Lang lang);

// Returns a collect status for people: the word itself in English (scripts read it from
// the records), with its meaning in Chinese before it ("已跳过（skipped）").
std::string collect_status_word(const std::string& status, playbook::Lang lang);

// Returns the summary line without "dftriage: " and the newline: "collect: 5 of 6 incidents
// (4 collected, 1 skipped); 42 requests, 2 throttled waits, 0 x 429; 12 s"; in Chinese
// "collect：事件 5/6，其中已收集（collected）4 个、已跳过（skipped）1 个；请求 42 次，…".
std::string collect_summary_text(const std::vector<CaseCollected>& done, std::size_t total,
                                 const CollectFigures& figures, std::chrono::milliseconds elapsed,
                                 playbook::Lang lang);

// Returns the line logged (-v) when an incident ends: "INC-1: collected (3 reads, 0 failed)",
// then ": " and its message when it has one.
std::string collect_ended_text(const CaseCollected& c, playbook::Lang lang);

// Returns the stderr line (with "dftriage: ", without the newline) of an incident that
// ended neither collected, skipped nor interrupted: "dftriage: INC-1: failed: <message>".
std::string collect_problem_text(const CaseCollected& c, playbook::Lang lang);

// Returns the stderr line (with "dftriage: ", without the newline) of an incident left out
// because `file`, which holds an alert of it, could not all be read.
std::string collect_left_out_text(const std::string& incident, const std::string& file,
                                  playbook::Lang lang);

// Returns the stderr line (with "dftriage: ", without the newline) after Ctrl-C stopped a
// collection: the same command goes on.
std::string collect_interrupted_text(playbook::Lang lang);

} // namespace dftriage::cli
