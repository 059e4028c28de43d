// `dftriage case verify DIR`: checks a case journal's hash chain.

#include "command.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/journal/case_folder.hpp"
#include "dftriage/journal/journal.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"

#include <memory>

namespace dftriage::cli {

namespace {

struct CaseOptions
{
  std::string dir;
  std::string output;
};

ExitStatus run_verify(const CaseOptions& options)
{
  const auto format = choose_output_format(options.output, {OutputFormat::text, OutputFormat::json});
  const auto folder = journal::CaseFolder::open_existing(options.dir);
  const auto check = journal::verify(folder.read_file("journal.jsonl"));
  Writer writer(stdout);
  if (format == OutputFormat::json) {
    nlohmann::ordered_json out{{"journal", folder.journal_path()}, {"ok", check.ok}, {"entries", check.entries}};
    if (!check.ok) {
      out["line"] = check.line;
      out["problem"] = check.problem;
    }
    out["lastHash"] = check.last_hash;
    writer.write(out.dump(2) + "\n");
  } else if (check.ok) {
    writer.write(terminal::sanitize(folder.journal_path()) + ": " + std::to_string(check.entries)
                 + " entries, chain intact (last " + check.last_hash + ")\n");
  } else {
    writer.write(terminal::sanitize(folder.journal_path()) + ":" + std::to_string(check.line) + ": chain breaks: "
                 + check.problem + " (" + std::to_string(check.entries) + " entries before it verify)\n");
  }
  writer.flush();
  return check.ok ? ExitStatus::success : ExitStatus::input_rejected;
}

} // namespace

void add_case(CLI::App& app, Invocation& invocation)
{
  auto options = std::make_shared<CaseOptions>();
  auto* sub = app.add_subcommand("case", "Inspect case folders");
  sub->require_subcommand(1);
  auto* verify = sub->add_subcommand("verify", "Check a case journal's hash chain and say where it breaks");
  verify->add_option("DIR", options->dir, "The case folder")->required();
  verify->add_option("-o,--output", options->output, "Output format: text, json");
  verify->callback([options, &invocation] { invocation.action = [options] { return run_verify(*options); }; });
}

} // namespace dftriage::cli
