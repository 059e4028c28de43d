// `dftriage report DIR [-o md|json] [--lang en|zh-CN]`: the incident record of a case,
// to paste into a ticket (Markdown) or hand to a pipeline (JSON, the same model).

#include "dftriage/exec/report.hpp"

#include "case_dir.hpp"
#include "command.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/util/error.hpp"
#include "lang_option.hpp"

#include <memory>

namespace dftriage::cli {

namespace {

struct ReportOptions
{
  std::string dir;
  std::string output;
  std::string lang; // "": the language the case was walked in
};

ExitStatus run_report(const ReportOptions& options)
{
  const auto format = choose_output_format(options.output.empty() ? "md" : options.output,
                                           {OutputFormat::md, OutputFormat::json});
  const auto asked = lang_option(options.lang);
  const auto folder = journal::CaseFolder::open_existing(options.dir);
  const auto report = exec::case_report(folder);
  const std::string case_lang =
      report["lang"].is_string() ? report["lang"].get<std::string>() : "en";
  const auto lang =
      asked ? *asked : playbook::lang_from_string(case_lang).value_or(playbook::Lang::en);
  Writer writer(stdout);
  writer.write(format == OutputFormat::json ? report.dump(2) + "\n"
                                            : exec::report_markdown(report, lang));
  writer.flush();
  return report["journal"].value("chainIntact", false) ? ExitStatus::success
                                                       : ExitStatus::input_rejected;
}

} // namespace

void add_report(CLI::App& app, Invocation& invocation)
{
  auto options = std::make_shared<ReportOptions>();
  auto* sub = app.add_subcommand("report", "Write a case's incident record for a ticket: "
                                           "indicators, owner, durations, timeline, answers, "
                                           "decisions, actions, undos, evidence, open follow-ups");
  sub->add_option("DIR", options->dir, "The case folder, or last for the newest case")->required();
  sub->add_option("-o,--output", options->output, "md (default) or json");
  sub->add_option("--lang", options->lang,
                  "Language of the record: en or zh-CN (default: the case's own)");
  sub->callback([options, &invocation] {
    invocation.action = [options, &invocation] {
      options->dir = resolve_case_dir(options->dir, invocation.global.quiet);
      return run_report(*options);
    };
  });
}

} // namespace dftriage::cli
