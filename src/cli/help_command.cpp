// `dftriage help [COMMAND…]` and `dftriage version`.

#include "command.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/version.hpp"
#include "output_option.hpp"

#include <iostream>
#include <memory>

namespace dftriage::cli {

namespace {

ExitStatus run_help(const CLI::App& root, const std::vector<std::string>& words)
{
  const CLI::App* command = &root;
  std::string parent_path; // CLI11's usage line: the names before the command's own
  std::string path = "dftriage";
  for (const auto& word : words) {
    std::vector<std::string> names;
    const CLI::App* next = nullptr;
    for (const auto* sub : command->get_subcommands({})) {
      names.push_back(sub->get_name());
      if (sub->check_name(word)) {
        next = sub;
      }
    }
    if (next == nullptr) {
      throw UsageError("unknown command " + text::quote(path + " " + word) +
                       text::did_you_mean(word, names));
    }
    command = next;
    parent_path = path;
    path += " " + word;
  }
  // The formatter, not App::help(): that would describe the subcommand parsed, `help`.
  std::cout << command->get_formatter()->make_help(
      command, parent_path.empty() ? "dftriage" : parent_path + " " + command->get_name(),
      CLI::AppFormatMode::Normal);
  return ExitStatus::success;
}

ExitStatus run_version(const OutputChoice& output)
{
  const auto format = output.resolve();
  if (format == OutputFormat::json) {
    const nlohmann::ordered_json info = {{"name", "dftriage"},
                                         {"version", k_version},
                                         {"commit", k_commit},
                                         {"buildType", k_build_type}};
    std::cout << info.dump(2) << "\n";
  } else {
    std::cout << "dftriage " << k_version << " (commit " << k_commit << ", " << k_build_type
              << " build)\n";
  }
  return ExitStatus::success;
}

} // namespace

void add_help(CLI::App& command, Invocation& invocation)
{
  auto words = std::make_shared<std::vector<std::string>>();
  command.add_option("COMMAND", *words, "The command (and subcommand) to describe")
      ->type_name("COMMAND");
  const CLI::App* root = command.get_parent();
  command.callback([words, root, &invocation] {
    invocation.action = [words, root] { return run_help(*root, *words); };
  });
}

void add_version(CLI::App& command, Invocation& invocation)
{
  auto output = std::make_shared<OutputChoice>();
  add_output_option(command, *output, {OutputFormat::text, OutputFormat::json});
  command.callback(
      [output, &invocation] { invocation.action = [output] { return run_version(*output); }; });
}

} // namespace dftriage::cli
