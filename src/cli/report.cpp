// `dftriage report DIR [-o md|json] [--lang en|zh-CN]`: the incident record of a case,
// to paste into a ticket (Markdown) or hand to a pipeline (JSON, the same model).

#include "dftriage/exec/report.hpp"

#include "case_dir.hpp"
#include "command.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/util/error.hpp"
#include "lang_option.hpp"
#include "output_option.hpp"

#include <memory>

namespace dftriage::cli {

namespace {

struct ReportOptions
{
  std::string dir;
  OutputChoice output;
  std::string lang; // "": the language the case was walked in
};

ExitStatus run_report(const ReportOptions& options)
{
  const auto format = options.output.resolve();
  const auto folder = journal::CaseFolder::open_existing(options.dir);
  // The record says which language it is in, and that is the one it is written in.
  const auto report = exec::case_report(folder, lang_option(options.lang));
  const auto lang =
      playbook::lang_from_string(report.value("lang", "en")).value_or(playbook::Lang::en);
  Writer writer(stdout);
  writer.write(format == OutputFormat::json ? report.dump(2) + "\n"
                                            : exec::report_markdown(report, lang));
  writer.flush();
  // A record drawn from a damaged journal is still printed, and the status says so.
  return report["journal"].value("chainIntact", false) ? ExitStatus::success
                                                       : ExitStatus::case_problem;
}

} // namespace

void add_report(CLI::App& command, Invocation& invocation)
{
  auto options = std::make_shared<ReportOptions>();
  auto* sub = &command;
  sub->add_option("DIR", options->dir, "The case folder, or last for the newest case")
      ->required()
      ->type_name("DIR");
  // text and md are the same Markdown, which reads as plain text; md is also the default
  // in a pipe, since the record goes into a ticket or a file.
  add_output_option(*sub, options->output,
                    {OutputFormat::text, OutputFormat::md, OutputFormat::json}, OutputFormat::md);
  sub->add_option("--lang", options->lang, "Language of the record (default: the case's own)")
      ->type_name("en|zh-CN")
      ->envname(k_lang_env);
  sub->callback([options, &invocation] {
    invocation.action = [options, &invocation] {
      options->dir = resolve_case_dir(options->dir, invocation.global.quiet);
      return run_report(*options);
    };
  });
}

} // namespace dftriage::cli
