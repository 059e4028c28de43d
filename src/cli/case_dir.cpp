#include "case_dir.hpp"

#include "case_summary.hpp"
#include "dftriage/journal/case_folder.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"

#include <cstdio>

namespace dftriage::cli {

std::string resolve_case_dir(const std::string& given, bool quiet, const std::string& root)
{
  if (given != k_last_case) {
    return given;
  }
  const auto cases = list_cases(root);
  if (cases.empty()) {
    throw Error("no case to take for '" + std::string(k_last_case) +
                    "': " + terminal::sanitize(root) +
                    "/ holds no case folder (cases are made there by dftriage run and apply; "
                    "give the folder itself, or run from the folder that holds " +
                    terminal::sanitize(root) + "/)",
                ExitStatus::case_problem);
  }
  if (!quiet) {
    std::fprintf(stderr, "dftriage: last case: %s (%s, %s)\n",
                 terminal::sanitize(cases.front().dir).c_str(), cases.front().status.c_str(),
                 terminal::sanitize(cases.front().last_entry).c_str());
  }
  return cases.front().dir;
}

void say_set_aside(const journal::CaseFolder& folder, bool zh_cn)
{
  for (const auto& path : folder.set_aside()) {
    const std::string name = terminal::sanitize(path.substr(path.find('/') + 1));
    if (zh_cn) {
      std::fprintf(stderr, "dftriage: %s 写于案例中断之时，日志中没有记录：已移到 unjournaled/%s\n",
                   terminal::sanitize(path).c_str(), name.c_str());
    } else {
      std::fprintf(stderr,
                   "dftriage: %s was written as the case was interrupted and never journaled: "
                   "set aside as unjournaled/%s\n",
                   terminal::sanitize(path).c_str(), name.c_str());
    }
  }
}

} // namespace dftriage::cli
