#pragma once

// Internal to src/cli: what a command that talks to Azure needs — the cloud, a
// credential, the transport and the client — pointed at Azure (the selected cloud and
// the credential chain) or at a lab started in this process.

#include "dftriage/azure/client.hpp"
#include "dftriage/lab/lab.hpp"

#include <memory>
#include <string>
#include <vector>

namespace dftriage::cli {

struct Connection
{
  azure::Cloud cloud;
  std::unique_ptr<lab::Lab> lab;  // set by --lab
  std::unique_ptr<azure::TokenCredential> credential;
  std::unique_ptr<azure::HttpTransport> transport;
  std::unique_ptr<azure::Client> client;
  std::string subscription;  // the lab's subscription, or the cloud file's, when it names one
  std::string mode;          // "lab" or "live"
  std::string lab_dir;       // the lab's CA folder (removed with the connection)

  Connection() = default;
  Connection(const Connection&) = delete;  // the client and credential point at `cloud`
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Describes who acts: "client <id> in tenant <id> (client secret)", never a secret.
  std::string principal() const;
};

// Starts a lab on an ephemeral 127.0.0.1 port over HTTPS, seeded from `seed_files`,
// and connects to it with its own service principal.
std::unique_ptr<Connection> connect_lab(const std::vector<std::string>& seed_files);

// Connects to the cloud chosen by --cloud / DFTRIAGE_CLOUD (AzureCloud by default)
// with the credential chain.
std::unique_ptr<Connection> connect_cloud();

} // namespace dftriage::cli
