// End-to-end: what `run` and `plan` say on stderr (and never on stdout) while the client
// waits for a served lab: log lines at -v off a terminal, one line redrawn in place on one.

#include "support/paths.hpp"
#include "support/served_lab.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace dftriage::test;
using dftriage::test::served::ServedLab;

TEST_CASE("run -v on a slow served lab logs every wait on stderr and keeps stdout JSON",
          "[e2e][exec]")
{
  // Operations ask for 1 s between polls; the first PUT is throttled, its retry fails once.
  ServedLab lab("progress-verbose", {"429:PUT:1:retry-after=1", "500:PUT:2:retry-after=1"},
                k_alerts + "dns-darkweb.json", "1");
  const auto r =
      run_process({k_bin, "run", k_alerts + "dns-darkweb.json", "--case",
                   (lab.dir / "case").string(), "-v", "--non-interactive", "--yes", "-o", "json"},
                  {}, {{"DFTRIAGE_CLOUD", lab.cloud_file}});
  INFO(r.err);
  // Done, or stopped where a person must confirm (the scripts run on the VM).
  CHECK((r.exit_code == 0 || r.exit_code == 5));
  const std::string nsg = "PUT …/networkSecurityGroups/vm-web-01-isolation-";
  CHECK_THAT(r.err,
             Catch::Contains(
                 "dftriage: info: throttled (429 TooManyRequests): waiting 1 s to retry " + nsg));
  CHECK_THAT(r.err, Catch::Contains(" (attempt 2 of 4)\n"));
  CHECK_THAT(r.err, Catch::Contains("dftriage: info: waiting 1 s to retry " + nsg));
  CHECK_THAT(r.err, Catch::Contains(" after 500 InternalServerError (attempt 3 of 4)\n"));
  CHECK_THAT(r.err,
             Catch::Contains("dftriage: info: waiting 1 s for the long-running operation " + nsg));
  CHECK_THAT(r.err, Catch::Contains("(poll 2)\n"));
  CHECK_THAT(
      r.err,
      Catch::Contains(
          "waiting 1 s for the long-running operation PUT …/networkInterfaces/vm-web-01-nic"));
  // Off a terminal: no progress line, and nothing of it on stdout, which stays JSON.
  CHECK(r.err.find('\r') == std::string::npos);
  CHECK(r.err.find("\x1b[K") == std::string::npos);
  for (const char* said :
       {"Waiting 1 s", "waiting 1 s", "to retry", "long-running operation", "Throttled"}) {
    INFO(said);
    CHECK(r.out.find(said) == std::string::npos);
  }
  CHECK_NOTHROW(nlohmann::json::parse(r.out));
}

TEST_CASE("a command on a terminal shows a throttled wait in place and erases it", "[e2e][exec]")
{
  ServedLab lab("progress-tty", {"429:GET:1:retry-after=1"}, k_alerts + "keyvault-tor.json");
  const auto r = run_in_pty({k_bin, "plan", k_alerts + "keyvault-tor.json", "--capture", "--set",
                             "allowed_ranges=203.0.113.0/24"},
                            {{"DFTRIAGE_CLOUD", lab.cloud_file},
                             {"NO_COLOR", "1"},
                             {"LANG", "C.UTF-8"},
                             {"LC_ALL", ""},
                             {"LC_CTYPE", ""}});
  INFO(r.out);
  CHECK(r.exit_code == 0);
  // A terminal of unknown width counts as 80 columns: the line loses the resource type,
  // then its end, to fit.
  CHECK_THAT(r.out, Catch::Contains("\r⠋ Throttled (429 TooManyRequests): waiting 1 s to retry GET "
                                    "…/kv-payments-prod…\x1b[K"));
  CHECK_THAT(r.out, Catch::Contains("\x1b[K\r\x1b[K"));      // drawn, then erased
  CHECK(r.out.find("\x1b[36m") == std::string::npos);        // NO_COLOR
  CHECK(r.out.find("dftriage: info:") == std::string::npos); // no log lines without -v
}
