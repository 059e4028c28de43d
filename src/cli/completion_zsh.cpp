// The zsh completion script: the data functions bash reads too (sh_data_functions) and
// an engine in zsh that offers them with their descriptions.

#include "completion_scripts.hpp"
#include "dftriage/version.hpp"

namespace dftriage::cli {

namespace {

// `words`, `path` and `PREFIX` are zsh's own: the engine never names a local so.
constexpr const char* k_zsh_engine = R"sh(
# Offers the lines NAME<TAB>[VALUE<TAB>]DESCRIPTION printed by command $1 $2 as tag $3.
__dftriage_describe() {
  local name second third
  local -a items
  while IFS=$'\t' read -r name second third; do
    items+=("${name//:/\\:}:${third:-$second}")
  done < <("$1" "$2")
  _describe -t "$3" "$3" items
}

# Prints the IDs of the playbooks the command line would load (--playbooks included),
# asking the dftriage being completed.
__dftriage_playbook_ids() {
  local program=${(Q)words[1]}
  local -a dirs
  integer i
  [[ $program == '~/'* ]] && program=$HOME/${program:2}
  for ((i = 2; i < CURRENT; i++)); do
    case ${words[i]} in
      --playbooks) dirs+=(--playbooks "${(Q)words[i + 1]}") ;;
      --playbooks=*) dirs+=("${(Q)words[i]}") ;;
    esac
  done
  "$program" playbooks list "${dirs[@]}" -o tsv 2>/dev/null | cut -f1
}

# Offers the values of VALUE field $1 for what is left of the word being completed.
__dftriage_complete_value() {
  local token id values
  local -a choices
  for token in ${=1}; do
    case $token in
      @files) _files ;;
      @dirs) _files -/ ;;
      @playbooks) choices+=(${(f)"$(__dftriage_playbook_ids)"}) ;;
      @commands)
        choices+=(${(f)"$(__dftriage_names __dftriage_subcommands "${(j: :)__dftriage_args}")"}) ;;
      @answers)
        if [[ $PREFIX == *=* ]]; then
          id=${PREFIX%%=*}
          compset -P 1 '*='
          values=$(__dftriage_lookup __dftriage_answers "$id" "")
          choices+=(${=values})
        else
          compadd -S '=' -- ${(f)"$(__dftriage_names __dftriage_answers '')"}
        fi ;;
      @value | -) ;;
      *) choices+=("$token") ;;
    esac
  done
  (($#choices)) && compadd -a choices
  return 0
}

_dftriage() {
  local -a __dftriage_args
  local cmdpath= value= expect= dashdash=0
  integer i
  for ((i = 2; i < CURRENT; i++)); do
    __dftriage_walk "${(Q)words[i]}"
  done
  if [[ -n $expect ]]; then
    __dftriage_complete_value "$value"
  elif ((!dashdash)) && [[ $PREFIX == -* ]]; then
    if [[ $PREFIX == --*=* ]]; then
      if value=$(__dftriage_lookup __dftriage_options "${PREFIX%%=*}" "$cmdpath"); then
        compset -P 1 '*='
        __dftriage_complete_value "$value"
      fi
    else
      __dftriage_describe __dftriage_options "$cmdpath" options
    fi
  elif (($#__dftriage_args == 0)) && [[ -n $(__dftriage_subcommands "$cmdpath") ]]; then
    __dftriage_describe __dftriage_subcommands "$cmdpath" commands
  else
    value=$(__dftriage_positional "$cmdpath" $#__dftriage_args)
    __dftriage_complete_value "$value"
  fi
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _dftriage "$@"
else
  compdef _dftriage dftriage
fi
)sh";

} // namespace

std::string zsh_completion(const CommandDoc& root, const CompletionData& data)
{
  return std::string("#compdef dftriage\n"
                     "# zsh completion for dftriage ") +
         k_version +
         ", made from its command table by 'dftriage completion zsh'.\n"
         "# Load it with: source <(dftriage completion zsh)   (after compinit)\n"
         "# or install it as _dftriage in a folder of $fpath.\n\n" +
         sh_data_functions(root, data) + k_zsh_engine;
}

} // namespace dftriage::cli
