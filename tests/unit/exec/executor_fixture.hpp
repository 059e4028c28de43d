#pragma once

// Test support for the executor over a scripted transport: a small Key Vault playbook
// (a firewall change, an access-policy restriction, a secret rotation, a vault read), a
// plan of it for one alert, a case folder with its journal, and a responder that
// answers from a script and records what it was shown.

#include "dftriage/exec/executor.hpp"
#include "support/client_harness.hpp"

#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dftriage::test {

inline const std::string k_fixture_vault =
    "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1";
// The vault as ARM sends it, and its URL.
inline const std::string k_fixture_vault_url =
    "https://management.azure.com" + k_fixture_vault + "?api-version=2026-02-01";
// The principal whose access policy the restriction step narrows.
inline const std::string k_fixture_principal = "6c2f8a1e-4b3d-4f5a-9e7c-1d2b3a4c5e6f";

// Returns the vault's ARM body: firewall off (or on with `ranges`), one access policy
// for k_fixture_principal (unless `with_policy` is false), ETag `etag`.
std::string vault_body(bool firewall_on = false, bool with_policy = true,
                       const std::string& etag = "W/\"1\"");

// A responder that answers confirm() and on_failure() from queues (yes and stop when
// they run out) and records everything it was shown.
class ScriptedResponder : public exec::Responder
{
public:
  std::optional<std::string> confirm(const engine::PlannedStep& step,
                                     const std::string& change) override;
  exec::FailureChoice on_failure(const engine::PlannedStep& step,
                                 const std::string& error) override;
  void show(const std::string& text) override { shown.push_back(text); }
  std::string declined_reason() override { return decline_reason; }
  void show_secret_once(const std::string& label, const std::string& value) override
  {
    secrets.emplace_back(label, value);
  }

  std::deque<bool> confirms; // true: confirm with "test reason"
  std::deque<exec::FailureChoice> failure_choices;
  std::string decline_reason;
  std::vector<std::string> changes;  // what confirm() was shown
  std::vector<std::string> failures; // what on_failure() was told
  std::vector<std::string> shown;
  std::vector<std::pair<std::string, std::string>> secrets;
};

// A plan of the fixture playbook for a Key Vault alert on k_fixture_vault, a case folder
// in a fresh temporary directory, and a client over a scripted transport.
class ExecutorFixture
{
public:
  ExecutorFixture();
  ~ExecutorFixture();
  ExecutorFixture(const ExecutorFixture&) = delete;
  ExecutorFixture& operator=(const ExecutorFixture&) = delete;

  // Returns the plan's index of step `id`.
  std::size_t index_of(const std::string& id) const;
  // Returns a new executor on the case (the journal opened anew: a resumed run).
  exec::Executor& executor(exec::ExecSettings settings = {});
  // Runs step `id` with the current executor (a new one when there is none).
  exec::StepResult run(const std::string& id);
  // The journal's text and every evidence file's text, concatenated.
  std::string case_text() const;
  // The journal's entries of `event` (for `step` when not empty).
  std::vector<nlohmann::ordered_json> events(const std::string& event,
                                             const std::string& step = "") const;
  // The requests the transport was asked to send with `method`.
  std::vector<azure::HttpRequest> sent(const std::string& method) const;

  std::filesystem::path dir;
  ClientHarness harness;
  azure::Client client;
  ScriptedResponder responder;
  std::unique_ptr<alert::Alert> alert;
  std::unique_ptr<engine::Plan> plan;
  std::unique_ptr<journal::CaseFolder> folder;

private:
  std::unique_ptr<journal::Journal> m_journal;
  std::unique_ptr<exec::Executor> m_executor;
};

} // namespace dftriage::test
