// End-to-end: `dftriage lab serve --https` in the background, its first line saved to a
// file, and `dftriage --cloud FILE auth status` run as a user would.

#include "support/paths.hpp"
#include "support/process.hpp"
#include "support/run_dftriage.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace dftriage::test;

namespace {

const std::string k_env_canary = "CANARY-env-secret-4b7e";

// `dftriage lab serve --https` on an ephemeral port, its connection line in lab.json and
// the same line without the lab's principal in bare.json (a cloud file with endpoints
// and CA only, so that the credential chain runs).
struct AuthLab
{
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("dftriage-e2e-auth-" + std::to_string(::getpid()));
  std::unique_ptr<Server> server;
  nlohmann::json connection;
  std::string file;
  std::string bare_file;

  AuthLab()
  {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    server = std::make_unique<Server>(std::vector<std::string>{
        k_bin, "lab", "serve", "--https", "--state-dir", (dir / "lab").string()});
    REQUIRE(!server->first_line().empty());
    connection = nlohmann::json::parse(server->first_line());
    file = (dir / "lab.json").string();
    std::ofstream(file) << server->first_line() << "\n";
    auto bare = connection;
    bare.erase("clientSecret");
    bare.erase("clientId");
    bare_file = (dir / "bare.json").string();
    std::ofstream(bare_file) << bare.dump() << "\n";
  }
  ~AuthLab()
  {
    server->stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  std::string secret() const { return connection["clientSecret"]; }
  std::string arm_resource() const
  {
    return connection["cloud"]["endpoints"]["activeDirectoryResourceId"];
  }
};

// True when `s` holds a lab token (64 hex digits) or `secret`.
bool leaks(const std::string& s, const std::string& secret)
{
  static const std::regex token("[0-9a-f]{64}");
  return s.find(secret) != std::string::npos || std::regex_search(s, token);
}

} // namespace

TEST_CASE("auth status against lab serve names the credential, tenant and client, never the token",
          "[auth][e2e]")
{
  AuthLab lab;
  const auto& c = lab.connection;

  SECTION("--cloud FILE before the subcommand, JSON")
  {
    const auto r = run_process({k_bin, "--cloud", lab.file, "auth", "status", "-o", "json"}, "",
                               no_credential_env());
    REQUIRE(r.exit_code == 0);
    const auto s = nlohmann::json::parse(r.out);
    CHECK(s["credential"] == "client secret (cloud file " + lab.file + ")");
    CHECK(s["cloud"] == "DftriageLab");
    CHECK(s["cloudSource"] == lab.file);
    CHECK(s["tenantId"] == c["tenantId"]);
    CHECK(s["clientId"] == c["clientId"]);
    CHECK(s["audience"] == "arm");
    CHECK(s["resource"] == lab.arm_resource());
    CHECK(s["tokenFormat"] == "jwt");
    CHECK(s["expiresInSeconds"].get<long long>() > 3000);
    CHECK(std::regex_match(s["expiresOn"].get<std::string>(),
                           std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
    CHECK_FALSE(leaks(r.out + r.err, lab.secret()));
  }
  SECTION("--cloud after the subcommand, text; the canary: nothing secret at -vvv")
  {
    const auto r = run_process({k_bin, "-vvv", "auth", "status", "--cloud", lab.file, "--audience",
                                "keyvault", "-o", "text"},
                               "", no_credential_env());
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("credential  client secret (cloud file " + lab.file + ")\n") !=
          std::string::npos);
    CHECK(r.out.find("tenant      " + c["tenantId"].get<std::string>() + "\n") !=
          std::string::npos);
    CHECK(r.out.find("client      " + c["clientId"].get<std::string>() + "\n") !=
          std::string::npos);
    CHECK(r.out.find("audience    keyvault (https://vault.localhost:") != std::string::npos);
    CHECK(r.err.find("got a token for") != std::string::npos); // the debug log ran
    CHECK(r.out.find("token") == std::string::npos);
    CHECK_FALSE(leaks(r.out + r.err, lab.secret()));
  }
  SECTION("DFTRIAGE_CLOUD names the file when --cloud is absent")
  {
    auto env = no_credential_env();
    env["DFTRIAGE_CLOUD"] = lab.file;
    const auto r = run_process({k_bin, "auth", "status", "-o", "json"}, "", env);
    REQUIRE(r.exit_code == 0);
    CHECK(nlohmann::json::parse(r.out)["tenantId"] == c["tenantId"]);
  }
  SECTION("--cloud wins over DFTRIAGE_CLOUD")
  {
    auto env = no_credential_env();
    env["DFTRIAGE_CLOUD"] = "AzureChinaCloud";
    const auto r =
        run_process({k_bin, "--cloud", lab.file, "auth", "status", "-o", "json"}, "", env);
    REQUIRE(r.exit_code == 0);
    CHECK(nlohmann::json::parse(r.out)["cloud"] == "DftriageLab");
  }
  SECTION("environment variables do not replace the lab's own principal")
  {
    auto env = no_credential_env();
    env["AZURE_TENANT_ID"] = c["tenantId"];
    env["AZURE_CLIENT_ID"] = "someone-else";
    env["AZURE_CLIENT_SECRET"] = k_env_canary;
    const auto r =
        run_process({k_bin, "--cloud", lab.file, "auth", "status", "-o", "json"}, "", env);
    REQUIRE(r.exit_code == 0);
    CHECK(nlohmann::json::parse(r.out)["clientId"] == c["clientId"]);
  }
  SECTION("a cloud file without a principal: the environment's client secret, and a wrong one is "
          "exit 4")
  {
    auto env = no_credential_env();
    env["AZURE_TENANT_ID"] = c["tenantId"];
    env["AZURE_CLIENT_ID"] = c["clientId"];
    env["AZURE_CLIENT_SECRET"] = lab.secret();
    const auto good = run_process(
        {k_bin, "--cloud", lab.bare_file, "-vvv", "auth", "status", "-o", "json"}, "", env);
    REQUIRE(good.exit_code == 0);
    CHECK(nlohmann::json::parse(good.out)["credential"] == "client secret (environment)");
    CHECK_FALSE(leaks(good.out + good.err, lab.secret()));

    env["AZURE_CLIENT_SECRET"] = k_env_canary;
    const auto r =
        run_process({k_bin, "--cloud", lab.bare_file, "-vvv", "auth", "status"}, "", env);
    CHECK(r.exit_code == 4);
    CHECK(nlohmann::json::parse(r.out)["authenticated"] == false); // a pipe: JSON
    CHECK(
        r.err.find(
            "dftriage: error: no credential could get a token for " + lab.arm_resource() +
            ". Tried: client secret (environment): the token endpoint answered 401 invalid_client: "
            "AADSTS7000215: Invalid client secret provided.") != std::string::npos);
    CHECK(r.err.find("The chain stops at client secret (environment)") != std::string::npos);
    CHECK(r.err.find(k_env_canary) == std::string::npos);
    CHECK_FALSE(leaks(r.out + r.err, lab.secret()));
  }
}

TEST_CASE("auth status with no working credential lists each one and exits 4", "[auth][e2e]")
{
  const auto r = run_process({k_bin, "auth", "status"}, "", no_credential_env());
  CHECK(r.exit_code == 4);
  // In a pipe (JSON) the answer is on stdout too: no credential answered.
  const auto status = nlohmann::json::parse(r.out);
  CHECK(status["authenticated"] == false);
  CHECK(status["audience"] == "arm");
  CHECK_THAT(status["error"].get<std::string>(),
             Catch::Contains("no credential could get a token"));
  CHECK(run_process({k_bin, "auth", "status", "-o", "text"}, "", no_credential_env()).out.empty());
  INFO(r.err);
  CHECK(
      r.err.rfind("dftriage: error: no credential could get a token for "
                  "https://management.core.windows.net/. "
                  "Tried: environment: not configured (AZURE_CLIENT_SECRET and "
                  "AZURE_CLIENT_CERTIFICATE_PATH are "
                  "not set); workload identity: not configured (AZURE_FEDERATED_TOKEN_FILE is not "
                  "set); managed "
                  "identity (IMDS): no managed identity endpoint answered at http://127.0.0.1:1 (",
                  0) == 0);
  CHECK(r.err.find(
            "); Azure CLI: az is not on the PATH (install the Azure CLI and run az login)\n") !=
        std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE(
    "auth status through a fake az on the PATH: the Azure CLI answers, its token's claims shown",
    "[auth][e2e]")
{
  const auto dir =
      std::filesystem::temp_directory_path() / ("dftriage-e2e-az-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  // {"alg":"none"} . {"tid":"t-az","oid":"o-az","appid":"a-az","upn":"analyst@contoso.test"} . sig
  const std::string jwt = "eyJhbGciOiJub25lIn0."
                          "eyJ0aWQiOiJ0LWF6Iiwib2lkIjoiby1heiIsImFwcGlkIjoiYS1heiIsInVwbiI6ImFuYWx5"
                          "c3RAY29udG9zby50ZXN0In0."
                          "Q0FOQVJZLXNpZw";
  const auto expires =
      std::chrono::duration_cast<std::chrono::seconds>(
          (std::chrono::system_clock::now() + std::chrono::hours(1)).time_since_epoch())
          .count();
  std::ofstream(dir / "az")
      << "#!/bin/sh\n"
         "printf '%s\\n' \"$@\" > \"${0%/*}/args\"\n" // no dirname: PATH holds only this folder
         "echo '{\"accessToken\": \""
      << jwt << "\", \"expires_on\": " << expires
      << ", \"tenant\": \"t-az\", \"tokenType\": \"Bearer\"}'\n";
  std::filesystem::permissions(dir / "az", std::filesystem::perms::owner_all);
  auto env = no_credential_env();
  env["PATH"] = dir.string();
  const auto r = run_process({k_bin, "-vvv", "auth", "status", "-o", "json"}, "", env);
  REQUIRE(r.exit_code == 0);
  const auto s = nlohmann::json::parse(r.out);
  CHECK(s["credential"] == "Azure CLI");
  CHECK(s["cloud"] == "AzureCloud");
  CHECK(s["tenantId"] == "t-az");
  CHECK(s["clientId"] == "a-az");
  CHECK(s["objectId"] == "o-az");
  CHECK(s["userPrincipalName"] == "analyst@contoso.test");
  CHECK(s["tokenFormat"] == "jwt");
  std::ifstream args(dir / "args");
  const std::string argv((std::istreambuf_iterator<char>(args)), {});
  CHECK(argv ==
        "account\nget-access-token\n--resource\nhttps://management.core.windows.net/\n-o\njson\n");
  CHECK((r.out + r.err).find("Q0FOQVJZLXNpZw") == std::string::npos);
  CHECK((r.out + r.err).find(jwt.substr(0, 40)) == std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("bad --cloud values: an unknown name, a malformed file", "[auth][e2e]")
{
  const auto unknown =
      run_process({k_bin, "--cloud", "AzureCloudd", "auth", "status"}, "", no_credential_env());
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err ==
        "dftriage: error: unknown cloud \"AzureCloudd\"; expected one of AzureCloud, "
        "AzureChinaCloud, "
        "AzureUSGovernment or the path of a cloud JSON file; did you mean \"AzureCloud\"?\n");
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("dftriage-test-badcloud-" + std::to_string(::getpid()) + ".json"))
                               .string();
  std::ofstream(path) << "{\"endpoints\": {\n  \"resourceManager\": }\n";
  const auto bad = run_process({k_bin, "auth", "status", "--cloud", path}, "", no_credential_env());
  CHECK(bad.exit_code == 3);
  CHECK(bad.err.rfind("dftriage: error: " + path + ":2:22: syntax error", 0) == 0);
  std::filesystem::remove(path);
}

TEST_CASE(
    "two labs started at once on a fresh state folder both serve a certificate their CA signed",
    "[e2e][lab]")
{
  const auto base = std::filesystem::temp_directory_path() /
                    ("dftriage-e2e-twolabs-" + std::to_string(::getpid()));
  for (int round = 0; round < 3; ++round) {
    std::filesystem::remove_all(base);
    std::filesystem::create_directories(base);
    const std::string state = (base / "lab").string();
    std::unique_ptr<Server> servers[2];
    std::thread starters[2];
    for (int i = 0; i < 2; ++i) {
      starters[i] = std::thread([&, i] {
        servers[i] = std::make_unique<Server>(std::vector<std::string>{
            k_bin, "lab", "serve", "--https", "--state-dir", state, "--record",
            (base / ("record-" + std::to_string(i))).string()});
      });
    }
    for (auto& t : starters) {
      t.join();
    }
    for (int i = 0; i < 2; ++i) {
      INFO("round " << round << ", lab " << i);
      REQUIRE(!servers[i]->first_line().empty());
      const std::string file = (base / ("lab-" + std::to_string(i) + ".json")).string();
      std::ofstream(file) << servers[i]->first_line() << "\n";
      const auto r = run_process({k_bin, "--cloud", file, "auth", "status", "-o", "json"}, "",
                                 no_credential_env());
      INFO(r.err);
      CHECK(r.exit_code == 0);
      // The recording holds request bodies: its owner's only.
      struct stat st
      {
      };
      REQUIRE(::stat((base / ("record-" + std::to_string(i))).c_str(), &st) == 0);
      CHECK((st.st_mode & 0777) == 0600);
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(base, ignored);
}

TEST_CASE(
    "a cloud file or plan with a number too large for a double is an input error, not a crash",
    "[e2e]")
{
  const auto dir = std::filesystem::temp_directory_path() /
                   ("dftriage-e2e-bignum-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "cloud.json").string();
  std::ofstream(file) << R"({"name":1e999})";
  const auto cloud =
      run_process({k_bin, "--cloud", file, "auth", "status"}, "", no_credential_env());
  CHECK(cloud.exit_code == 3);
  CHECK_THAT(cloud.err, Catch::Contains(file + ":1:9: a number too large for a double"));
  const auto plan = run_process({k_bin, "apply", "-o", "text", file});
  CHECK(plan.exit_code == 3);
  CHECK_THAT(plan.err,
             Catch::Contains(file + ":1:9: not a plan file: a number too large for a double"));
  // An empty plan file is said in words, not as nlohmann's "[json.exception...]".
  const std::string empty = (dir / "empty.json").string();
  std::ofstream(empty).close();
  const auto none = run_process({k_bin, "apply", "-o", "text", empty});
  CHECK(none.exit_code == 3);
  CHECK(none.err ==
        "dftriage: error: " + empty + ":1:1: not a plan file: no JSON value: the input is empty\n");
  std::filesystem::remove_all(dir);
}
