// An incident as JSON, written straight from the incident: the bytes its JSON tree dumps,
// on one line and pretty-printed (src/queue/incident_json.cpp).

#include "dftriage/queue/triage.hpp"

#include <catch2/catch.hpp>

using dftriage::queue::Incident;
using dftriage::queue::QueuedAlert;

namespace {

QueuedAlert tq_json_alert(const std::string& id, const std::string& display_name)
{
  QueuedAlert a;
  a.id = id;
  a.alert_type = "KV_TORAccess";
  a.display_name = display_name;
  a.severity = dftriage::alert::Severity::high;
  a.status = "Active";
  a.start_time = "2026-11-27T08:00:00Z";
  a.time = 1795766400;
  a.resource_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1";
  a.file = "alerts.json";
  a.index = 7;
  a.copies = 2;
  return a;
}

// Incidents with something of everything: ties and none, empty lists, missing values,
// and text no parser would let through (control characters, quotes, invalid UTF-8).
std::vector<Incident> tq_json_incidents()
{
  Incident full;
  full.id = "INC-0123456789ab";
  full.rank = 12;
  full.family = dftriage::alert::Family::keyvault;
  full.severity = dftriage::alert::Severity::high;
  full.status = "Active";
  full.playbook = "keyvault";
  full.subscription_id = "4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13";
  full.first_seen = "2026-11-27T07:58:12Z";
  full.last_seen = "2026-11-27T08:21:09Z";
  full.resources = {"/subscriptions/s/vaults/kv1", "/subscriptions/s/vaults/kv2"};
  full.group_by = {"resource"};
  full.link_by = {"callerObjectId", "callerIp"};
  full.ties = {{"callerIp", "185.220.101.47", 2}, {"callerObjectId", "d3b07384", 3}};
  full.alerts = {tq_json_alert("a1", "TOR access"),
                 tq_json_alert("odd\"\x01\x1f", "tab\there \xe4\xb8\xad bad \xff\xfe end\n")};
  full.alerts[1].file = "bad\xc3(.json";
  full.duplicates = 2;
  Incident bare;
  bare.id = "INC-ffffffffffff";
  bare.rank = 1;
  bare.playbook = "generic";
  bare.simulated = true;
  bare.group_by = {"resource"};
  bare.link_by = {"alertType"};
  QueuedAlert lone;
  lone.id = "";
  bare.alerts = {lone};
  return {full, bare};
}

} // namespace

TEST_CASE("incident JSON: written directly, the bytes of its JSON tree", "[queue]")
{
  using Json = nlohmann::ordered_json;
  for (const auto& inc : tq_json_incidents()) {
    INFO(inc.id);
    const Json tree = dftriage::queue::to_json(inc, 86400);
    SECTION("on one line, as -o ndjson writes it")
    {
      std::string line;
      dftriage::queue::append_json(inc, 86400, line);
      CHECK(line == tree.dump(-1, ' ', false, Json::error_handler_t::replace));
    }
    SECTION("pretty-printed, at any indent")
    {
      for (const int indent : {0, 2, 4}) {
        std::string text;
        dftriage::queue::append_json(inc, 86400, text, indent);
        CHECK(text == tree.dump(indent, ' ', false, Json::error_handler_t::replace));
      }
    }
    SECTION("as an element of -o json's array, one level in")
    {
      std::string text;
      dftriage::queue::append_json(inc, 86400, text, 2, 1);
      std::string expected;
      for (const char c : tree.dump(2, ' ', false, Json::error_handler_t::replace)) {
        expected += c;
        if (c == '\n') {
          expected += "  ";
        }
      }
      CHECK(text == expected);
      CHECK(text.find("\n  }") == text.size() - 4); // closed one level in
    }
  }
}
