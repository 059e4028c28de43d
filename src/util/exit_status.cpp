#include "dftriage/util/exit_status.hpp"

#include <algorithm>

namespace dftriage {

const std::vector<ExitStatusRow>& exit_status_table()
{
  static const std::vector<ExitStatusRow> k_table = {
      {0, "success; for `run`, `apply` and `undo`: the case is `completed`"},
      {1, "unexpected internal error"},
      {2, "usage error (bad command line, an unknown question ID, a bad `--set` value)"},
      {3, "some input was rejected (not JSON, not an alert, a file that cannot be read); "
          "everything else was still "
          "processed and printed. Warnings inside an alert that was read do not count"},
      {4, "`failed`: an Azure or network call failed"},
      {5, "`needs-human`: a question unanswered, a change awaiting confirmation, a task not "
          "checked off, or the walk "
          "stopped before the end (`q`)"},
      {6, "`refused`: a change out of the case's scope, a plan edited or drifted since review, a "
          "step whose checks "
          "fail, a case resumed on another cloud"},
      {7, "the case folder cannot be used: not a case, a folder that holds other files, a damaged "
          "journal (`undo` "
          "still works, with a warning), evidence altered (`case verify`)"},
      {8, "the case is in use by another dftriage process (`run`, `apply`, `undo` hold its lock); "
          "try again when it "
          "has ended"},
      {9, "`not-permitted`: the signed-in principal lacks a permission a step needs (the "
          "preflight names it and the role to ask for); `run` and `apply` stop before their "
          "first request, or with `--allow-missing-permissions` leave such steps out; `undo` "
          "stops before putting anything back"},
      {130, "interrupted (Ctrl-C or SIGTERM); a case it was writing can be resumed"},
  };
  return k_table;
}

std::string exit_status_help()
{
  std::vector<int> codes;
  for (const auto& row : exit_status_table()) {
    codes.push_back(row.code);
  }
  return exit_status_help(codes);
}

std::string exit_status_help(const std::vector<int>& codes)
{
  // "  CODE meaning", the meaning without Markdown, wrapped at 80 columns under itself.
  constexpr std::size_t k_indent = 7;
  constexpr std::size_t k_width = 80;
  std::string out = "Exit status:\n";
  for (const auto& row : exit_status_table()) {
    if (std::find(codes.begin(), codes.end(), row.code) == codes.end()) {
      continue;
    }
    std::string code = "  " + std::to_string(row.code);
    code.resize(k_indent, ' ');
    std::string line = code;
    std::string word;
    const auto flush_word = [&] {
      if (word.empty()) {
        return;
      }
      if (line.size() > k_indent && line.size() + 1 + word.size() > k_width) {
        out += line + "\n";
        line = std::string(k_indent, ' ');
      } else if (line.size() > k_indent) {
        line += ' ';
      }
      line += word;
      word.clear();
    };
    for (const char* c = row.meaning; *c != '\0'; ++c) {
      if (*c == ' ') {
        flush_word();
      } else if (*c != '`') {
        word += *c;
      }
    }
    flush_word();
    out += line + "\n";
  }
  return out;
}

} // namespace dftriage
