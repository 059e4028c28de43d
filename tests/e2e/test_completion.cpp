// End-to-end: `dftriage completion bash` driven as bash drives it. The script is sourced
// into a bash that is handed COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT as readline
// would set them for a command line typed up to the cursor, and what the completion
// function leaves in COMPREPLY is compared. (tests/completion/ types into real shells.)

#include "support/paths.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>

namespace {

std::string bash_quote(const std::string& s)
{
  std::string out = "'";
  for (const char c : s) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

// Splits `line` into words as readline does for completion: at blanks, and with '=' and
// ':' (in COMP_WORDBREAKS) words of their own. The last word is the one being completed
// ("" after a blank).
std::vector<std::string> comp_words(const std::string& line)
{
  std::vector<std::string> words{""};
  for (const char c : line) {
    if (c == ' ') {
      if (!words.back().empty()) {
        words.emplace_back();
      }
    } else if (c == '=' || c == ':') {
      if (!words.back().empty()) {
        words.emplace_back();
      }
      words.back() += c;
      words.emplace_back();
    } else {
      words.back() += c;
    }
  }
  // readline completes the break character itself when it ends the line ("--output=").
  if (words.size() > 1 && words.back().empty() && !line.empty() && line.back() != ' ') {
    words.pop_back();
  }
  return words;
}

using namespace dftriage::test;
using Words = std::set<std::string>;

// Returns what _dftriage leaves in COMPREPLY for `line` (the cursor at its end), run in
// `dir` with the script of `dftriage completion bash`.
Words complete(const std::string& line, const std::string& dir = ".")
{
  static const std::string script = [] {
    const auto r = run_process({k_bin, "completion", "bash"});
    REQUIRE(r.exit_code == 0);
    return r.out;
  }();
  static const dftriage::test::TempDir scripts("completion-script");
  const auto path = scripts / "dftriage.bash";
  std::ofstream(path) << script;

  auto words = comp_words(line);
  words.front() = k_bin; // as if typed as a path: the script asks it for playbook IDs
  std::string array;
  for (const auto& w : words) {
    array += " " + bash_quote(w);
  }
  const std::string typed =
      k_bin + line.substr(line.find(' ') == std::string::npos ? line.size() : line.find(' '));
  // What readline replaces, handed over as $2: nothing after a break character.
  const auto token = words.back() == "=" || words.back() == ":" ? "" : words.back();
  const std::string program =
      "cd " + bash_quote(dir) + " && source " + bash_quote(path) + " && COMP_WORDS=(" + array +
      ") && COMP_CWORD=" + std::to_string(words.size() - 1) + " && COMP_LINE=" + bash_quote(typed) +
      " && COMP_POINT=" + std::to_string(typed.size()) + " && _dftriage dftriage " +
      bash_quote(token) + " && printf '%s\\n' \"${COMPREPLY[@]}\"";
  const auto r = run_process({"/bin/bash", "--norc", "--noprofile", "-c", program});
  INFO(line << "\n" << r.err);
  REQUIRE(r.exit_code == 0);
  Words replies;
  std::istringstream in(r.out);
  for (std::string reply; std::getline(in, reply);) {
    if (!reply.empty()) {
      replies.insert(reply);
    }
  }
  return replies;
}

} // namespace

TEST_CASE("bash completion offers the subcommands, nested ones too", "[e2e][completion]")
{
  CHECK(complete("dftriage sh") == Words{"show"});
  CHECK(complete("dftriage ") == Words{"show", "match", "triage", "collect", "plan", "preflight",
                                       "run", "case", "apply", "undo", "report", "playbooks",
                                       "train", "lab", "auth", "completion", "help", "version"});
  CHECK(complete("dftriage case ") == Words{"list", "show", "verify"});
  CHECK(complete("dftriage -v --cloud AzureCloud auth s") == Words{"status"});
  CHECK(complete("dftriage lab ") == Words{"serve"});
  CHECK(complete("dftriage help show ").empty()); // show has no subcommands
}

TEST_CASE("bash completion offers each command's options and the global ones", "[e2e][completion]")
{
  const auto options = complete("dftriage show -");
  for (const auto* name :
       {"-o", "--output", "--format", "-v", "--verbose", "-q", "--quiet", "--cloud", "--help"}) {
    CHECK(options.count(name) == 1);
  }
  CHECK(options.count("--dry-run") == 0);
  CHECK(complete("dftriage run --dry") == Words{"--dry-run"});
  CHECK(complete("dftriage case verify x --he") == Words{"--head", "--help"});
}

TEST_CASE("bash completion offers the values an option takes", "[e2e][completion]")
{
  CHECK(complete("dftriage show x.json -o ") == Words{"text", "json", "ndjson", "table", "tsv"});
  CHECK(complete("dftriage show x.json --output nd") == Words{"ndjson"});
  // bash hands "--output=js" over as "--output", "=", "js" and replaces what follows
  // the last "=".
  CHECK(complete("dftriage show x.json --output=js") == Words{"json"});
  CHECK(complete("dftriage show x.json --output=") ==
        Words{"text", "json", "ndjson", "table", "tsv"});
  CHECK(complete("dftriage playbooks show keyvault --lang ") == Words{"en", "zh-CN"});
  CHECK(complete("dftriage auth status --audience k") == Words{"keyvault"});
  CHECK(complete("dftriage completion ") == Words{"bash", "zsh", "fish"});
  CHECK(complete("dftriage --cloud AzureU") == Words{"AzureUSGovernment"});
  // An option's value is passed over, not taken for a command.
  CHECK(complete("dftriage --cloud AzureCloud sh") == Words{"show"});
  CHECK(complete("dftriage --cloud show ").count("match") == 1); // "show" was the cloud
}

TEST_CASE("bash completion offers playbook IDs, question IDs and their answers",
          "[e2e][completion]")
{
  CHECK(complete("dftriage playbooks show ") == Words{"dns", "keyvault", "resource-manager"});
  CHECK(complete("dftriage playbooks show key") == Words{"keyvault"});
  CHECK(complete("dftriage plan a.json --set origin_v") == Words{"origin_verified="});
  CHECK(complete("dftriage plan a.json --set origin_verified=") == Words{"yes", "no"});
  CHECK(complete("dftriage run a.json --set response=r") == Words{"remove", "restrict"});
}

TEST_CASE("bash completion offers files, folders and help's command words", "[e2e][completion]")
{
  const dftriage::test::TempDir dir("completion-files");
  std::ofstream(dir / "alerts.json") << "[]";
  std::filesystem::create_directories(dir.path / "alert-folder");
  std::filesystem::create_directories(dir.path / "playbook-dir");

  CHECK(complete("dftriage show al", dir.path.string()) == Words{"alert-folder", "alerts.json"});
  CHECK(complete("dftriage match --playbooks p", dir.path.string()) == Words{"playbook-dir"});
  CHECK(complete("dftriage match --playbooks a", dir.path.string()) == Words{"alert-folder"});
  CHECK(complete("dftriage help ca") == Words{"case"});
  CHECK(complete("dftriage help case ") == Words{"list", "show", "verify"});
}

TEST_CASE("an unknown shell is a usage error with a did-you-mean", "[e2e][completion]")
{
  const auto near = run_process({k_bin, "completion", "bsh"});
  CHECK(near.exit_code == 2);
  CHECK(near.out.empty());
  CHECK(near.err == "dftriage: error: unknown shell \"bsh\"; did you mean \"bash\"?\n");

  const auto far = run_process({k_bin, "completion", "powershell"});
  CHECK(far.exit_code == 2);
  CHECK(far.err ==
        "dftriage: error: unknown shell \"powershell\"; expected one of bash, zsh, fish\n");
}

TEST_CASE("every shell's script is valid for its shell", "[e2e][completion]")
{
  for (const auto* shell : {"bash", "zsh", "fish"}) {
    const auto r = run_process({k_bin, "completion", shell});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("dftriage"));
    const std::string checker = std::string("/usr/bin/") + shell;
    if (!std::filesystem::exists(checker)) {
      WARN(shell << " is not installed: its syntax is not checked");
      continue;
    }
    const dftriage::test::TempDir dir(std::string("completion-syntax-") + shell);
    std::ofstream(dir / "script") << r.out;
    const auto check = run_process({checker, "-n", dir / "script"});
    INFO(shell << ": " << check.err);
    CHECK(check.exit_code == 0);
  }
}
