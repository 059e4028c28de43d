// End-to-end: how show, match and plan read their input: broken lines, large query
// results and many problems, under a memory limit where that is the point.

#include "support/files.hpp"
#include "support/paths.hpp"
#include "support/process.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unistd.h>

using namespace dftriage::test;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool k_address_limit_works = false; // ASan reserves terabytes of address space
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool k_address_limit_works = false;
#else
constexpr bool k_address_limit_works = true;
#endif
#else
constexpr bool k_address_limit_works = true;
#endif

// A file that removes itself.
struct TempFile
{
  std::string path;
  explicit TempFile(const std::string& content)
  {
    char name[] = "/tmp/dftriage-input-XXXXXX";
    const int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    ::close(fd);
    path = name;
  }
  ~TempFile() { std::remove(path.c_str()); }
};

std::size_t lines(const std::string& s)
{
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

// Runs dftriage with `args` with its address space limited to `kib` KiB (ulimit -v).
dftriage::test::ProcessResult run_limited(std::size_t kib, const std::vector<std::string>& args)
{
  std::vector<std::string> argv{
      "/bin/sh", "-c", "ulimit -v " + std::to_string(kib) + " && exec \"$0\" \"$@\"", k_bin};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, {}, {{"NO_COLOR", ""}});
}

} // namespace

TEST_CASE("a broken first NDJSON line loses no alert in show, match and plan, from a file or stdin",
          "[e2e][input]")
{
  const std::string good = read_file(k_alerts + "mixed.ndjson");
  REQUIRE(lines(good) == 3);
  const std::string input = good.substr(0, 300) + "\n" + good;
  const TempFile file(input);
  const std::vector<std::vector<std::string>> commands = {
      {"show", file.path, "-o", "ndjson"},  {"show", "-", "-o", "ndjson"},
      {"match", file.path, "-o", "ndjson"}, {"match", "-", "-o", "ndjson"},
      {"plan", file.path, "-o", "ndjson"},  {"plan", "-", "-o", "ndjson"}};
  for (auto args : commands) {
    const bool from_stdin = args[1] == "-";
    const std::string name = from_stdin ? "-" : file.path;
    args.insert(args.begin(), k_bin);
    const auto r = run_process(args, from_stdin ? input : std::string(), {{"NO_COLOR", ""}});
    INFO(args[1] << " " << args[2] << "\n" << r.err);
    CHECK(r.exit_code == 3);
    CHECK(lines(r.out) == 3);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.rfind(name + ":1:", 0) == 0);
  }
}

TEST_CASE("a Log Analytics result is read row by row in bounded memory", "[e2e][input]")
{
  if (!k_address_limit_works) {
    WARN("skipped: address-space limits do not work under AddressSanitizer");
    return;
  }
  std::string text =
      R"({"tables":[{"name":"PrimaryResult","columns":[{"name":"AlertType","type":"string"},)"
      R"({"name":"SystemAlertId","type":"string"}],"rows":[)";
  for (int i = 0; i < 30000; ++i) {
    text += std::string(i ? "," : "") + "[\"KV_UserAnomaly\",\"r" + std::to_string(i) + "\"]";
  }
  text += "]}]}";
  const TempFile file(text);
  // Holding each row until the end took ~7.5 kB a row: 225 MB here.
  const auto r = run_limited(std::size_t{120} * 1024, {"show", file.path, "-o", "ndjson"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(lines(r.out) == 30000);
}

TEST_CASE("problems are printed as they are met, not kept until the end", "[e2e][input]")
{
  if (!k_address_limit_works) {
    WARN("skipped: address-space limits do not work under AddressSanitizer");
    return;
  }
  std::string text;
  for (int i = 0; i < 1000000; ++i) {
    text += "{}\n";
  }
  text += R"({"AlertType":"KV_UserAnomaly","SystemAlertId":"last","Severity":"Low"})"
          "\n";
  const TempFile file(text);
  const auto r = run_limited(std::size_t{120} * 1024, {"show", file.path, "-o", "ndjson"});
  CHECK(r.exit_code == 3);
  CHECK(lines(r.out) == 1);
  CHECK(lines(r.err) == 21);
  CHECK(r.err.find(file.path + ": 999980 more problems not shown (999980 documents that are no "
                               "alert; -v shows all)\n") != std::string::npos);
}

TEST_CASE("warnings about odd values in an alert that was read do not change the exit status",
          "[e2e][input]")
{
  const std::string odd =
      R"({"AlertType": "KV_TORAccess", "SystemAlertId": "w", "Severity": "Critical",
    "AzureResourceId": "/subscriptions/4c1a2f07-3d5e-4b8a-9f61-2e7d8c0b5a13/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-payments-prod",
    "StartTimeUtc": "last tuesday"})";
  const auto shown = run_process({k_bin, "show", "-", "-o", "json"}, odd);
  CHECK(shown.exit_code == 0);
  CHECK(nlohmann::json::parse(shown.out)[0]["warnings"].size() == 2);
  CHECK(run_process({k_bin, "match", "-", "-o", "json"}, odd).exit_code == 0);
  CHECK(run_process({k_bin, "plan", "-", "-o", "json"}, odd).exit_code == 0);
  // The README's exit status table says so.
  std::string readme = read_file(k_source + "/README.md");
  std::replace(readme.begin(), readme.end(), '\n', ' ');
  for (std::size_t at = readme.find("  "); at != std::string::npos; at = readme.find("  ", at)) {
    readme.erase(at, 1);
  }
  CHECK(readme.find("Warnings about odd values inside an alert that was read do not change the "
                    "exit status") != std::string::npos);
}
