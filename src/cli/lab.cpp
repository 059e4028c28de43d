// `dftriage lab serve`: the loopback fake Azure tenant, until SIGINT or SIGTERM.

#include "dftriage/lab/lab.hpp"

#include "command.hpp"
#include "dftriage/util/signals.hpp"

#include <cstdio>
#include <poll.h>
#include <spdlog/spdlog.h>

namespace dftriage::cli {

namespace {

ExitStatus run_lab_serve(const lab::LabOptions& options)
{
  lab::Lab server(options);
  server.start();
  const std::string line = server.connection().dump() + "\n";
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
  spdlog::info("lab serving on 127.0.0.1:{}; Ctrl-C stops it", server.port());
  pollfd fd{signals::interrupt_fd(), POLLIN, 0};
  while (!signals::interrupted()) {
    ::poll(&fd, 1, 1000);
  }
  server.stop();
  return ExitStatus::success;
}

} // namespace

void add_lab(CLI::App& app, Invocation& invocation)
{
  auto options = std::make_shared<lab::LabOptions>();
  auto* lab = app.add_subcommand("lab", "Run the lab: a fake Azure tenant on 127.0.0.1");
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
                   "Retry-After seconds of long-running operations (default 1)")
      ->check(CLI::Range(0, 60));
  serve->callback([options, &invocation] {
    invocation.action = [options] { return run_lab_serve(*options); };
  });
}

} // namespace dftriage::cli
