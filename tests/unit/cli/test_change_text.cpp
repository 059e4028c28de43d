#include "cli/change_text.hpp"

#include <catch2/catch.hpp>

using dftriage::cli::change_view;
using dftriage::cli::differences;
using dftriage::cli::differences_text;
using dftriage::playbook::Lang;
using Json = nlohmann::ordered_json;

namespace {

const char* k_nsg1_url = "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/"
                         "Microsoft.Network/networkSecurityGroups/nsg1?api-version=2023-09-01";

// An NSG security rule as ARM returns it.
Json nsg_rule(const std::string& name, const std::string& access, int priority)
{
  return {{"name", name},
          {"id", "r/" + name},
          {"etag", "W/\"1\""},
          {"properties",
           {{"access", access}, {"priority", priority}, {"provisioningState", "Succeeded"}}}};
}

// A request to k_nsg1_url.
dftriage::azure::Request nsg1_request(const std::string& method, const Json& body)
{
  dftriage::azure::Request r;
  r.method = method;
  r.url = k_nsg1_url;
  r.body = body;
  return r;
}

} // namespace

TEST_CASE("a PUT is shown as what it changes in the target with named rules matched by name")
{
  const Json current{{"id", "/subscriptions/s/.../nsg1"},
                     {"name", "nsg1"},
                     {"type", "Microsoft.Network/networkSecurityGroups"},
                     {"etag", "W/\"1\""},
                     {"location", "westeurope"},
                     {"properties",
                      {{"provisioningState", "Succeeded"},
                       {"securityRules",
                        {nsg_rule("allow-ssh", "Allow", 100), nsg_rule("allow-web", "Allow", 200),
                         nsg_rule("old", "Allow", 300)}}}}};
  const Json body{
      {"location", "westeurope"},
      {"properties",
       {{"securityRules",
         {{{"name", "deny-all"}, {"properties", {{"access", "Deny"}, {"priority", 90}}}},
          {{"name", "allow-ssh"},
           {"id", "r/allow-ssh"},
           {"properties", {{"access", "Deny"}, {"priority", 100}}}},
          {{"name", "allow-web"},
           {"id", "r/allow-web"},
           {"properties", {{"access", "Allow"}, {"priority", 200}}}}}}}}};
  const auto found = differences("PUT", current, body);
  const auto text = differences_text(found, "  ", false, Lang::en);
  CHECK(text == "  + /properties/securityRules/[name=deny-all]: "
                "{\"name\":\"deny-all\",\"properties\":{\"access\":\"Deny\",\"priority\":90}}\n"
                "  ~ /properties/securityRules/[name=allow-ssh]/properties/access: \"Allow\" → "
                "\"Deny\"\n"
                "  - /properties/securityRules/[name=old]: {\"name\":\"old\",\"id\":"
                "\"r/old\",\"properties\":{\"access\":\"Allow\","
                "\"priority\":300}}\n");
  // What Azure reports and never takes back (id, name, type, etag, provisioningState) is
  // not "removed" by a PUT that leaves it out.
  CHECK(text.find("etag") == std::string::npos);
  CHECK(text.find("provisioningState") == std::string::npos);
  CHECK(text.find("/type") == std::string::npos);
}

TEST_CASE("a PATCH shows only what it names and a null removes")
{
  const Json current{{"properties",
                      {{"networkAcls", {{"defaultAction", "Allow"}, {"ipRules", Json::array()}}},
                       {"enableSoftDelete", true},
                       {"tenantId", "t"}}},
                     {"tags", {{"owner", "a"}}}};
  const Json body{{"properties",
                   {{"networkAcls",
                     {{"defaultAction", "Deny"}, {"ipRules", {{{"value", "198.51.100.0/24"}}}}}}}},
                  {"tags", {{"owner", nullptr}, {"case", "c1"}}}};
  const auto text = differences_text(differences("PATCH", current, body), "", false, Lang::en);
  CHECK(text == "~ /properties/networkAcls/defaultAction: \"Allow\" → \"Deny\"\n"
                "+ /properties/networkAcls/ipRules/0: {\"value\":\"198.51.100.0/24\"}\n"
                "- /tags/owner: \"a\"\n"
                "+ /tags/case: \"c1\"\n");
}

TEST_CASE("long values are cut with a long ID keeping its end and keys and values made safe")
{
  const Json current{{"tags", Json::object()}, {"properties", Json::object()}};
  const std::string id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/"
                         "providers/Microsoft.Network/networkSecurityGroups/vm-web-01-isolation";
  const Json body{{"tags", {{"k\x1b[31m/~", std::string(300, 'x')}}},
                  {"properties", {{"nsg", id}, {"rules", Json(std::vector<int>(100, 7))}}}};
  const auto text = differences_text(differences("PATCH", current, body), "", false, Lang::en);
  CHECK(text.find("+ /tags/k\\x1b[31m~1~0: \"xxxx") == 0);
  CHECK(text.find("xxx…xxx") != std::string::npos);
  CHECK(text.find(": \"/subscriptions/00000000-0000-…Microsoft.Network/networkSecurityGroups/"
                  "vm-web-01-isolation\"\n") != std::string::npos);
  CHECK(text.find("… (201 characters)\n") != std::string::npos);
  CHECK(text.find('\x1b') == std::string::npos);
}

TEST_CASE("members a PUT leaves out are named on one line and not as removals")
{
  const Json current{{"kind", "Regular"},
                     {"properties", {{"primary", true}, {"ipConfigurations", Json::array()}}}};
  const Json body{{"properties", {{"ipConfigurations", Json::array()}}}};
  const auto found = differences("PUT", current, body);
  REQUIRE(found.size() == 2);
  CHECK(found[0].left_out);
  CHECK(differences_text(found, "  ", false, Lang::en) ==
        "  · not in the PUT (Azure keeps what is read-only, resets the rest): "
        "/properties/primary, /kind\n");
}

TEST_CASE("a change is shown against its target's pre-image or else whole and once")
{
  std::vector<dftriage::azure::Request> reads{nsg1_request("GET", nullptr)};
  reads[0].body.reset();
  const Json body{{"location", "westeurope"}, {"properties", {{"flowLogs", "on"}}}};
  SECTION("the target was read: its differences only")
  {
    const dftriage::azure::PreImage pre{
        {200, Json{{"location", "westeurope"}, {"properties", Json::object()}}}};
    const auto view = change_view(nsg1_request("PUT", body), reads, pre, "  ", false, Lang::en);
    CHECK(view.diff);
    CHECK(view.text == "  + /properties/flowLogs: \"on\"\n");
  }
  SECTION("nothing differs")
  {
    const dftriage::azure::PreImage pre{{200, body}};
    const auto view = change_view(nsg1_request("PUT", body), reads, pre, "  ", false, Lang::zh_cn);
    CHECK(view.text == "  （与当前状态没有差别）\n");
  }
  SECTION("the target does not exist: it is created, with this body")
  {
    const dftriage::azure::PreImage pre{{404, nullptr}};
    const auto view = change_view(nsg1_request("PUT", body), reads, pre, "  ", false, Lang::en);
    CHECK_FALSE(view.diff);
    CHECK(view.text == "  (it does not exist yet: this creates it)\n"
                       "  {\"location\":\"westeurope\",\"properties\":{\"flowLogs\":\"on\"}}\n");
  }
  SECTION("another URL was read (a POST action): the body, once")
  {
    const dftriage::azure::PreImage pre{{200, Json{{"location", "westeurope"}}}};
    auto post = nsg1_request("POST", body);
    post.url = std::string(k_nsg1_url).replace(post.url.find('?'), 0, "/remove");
    const auto view = change_view(post, reads, pre, "  ", false, Lang::en);
    CHECK(view.text == "  {\"location\":\"westeurope\",\"properties\":{\"flowLogs\":\"on\"}}\n");
  }
}
