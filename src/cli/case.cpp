// `dftriage case verify DIR`: checks a case folder against its journal (the hash chain
// and every file the journal vouches for) and renders what journal::verify_case found.
// `case list` and `case show` are in case_views.cpp.

#include "case_dir.hpp"
#include "case_views.hpp"
#include "command.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/journal/case_folder.hpp"
#include "dftriage/journal/verify_case.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "output_option.hpp"

#include <memory>

namespace dftriage::cli {

namespace {

using journal::FileStatus;

struct CaseOptions
{
  std::string dir;
  OutputChoice output;
  std::string head; // --head HASH: a journal hash the responder kept
};

std::string line_note(const journal::FileCheck& file)
{
  return " (line " + std::to_string(file.line) + ")";
}

// Returns the text line for a file that needs one, or "" for a file that matches.
std::string file_text(const journal::FileCheck& file)
{
  const std::string path = terminal::sanitize(file.path) + ": ";
  const std::string detail = terminal::sanitize(file.detail);
  switch (file.status) {
  case FileStatus::ok:
    return "";
  case FileStatus::altered:
    return path +
           (detail.empty() ? "SHA-256 differs from the journal" : "cannot be checked: " + detail) +
           line_note(file) + "\n";
  case FileStatus::missing:
    return path + "missing" + (detail.empty() ? "" : ": " + detail) + line_note(file) + "\n";
  case FileStatus::extra:
    return path + "not in the journal\n";
  case FileStatus::unhashed:
    return path + "not hashed (older case)" + line_note(file) + "\n";
  case FileStatus::set_aside:
    return path + "set aside: written as the case was interrupted, never journaled\n";
  }
  return "";
}

std::string verdict_text(const journal::CaseCheck& check)
{
  const std::size_t set_aside = check.count(FileStatus::set_aside);
  const std::size_t vouched = check.files.size() - check.count(FileStatus::extra) - set_aside;
  if (check.ok()) {
    const std::size_t unhashed = check.count(FileStatus::unhashed);
    return "case intact: the chain holds and the " + std::to_string(vouched) +
           " file(s) the journal vouches for " +
           (unhashed == 0 ? "match it"
                          : "are there (" + std::to_string(unhashed) + " not hashed: older case)") +
           (set_aside == 0 ? ""
                           : "; " + std::to_string(set_aside) +
                                 " file(s) set aside in unjournaled/ after an interruption") +
           "\n";
  }
  std::string problems;
  auto add = [&problems](const std::string& part) {
    problems += (problems.empty() ? "" : ", ") + part;
  };
  if (!check.chain.ok) {
    add("the chain breaks at line " + std::to_string(check.chain.line));
  }
  if (!check.head.ok) {
    add("the journal does not match its head");
  }
  if (!check.expected.ok) {
    add("the journal does not hold the hash given with --head");
  }
  const std::pair<FileStatus, const char*> kinds[] = {{FileStatus::altered, " altered"},
                                                      {FileStatus::missing, " missing"},
                                                      {FileStatus::extra, " not in the journal"}};
  for (const auto& [status, words] : kinds) {
    if (const std::size_t n = check.count(status); n > 0) {
      add(std::to_string(n) + " file(s)" + words);
    }
  }
  return "case damaged: " + problems + "\n";
}

nlohmann::ordered_json check_json(const journal::CaseFolder& folder,
                                  const journal::CaseCheck& check)
{
  nlohmann::ordered_json chain{
      {"journal", folder.journal_path()}, {"ok", check.chain.ok}, {"entries", check.chain.entries}};
  if (!check.chain.ok) {
    chain["line"] = check.chain.line;
    chain["problem"] = check.chain.problem;
  }
  chain["lastHash"] = check.chain.last_hash;
  const auto anchor = [](const journal::AnchorCheck& a) {
    nlohmann::ordered_json out{{"ok", a.ok}};
    if (!a.problem.empty()) {
      out["problem"] = a.problem;
    }
    if (!a.note.empty()) {
      out["note"] = a.note;
    }
    return out;
  };
  chain["head"] = anchor(check.head);
  chain["expected"] = anchor(check.expected);
  auto files = nlohmann::ordered_json::array();
  for (const auto& file : check.files) {
    nlohmann::ordered_json item{{"path", file.path}, {"status", journal::to_string(file.status)}};
    item["line"] =
        file.line == 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(file.line);
    if (file.status == FileStatus::altered && !file.actual.empty()) {
      item["sha256"] = file.recorded;
      item["actualSha256"] = file.actual;
    }
    if (!file.detail.empty()) {
      item["detail"] = file.detail;
    }
    files.push_back(std::move(item));
  }
  return {{"chain", std::move(chain)}, {"files", std::move(files)}, {"ok", check.ok()}};
}

ExitStatus run_verify(const CaseOptions& options, bool quiet)
{
  const auto format = options.output.resolve();
  const auto folder = journal::CaseFolder::open_existing(resolve_case_dir(options.dir, quiet));
  const auto check = journal::verify_case(folder, options.head);
  Writer writer(stdout);
  if (format == OutputFormat::json) {
    writer.write(check_json(folder, check)
                     .dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
                 "\n");
  } else {
    const auto& chain = check.chain;
    if (chain.ok) {
      writer.write(terminal::sanitize(folder.journal_path()) + ": " +
                   std::to_string(chain.entries) + " entries, chain intact (last " +
                   chain.last_hash + ")\n");
    } else {
      writer.write(terminal::sanitize(folder.journal_path()) + ":" + std::to_string(chain.line) +
                   ": chain breaks: " + chain.problem + " (" + std::to_string(chain.entries) +
                   " entries before it verify)\n");
    }
    for (const auto* a : {&check.head, &check.expected}) {
      if (!a->problem.empty() || !a->note.empty()) {
        writer.write(terminal::sanitize(folder.journal_path()) + ": " +
                     (a->ok ? a->note : a->problem) + "\n");
      }
    }
    for (const auto& file : check.files) {
      writer.write(file_text(file));
    }
    writer.write(verdict_text(check));
  }
  writer.flush();
  return check.ok() ? ExitStatus::success : ExitStatus::case_problem;
}

} // namespace

void add_case(CLI::App& command, Invocation& invocation)
{
  auto options = std::make_shared<CaseOptions>();
  auto* sub = &command;
  sub->require_subcommand(1);
  add_case_list(*sub, invocation);
  add_case_show(*sub, invocation);
  auto* verify = sub->add_subcommand(
      "verify",
      "Check a case folder against its journal: the hash chain, every file it vouches for "
      "(alert.json, pre-images, evidence), no evidence it never named, and its head (entries and "
      "last hash, "
      "kept beside it); exits 7 when damaged");
  verify->add_option("DIR", options->dir, "The case folder, or last for the newest case")
      ->required();
  verify->add_option(
      "--head", options->head,
      "A journal hash you kept (the report's last hash): the journal must still hold that entry");
  add_output_option(*verify, options->output, {OutputFormat::text, OutputFormat::json});
  verify->callback([options, &invocation] {
    invocation.action = [options, &invocation] {
      return run_verify(*options, invocation.global.quiet);
    };
  });
}

} // namespace dftriage::cli
