// `dftriage lab serve`: the loopback fake Azure tenant, until SIGINT or SIGTERM.

#include "dftriage/lab/lab.hpp"

#include "command.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/signals.hpp"
#include "dftriage/util/terminal.hpp"
#include "request_text.hpp"

#include <cstdio>
#include <poll.h>
#include <spdlog/spdlog.h>

namespace dftriage::cli {

namespace {

// What a person at a terminal is told once the lab listens: where, over what, how to
// point dftriage, az and the Azure SDK at it (from its connection line, printed first on
// stdout, `above` on the same terminal), and how to stop it. Never the client secret.
std::string serve_notice(const nlohmann::ordered_json& connection, bool above)
{
  using terminal::sanitize;
  const std::string url =
      sanitize(connection["cloud"]["endpoints"]["activeDirectory"].get<std::string>());
  const std::string ca = connection.value("caCertificate", "");
  std::string out = "Lab listening on " + url + "\n";
  if (!ca.empty()) {
    out += "  HTTPS, with a certificate from the lab's own CA: " + sanitize(ca) + "\n";
  } else {
    out += "  Plain HTTP; az and the Azure SDKs send tokens only over HTTPS: for them, serve\n"
           "  with --https.\n";
  }
  out += std::string("  The JSON line ") + (above ? "above" : "on stdout") +
         " says how to connect (cloud, tenant, client ID and secret,\n  subscription " +
         sanitize(connection.value("subscriptionId", "")) + "). Save it as lab.json, then:\n";
  out += "    dftriage --cloud lab.json run alert.json\n";
  if (!ca.empty()) {
    out += "    export REQUESTS_CA_BUNDLE=" + sanitize(shell_quote(ca)) +
           "   # for az and the Python SDK\n";
    out += "    jq '.cloud | del(.name) | .endpoints.activeDirectory += \"/adfs\"' lab.json > "
           "cloud.json\n";
    out += "    az cloud register -n DftriageLab --cloud-config @cloud.json   # then az login: "
           "README\n";
    out += "    # Python SDK: ClientSecretCredential(tenant, client, secret, authority=URL,\n"
           "    #   disable_instance_discovery=True); clients with base_url=URL and\n"
           "    #   credential_scopes=[URL + \"/.default\"], where URL = \"" +
           url + "\"\n";
  }
  out += "Press Ctrl-C to stop.\n";
  return out;
}

// Serves until SIGINT or SIGTERM, then returns ExitStatus::interrupted (130), as every
// command stopped by Ctrl-C does. The first stdout line is the connection JSON, for
// scripts; with `tell` (stderr a terminal, no -q) a person is told more on stderr.
ExitStatus run_lab_serve(const lab::LabOptions& options, bool tell)
{
  lab::Lab server(options);
  server.start();
  const auto connection = server.connection();
  const std::string line = connection.dump() + "\n";
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
  if (tell) {
    std::fputs(serve_notice(connection, terminal::is_tty(stdout)).c_str(), stderr);
    std::fflush(stderr);
  }
  spdlog::info("lab serving on 127.0.0.1:{}; Ctrl-C stops it", server.port());
  pollfd fd{signals::interrupt_fd(), POLLIN, 0};
  while (!signals::interrupted()) {
    ::poll(&fd, 1, 1000);
  }
  server.stop();
  if (tell) {
    std::fputs("\nLab stopped.\n", stderr);
  }
  return ExitStatus::interrupted;
}

} // namespace

void add_lab(CLI::App& command, Invocation& invocation)
{
  auto options = std::make_shared<lab::LabOptions>();
  auto* lab = &command;
  lab->require_subcommand(1);
  auto* serve =
      lab->add_subcommand("serve", "Serve the lab until Ctrl-C; prints its connection JSON first");
  serve->add_option("--port", options->port, "Port on 127.0.0.1 (default: an ephemeral one)");
  serve->add_option("--seed", options->seed_files,
                    "Alert export or lab scenario JSON to seed from (repeatable)");
  serve->add_option("--record", options->record_file,
                    "Append {liveRequest, liveResponse} NDJSON pairs here");
  serve->add_flag("--https", options->https,
                  "Serve TLS with a generated CA (its path is in the first line)");
  serve->add_option("--state-dir", options->state_dir,
                    "Where the generated CA and certificate are kept");
  serve->add_option("--latency-ms", options->latency_ms, "Delay added to every response");
  serve->add_option("--fault", options->fault_rules,
                    "Fault rule, e.g. 429:PATCH:2:retry-after=1, 503:once, drop:path=/secrets, "
                    "slow-body:GET (repeatable)");
  serve->add_option("--token-lifetime", options->token_lifetime_s,
                    "Lifetime of issued tokens in seconds (default 3600)");
  serve->add_option("--page-size", options->page_size,
                    "Items per page of growing lists (default 2)");
  serve
      ->add_option("--retry-after", options->retry_after_s,
                   "Retry-After seconds of long-running operations, 0 to 60 (default 1)")
      ->check(CLI::Range(0, 60).description(""))
      ->type_name("SECONDS");
  serve
      ->add_option_function<std::string>(
          "--read-budget",
          [options](const std::string& text) {
            try {
              options->read_budget = lab::parse_read_budget(text);
            } catch (const UsageError& e) {
              throw CLI::ValidationError(e.what()); // a usage error like any other option's
            }
          },
          "Reads each subscription may make per hour, minute or second; past it ARM's 429 "
          "SubscriptionRequestsThrottled with Retry-After (default: none)")
      ->type_name("N/h|N/m|N/s");
  serve
      ->add_option("--role", options->roles,
                   "Restrict the lab's principal to this built-in role at the subscription "
                   "(repeatable; name or GUID)")
      ->type_name("ROLE");
  serve
      ->add_option("--deny", options->deny,
                   "Take one right from the lab's principal everywhere: an RBAC action "
                   "(Microsoft.KeyVault/vaults/write), an access-policy permission "
                   "(secrets/list) or a Graph permission (User.ReadWrite.All) (repeatable)")
      ->type_name("OPERATION");
  serve->callback([options, &invocation] {
    invocation.action = [options, &invocation] {
      return run_lab_serve(*options, terminal::is_tty(stderr) && !invocation.global.quiet);
    };
  });
}

} // namespace dftriage::cli
