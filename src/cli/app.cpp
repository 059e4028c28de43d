#include "dftriage/cli/app.hpp"

#include "command.hpp"
#include "dftriage/util/signals.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/version.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace dftriage::cli {

const std::vector<CommandSpec>& commands()
{
  static const std::vector<CommandSpec> table = {
      {"show", "Parse alerts from any Defender export and print them normalised",
       "dftriage show alerts.json -o ndjson", Needs::nothing, add_show},
      {"match", "Show which playbook each alert gets, and why",
       "dftriage match alerts.json -o text", Needs::playbooks, add_match},
      {"plan", "Resolve each alert's playbook into steps and exact REST requests (sends nothing)",
       "dftriage plan alert.json --set origin_verified=no -o json > plan.json", Needs::playbooks,
       add_plan},
      {"run",
       "Walk through an alert's playbook and carry it out (--lab: simulated tenant; --dry-run: "
       "sends nothing)",
       "dftriage run alert.json --dry-run --answers answers.json", Needs::playbooks, add_run},
      {"case",
       "Inspect case folders: verify the journal's hash chain and every file it vouches for",
       "dftriage case verify cases/<alert>-<time>", Needs::nothing, add_case},
      {"apply", "Carry out exactly a reviewed plan; refuses edited plans and drifted targets",
       "dftriage apply plan.json --yes", Needs::azure, add_apply},
      {"undo", "Revert a case's changes from the pre-images it recorded",
       "dftriage undo cases/<alert>-<time> --yes", Needs::azure, add_undo},
      {"report", "Write a case's incident record (Markdown or JSON) for a ticket",
       "dftriage report cases/<alert>-<time> -o md", Needs::nothing, add_report},
      {"playbooks", "List, show, validate playbooks and check their coverage",
       "dftriage playbooks validate my-playbook.json", Needs::playbooks, add_playbooks},
      {"lab", "Serve a fake Azure tenant on 127.0.0.1 (seeded from alerts) to rehearse against",
       "dftriage lab serve --seed alert.json --https", Needs::nothing, add_lab},
      {"auth",
       "Show which credential answers, for which tenant and principal, until when (never the "
       "token)",
       "dftriage --cloud AzureUSGovernment auth status -o json", Needs::azure, add_auth},
  };
  return table;
}

namespace {

std::string footer()
{
  std::string out = "Examples:\n";
  for (const auto& command : commands()) {
    out += "  " + std::string(command.example) + "\n";
  }
  out += "  az security alert list -o json | dftriage show - -o ndjson | jq .alertType\n\n";
  out += exit_status_help();
  out +=
      "\nEnvironment:\n"
      "  NO_COLOR        set to anything to turn colour off\n"
      "  DFTRIAGE_CLOUD  the cloud when --cloud is not given (a name or a cloud file)\n"
      "  DFTRIAGE_RESPONDER_ADDRESSES\n"
      "                  your public egress addresses (IPs or CIDR ranges, comma-separated), "
      "offered\n"
      "                  as ranges a firewall the walk turns on must keep open (a lab: 127.0.0.1)\n"
      "  DFTRIAGE_NOW    an ISO 8601 time taken as now (review windows end now), for reproducible "
      "plans\n"
      "  AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH,\n"
      "  AZURE_CLIENT_CERTIFICATE_PASSWORD, AZURE_FEDERATED_TOKEN_FILE, IDENTITY_ENDPOINT,\n"
      "  IDENTITY_HEADER, AZURE_AUTHORITY_HOST\n"
      "                  credentials, as for the Azure SDKs' DefaultAzureCredential\n";
  return out;
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

} // namespace

int run(int argc, char** argv)
{
  Invocation invocation;
  CLI::App app{"dftriage: triage Microsoft Defender for Cloud alerts (Key Vault, DNS, "
               "Resource Manager)",
               "dftriage"};
  app.set_version_flag("--version", std::string("dftriage ") + k_version);
  app.add_flag("-v,--verbose", invocation.global.verbosity,
               "More detail on stderr (repeat for more)");
  app.add_flag("-q,--quiet", invocation.global.quiet, "Only errors on stderr");
  app.add_option("--cloud", invocation.global.cloud,
                 "AzureCloud, AzureChinaCloud, AzureUSGovernment, or a cloud JSON file (az cloud "
                 "show -o json, "
                 "or the first line of lab serve); default $DFTRIAGE_CLOUD, else AzureCloud");
  app.fallthrough();
  app.require_subcommand(1);
  app.footer(footer());
  for (const auto& command : commands()) {
    command.add(app, invocation);
  }

  if (argc <= 1) {
    std::cerr << app.help(); // no command at all: show what there is
    return to_int(ExitStatus::usage);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return app.exit(e); // --help, --version
    }
    std::cerr << "dftriage: error: " << terminal::sanitize(e.what()) << "\n"
              << "Run 'dftriage --help' for usage.\n";
    return to_int(ExitStatus::usage);
  }

  configure_logging(invocation.global);
  if (!invocation.global.cloud.empty()) {
    // One channel for the choice: the commands read it through connect_cloud(), which
    // reads DFTRIAGE_CLOUD; set once here, before any command runs or any thread starts.
    ::setenv("DFTRIAGE_CLOUD", invocation.global.cloud.c_str(), 1);
  }
  signals::install_interrupt_handlers();
  return to_int(invocation.action());
}

} // namespace dftriage::cli
