#pragma once

// Internal to src/cli: what a command that talks to Azure needs — the cloud, a
// credential, the transport and the client — pointed at Azure (the selected cloud and
// the credential chain) or at a lab started in this process. The client tells the user
// on stderr when it waits a second or more (progress.hpp); never on stdout.

#include "dftriage/azure/client.hpp"
#include "dftriage/azure/cloud_config.hpp"
#include "dftriage/azure/parallel_reads.hpp"
#include "dftriage/exec/executor.hpp"
#include "dftriage/lab/lab.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dftriage::cli {

// What the in-process lab's principal may do (--lab-role, --lab-deny): nothing given,
// everything.
struct LabAccess
{
  std::vector<std::string> roles;
  std::vector<std::string> deny;
};

struct Connection
{
  azure::Cloud cloud;
  std::string cloud_source;      // "built-in", the cloud file's path, or "lab" (--lab)
  std::unique_ptr<lab::Lab> lab; // set by --lab
  LabAccess lab_access;          // what its principal may do (--lab-role, --lab-deny)
  std::unique_ptr<azure::TokenCredential> credential;
  std::unique_ptr<azure::HttpTransport> transport;
  std::unique_ptr<azure::Client> client;
  // Sends independent reads at the same time, on connections of its own.
  std::unique_ptr<azure::ParallelReader> reader;
  std::string subscription; // the lab's subscription, or the cloud file's, when it names one
  std::string mode;         // "lab" (--lab, or a lab's connection line) or "live"
  std::string lab_dir;      // the lab's CA folder (removed with the connection)

  Connection() = default;
  Connection(const Connection&) = delete; // the client and credential point at `cloud`
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Describes who acts, as far as the credential that answered knows it: "client <id> in
  // tenant <id> (client secret (environment))", or the credential alone before any token
  // was asked for. Never a secret.
  std::string principal() const;

  // What an executor on this connection is given: the case's `subscriptions`, the plan's
  // `captured` pre-images (apply), the parallel reader, and the crash-safety tests' hook
  // (DFTRIAGE_TEST_KILL_AFTER_CHANGE=N ends the process like kill -9 once Azure answered
  // the N-th change and before the answer is journaled).
  exec::ExecSettings exec_settings(std::vector<std::string> subscriptions,
                                   std::map<std::string, nlohmann::ordered_json> captured = {});
};

// The crash-safety tests' hook for a case's journal (Journal::set_after_entry):
// DFTRIAGE_TEST_KILL_AT_ENTRY=N ends the process like kill -9 once the N-th entry the
// journal appends is on disk; an empty function when the variable is not set.
std::function<void()> journal_test_hook();

// Starts a lab on an ephemeral 127.0.0.1 port over HTTPS, seeded from `seed_files`,
// and connects to it with its own service principal, limited as `access` says.
// `retry_after_s` is the Retry-After of the lab's long-running operations: 1 s as Azure's
// often are, 0 where waiting teaches nothing (a lab rebuilt to replay a case, training).
std::unique_ptr<Connection> connect_lab(const std::vector<std::string>& seed_files,
                                        int retry_after_s = 1, const LabAccess& access = {});

// Returns the cloud `choice` names (the --cloud value: a name or a cloud file), else
// $DFTRIAGE_CLOUD's, else AzureCloud. Throws UsageError for an unknown cloud name,
// InputError for an unreadable or invalid file.
azure::CloudConfig selected_cloud(const std::string& choice);

// The cloud chosen now, as a user named it: `choice`, else $DFTRIAGE_CLOUD, else "".
std::string chosen_cloud(const std::string& choice);

// Connects to selected_cloud(choice) with the credential chain (token_credentials.hpp): a
// lab's connection line brings its own client secret and CA certificate and then is
// the only credential; otherwise DefaultAzureCredential's order and environment
// variables. Asks for an ARM token at once, so that a missing or refused credential
// stops the command before it starts and principal() names who acts. Throws as
// selected_cloud, Error when the HTTP transport cannot be made, and Error
// (azure_failure) listing what each credential tried when none gives a token.
std::unique_ptr<Connection> connect_cloud(const std::string& choice);

} // namespace dftriage::cli
