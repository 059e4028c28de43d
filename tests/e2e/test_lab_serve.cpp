// End-to-end: `dftriage lab serve` as a person starts it at a terminal (the connection
// JSON first, then on stderr where it listens, how to use it and how to stop it; Ctrl-C
// stops it with 130) and as a script starts it (the JSON line alone; SIGTERM stops it
// with 130, not by the signal's default action); --read-budget throttles reads as ARM does.

#include "support/files.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"
#include "support/served_lab.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace dftriage::test;
using Json = nlohmann::ordered_json;

namespace {

// The first line a pseudo-terminal showed (its "\r\n" dropped), as JSON.
Json first_line_json(const std::string& transcript)
{
  const auto end = transcript.find("\r\n");
  REQUIRE(end != std::string::npos);
  return Json::parse(transcript.substr(0, end));
}

} // namespace

TEST_CASE("lab serve at a terminal prints its JSON line, then where it listens and how to stop it, "
          "and Ctrl-C stops it with 130",
          "[e2e][lab]")
{
  TempDir dir("lab-serve-tty");
  PtySession pty({k_bin, "lab", "serve", "--https", "--state-dir", dir / "lab"});
  REQUIRE(pty.expect("Press Ctrl-C to stop.\r\n"));
  const std::string screen = pty.transcript();
  INFO(screen);
  const Json connection = first_line_json(screen); // the first line stays the JSON
  const std::string url = connection["cloud"]["endpoints"]["activeDirectory"];
  const std::string ca = connection["caCertificate"];
  CHECK_THAT(url, Catch::StartsWith("https://127.0.0.1:"));
  const std::string told = screen.substr(screen.find("\r\n") + 2);
  CHECK_THAT(told, Catch::StartsWith("Lab listening on " + url + "\r\n"));
  CHECK_THAT(told, Catch::Contains("HTTPS, with a certificate from the lab's own CA: " + ca));
  CHECK_THAT(told, Catch::Contains("The JSON line above says how to connect"));
  CHECK_THAT(told,
             Catch::Contains("subscription " + connection["subscriptionId"].get<std::string>()));
  CHECK_THAT(told, Catch::Contains("    dftriage --cloud lab.json run alert.json\r\n"));
  CHECK_THAT(told, Catch::Contains("    export REQUESTS_CA_BUNDLE='" + ca + "'"));
  CHECK_THAT(told, Catch::Contains("az cloud register -n DftriageLab --cloud-config @cloud.json"));
  CHECK_THAT(told,
             Catch::Contains("credential_scopes=[URL + \"/.default\"], where URL = \"" + url));
  CHECK(told.find(connection["clientSecret"].get<std::string>()) == std::string::npos);

  pty.send("\x03");
  CHECK(pty.expect("Lab stopped.")); // stopped by its own hand, not by the signal
  CHECK(pty.finish() == 130);
}

TEST_CASE("lab serve without --https says az and the SDKs need HTTPS, and -q says nothing but the "
          "JSON",
          "[e2e][lab]")
{
  TempDir dir("lab-serve-http");
  SECTION("plain HTTP")
  {
    PtySession pty({k_bin, "lab", "serve", "--state-dir", dir / "lab"});
    REQUIRE(pty.expect("Press Ctrl-C to stop.\r\n"));
    const std::string screen = pty.transcript();
    INFO(screen);
    const std::string url = first_line_json(screen)["cloud"]["endpoints"]["activeDirectory"];
    CHECK_THAT(url, Catch::StartsWith("http://127.0.0.1:"));
    CHECK_THAT(screen, Catch::Contains("Lab listening on " + url +
                                       "\r\n  Plain HTTP; az and the Azure SDKs send tokens "
                                       "only over HTTPS: for them, serve\r\n  with --https."));
    CHECK(screen.find("REQUESTS_CA_BUNDLE") == std::string::npos);
    pty.send("\x03");
    CHECK(pty.expect("Lab stopped."));
    CHECK(pty.finish() == 130);
  }
  SECTION("-q")
  {
    PtySession pty({k_bin, "lab", "serve", "--https", "--state-dir", dir / "lab", "-q"});
    REQUIRE(pty.expect("}\r\n"));
    CHECK_NOTHROW(first_line_json(pty.transcript()));
    pty.send("\x03");
    CHECK(pty.finish() == 130);
    INFO(pty.transcript());
    CHECK(pty.transcript().find("Lab listening") == std::string::npos);
    CHECK(pty.transcript().find("Ctrl-C") == std::string::npos);
    CHECK(pty.transcript().find("Lab stopped") == std::string::npos);
  }
}

TEST_CASE("lab serve in a pipe prints only its JSON line, and SIGTERM stops it with 130",
          "[e2e][lab]")
{
  TempDir dir("lab-serve-pipe");
  const std::string err = dir / "stderr";
  // stdout a pipe, stderr a file: no terminal anywhere.
  Server lab({"/bin/sh", "-c", "exec \"$0\" lab serve --https --state-dir \"$1\" 2>\"$2\"", k_bin,
              dir / "lab", err});
  REQUIRE(!lab.first_line().empty());
  const Json connection = Json::parse(lab.first_line());
  CHECK(connection.contains("caCertificate"));
  CHECK(lab.stop() == 130); // 143 would be SIGTERM's default action: not stopped cleanly
  CHECK(read_file(err).empty());
}

TEST_CASE("lab serve --read-budget throttles a subscription's reads past the budget with ARM's "
          "429 and Retry-After",
          "[e2e][lab]")
{
  // 3 reads an hour: a token comes back every 20 minutes, so the four reads below meet
  // an empty bucket however slowly they run.
  served::ServedLab lab("read-budget", {}, k_kv_alert, "0", {"--read-budget", "3/h"});
  httplib::SSLClient http("127.0.0.1", lab.port);
  http.set_ca_cert_path(lab.connection["caCertificate"].get<std::string>().c_str());
  http.enable_server_certificate_verification(true);
  const httplib::Headers auth{
      {"Authorization", "Bearer " + lab.credential->get_token(lab.cloud.arm_audience).token}};
  const std::string path = k_example_vault + "?api-version=2026-02-01";
  for (const char* remaining : {"2", "1", "0"}) {
    const auto read = http.Get(path.c_str(), auth);
    REQUIRE(read);
    CHECK(read->status == 200);
    CHECK(read->get_header_value("x-ms-ratelimit-remaining-subscription-reads") == remaining);
  }
  const auto throttled = http.Get(path.c_str(), auth);
  REQUIRE(throttled);
  CHECK(throttled->status == 429);
  CHECK(Json::parse(throttled->body)["error"]["code"] == "SubscriptionRequestsThrottled");
  CHECK(throttled->get_header_value("x-ms-ratelimit-remaining-subscription-reads") == "0");
  const int retry_after = std::stoi(throttled->get_header_value("Retry-After"));
  CHECK(retry_after >= 1);
  CHECK(retry_after <= 1200);
}

TEST_CASE("lab serve --read-budget refuses a budget that is not N/h, N/m or N/s", "[e2e][lab]")
{
  const auto r = run_process({k_bin, "lab", "serve", "--read-budget", "abc"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::StartsWith("dftriage: error: --read-budget: expected N/h, N/m or N/s, "
                                      "got \"abc\"\nRun 'dftriage lab serve --help' for usage."));
}
