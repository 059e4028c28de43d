#include "walk_inputs.hpp"

#include "inputs.hpp"
#include "lang_option.hpp"
#include "library_options.hpp"

namespace dftriage::cli {

void add_walk_inputs(CLI::App& command, WalkInputs& inputs, const std::string& file_help,
                     const std::string& lang_help)
{
  command.add_option("FILE", inputs.files, file_help)->type_name("FILE");
  add_output_option(command, inputs.output,
                    {OutputFormat::text, OutputFormat::json, OutputFormat::ndjson});
  add_shape_option(command, inputs.format);
  add_playbooks_option(command, inputs.playbook_dirs);
  command
      .add_option("--answers", inputs.answers_file,
                  "JSON file of answers: {\"question id\": value}")
      ->type_name("FILE");
  command.add_option("--set", inputs.sets, "Answer one question (repeatable)")
      ->type_name("ID=VALUE");
  command.add_option("--lang", inputs.lang, lang_help)->type_name("en|zh-CN")->envname(k_lang_env);
  command
      .add_option("--incident", inputs.incident,
                  "Walk this incident of the alerts (an ID from dftriage triage) as one: each "
                  "change once, every alert closed at the end")
      ->type_name("ID");
  command
      .add_option("--window", inputs.window,
                  "With --incident: the window alerts are grouped in, as triage --window "
                  "(default 24h)")
      ->type_name("DURATION");
}

} // namespace dftriage::cli
