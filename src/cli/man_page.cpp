// dftriage(1), in roff with the man(7) macros, made from the command tree and the command
// table (examples, exit statuses), the exit-status table and the environment block of
// `dftriage --help`.

#include "command.hpp"
#include "command_tree.hpp"
#include "dftriage/cli/docs.hpp"
#include "dftriage/util/exit_status.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/version.hpp"

#include <algorithm>
#include <map>

namespace dftriage::cli {

namespace {

// Escapes `s` for a roff text line or macro argument: backslashes, a hyphen starting an
// option name ("--set", "-o") as \- (all hyphens in `code`), and a leading '.' or '\''
// that would make the line a request.
std::string roff(std::string_view s, bool code = false)
{
  std::string out;
  bool option_run = false; // inside the leading hyphens of a word
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      const char before = i == 0 ? ' ' : s[i - 1];
      option_run =
          option_run || std::string_view(" ([\"'|=,/").find(before) != std::string_view::npos;
      out += code || option_run ? "\\-" : "-";
      continue;
    } else if (c == '"') {
      out += "\\(dq";
    } else {
      out += c;
    }
    option_run = false;
  }
  if (!out.empty() && (out.front() == '.' || out.front() == '\'')) {
    out.insert(0, "\\&");
  }
  return out;
}

// Markdown `code` spans as bold.
std::string roff_markdown(std::string_view s)
{
  std::string out;
  bool bold = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '`') {
      out += roff(s.substr(start, i - start), bold);
      if (i < s.size()) {
        out += bold ? "\\fR" : "\\fB";
        bold = !bold;
      }
      start = i + 1;
    }
  }
  return out;
}

bool is_help(const OptionDoc& option)
{
  return std::find(option.names.begin(), option.names.end(), "--help") != option.names.end();
}

// "\fB\-o\fR, \fB\-\-output\fR \fItext|json\fR" for an option's tag line; "\fIFILE\fR..."
// for a positional argument.
std::string option_tag(const OptionDoc& option, bool positional)
{
  if (positional) {
    return "\\fI" + roff(option.names.front(), true) + "\\fR" + (option.repeatable ? "..." : "");
  }
  std::string out;
  for (const auto& name : option.names) {
    out += (out.empty() ? "" : ", ") + std::string("\\fB") + roff(name, true) + "\\fR";
  }
  if (!option.value.empty()) {
    out += " \\fI" + roff(option.value, true) + "\\fR";
  }
  return out;
}

std::string usage_line(const CommandDoc& command)
{
  std::string out = "\\fB" + roff(command_line(command.path), true) + "\\fR";
  std::string args;
  if (std::any_of(command.options.begin(), command.options.end(),
                  [](const OptionDoc& o) { return !o.global && !is_help(o); })) {
    args += "[\\fIoptions\\fR]";
  }
  if (!command.subcommands.empty()) {
    args += std::string(args.empty() ? "" : " ") + "\\fIcommand\\fR";
  }
  for (const auto& positional : command.positionals) {
    const auto name = "\\fI" + roff(positional.names.front(), true) + "\\fR" +
                      (positional.repeatable ? "..." : "");
    args += (args.empty() ? "" : " ") + (positional.required ? name : "[" + name + "]");
  }
  return out + (args.empty() ? "" : " " + args) + "\n";
}

std::string describe_options(const std::vector<OptionDoc>& options, bool positional = false)
{
  std::string out;
  for (const auto& option : options) {
    out += ".TP\n" + option_tag(option, positional) + "\n" + roff(option.description) + "\n";
  }
  return out;
}

const CommandSpec* spec_of(const CommandDoc& command)
{
  for (const auto& spec : commands()) {
    if (command.path.size() == 1 && spec.name == command.path.front()) {
      return &spec;
    }
  }
  return nullptr;
}

std::string command_section(const CommandDoc& command)
{
  std::string out =
      ".SS \"" + roff(command_line(command.path), true) + "\"\n" + usage_line(command) + ".PP\n";
  out += roff(command.summary) + "\n";
  std::vector<OptionDoc> own;
  for (const auto& option : command.options) {
    if (!option.global && !is_help(option)) {
      own.push_back(option);
    }
  }
  out += describe_options(command.positionals, true) + describe_options(own);
  if (const auto* spec = spec_of(command)) {
    out += ".PP\nExamples:\n.RS\n.nf\n";
    for (const auto example : spec->examples) {
      out += roff(example, true) + "\n";
    }
    out += ".fi\n.RE\n.PP\nExit status: ";
    std::vector<std::string> codes;
    for (const auto status : spec->exits) {
      codes.push_back(std::to_string(to_int(status)));
    }
    out += text::join(codes) + " (see \\fBEXIT STATUS\\fR).\n";
  }
  return out;
}

// The "Environment:" block of the root's help footer, as (names, meaning) pairs: an
// entry starts at a line indented by two spaces (names, then the meaning after a gap of
// two or more spaces); deeper lines continue the meaning, and a line of names ending in
// ',' continues on the next.
std::vector<std::pair<std::string, std::string>> environment(const std::string& footer)
{
  std::vector<std::pair<std::string, std::string>> entries;
  const auto start = footer.find("Environment:\n");
  if (start == std::string::npos) {
    return entries;
  }
  const auto end = footer.find("\n\n", start);
  const auto block = footer.substr(start, end == std::string::npos ? end : end - start);
  bool names_continue = false;
  for (const auto& line : text::split_lines(block)) {
    const auto indent = line.find_first_not_of(' ');
    if (indent == std::string::npos || indent == 0) {
      continue; // the heading
    }
    const auto content = std::string(text::trim(line));
    if (indent == 2 && !names_continue) {
      const auto gap = content.find("  ");
      entries.emplace_back(content.substr(0, gap),
                           gap == std::string::npos ? ""
                                                    : std::string(text::trim(content.substr(gap))));
    } else if (entries.empty()) {
      continue;
    } else if (indent == 2) {
      entries.back().first += " " + content;
    } else {
      auto& meaning = entries.back().second;
      meaning += (meaning.empty() ? "" : " ") + content;
    }
    names_continue =
        indent == 2 && !content.empty() && content.back() == ',' && entries.back().second.empty();
  }
  return entries;
}

constexpr const char* k_description =
    "dftriage reads Microsoft Defender for Cloud alerts on Key Vault, DNS and Azure Resource "
    "Manager in whichever shape they were exported, recognises each, and walks the responder "
    "through its playbook: contact, mitigate, assess, act. It calls the Azure REST API for the "
    "remediation, journals every change in a case folder, reports on it and can undo it. A "
    "simulated tenant on 127.0.0.1 (the lab) lets you rehearse without touching Azure.\n"
    ".PP\n"
    "Results go to standard output and diagnostics to standard error. Every command that prints "
    "a result takes \\fB\\-o\\fR: \\fBtext\\fR for people (the default on a terminal), "
    "\\fBjson\\fR (the default in a pipe), and \\fBndjson\\fR, \\fBtable\\fR or \\fBtsv\\fR where "
    "the command lists it.\n";

constexpr const char* k_files =
    ".SH FILES\n"
    ".TP\n"
    ".I cases/ALERT\\-TIME/\n"
    "A case folder, made by \\fBrun\\fR and \\fBapply\\fR under the working folder unless "
    "\\fB\\-\\-case\\fR names another: \\fIalert.json\\fR, \\fIplan.json\\fR, "
    "\\fIevidence/\\fR (read results and pre-images), \\fIjournal.jsonl\\fR (the "
    "hash-chained journal), \\fIjournal.head\\fR and \\fIlock\\fR. Folders are made 0700 "
    "and files 0600. \\fBcase list\\fR and \\fBlast\\fR look in \\fIcases/\\fR.\n"
    ".TP\n"
    ".I $XDG_STATE_HOME/dftriage/lab/\n"
    "The lab's certificate authority and server certificate for \\fBlab serve "
    "\\-\\-https\\fR (\\fIca.pem\\fR, \\fIserver.pem\\fR, \\fIserver-key.pem\\fR); "
    "\\fI~/.local/state/dftriage/lab/\\fR when XDG_STATE_HOME is not set; "
    "\\fB\\-\\-state\\-dir\\fR chooses another.\n"
    ".TP\n"
    ".I /usr/share/dftriage/playbook.schema.json\n"
    "The JSON Schema of a playbook, for editors. The built-in playbooks are beside it in "
    "\\fI/usr/share/dftriage/playbooks/\\fR, to start your own from (load them with "
    "\\fB\\-\\-playbooks\\fR \\fIDIR\\fR). Installed with \\fBcmake \\-\\-install\\fR, "
    "they are under its prefix (\\fI/usr/local\\fR by default) instead of \\fI/usr\\fR.\n";

} // namespace

std::string man_page(std::string_view date)
{
  Invocation unused;
  const auto app = make_app(unused);
  const auto root = describe(*app);
  std::string summary = root.summary;
  if (summary.rfind("dftriage: ", 0) == 0) {
    summary.erase(0, 10);
  }
  std::string out =
      ".\\\" dftriage(1), made from its command table by dftriage_gen_docs; do not edit.\n"
      ".TH DFTRIAGE 1 \"" +
      roff(date) + "\" \"dftriage " + k_version + "\" \"User Commands\"\n" +
      // Left-aligned and unhyphenated: option names, paths and variable
      // names must stay whole.
      ".ad l\n.nh\n";
  out += ".SH NAME\ndftriage \\- " + roff(summary) + "\n";
  out += ".SH SYNOPSIS\n.B dftriage\n[\\fIglobal options\\fR] \\fIcommand\\fR [\\fIoptions\\fR] "
         "[\\fIarguments\\fR]\n.br\n.B dftriage help\n[\\fIcommand\\fR]\n";
  out += ".SH DESCRIPTION\n" + std::string(k_description);
  out += ".SH COMMANDS\n";
  for (const auto* command : flatten(root)) {
    if (!command->path.empty()) {
      out += command_section(*command);
    }
  }
  out += ".SH GLOBAL OPTIONS\nThese are taken before or after the command.\n" +
         describe_options(root.options);
  out += ".SH EXIT STATUS\n";
  for (const auto& row : exit_status_table()) {
    out += ".TP\n\\fB" + std::to_string(row.code) + "\\fR\n" + roff_markdown(row.meaning) + "\n";
  }
  out += ".SH ENVIRONMENT\n";
  for (const auto& [names, meaning] : environment(app->get_footer())) {
    out += ".TP\n\\fB" + roff(names, true) + "\\fR\n" + roff(meaning) + "\n";
  }
  out += k_files;
  out += ".SH SEE ALSO\n.BR az (1),\n.BR jq (1)\n";
  return out;
}

} // namespace dftriage::cli
