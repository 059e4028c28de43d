// Matching an alert to a playbook: every shipped alert type to its family's playbook,
// alert types before families before resource types, the generic playbook for the rest,
// and the reason given; the library's built-in and extra playbooks.

#include "dftriage/engine/library.hpp"
#include "dftriage/engine/match.hpp"
#include "dftriage/util/error.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

using namespace dftriage;
using namespace dftriage::engine;

namespace {

const std::string k_vault =
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1";

alert::Alert make_alert(const std::string& type, alert::Family family = alert::Family::other,
                        const std::string& resource_id = "")
{
  alert::Alert a;
  a.id = "a-1";
  a.alert_type = type;
  a.base_alert_type = type;
  a.family = family;
  a.resource_id = resource_id;
  return a;
}

playbook::Playbook rule(const std::string& id, std::vector<std::string> types,
                        std::vector<std::string> families = {},
                        std::vector<std::string> resource_types = {})
{
  playbook::Playbook p;
  p.id = id;
  p.match.alert_types = std::move(types);
  p.match.families = std::move(families);
  p.match.resource_types = std::move(resource_types);
  return p;
}

// The playbook each family's alert types go to.
const std::map<std::string, std::string> k_playbook_of_family{
    {"keyvault", "keyvault"}, {"dns", "dns"}, {"resource-manager", "resource-manager"}};

alert::Family family_named(const std::string& name)
{
  for (const auto f :
       {alert::Family::keyvault, alert::Family::dns, alert::Family::resourcemanager}) {
    if (alert::to_string(f) == name) {
      return f;
    }
  }
  return alert::Family::other;
}

// A temporary folder removed afterwards.
struct Folder
{
  explicit Folder(const std::string& name)
      : path(std::filesystem::temp_directory_path() /
             ("dftriage-match-" + std::to_string(::getpid()) + "-" + name))
  {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~Folder()
  {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  void write(const std::string& name, const std::string& text) const
  {
    std::ofstream(path / name) << text;
  }
  std::filesystem::path path;
};

std::string small_playbook(const std::string& id, const std::string& alert_type)
{
  return R"({"id": ")" + id + R"(", "title": "T", "version": "9.0.0", "lastReviewed": "2026-11-28",
    "match": {"alertTypes": [")" +
         alert_type + R"("]},
    "phases": {"contact": [{"id": "ask", "title": "Ask", "guidance": "Ask the owner."}]}})";
}

} // namespace

TEST_CASE("every shipped alert type goes to its family's playbook, by its type", "[match]")
{
  const auto library = load_library();
  REQUIRE(library.issues.empty());
  REQUIRE(builtin_alert_types().size() == 1);
  std::istringstream lines(builtin_alert_types().front().second);
  std::size_t checked = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    const auto tab = line.find('\t');
    const auto tab2 = line.find('\t', tab + 1);
    const std::string type = line.substr(0, tab);
    const std::string family = line.substr(tab + 1, tab2 - tab - 1);
    INFO(type << " (" << family << ")");
    REQUIRE(k_playbook_of_family.count(family) == 1);
    const auto m = match_alert(make_alert(type, family_named(family)), library);
    CHECK(m.playbook_id() == k_playbook_of_family.at(family));
    // By its type, never by the family alone.
    CHECK(m.reason.rfind("alertType " + type + " matches ", 0) == 0);
    CHECK(m.reason_zh.rfind("alertType " + type + " 与 ", 0) == 0);
    ++checked;
  }
  CHECK(checked > 70);
}

TEST_CASE("a simulated alert matches by its base type and says so", "[match]")
{
  auto a = make_alert("SIMULATED_KV_TORAccess", alert::Family::keyvault, k_vault);
  a.base_alert_type = "KV_TORAccess";
  a.simulated = true;
  const auto library = load_library(); // the match points into it
  const auto m = match_alert(a, library);
  CHECK(m.playbook_id() == "keyvault");
  CHECK(m.reason == "baseAlertType KV_TORAccess matches KV_*");
}

TEST_CASE("alert types match ignoring case, '*' and '?' as globs", "[match]")
{
  Library library;
  library.playbooks = {rule("exact", {"KV_TOR?ccess"}), rule("any", {"kv_*"})};
  CHECK(match_alert(make_alert("KV_TORAccess"), library).playbook_id() == "exact");
  CHECK(match_alert(make_alert("kv_torACCESS"), library).playbook_id() == "exact");
  CHECK(match_alert(make_alert("KV_TORxxAccess"), library).playbook_id() == "any");
  CHECK(match_alert(make_alert("KV_"), library).playbook_id() == "any");
  CHECK(match_alert(make_alert("XKV_TORAccess"), library).playbook_id() == "generic");
}

TEST_CASE("precedence: alert type, then family, then resource type, the first playbook first",
          "[match]")
{
  const auto a = make_alert("KV_TORAccess", alert::Family::keyvault, k_vault);
  SECTION("an alert type match beats a family or resource type listed earlier")
  {
    Library library;
    library.playbooks = {rule("by-resource", {}, {}, {"microsoft.keyvault/vaults"}),
                         rule("by-family", {}, {"keyvault"}), rule("by-type", {"KV_*"})};
    const auto m = match_alert(a, library);
    CHECK(m.playbook_id() == "by-type");
    CHECK(m.reason == "alertType KV_TORAccess matches KV_*");
  }
  SECTION("a family beats a resource type")
  {
    Library library;
    library.playbooks = {rule("by-resource", {}, {}, {"microsoft.keyvault/*"}),
                         rule("by-family", {"DNS_*"}, {"keyvault"})};
    const auto m = match_alert(a, library);
    CHECK(m.playbook_id() == "by-family");
    CHECK(m.reason == "family keyvault (from the alert's product or resource)");
    CHECK(m.reason_zh == "family keyvault（依据告警的产品或资源）");
  }
  SECTION("a resource type when nothing else matches")
  {
    Library library;
    library.playbooks = {rule("other", {"DNS_*"}, {"dns"}),
                         rule("by-resource", {}, {}, {"microsoft.keyvault/*"})};
    const auto m = match_alert(make_alert("Unknown_Type", alert::Family::other, k_vault), library);
    CHECK(m.playbook_id() == "by-resource");
    CHECK(m.reason == "resource type microsoft.keyvault/vaults matches microsoft.keyvault/*");
    CHECK(m.reason_zh == "资源类型 microsoft.keyvault/vaults 与 microsoft.keyvault/* 匹配");
  }
  SECTION("among equals, the first playbook of the library")
  {
    Library library;
    library.playbooks = {rule("first", {"KV_T*"}), rule("second", {"KV_TORAccess"})};
    CHECK(match_alert(a, library).playbook_id() == "first");
  }
}

TEST_CASE("an unknown alert type goes to the generic playbook, and the reason says why", "[match]")
{
  const auto library = load_library();
  SECTION("no type, family or resource to go by")
  {
    const auto m = match_alert(make_alert("VM_SuspiciousProcess"), library);
    CHECK(m.playbook == nullptr);
    CHECK(m.playbook_id() == "generic");
    CHECK(m.reason == "no playbook matches alertType VM_SuspiciousProcess (family other); the "
                      "alert's own remediation steps are used");
    CHECK_THAT(m.reason_zh, Catch::Contains("VM_SuspiciousProcess") && Catch::Contains("剧本"));
  }
  SECTION("a playbook listing family \"other\" never takes it")
  {
    Library own;
    own.playbooks = {rule("catch-all", {}, {"other"})};
    CHECK(match_alert(make_alert("VM_SuspiciousProcess"), own).playbook_id() == "generic");
  }
  SECTION("an unknown type of a known family goes by the family")
  {
    const auto m = match_alert(make_alert("Storage_Odd", alert::Family::dns), library);
    CHECK(m.playbook_id() == "dns");
    CHECK(m.reason == "family dns (from the alert's product or resource)");
  }
  SECTION("an unknown type on a vault goes by the resource type")
  {
    const auto m = match_alert(make_alert("Odd", alert::Family::other, k_vault), library);
    CHECK(m.playbook_id() == "keyvault");
    CHECK(m.reason == "resource type microsoft.keyvault/vaults matches microsoft.keyvault/vaults");
  }
  SECTION("a resource ID that is no resource ID matches no resource type")
  {
    const auto m = match_alert(make_alert("Odd", alert::Family::other, "not an id"), library);
    CHECK(m.playbook_id() == "generic");
  }
  SECTION("an empty library knows no playbook")
  {
    CHECK(match_alert(make_alert("KV_TORAccess", alert::Family::keyvault), {}).playbook == nullptr);
  }
}

TEST_CASE("match as JSON names the alert, the playbook, the reason and the source", "[match]")
{
  auto a = make_alert("KV_TORAccess", alert::Family::keyvault, k_vault);
  a.source.file = "alerts.json";
  a.source.index = 3;
  const auto library = load_library();
  const auto j = to_json(a, match_alert(a, library));
  CHECK(j["alertId"] == "a-1");
  CHECK(j["alertType"] == "KV_TORAccess");
  CHECK(j["family"] == "keyvault");
  CHECK(j["playbook"] == "keyvault");
  CHECK(j["reason"] == "alertType KV_TORAccess matches KV_*");
  CHECK(j["source"]["file"] == "alerts.json");
  CHECK(j["source"]["index"] == 3);
}

TEST_CASE("the generic playbook: review, the alert's own steps as manual steps, resolve", "[match]")
{
  auto a = make_alert("VM_SuspiciousProcess");
  a.remediation_steps = {"Isolate the VM.", "Rotate its credentials."};
  const auto p = generic_playbook(a);
  CHECK(p.id == "generic");
  std::vector<std::string> ids;
  for (const auto& phase : p.phases) {
    for (const auto& s : phase) {
      ids.push_back(s.id);
      if (s.id.rfind("remediation-", 0) == 0) {
        CHECK_FALSE(s.action); // a person carries out the alert's own text
      }
    }
  }
  CHECK(ids == std::vector<std::string>{"review-alert", "remediation-1", "remediation-2",
                                        "resolve-alert"});
  const auto& mitigate = p.phases[static_cast<int>(playbook::Phase::mitigate)];
  REQUIRE(mitigate.size() == 2);
  CHECK(mitigate[1].guidance.en == "Rotate its credentials.");
  const auto& act = p.phases[static_cast<int>(playbook::Phase::act)];
  REQUIRE(act.size() == 1);
  REQUIRE(act[0].action);
  CHECK(act[0].action->name == "security.alert.set_status");
}

TEST_CASE("the library: built-in playbooks, replaced or joined by a folder's", "[match][library]")
{
  const auto builtin = load_library();
  REQUIRE(builtin.find("keyvault") != nullptr);
  CHECK(builtin.find("dns") != nullptr);
  CHECK(builtin.find("resource-manager") != nullptr);
  CHECK(builtin.find("nope") == nullptr);
  CHECK(builtin.playbooks.size() == builtin_playbooks().size());

  Folder dir("extra");
  dir.write("keyvault.json", small_playbook("keyvault", "KV_Own*"));
  dir.write("storage.json", small_playbook("storage", "Storage_*"));
  dir.write("broken.json", "{\"id\": ");
  dir.write("playbook.schema.json", "{\"not\": \"a playbook\"}");
  dir.write("notes.txt", "not JSON at all");
  const auto library = load_library({dir.path.string()});

  // Same ID: the folder's replaces the built-in one, in its place.
  CHECK(library.playbooks.size() == builtin.playbooks.size() + 1);
  REQUIRE(library.find("keyvault") != nullptr);
  CHECK(library.find("keyvault")->version == "9.0.0");
  CHECK(library.playbooks.back().id == "storage");
  CHECK(match_alert(make_alert("KV_OwnThing", alert::Family::keyvault), library).playbook_id() ==
        "keyvault");
  CHECK(match_alert(make_alert("Storage_Odd"), library).playbook_id() == "storage");
  // The replaced built-in rules are gone: nothing takes KV_TORAccess any more.
  CHECK(match_alert(make_alert("KV_TORAccess", alert::Family::keyvault), library).playbook ==
        nullptr);

  // A broken file is an issue naming it; the schema and other files are not read.
  REQUIRE(library.issues.size() == 1);
  CHECK_THAT(library.issues[0].to_string(), Catch::Contains("broken.json"));

  CHECK_THROWS_AS(load_library({(dir.path / "absent").string()}), InputError);
  CHECK_THROWS_AS(load_playbook_file((dir.path / "absent.json").string()), InputError);
}
