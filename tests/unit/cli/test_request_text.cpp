#include "cli/request_text.hpp"
#include "dftriage/azure/cloud.hpp"
#include "support/process.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <unistd.h>

using dftriage::azure::Request;
using dftriage::cli::as_curl;
using dftriage::cli::CurlContext;
using Json = nlohmann::ordered_json;

namespace {

// Runs `command` (printed curl) in bash with curl replaced by a function that prints each
// argument on a line of its own, after `setup`; returns what it printed.
dftriage::test::ProcessResult run_printed(const std::string& command, const std::string& setup = {})
{
  const std::string script =
      "set -u\ncurl() { for a in \"$@\"; do printf '%s\\n' \"$a\"; done; }\n" + setup + "\n" +
      command;
  return dftriage::test::run_process({"/bin/bash", "-c", script});
}

// The argument after --data-binary in run_printed's output.
std::string data_argument(const std::string& printed)
{
  const auto at = printed.find("--data-binary\n");
  REQUIRE(at != std::string::npos);
  const auto start = at + std::string("--data-binary\n").size();
  return printed.substr(start, printed.size() - start - 1);
}

Request vault_put(Json body)
{
  Request r;
  r.method = "PUT";
  r.url = "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/"
          "Microsoft.KeyVault/vaults/kv1?api-version=2022-07-01";
  r.audience = "arm";
  r.body = std::move(body);
  return r;
}

Request vault_get()
{
  auto r = vault_put(nullptr);
  r.method = "GET";
  r.body.reset();
  return r;
}

} // namespace

TEST_CASE("a request shown as curl keeps every value inside its quotes")
{
  CHECK(dftriage::cli::shell_quote("a'b") == R"('a'\''b')");
  Request r;
  r.method = "PUT";
  r.url = "https://management.azure.com/x?api-version=1";
  r.body = Json{{"note", "it's $(reboot) \u202e"}};
  const auto text = as_curl(r, "");
  CHECK(text == "curl -X PUT 'https://management.azure.com/x?api-version=1' \\\n"
                "  -H \"Authorization: Bearer $TOKEN\" \\\n"
                "  -H 'Content-Type: application/json' \\\n"
                "  --data-binary '{\"note\":\"it'\\''s $(reboot) \\u202e\"}'\n");
}

TEST_CASE("a pre-image value read before the request is shown is filled in")
{
  const std::vector<Request> reads{vault_get()};
  const dftriage::azure::PreImage pre{{200, Json{{"properties", {{"tenantId", "t-1"}}}}}};
  CurlContext context;
  context.pre_requests = &reads;
  context.pre_image = &pre;
  const auto text =
      as_curl(vault_put({{"properties", {{"tenantId", "$(pre-image 0 /properties/tenantId)"}}}}),
              "", context);
  CHECK(text.find("--data-binary '{\"properties\":{\"tenantId\":\"t-1\"}}'") != std::string::npos);
  CHECK(text.find('#') == std::string::npos); // nothing left to explain
  CHECK(text.find("pre-image") == std::string::npos);
}

TEST_CASE("a pre-image value not read yet is a shell variable explained above the command")
{
  const std::vector<Request> reads{vault_get()};
  CurlContext context;
  context.pre_requests = &reads;
  const auto text =
      as_curl(vault_put({{"properties", {{"tenantId", "$(pre-image 0 /properties/tenantId)"}}}}),
              "  ", context);
  CHECK(text.rfind("  # TENANT_ID: the JSON at /properties/tenantId of the vault, read by the GET "
                   "above when the step runs (left out if absent there)\n  curl -X PUT",
                   0) == 0);
  CHECK(text.find("--data-binary '{\"properties\":{\"tenantId\":'\"$TENANT_ID\"'}}'") !=
        std::string::npos);
  const auto ran = run_printed(text, "TOKEN=t; TENANT_ID='\"t-9\"'");
  REQUIRE(ran.exit_code == 0);
  CHECK(Json::parse(data_argument(ran.out)) == Json{{"properties", {{"tenantId", "t-9"}}}});
}

TEST_CASE("several pre-image values are explained together and named after what they select")
{
  const std::vector<Request> reads{vault_get()};
  CurlContext context;
  context.pre_requests = &reads;
  const auto text = as_curl(vault_put({{"location", "$(pre-image 0 /location)"},
                                       {"tags", "$(pre-image 0 /tags)"},
                                       {"rules", "$(pre-image 0 /properties/rules/[name=a] "
                                                 "writable)"},
                                       {"path", "$(pre-image 0 /properties/path)"}}),
                            "", context);
  CHECK(text.find("# Read by the GET above when the step runs (JSON values of the vault; a key "
                  "whose value is absent there is left out):\n") != std::string::npos);
  CHECK(text.find("#   LOCATION: /location\n") != std::string::npos);
  CHECK(text.find("#   TAGS: /tags\n") != std::string::npos);
  CHECK(text.find("#   RULES_ITEM: /properties/rules/[name=a], less its read-only members\n") !=
        std::string::npos);
  // Never a variable the shell or az reads.
  CHECK(text.find("#   PATH_VALUE: /properties/path\n") != std::string::npos);
}

TEST_CASE("a generated secret is a variable said to be made when the step runs")
{
  Request r = vault_put(
      {{"properties",
        {{"osProfile", {{"adminPassword", std::string(dftriage::cli::k_generated_secret)}}}}}});
  const auto text = as_curl(r, "");
  CHECK(text.find("# GENERATED_SECRET: a password dftriage makes when the step runs, shown once "
                  "then and never here (to send this by hand, set one of your own)\n") !=
        std::string::npos);
  CHECK(text.find("\"adminPassword\":\"'\"$GENERATED_SECRET\"'\"") != std::string::npos);
  CHECK(text.find("generated secret") == std::string::npos);
  const auto ran = run_printed(text, "TOKEN=t; GENERATED_SECRET='pw 1'");
  REQUIRE(ran.exit_code == 0);
  CHECK(Json::parse(data_argument(ran.out))["properties"]["osProfile"]["adminPassword"] == "pw 1");
}

TEST_CASE("the token comes from a variable per audience whose origin is said once per step")
{
  const auto& cloud = dftriage::azure::public_cloud();
  CurlContext context;
  context.cloud = &cloud;
  const auto comments = dftriage::cli::token_comments(
      {"arm", "keyvault", "graph", "loganalytics", "arm"}, context, "");
  CHECK(comments ==
        "# TOKEN=$(az account get-access-token --resource 'https://management.core.windows.net/' "
        "--query accessToken -o tsv)\n"
        "# KEYVAULT_TOKEN=$(az account get-access-token --resource 'https://vault.azure.net' "
        "--query accessToken -o tsv)\n"
        "# GRAPH_TOKEN=$(az account get-access-token --resource 'https://graph.microsoft.com/' "
        "--query accessToken -o tsv)\n"
        "# LOGANALYTICS_TOKEN=$(az account get-access-token --resource "
        "'https://api.loganalytics.io' --query accessToken -o tsv)\n");
  Request secret;
  secret.method = "GET";
  secret.url = "https://kv1.vault.azure.net/secrets/s?api-version=7.4";
  secret.audience = "keyvault";
  const auto text = as_curl(secret, "", context);
  CHECK(text.find("-H \"Authorization: Bearer $KEYVAULT_TOKEN\"") != std::string::npos);
  CHECK(text.find("az account") == std::string::npos); // said once per step, not per request
  const Request a = vault_get();
  Request b = secret;
  CHECK(dftriage::cli::audiences_of({&a, &b, &a}) == std::vector<std::string>{"arm", "keyvault"});
}

TEST_CASE("requests to a lab over HTTPS trust its CA and say how to get a token from it")
{
  auto lab = dftriage::azure::public_cloud();
  lab.name = "DftriageLab";
  lab.authority = "https://127.0.0.1:8443";
  lab.arm_audience = "https://127.0.0.1:8443/";
  lab.ca_bundle = "/tmp/lab dir/ca.pem";
  CurlContext context;
  context.cloud = &lab;
  Request r = vault_get();
  r.url = "https://127.0.0.1:8443/subscriptions/s?api-version=2021-01-01";
  CHECK(as_curl(r, "", context).find("  --cacert '/tmp/lab dir/ca.pem' \\\n") != std::string::npos);
  r.url = "http://127.0.0.1:8080/subscriptions/s?api-version=2021-01-01";
  CHECK(as_curl(r, "", context).find("--cacert") == std::string::npos);
  const auto comments = dftriage::cli::token_comments({"arm"}, context, "");
  CHECK(comments ==
        "# TOKEN=$(curl -s --cacert '/tmp/lab dir/ca.pem' -d "
        "grant_type=client_credentials --data-urlencode \"client_id=$LAB_CLIENT_ID\" "
        "--data-urlencode \"client_secret=$LAB_CLIENT_SECRET\" --data-urlencode "
        "'resource=https://127.0.0.1:8443/' "
        "\"https://127.0.0.1:8443/$LAB_TENANT_ID/oauth2/token\" | jq -r .access_token)\n"
        "#   (LAB_CLIENT_ID, LAB_CLIENT_SECRET, LAB_TENANT_ID: clientId, clientSecret "
        "and tenantId of the first line dftriage lab serve prints; a lab started by --lab "
        "does not show its secret: serve one to follow along)\n");
  // Every comment line is a whole comment: the shell runs none of it.
  const auto ran = run_printed(comments + as_curl(r, "", context), "TOKEN=t");
  CHECK(ran.exit_code == 0);
  CHECK(ran.out.rfind("-X\nGET\n", 0) == 0);
}

TEST_CASE("a printed command is valid shell and runs as printed when every value is known")
{
  const std::vector<Request> reads{vault_get()};
  const dftriage::azure::PreImage pre{
      {200, Json{{"location", "westeurope"}, {"properties", {{"tenantId", "t-1"}}}}}};
  CurlContext context;
  context.pre_requests = &reads;
  context.pre_image = &pre;
  const Json body{
      {"location", "$(pre-image 0 /location)"},
      {"properties",
       {{"tenantId", "$(pre-image 0 /properties/tenantId)"},
        {"networkAcls",
         {{"defaultAction", "Deny"},
          {"ipRules", {{{"value", "198.51.100.0/24"}}, {{"value", "203.0.113.7"}}}}}}}}};
  const auto text = as_curl(vault_put(body), "    ", context);
  CHECK(text.find("--data-binary '{\n") != std::string::npos); // long: one value a line
  const auto syntax = dftriage::test::run_process({"/bin/bash", "-n"}, text);
  CHECK(syntax.exit_code == 0);
  const auto ran = run_printed(text, "TOKEN=t");
  REQUIRE(ran.exit_code == 0);
  auto expected = body;
  expected["location"] = "westeurope";
  expected["properties"]["tenantId"] = "t-1";
  CHECK(Json::parse(data_argument(ran.out)) == expected);
  CHECK(ran.out.find("Authorization: Bearer t\n") != std::string::npos);
}

TEST_CASE("a hostile alert value cannot break out of the printed command's quoting")
{
  const auto marker =
      std::filesystem::temp_directory_path() / ("dftriage-hostile-" + std::to_string(::getpid()));
  std::filesystem::remove(marker);
  const std::string touch = "touch " + marker.string();
  const std::string hostile = "x' ; " + touch + " ; echo '\"'\"$(" + touch + ")`" + touch + "`\n" +
                              touch + "\x01TOKEN\x02 \\' \u202e";
  const std::vector<Request> reads{vault_get()};
  CurlContext context;
  context.pre_requests = &reads;
  Request r =
      vault_put({{"properties",
                  {{"description", hostile},
                   {hostile, "$(pre-image 0 /properties/accessPolicies/[objectId=" + hostile +
                                 "]/permissions)"}}}});
  r.headers.push_back({"If-Match", hostile});
  r.url += "&x=" + hostile;
  const auto text = as_curl(r, "  ", context);
  CHECK(dftriage::test::run_process({"/bin/bash", "-n"}, text).exit_code == 0);
  const auto ran = run_printed(text, "TOKEN=t; PERMISSIONS=1");
  CHECK(ran.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(marker));
  // The body arrives whole: the hostile text is a JSON string, not shell.
  const auto sent = Json::parse(data_argument(ran.out));
  CHECK(sent["properties"]["description"] == hostile);
  CHECK(sent["properties"][hostile] == 1);
  std::filesystem::remove(marker);
}
