// `dftriage completion SHELL`, and the data every completion script is made from.

#include "command.hpp"
#include "completion_scripts.hpp"
#include "dftriage/azure/cloud.hpp"
#include "dftriage/cli/docs.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/text.hpp"

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <set>

namespace dftriage::cli {

namespace {

std::string sh_quote(const std::string& s)
{
  std::string out = "'";
  for (const char c : s) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

// One `'KEY') printf '%s\n' 'LINE' ...;;` arm of a case statement (nothing for no lines).
std::string case_arm(const std::string& key, const std::vector<std::string>& lines)
{
  if (lines.empty()) {
    return "";
  }
  std::string out = "    " + sh_quote(key) + ") printf '%s\\n'";
  for (const auto& line : lines) {
    out += " \\\n      " + sh_quote(line);
  }
  return out + " ;;\n";
}

// The helpers bash and zsh share for reading the data functions. A reader may stop early
// (a match found), so the writer's "broken pipe" is kept off the terminal.
constexpr const char* k_sh_helpers = R"sh(
# Prints the VALUE field of the line named $2 in the output of command $1 $3; status 1
# when there is none.
__dftriage_lookup() {
  local name value description
  while IFS=$'\t' read -r name value description; do
    if [[ $name == "$2" ]]; then
      printf '%s\n' "$value"
      return 0
    fi
  done < <("$1" "$3" 2>/dev/null)
  return 1
}

# Prints the names (first fields) printed by command $1 $2.
__dftriage_names() {
  "$1" "$2" | cut -f1
}

# Prints the VALUE field of the positional argument at index $2 of command path $1.
__dftriage_positional() {
  local name value description n=0 repeated=
  while IFS=$'\t' read -r name value description; do
    if ((n == $2)); then
      printf '%s\n' "$value"
      return 0
    fi
    [[ $name == *... ]] && repeated=$value
    n=$((n + 1))
  done < <(__dftriage_positionals "$1" 2>/dev/null)
  [[ -n $repeated ]] && printf '%s\n' "$repeated"
}

# Reads $1, the next word before the cursor, into the caller's walk: cmdpath (the
# subcommands so far), __dftriage_args (the arguments), expect (set when the next word
# is the value of an option), value (that option's VALUE field) and dashdash (after --).
__dftriage_walk() {
  if [[ -n $expect ]]; then
    expect=
  elif ((!dashdash)) && [[ $1 == -- ]]; then
    dashdash=1
  elif ((!dashdash)) && [[ $1 == -?* ]]; then
    if [[ $1 != *=* ]] && value=$(__dftriage_lookup __dftriage_options "$1" "$cmdpath") &&
      [[ $value != - ]]; then
      expect=1
    fi
  elif ((${#__dftriage_args[@]} == 0)) &&
    __dftriage_lookup __dftriage_subcommands "$1" "$cmdpath" >/dev/null; then
    cmdpath=${cmdpath:+$cmdpath }$1
  else
    __dftriage_args+=("$1")
  fi
}
)sh";

std::string option_line(const std::string& name, const OptionDoc& option,
                        const CompletionData& data)
{
  return name + "\t" + value_field(option, data) + "\t" + one_line(option.description);
}

} // namespace

std::string one_line(std::string text)
{
  for (auto& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      c = ' ';
    }
  }
  return text;
}

CompletionData completion_data()
{
  CompletionData data;
  std::map<std::string, std::set<std::string>> values;
  for (const auto& playbook : engine::load_library().playbooks) {
    for (const auto& input : playbook.inputs) {
      auto& known = values[input.id];
      if (input.type == playbook::InputType::yes_no) {
        known.insert({"yes", "no"});
      }
      known.insert(input.choices.begin(), input.choices.end());
    }
  }
  for (auto& [id, words] : values) {
    data.answers.emplace_back(id, std::vector<std::string>(words.begin(), words.end()));
  }
  data.clouds = azure::builtin_cloud_names();
  return data;
}

std::string value_field(const OptionDoc& option, const CompletionData& data)
{
  if (option.value.empty()) {
    return "-";
  }
  const auto& kind = option.kind;
  std::vector<std::string> tokens = kind.words;
  if (kind.clouds) {
    tokens.insert(tokens.end(), data.clouds.begin(), data.clouds.end());
  }
  const std::pair<bool, const char*> sources[] = {{kind.files, "@files"},
                                                  {kind.dirs, "@dirs"},
                                                  {kind.playbooks, "@playbooks"},
                                                  {kind.answers, "@answers"},
                                                  {kind.commands, "@commands"}};
  for (const auto& [wanted, token] : sources) {
    if (wanted) {
      tokens.emplace_back(token);
    }
  }
  return tokens.empty() ? "@value" : text::join(tokens, " ");
}

std::string sh_data_functions(const CommandDoc& root, const CompletionData& data)
{
  std::string subcommands, options, positionals;
  for (const auto* command : flatten(root)) {
    const auto key = text::join(command->path, " ");
    std::vector<std::string> lines;
    for (const auto& sub : command->subcommands) {
      lines.push_back(sub.path.back() + "\t" + one_line(sub.summary));
    }
    subcommands += case_arm(key, lines);
    lines.clear();
    for (const auto& option : command->options) {
      for (const auto& name : option.names) {
        lines.push_back(option_line(name, option, data));
      }
    }
    options += case_arm(key, lines);
    lines.clear();
    for (const auto& positional : command->positionals) {
      lines.push_back(option_line(positional.names.front() + (positional.repeatable ? "..." : ""),
                                  positional, data));
    }
    positionals += case_arm(key, lines);
  }
  std::vector<std::string> answers;
  for (const auto& [id, words] : data.answers) {
    answers.push_back(id + "\t" + text::join(words, " "));
  }
  std::string answer_lines;
  for (const auto& line : answers) {
    answer_lines += " \\\n    " + sh_quote(line);
  }
  return "# The subcommands of the command path $1 (\"\" for dftriage, \"case\"): "
         "NAME<TAB>SUMMARY.\n"
         "__dftriage_subcommands() {\n  case \"$1\" in\n" +
         subcommands +
         "  esac\n}\n\n"
         "# The options of the command path $1: NAME<TAB>VALUE<TAB>DESCRIPTION, where VALUE is -\n"
         "# for a flag, else the words it takes and @files, @dirs, @playbooks, @answers,\n"
         "# @commands (where to look) or @value (nothing to offer).\n"
         "__dftriage_options() {\n  case \"$1\" in\n" +
         options +
         "  esac\n}\n\n"
         "# The positional arguments of the command path $1, in order, as for the options; a\n"
         "# NAME ending in ... takes any number of values.\n"
         "__dftriage_positionals() {\n  case \"$1\" in\n" +
         positionals +
         "  esac\n}\n\n"
         "# The questions of the built-in playbooks (--set ID=VALUE): ID<TAB>VALUES.\n"
         "__dftriage_answers() {\n  printf '%s\\n'" +
         answer_lines + "\n}\n" + k_sh_helpers;
}

const std::vector<std::string>& completion_shells()
{
  static const std::vector<std::string> shells = {"bash", "zsh", "fish"};
  return shells;
}

std::string completion_script(std::string_view shell)
{
  const auto& shells = completion_shells();
  if (std::find(shells.begin(), shells.end(), shell) == shells.end()) {
    const auto hint = text::did_you_mean(shell, shells);
    throw UsageError("unknown shell " + text::quote(shell) +
                     (hint.empty() ? "; expected one of " + text::join(shells) : hint));
  }
  Invocation unused;
  const auto app = make_app(unused);
  const auto root = describe(*app);
  const auto data = completion_data();
  if (shell == "bash") {
    return bash_completion(root, data);
  }
  if (shell == "zsh") {
    return zsh_completion(root, data);
  }
  return fish_completion(root, data);
}

void add_completion(CLI::App& command, Invocation& invocation)
{
  auto shell = std::make_shared<std::string>();
  command.add_option("SHELL", *shell, "The shell to write the script for")
      ->required()
      ->type_name(text::join(completion_shells(), "|"));
  command.callback([shell, &invocation] {
    invocation.action = [shell] {
      std::cout << completion_script(*shell);
      return ExitStatus::success;
    };
  });
}

} // namespace dftriage::cli
