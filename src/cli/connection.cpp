#include "connection.hpp"

#include "dftriage/azure/curl_transport.hpp"
#include "dftriage/azure/token_credentials.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "progress.hpp"

#include <cstdlib>
#include <filesystem>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace dftriage::cli {

namespace {

std::unique_ptr<azure::HttpTransport> transport_for(const azure::Cloud& cloud)
{
  azure::TransportOptions options;
  options.ca_bundle = cloud.ca_bundle;
  return azure::make_curl_transport(options);
}

// The crash-safety tests' hooks: when the environment variable `variable` holds N, a
// function that ends the process abruptly (like kill -9, status 137) the N-th time it is
// called; else an empty function. Read here, in the CLI, and nowhere below it.
std::function<void()> kill_at_count(const char* variable)
{
  const char* limit = std::getenv(variable);
  if (limit == nullptr) {
    return {};
  }
  return [limit = std::strtol(limit, nullptr, 10), count = std::make_shared<long>(0)] {
    if (++*count == limit) {
      ::_exit(137);
    }
  };
}

// Every command that talks to Azure shows the client's long waits (progress.hpp).
azure::ClientOptions client_options()
{
  azure::ClientOptions options;
  options.wait_observer = make_wait_observer();
  return options;
}

// Reads sent at the same time (exec::ExecSettings::reader): enough to overlap an assess
// phase's reads, few enough to stay far from ARM's read throttling. DFTRIAGE_PARALLEL_READS
// sets another number (1: one read at a time).
constexpr std::size_t k_parallel_reads = 8;
constexpr std::size_t k_max_parallel_reads = 16;

std::unique_ptr<azure::ParallelReader> reader_for(const Connection& c)
{
  std::size_t n = k_parallel_reads;
  if (const char* env = std::getenv("DFTRIAGE_PARALLEL_READS"); env != nullptr && *env != '\0') {
    char* end = nullptr;
    const long v = std::strtol(env, &end, 10);
    if (*end != '\0' || v < 1 || v > static_cast<long>(k_max_parallel_reads)) {
      throw UsageError("DFTRIAGE_PARALLEL_READS must be a number from 1 to " +
                       std::to_string(k_max_parallel_reads) + ", not \"" + terminal::sanitize(env) +
                       "\"");
    }
    n = static_cast<std::size_t>(v);
  }
  if (n == 1) {
    return nullptr;
  }
  const azure::Cloud& cloud = c.cloud;
  return std::make_unique<azure::ParallelReader>(
      cloud, *c.credential, [&cloud] { return transport_for(cloud); }, client_options(), n);
}

} // namespace

Connection::~Connection()
{
  reader.reset();
  // The client's connections close first: a lab stopping with a keep-alive connection
  // still open waits for it to time out (5 s at the end of every run --lab).
  client.reset();
  credential.reset();
  transport.reset();
  if (lab) {
    lab->stop();
  }
  if (!lab_dir.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(lab_dir, ignored);
  }
}

std::string Connection::principal() const
{
  if (!credential) {
    return {};
  }
  const auto info = credential->info();
  std::string out;
  if (!info.client_id.empty()) {
    out += "client " + info.client_id;
  }
  if (!info.tenant_id.empty()) {
    out += (out.empty() ? "tenant " : " in tenant ") + info.tenant_id;
  }
  return out.empty() ? info.credential : out + " (" + info.credential + ")";
}

exec::ExecSettings Connection::exec_settings(std::vector<std::string> subscriptions,
                                             std::map<std::string, nlohmann::ordered_json> captured)
{
  exec::ExecSettings settings;
  settings.subscriptions = std::move(subscriptions);
  settings.captured = std::move(captured);
  settings.reader = reader.get();
  settings.after_change = kill_at_count("DFTRIAGE_TEST_KILL_AFTER_CHANGE");
  return settings;
}

std::function<void()> journal_test_hook()
{
  return kill_at_count("DFTRIAGE_TEST_KILL_AT_ENTRY");
}

std::string chosen_cloud(const std::string& choice)
{
  if (!choice.empty()) {
    return choice;
  }
  const char* env = std::getenv(azure::k_cloud_env);
  return env != nullptr ? env : "";
}

azure::CloudConfig selected_cloud(const std::string& choice)
{
  auto config = azure::resolve_cloud(choice, std::getenv(azure::k_cloud_env));
  spdlog::debug("cloud {} ({})", terminal::sanitize(config.cloud.name),
                terminal::sanitize(config.source));
  return config;
}

std::unique_ptr<Connection> connect_lab(const std::vector<std::string>& seed_files,
                                        int retry_after_s, const LabAccess& access)
{
  auto owner = std::make_unique<Connection>();
  Connection& c = *owner;
  c.mode = "lab";
  c.lab_dir =
      (std::filesystem::temp_directory_path() / ("dftriage-lab-" + std::to_string(::getpid())))
          .string();
  lab::LabOptions options;
  options.https = true;
  options.state_dir = c.lab_dir;
  options.seed_files = seed_files;
  options.retry_after_s = retry_after_s;
  c.lab_access = access;
  options.roles = access.roles;
  options.deny = access.deny;
  try {
    c.lab = std::make_unique<lab::Lab>(options);
  } catch (const UsageError& e) {
    // The lab names its own options; here they were given as --lab-role and --lab-deny.
    std::string message = e.what();
    for (const char* option : {"--role", "--deny"}) {
      if (message.rfind(option, 0) == 0) {
        message = "--lab-" + message.substr(2);
      }
    }
    throw UsageError(message);
  }
  c.lab->start();
  auto config = azure::parse_cloud_config(c.lab->connection().dump(), "lab");
  c.cloud = config.cloud;
  c.cloud_source = "lab";
  c.subscription = config.subscription_id;
  c.transport = transport_for(c.cloud);
  azure::CredentialContext context;
  context.transport = c.transport.get();
  c.credential = std::make_unique<azure::ClientSecretCredential>(
      c.cloud.authority, *config.credentials, context, "lab");
  c.client =
      std::make_unique<azure::Client>(c.cloud, c.credential.get(), *c.transport, client_options());
  c.reader = reader_for(c);
  return owner;
}

std::unique_ptr<Connection> connect_cloud(const std::string& choice)
{
  const auto config = selected_cloud(choice);
  auto owner = std::make_unique<Connection>();
  Connection& c = *owner;
  c.mode = config.credentials ? "lab" : "live";
  c.cloud = config.cloud;
  c.cloud_source = config.source;
  c.subscription = config.subscription_id;
  c.transport = transport_for(c.cloud);
  azure::DefaultCredentialOptions options;
  options.transport = c.transport.get();
  c.credential = azure::make_default_credential(config, options);
  c.credential->get_token(c.cloud.audience("arm")); // cached for the client's first request
  spdlog::info("signed in as {}", terminal::sanitize(c.principal()));
  c.client =
      std::make_unique<azure::Client>(c.cloud, c.credential.get(), *c.transport, client_options());
  c.reader = reader_for(c);
  return owner;
}

} // namespace dftriage::cli
