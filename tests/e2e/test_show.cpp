// End-to-end: the built dftriage binary run as a user would, with arguments and
// standard input, checking standard output, standard error and the exit status.

#include "support/files.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"

#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

using namespace dftriage::test;

namespace {

dftriage::test::ProcessResult show(std::vector<std::string> args, const std::string& input = {},
                                   std::map<std::string, std::string> env = {})
{
  args.insert(args.begin(), {k_bin, "show"});
  env.emplace("NO_COLOR", "");
  return run_process(args, input, env);
}

} // namespace

TEST_CASE("show -o json prints one array of normalised alerts", "[e2e][show]")
{
  const auto r =
      show({k_alerts + "keyvault-tor.json", k_alerts + "dns-darkweb.json", "-o", "json"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  const auto alerts = nlohmann::json::parse(r.out);
  REQUIRE(alerts.size() == 2);
  CHECK(alerts[0]["alertType"] == "KV_TORAccess");
  CHECK(alerts[0]["family"] == "keyvault");
  CHECK(alerts[0]["resourceId"] ==
        "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/"
        "rg-payments-prod/providers/Microsoft.KeyVault/vaults/kv-payments-prod");
  CHECK(alerts[0]["entities"]["ips"][0] ==
        nlohmann::json{{"address", "185.220.101.47"}, {"valid", true}});
  CHECK(alerts[1]["family"] == "dns");
  CHECK(alerts[1]["entities"]["domains"][0] == "exampleonionrelay.net");
}

TEST_CASE("show reads standard input and streams NDJSON", "[e2e][show]")
{
  const auto r = show({"-", "-o", "ndjson"}, read_file(k_alerts + "mixed.ndjson"));
  CHECK(r.exit_code == 0);
  std::vector<std::string> types;
  std::size_t start = 0;
  while (start < r.out.size()) {
    const std::size_t end = r.out.find('\n', start);
    REQUIRE(end != std::string::npos);
    const auto alert = nlohmann::json::parse(r.out.substr(start, end - start));
    types.push_back(alert["alertType"]);
    CHECK(alert["source"]["file"] == "-");
    start = end + 1;
  }
  CHECK(types == std::vector<std::string>{"KV_TORAccess", "AzureDNS_DarkWeb",
                                          "ARM_MicroBurst.AzDomainInfo"});
}

TEST_CASE("show prints a readable block per alert off a terminal with -o text", "[e2e][show]")
{
  const auto r = show({k_alerts + "arm-microburst-export.json", "-o", "text"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("[Low] ARM_MicroBurst.AzDomainInfo\n", 0) == 0);
  CHECK(r.out.find("  family         resource-manager\n") != std::string::npos);
  CHECK(r.out.find("  resource       /subscriptions/4C1A2F07-3D5E-4B8A-9F61-2E7D8C0B5A13\n") !=
        std::string::npos);
  CHECK(r.out.find("  account        upn ops-automation@contoso.example, objectId "
                   "6c2f8a1e-4b3d-4f5a-9e7c-1d2b3a4c5e6f\n") != std::string::npos);
  CHECK(r.out.find('\x1b') == std::string::npos); // no colour off a terminal
}

TEST_CASE("show defaults to JSON when stdout is not a terminal", "[e2e][show]")
{
  const auto r = show({k_alerts + "keyvault-tor.json"});
  CHECK(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out).is_array());
}

TEST_CASE("show neutralises hostile alert text on the terminal", "[e2e][show]")
{
  const std::string hostile =
      R"({"AlertType": "KV_TORAccess\u001b]0;pwned\u0007", "SystemAlertId": "h1", "Severity": "High",
    "AlertDisplayName": "Totally benign \u001b[2J\u001b[31mCLEARED\u202e", "CompromisedEntity": "kv\r\nfake-line",
    "Entities": [{"Address": "1.2.3.4\u001b[8m", "Type": "ip"}]})";
  const auto text = show({"-", "-o", "text"}, hostile);
  CHECK(text.exit_code == 0);
  CHECK(text.out.find('\x1b') == std::string::npos);
  CHECK(text.out.find('\x07') == std::string::npos);
  CHECK(text.out.find("\xe2\x80\xae") == std::string::npos);
  CHECK(text.out.find("KV_TORAccess\\x1b]0;pwned\\x07") != std::string::npos);
  CHECK(text.out.find("kv\\r\\nfake-line") != std::string::npos);
  CHECK(text.out.find("1.2.3.4\\x1b[8m (invalid)") != std::string::npos);

  const auto json = show({"-", "-o", "json"}, hostile);
  CHECK(json.out.find('\x1b') == std::string::npos); // JSON escapes it as \u001b
  CHECK(nlohmann::json::parse(json.out)[0]["displayName"] ==
        "Totally benign \x1b[2J\x1b[31mCLEARED\u202e");
}

TEST_CASE("show reports bad documents, keeps the good ones and exits 3", "[e2e][show]")
{
  const std::string input =
      std::string(R"({"AlertType":"KV_UserAnomaly","SystemAlertId":"a","Severity":"Low"})") + "\n" +
      "{\"AlertType\": nope}\n" + R"({"kind":"not an alert"})" + "\n" +
      R"({"AlertType":"KV_AppAnomaly","SystemAlertId":"b","Severity":"Low"})" + "\n";
  const auto r = show({"-", "-o", "ndjson"}, input);
  CHECK(r.exit_code == 3);
  CHECK(r.err == "-:2:15: syntax error while parsing value: invalid literal\n"
                 "-: document 3: not a Defender alert (no alertType/AlertType)\n");
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 2);
}

TEST_CASE("show carries on past a file it cannot open", "[e2e][show]")
{
  const auto r = show({"/nonexistent/alerts.json", k_alerts + "keyvault-tor.json", "-o", "ndjson"});
  CHECK(r.exit_code == 3);
  CHECK(r.err ==
        "dftriage: error: /nonexistent/alerts.json: cannot open: No such file or directory\n");
  CHECK(nlohmann::json::parse(r.out)["alertType"] == "KV_TORAccess");
}

TEST_CASE("usage errors exit 2 with a clear message", "[e2e][show]")
{
  auto r = run_process({k_bin, "show", k_alerts + "keyvault-tor.json", "-o", "yaml"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "dftriage: error: unknown output format \"yaml\"; expected one of text, json, "
                 "ndjson, table, tsv\n");
  CHECK(r.out.empty());

  r = run_process({k_bin, "show", k_alerts + "keyvault-tor.json", "--format", "exprot"});
  CHECK(r.exit_code == 2);
  CHECK(r.err ==
        "dftriage: error: unknown alert format \"exprot\"; expected one of arm, azcli, export, "
        "sentinel, graph, arg; did you mean \"export\"?\n");

  r = run_process({k_bin, "frobnicate"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("dftriage: error: ") == 0);

  r = run_process({k_bin});
  CHECK(r.exit_code == 2);
}

// Not named after the flags: ctest hands a test's name to Catch on its command line, and a
// name starting "--help" made Catch print its own help and pass without running this.
TEST_CASE("dftriage's help and version flags", "[e2e][show]")
{
  const auto help = run_process({k_bin, "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("\n  dftriage show alerts.json\n") != std::string::npos);
  CHECK(help.out.find("  az security alert list -o json | dftriage triage -\n") !=
        std::string::npos);
  CHECK(help.out.find("  3    some input was rejected") != std::string::npos);
  CHECK(help.out.find("  130  interrupted") != std::string::npos);
  const auto version = run_process({k_bin, "--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out.rfind("dftriage ", 0) == 0);
}

TEST_CASE("on a terminal show defaults to coloured text, and NO_COLOR turns colour off",
          "[e2e][show]")
{
  const std::vector<std::string> args{k_bin, "show", k_alerts + "keyvault-tor.json"};
  const auto coloured = dftriage::test::run_in_pty(args, {{"NO_COLOR", ""}, {"TERM", "xterm"}});
  CHECK(coloured.exit_code == 0);
  CHECK(coloured.out.find("\x1b[33m[Medium]\x1b[0m \x1b[1mKV_TORAccess\x1b[0m") !=
        std::string::npos);

  const auto plain = dftriage::test::run_in_pty(args, {{"NO_COLOR", "1"}, {"TERM", "xterm"}});
  CHECK(plain.exit_code == 0);
  CHECK(plain.out.find("[Medium] KV_TORAccess") != std::string::npos);
  CHECK(plain.out.find('\x1b') == std::string::npos);
}

TEST_CASE("Ctrl-C while reading a pipe stops show with exit status 130", "[e2e][show]")
{
  int in[2];
  int out[2];
  REQUIRE(::pipe(in) == 0);
  REQUIRE(::pipe(out) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    for (int fd : {in[0], in[1], out[0], out[1]}) {
      ::close(fd);
    }
    ::execl(k_bin.c_str(), k_bin.c_str(), "-q", "show", "-", "-o", "ndjson",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  // One alert in; once it comes out, dftriage is blocked reading the open pipe.
  const std::string line = R"({"AlertType":"KV_UserAnomaly","SystemAlertId":"a","Severity":"Low"})"
                           "\n";
  REQUIRE(::write(in[1], line.data(), line.size()) == static_cast<ssize_t>(line.size()));
  char buffer[4096];
  const ssize_t n = ::read(out[0], buffer, sizeof buffer);
  CHECK(n > 0);
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(in[1]);
  ::close(out[0]);
  REQUIRE(WIFEXITED(status)); // handled, not killed by the signal
  CHECK(WEXITSTATUS(status) == 130);
}
