#include "dftriage/cli/app.hpp"

#include "command.hpp"
#include "dftriage/util/signals.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/version.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace dftriage::cli {

const std::vector<CommandSpec>& commands()
{
  using E = ExitStatus;
  static const std::vector<CommandSpec> table = {
      {"show",
       "Parse alerts from any Defender export and print them normalised",
       {"dftriage show alerts.json",
        "az security alert list -o json | dftriage show - -o ndjson | jq -r .alertType",
        "dftriage show export.json -o table"},
       {E::success, E::failure, E::usage, E::input_rejected},
       add_show},
      {"match",
       "Show which playbook each alert gets, and why",
       {"dftriage match alerts.json",
        "dftriage match alerts.json --playbooks ./my-playbooks -o tsv"},
       {E::success, E::failure, E::usage, E::input_rejected},
       add_match},
      {"triage",
       "The queue: drop duplicate alerts, group the rest into incidents and rank them",
       {"az security alert list -o json | dftriage triage -",
        "dftriage triage alerts/*.json --status active --since 7d -o table",
        "dftriage triage export.ndjson --shard 2/4 -o json > share.json"},
       {E::success, E::failure, E::usage, E::input_rejected, E::interrupted},
       add_triage},
      {"collect",
       "Evidence for the queue: each incident's read-only steps, in parallel within a read "
       "budget, into a case per incident that run --case continues",
       {"az security alert list -o json | dftriage collect -",
        "dftriage collect alerts/*.json --jobs 8 --read-budget 6000/h --cases /srv/cases",
        "dftriage collect export.ndjson --shard 2/4 -o ndjson   # then: dftriage run --case "
        "cases/INC-…"},
       {E::success, E::failure, E::usage, E::input_rejected, E::azure_failure, E::case_problem,
        E::case_busy, E::interrupted},
       add_collect},
      {"plan",
       "Resolve each alert's playbook into steps and exact REST requests (sends nothing)",
       {"dftriage plan alert.json",
        "dftriage plan alert.json --set origin_verified=no -o json > plan.json",
        "dftriage plan alert.json --capture -o json > plan.json   # then: dftriage apply "
        "plan.json"},
       {E::success, E::failure, E::usage, E::input_rejected, E::azure_failure},
       add_plan},
      {"preflight",
       "Check before acting that you hold every permission each alert's response needs, and "
       "name the role that grants what is missing",
       {"dftriage preflight alert.json", "dftriage preflight alert.json -o json | jq .[0].summary",
        "dftriage preflight alert.json --lab --lab-role Reader"},
       {E::success, E::failure, E::usage, E::input_rejected, E::azure_failure, E::not_permitted},
       add_preflight},
      {"run",
       "Walk through an alert's playbook and carry it out (--lab: simulated tenant; --dry-run: "
       "sends nothing)",
       {"dftriage run alert.json --lab", "dftriage run alert.json --dry-run --answers answers.json",
        "dftriage run alert.json --lang zh-CN", "dftriage run --case last   # resume"},
       {E::success, E::failure, E::usage, E::input_rejected, E::azure_failure, E::needs_human,
        E::refused, E::case_problem, E::case_busy, E::not_permitted, E::interrupted},
       add_run},
      {"case",
       "Find and inspect case folders: list, show, verify the journal and its evidence",
       {"dftriage case list", "dftriage case show last",
        "dftriage case verify cases/<alert>-<time>"},
       {E::success, E::failure, E::usage, E::case_problem},
       add_case},
      {"apply",
       "Carry out exactly a reviewed plan; refuses edited plans and drifted targets",
       {"dftriage apply plan.json", "dftriage apply plan.json --yes"},
       {E::success, E::failure, E::usage, E::input_rejected, E::azure_failure, E::needs_human,
        E::refused, E::case_problem, E::case_busy, E::not_permitted, E::interrupted},
       add_apply},
      {"undo",
       "Revert a case's changes from the pre-images it recorded",
       {"dftriage undo last", "dftriage undo cases/<alert>-<time> --yes"},
       {E::success, E::failure, E::usage, E::azure_failure, E::needs_human, E::refused,
        E::case_problem, E::case_busy, E::not_permitted, E::interrupted},
       add_undo},
      {"report",
       "Write a case's incident record (text, Markdown or JSON) for a ticket",
       {"dftriage report last -o md > incident.md", "dftriage report cases/<alert>-<time> -o json"},
       {E::success, E::failure, E::usage, E::case_problem},
       add_report},
      {"playbooks",
       "List, show, validate playbooks and check their coverage",
       {"dftriage playbooks list", "dftriage playbooks validate my-playbook.json",
        "dftriage playbooks coverage -o table"},
       {E::success, E::failure, E::usage, E::input_rejected},
       add_playbooks},
      {"train",
       "Train on scenarios: walk one on a lab built from it, and get a scorecard",
       {"dftriage train list", "dftriage train start kv-tor-exfiltration --trainee alice",
        "dftriage train score cases/train-* -o md   # the instructor's table"},
       {E::success, E::failure, E::usage, E::input_rejected, E::azure_failure, E::needs_human,
        E::refused, E::case_problem, E::case_busy, E::interrupted},
       add_train},
      {"lab",
       "Serve a fake Azure tenant on 127.0.0.1 (seeded from alerts) to rehearse against",
       {"dftriage lab serve --seed alert.json --https"},
       {E::success, E::failure, E::usage, E::input_rejected, E::interrupted},
       add_lab},
      {"auth",
       "Show which credential answers, for which tenant and principal, until when (never the "
       "token)",
       {"dftriage auth status", "dftriage --cloud AzureUSGovernment auth status -o json"},
       {E::success, E::failure, E::usage, E::azure_failure},
       add_auth},
      {"completion",
       "Print the shell completion script for bash, zsh or fish",
       {"source <(dftriage completion bash)", "dftriage completion fish | source",
        "dftriage completion zsh > ~/.zfunc/_dftriage   # a folder of $fpath"},
       {E::success, E::usage},
       add_completion},
      {"help",
       "Show help for dftriage or one of its commands",
       {"dftriage help", "dftriage help run", "dftriage help case verify"},
       {E::success, E::usage},
       add_help},
      {"version",
       "Print the version, the commit it was built from and the build type",
       {"dftriage version", "dftriage version -o json"},
       {E::success, E::usage},
       add_version},
  };
  return table;
}

namespace {

constexpr const char* k_environment =
    "Environment:\n"
    "  NO_COLOR        set to anything to turn colour off\n"
    "  DFTRIAGE_CLOUD  the cloud when --cloud is not given (a name or a cloud file)\n"
    "  DFTRIAGE_RESPONDER_ADDRESSES\n"
    "                  your public egress addresses (IPs or CIDR ranges, comma-separated), "
    "offered\n"
    "                  as ranges a firewall the walk turns on must keep open (a lab: 127.0.0.1)\n"
    "  DFTRIAGE_NOW    an ISO 8601 time taken as now (review windows end now), for reproducible "
    "plans\n"
    "  DFTRIAGE_LANG   the language (en or zh-CN) when --lang is not given\n"
    "  DFTRIAGE_PARALLEL_READS\n"
    "                  reads a walk sends at once, 1 to 16 (default 8; 1: one at a time)\n"
    "  TMPDIR          where triage and collect sort a queue larger than --memory (default "
    "/tmp)\n"
    "  AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH,\n"
    "  AZURE_CLIENT_CERTIFICATE_PASSWORD, AZURE_FEDERATED_TOKEN_FILE, IDENTITY_ENDPOINT,\n"
    "  IDENTITY_HEADER, AZURE_AUTHORITY_HOST\n"
    "                  credentials, as for the Azure SDKs' DefaultAzureCredential\n";

std::string root_footer()
{
  std::string out = "Examples:\n";
  for (const auto& command : commands()) {
    out += "  " + std::string(command.examples.front()) + "\n";
  }
  out += "\n" + exit_status_help() + "\n" + k_environment +
         "\nRun 'dftriage help COMMAND' for a command's options, examples and exit statuses.\n";
  return out;
}

std::string command_footer(const CommandSpec& spec)
{
  std::string out = "Examples:\n";
  for (const auto example : spec.examples) {
    out += "  " + std::string(example) + "\n";
  }
  std::vector<int> codes;
  for (const auto status : spec.exits) {
    codes.push_back(to_int(status));
  }
  out += "\n" + exit_status_help(codes) +
         "\nThe environment it reads and the files it writes: dftriage --help, man dftriage.\n";
  return out;
}

// -v, -q and --cloud, on the top level and (listed as global) on every subcommand.
void add_global_options(CLI::App& app, GlobalOptions& global)
{
  app.add_flag("-v,--verbose", global.verbosity, "More detail on stderr (repeat for more)")
      ->group("Global options");
  app.add_flag("-q,--quiet", global.quiet, "Only errors on stderr")->group("Global options");
  app.add_option("--cloud", global.cloud,
                 "AzureCloud, AzureChinaCloud, AzureUSGovernment, or a cloud JSON file (az cloud "
                 "show -o json, or the first line of lab serve); default $DFTRIAGE_CLOUD, else "
                 "AzureCloud")
      ->type_name("NAME|FILE")
      ->group("Global options");
  for (auto* sub : app.get_subcommands({})) {
    add_global_options(*sub, global);
  }
}

// A positional argument shows as what it is named (FILE, DIR, ID), not as CLI11's TEXT.
void name_positionals(CLI::App& app)
{
  for (auto* option : app.get_options()) {
    if (option->get_positional() && option->get_type_name() == "TEXT") {
      option->type_name(option->get_name());
    }
  }
  for (auto* sub : app.get_subcommands({})) {
    name_positionals(*sub);
  }
}

void configure_logging(const GlobalOptions& global)
{
  // Diagnostics go to stderr; stdout carries only results.
  auto logger = spdlog::stderr_logger_st("dftriage");
  logger->set_pattern("dftriage: %l: %v");
  if (global.quiet) {
    logger->set_level(spdlog::level::err);
  } else if (global.verbosity >= 2) {
    logger->set_level(spdlog::level::trace);
  } else if (global.verbosity == 1) {
    logger->set_level(spdlog::level::debug);
  } else {
    logger->set_level(spdlog::level::warn);
  }
  spdlog::set_default_logger(logger);
}

// "dftriage case verify" for the subcommand `app`.
std::string full_name(const CLI::App* app)
{
  std::string name = app->get_name();
  for (const auto* p = app->get_parent(); p != nullptr; p = p->get_parent()) {
    name.insert(0, p->get_name() + " ");
  }
  return name;
}

bool takes_value(const CLI::Option* option)
{
  return option != nullptr && option->get_items_expected_min() > 0; // flags expect none
}

const CLI::Option* find_option(const CLI::App* app, const std::string& name)
{
  for (; app != nullptr; app = app->get_parent()) {
    if (const auto* option = app->get_option_no_throw(name)) {
      return option;
    }
  }
  return nullptr;
}

// What the words of a command line name, read the way the parser reads them: the deepest
// subcommand reached, the first word where a subcommand was required but none matched, and
// the first option no command on the way knows.
struct Reading
{
  const CLI::App* command = nullptr;
  std::string unknown_command;
  std::string unknown_option;
};

Reading read_words(const CLI::App& app, int argc, char** argv)
{
  Reading reading;
  reading.command = &app;
  bool positional_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (!positional_only && word == "--") {
      positional_only = true;
      continue;
    }
    if (!positional_only && word.size() > 1 && word[0] == '-') {
      const std::string name = word.substr(0, word.find('='));
      const bool long_name = name.rfind("--", 0) == 0;
      // A short option may carry its value (-ojson); look at its first letter only.
      const auto* option = find_option(reading.command, long_name ? name : name.substr(0, 2));
      if (option == nullptr && reading.unknown_option.empty()) {
        reading.unknown_option = long_name ? name : name.substr(0, 2);
      }
      const bool value_attached = long_name ? name.size() < word.size() : word.size() > 2;
      if (takes_value(option) && !value_attached) {
        ++i;
      }
      continue;
    }
    const auto subs = reading.command->get_subcommands({});
    if (subs.empty()) {
      continue; // an argument of the command reached
    }
    const CLI::App* next = nullptr;
    for (const auto* sub : subs) {
      if (sub->check_name(word)) {
        next = sub;
      }
    }
    if (next == nullptr) {
      reading.unknown_command = word;
      break;
    }
    reading.command = next;
  }
  return reading;
}

std::vector<std::string> option_names(const CLI::App* app)
{
  std::vector<std::string> names;
  for (; app != nullptr; app = app->get_parent()) {
    for (const auto* option : app->get_options()) {
      for (const auto& n : option->get_lnames()) {
        names.push_back("--" + n);
      }
      for (const auto& n : option->get_snames()) {
        names.push_back("-" + n);
      }
    }
  }
  return names;
}

// Prints a usage error in the one format and returns the usage exit status.
int usage_error(const std::string& message, const CLI::App* command)
{
  std::cerr << "dftriage: error: " << terminal::sanitize(message) << "\n"
            << "Run '" << full_name(command) << " --help' for usage.\n";
  return to_int(ExitStatus::usage);
}

} // namespace

std::unique_ptr<CLI::App> make_app(Invocation& invocation)
{
  auto app = std::make_unique<CLI::App>(
      "dftriage: triage Microsoft Defender for Cloud alerts (Key Vault, DNS, Resource Manager)",
      "dftriage");
  app->set_version_flag("--version", std::string("dftriage ") + k_version);
  app->fallthrough();
  app->require_subcommand(1);
  for (const auto& spec : commands()) {
    auto* sub = app->add_subcommand(std::string(spec.name), std::string(spec.summary));
    sub->footer(command_footer(spec));
    spec.add(*sub, invocation);
  }
  app->footer(root_footer());
  add_global_options(*app, invocation.global);
  name_positionals(*app);
  return app;
}

int run(int argc, char** argv)
{
  Invocation invocation;
  const auto app = make_app(invocation);
  if (argc <= 1) {
    std::cerr << app->help(); // no command at all: show what there is
    return to_int(ExitStatus::usage);
  }
  const auto reading = read_words(*app, argc, argv);
  if (!reading.unknown_command.empty()) {
    std::vector<std::string> names;
    for (const auto* sub : reading.command->get_subcommands({})) {
      names.push_back(sub->get_name());
    }
    return usage_error("unknown command " + text::quote(reading.unknown_command) +
                           text::did_you_mean(reading.unknown_command, names),
                       reading.command);
  }
  try {
    app->parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return app->exit(e); // --help, --version
    }
    if (!reading.unknown_option.empty()) {
      return usage_error(
          "unknown option " + text::quote(reading.unknown_option) +
              text::did_you_mean(reading.unknown_option, option_names(reading.command)),
          reading.command);
    }
    return usage_error(e.what(), reading.command);
  }

  configure_logging(invocation.global);
  signals::install_interrupt_handlers();
  return to_int(invocation.action());
}

} // namespace dftriage::cli
