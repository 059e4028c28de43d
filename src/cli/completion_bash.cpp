// The bash completion script: a fixed engine reading the data functions made from the
// command tree (sh_data_functions).

#include "completion_scripts.hpp"
#include "dftriage/version.hpp"

namespace dftriage::cli {

namespace {

// Bash splits a word at the characters of COMP_WORDBREAKS ("--output=json" arrives as
// "--output", "=", "json"); the engine joins such pieces again, completes the whole
// word and hands back what replaces the last piece.
constexpr const char* k_bash_engine = R"sh(
# Sets __dftriage_words to the words up to the cursor, joined again where bash split one
# at COMP_WORDBREAKS.
__dftriage_split() {
  local line=${COMP_LINE:0:COMP_POINT} pos=0 i word rest blank
  __dftriage_words=()
  for ((i = 0; i <= COMP_CWORD; i++)); do
    rest=${line:pos}
    blank=${rest%%[![:space:]]*}
    word=${COMP_WORDS[i]}
    if ((i == COMP_CWORD)); then
      word=${rest:${#blank}}
    fi
    if ((i > 0 && ${#blank} == 0 && ${#__dftriage_words[@]} > 0)); then
      __dftriage_words[-1]+=$word
    else
      __dftriage_words+=("$word")
    fi
    pos=$((pos + ${#blank} + ${#word}))
  done
}

# Prints the lines of stdin that start with $1 (compgen -W would expand them).
__dftriage_starting() {
  local line
  while IFS= read -r line; do
    [[ $line == "$1"* ]] && printf '%s\n' "$line"
  done
  return 0
}

# Prints the IDs of the playbooks the command line would load (--playbooks included),
# asking the dftriage being completed.
__dftriage_playbook_ids() {
  local program=${__dftriage_words[0]} i dirs=()
  [[ $program == '~/'* ]] && program=$HOME/${program:2}
  for ((i = 1; i < ${#__dftriage_words[@]} - 1; i++)); do
    case ${__dftriage_words[i]} in
      --playbooks) dirs+=(--playbooks "${__dftriage_words[i + 1]}") ;;
      --playbooks=*) dirs+=("${__dftriage_words[i]}") ;;
    esac
  done
  "$program" playbooks list "${dirs[@]}" -o tsv 2>/dev/null | cut -f1
}

# Adds to COMPREPLY, each after the prefix $3, the values of VALUE field $1 that start
# with $2.
__dftriage_complete_value() {
  local current=$2 prefix=$3 token id values found=() words=()
  local -a tokens
  read -ra tokens <<<"$1"
  for token in "${tokens[@]}"; do
    case $token in
      @files)
        compopt -o filenames 2>/dev/null
        mapfile -t -O "${#found[@]}" found < <(compgen -f -- "$current") ;;
      @dirs)
        compopt -o filenames 2>/dev/null
        mapfile -t -O "${#found[@]}" found < <(compgen -d -- "$current") ;;
      @playbooks) mapfile -t -O "${#words[@]}" words < <(__dftriage_playbook_ids) ;;
      @commands)
        mapfile -t -O "${#words[@]}" words < <(__dftriage_names __dftriage_subcommands "${__dftriage_args[*]}") ;;
      @answers)
        if [[ $current == *=* ]]; then
          id=${current%%=*}
          values=$(__dftriage_lookup __dftriage_answers "$id" "")
          for token in $values; do
            words+=("$id=$token")
          done
        else
          compopt -o nospace 2>/dev/null
          while IFS=$'\t' read -r id values; do
            words+=("$id=")
          done < <(__dftriage_answers)
        fi ;;
      @value | -) ;;
      *) words+=("$token") ;;
    esac
  done
  if ((${#words[@]} > 0)); then
    mapfile -t -O "${#found[@]}" found < <(printf '%s\n' "${words[@]}" | __dftriage_starting "$current")
  fi
  if ((${#found[@]} > 0)); then
    COMPREPLY+=("${found[@]/#/$prefix}")
  fi
}

# $2 is what readline replaces: the end of the word after the last break character
# ("" for "--output=", "js" for "--output=js").
_dftriage() {
  local __dftriage_words=() __dftriage_pre= __dftriage_args=()
  local current cmdpath= value= expect= dashdash=0 i
  COMPREPLY=()
  __dftriage_split
  current=${__dftriage_words[-1]}
  if [[ $current == *"$2" ]]; then
    __dftriage_pre=${current:0:${#current}-${#2}}
  fi
  for ((i = 1; i < ${#__dftriage_words[@]} - 1; i++)); do
    __dftriage_walk "${__dftriage_words[i]}"
  done
  if [[ -n $expect ]]; then
    __dftriage_complete_value "$value" "$current" ""
  elif ((!dashdash)) && [[ $current == -* ]]; then
    if [[ $current == --*=* ]]; then
      if value=$(__dftriage_lookup __dftriage_options "${current%%=*}" "$cmdpath"); then
        __dftriage_complete_value "$value" "${current#*=}" "${current%%=*}="
      fi
    else
      mapfile -t COMPREPLY < <(__dftriage_names __dftriage_options "$cmdpath" | __dftriage_starting "$current")
    fi
  elif ((${#__dftriage_args[@]} == 0)) && [[ -n $(__dftriage_subcommands "$cmdpath") ]]; then
    mapfile -t COMPREPLY < <(__dftriage_names __dftriage_subcommands "$cmdpath" | __dftriage_starting "$current")
  else
    value=$(__dftriage_positional "$cmdpath" "${#__dftriage_args[@]}")
    __dftriage_complete_value "$value" "$current" ""
  fi
  if [[ -n $__dftriage_pre ]]; then
    COMPREPLY=("${COMPREPLY[@]#"$__dftriage_pre"}")
  fi
}

complete -F _dftriage dftriage
)sh";

} // namespace

std::string bash_completion(const CommandDoc& root, const CompletionData& data)
{
  return std::string("# bash completion for dftriage ") + k_version +
         ", made from its command table by 'dftriage completion bash'.\n"
         "# Load it with: source <(dftriage completion bash)\n"
         "# or install it as $XDG_DATA_HOME/bash-completion/completions/dftriage\n\n" +
         sh_data_functions(root, data) + k_bash_engine;
}

} // namespace dftriage::cli
