// The fish completion script: the command tree's data as fish functions and an engine
// that reads them (the same walk as the bash and zsh engines).

#include "completion_scripts.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/version.hpp"

namespace dftriage::cli {

namespace {

std::string fish_quote(const std::string& s)
{
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "'";
}

// A function printing, for the command path in $argv[1], the lines given for it.
std::string fish_function(const std::string& name, const std::string& comment,
                          const std::vector<std::pair<std::string, std::vector<std::string>>>& arms)
{
  std::string out = "# " + comment + "\nfunction " + name + "\n    switch \"$argv[1]\"\n";
  for (const auto& [key, lines] : arms) {
    if (lines.empty()) {
      continue;
    }
    out += "        case " + fish_quote(key) + "\n            printf '%s\\n'";
    for (const auto& line : lines) {
      out += " \\\n                " + fish_quote(line);
    }
    out += "\n";
  }
  return out + "    end\nend\n\n";
}

constexpr const char* k_fish_engine = R"fish(
# Prints the VALUE field of the line named $argv[2] in the output of $argv[1] $argv[3];
# status 1 when there is none.
function __dftriage_lookup
    for line in ($argv[1] $argv[3])
        set -l fields (string split \t -- $line)
        if test "$fields[1]" = "$argv[2]"
            printf '%s\n' $fields[2]
            return 0
        end
    end
    return 1
end

# Prints the IDs of the playbooks the command line would load (--playbooks included),
# asking the dftriage being completed.
function __dftriage_playbook_ids
    set -l tokens (commandline -opc)
    set -l dirs
    for i in (seq 2 (count $tokens))
        switch $tokens[$i]
            case --playbooks
                set -a dirs --playbooks $tokens[(math $i + 1)]
            case '--playbooks=*'
                set -a dirs $tokens[$i]
        end
    end
    $tokens[1] playbooks list $dirs -o tsv 2>/dev/null | cut -f1
end

# Prints the values of VALUE field $argv[1] for $argv[2], each after the prefix $argv[3];
# $argv[4..] are the positional arguments so far (help's words).
function __dftriage_values
    set -l value $argv[1]
    set -l current $argv[2]
    set -l prefix $argv[3]
    set -l args $argv
    set -e args[1..3]
    for token in (string split ' ' -- $value)
        switch $token
            case @files
                __fish_complete_path $current | string replace -r '^' -- $prefix
            case @dirs
                __fish_complete_directories $current '' | string replace -r '^' -- $prefix
            case @playbooks
                __dftriage_playbook_ids | string replace -r '^' -- $prefix
            case @commands
                __dftriage_subcommands (string join ' ' -- $args) | string replace -r '^' -- $prefix
            case @answers
                if string match -q -- '*=*' $current
                    set -l id (string split -m1 = -- $current)[1]
                    for choice in (string split ' ' -- (__dftriage_lookup __dftriage_answers $id ''))
                        printf '%s%s=%s\n' $prefix $id $choice
                    end
                else
                    for line in (__dftriage_answers)
                        printf '%s%s=\n' $prefix (string split \t -- $line)[1]
                    end
                end
            case @value -
            case '*'
                printf '%s%s\n' $prefix $token
        end
    end
end

function __dftriage_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l cmdpath ''
    set -l args
    set -l expect ''
    set -l value ''
    set -l dashdash 0
    set -e tokens[1]
    for word in $tokens
        if test -n "$expect"
            set expect ''
        else if test $dashdash = 0; and test "$word" = --
            set dashdash 1
        else if test $dashdash = 0; and string match -qr -- '^-.' $word
            if not string match -q -- '*=*' $word
                and set value (__dftriage_lookup __dftriage_options $word "$cmdpath")
                and test "$value" != -
                set expect 1
            end
        else if test (count $args) = 0
            and __dftriage_lookup __dftriage_subcommands $word "$cmdpath" >/dev/null
            set cmdpath (string trim -- "$cmdpath $word")
        else
            set -a args $word
        end
    end
    set -l subcommands (__dftriage_subcommands "$cmdpath")
    if test -n "$expect"
        __dftriage_values "$value" "$current" '' $args
    else if test $dashdash = 0; and string match -q -- '-*' $current
        if string match -q -- '--*=*' $current
            set -l parts (string split -m1 = -- $current)
            if set value (__dftriage_lookup __dftriage_options $parts[1] "$cmdpath")
                __dftriage_values "$value" $parts[2] "$parts[1]=" $args
            end
        else
            for line in (__dftriage_options "$cmdpath")
                set -l fields (string split \t -- $line)
                printf '%s\t%s\n' $fields[1] $fields[3]
            end
        end
    else if test (count $args) = 0; and set -q subcommands[1]
        printf '%s\n' $subcommands
    else
        set -l positionals (__dftriage_positionals "$cmdpath")
        set -l index (math (count $args) + 1)
        if set -q positionals[$index]
            set value (string split \t -- $positionals[$index])[2]
        else if set -q positionals[1]; and string match -q -- '*...' (string split \t -- $positionals[-1])[1]
            set value (string split \t -- $positionals[-1])[2]
        else
            return
        end
        __dftriage_values "$value" "$current" '' $args
    end
end

complete -c dftriage -e
complete -c dftriage -f -a '(__dftriage_complete)'
)fish";

} // namespace

std::string fish_completion(const CommandDoc& root, const CompletionData& data)
{
  std::vector<std::pair<std::string, std::vector<std::string>>> subcommands, options, positionals;
  for (const auto* command : flatten(root)) {
    const auto key = text::join(command->path, " ");
    auto& subs = subcommands.emplace_back(key, std::vector<std::string>{}).second;
    for (const auto& sub : command->subcommands) {
      subs.push_back(sub.path.back() + "\t" + one_line(sub.summary));
    }
    auto& opts = options.emplace_back(key, std::vector<std::string>{}).second;
    for (const auto& option : command->options) {
      for (const auto& name : option.names) {
        opts.push_back(name + "\t" + value_field(option, data) + "\t" +
                       one_line(option.description));
      }
    }
    auto& args = positionals.emplace_back(key, std::vector<std::string>{}).second;
    for (const auto& positional : command->positionals) {
      args.push_back(positional.names.front() + (positional.repeatable ? "..." : "") + "\t" +
                     value_field(positional, data) + "\t" + one_line(positional.description));
    }
  }
  std::string answers = "# The questions of the built-in playbooks (--set ID=VALUE): "
                        "ID<TAB>VALUES.\nfunction __dftriage_answers\n    printf '%s\\n'";
  for (const auto& [id, words] : data.answers) {
    answers += " \\\n        " + fish_quote(id + "\t" + text::join(words, " "));
  }
  answers += "\nend\n";
  return std::string("# fish completion for dftriage ") + k_version +
         ", made from its command table by 'dftriage completion fish'.\n"
         "# Load it with: dftriage completion fish | source\n"
         "# or install it as ~/.config/fish/completions/dftriage.fish\n\n" +
         fish_function("__dftriage_subcommands",
                       "The subcommands of the command path $argv[1]: NAME<TAB>SUMMARY.",
                       subcommands) +
         fish_function("__dftriage_options",
                       "The options of the command path $argv[1]: NAME<TAB>VALUE<TAB>DESCRIPTION "
                       "(VALUE as in the bash script).",
                       options) +
         fish_function("__dftriage_positionals",
                       "The positional arguments of the command path $argv[1], in order.",
                       positionals) +
         answers + k_fish_engine;
}

} // namespace dftriage::cli
