// az signed in to a lab, timing one `az rest` per read.

#include "bench_collect_az.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <stdexcept>

namespace dftriage::bench {

namespace fs = std::filesystem;

namespace {

constexpr const char* k_env = "/usr/bin/env";
constexpr const char* k_cloud_name = "DftriageLab";

// The environment az runs in, as `env` arguments before az's own.
std::vector<std::string> az_environment(const fs::path& dir, const std::string& ca)
{
  return {k_env,
          "AZURE_CONFIG_DIR=" + (dir / "az").string(),
          "AZURE_CORE_COLLECT_TELEMETRY=false",
          "AZURE_CORE_NO_COLOR=true",
          "AZURE_CORE_ONLY_SHOW_ERRORS=true",
          "REQUESTS_CA_BUNDLE=" + ca,
          "HTTPS_PROXY=http://127.0.0.1:9",
          "HTTP_PROXY=http://127.0.0.1:9",
          "NO_PROXY=127.0.0.1,localhost"};
}

// Runs az with `args` in `env`, stdout to `out` and stderr to `err`.
RunResult run_az(const std::vector<std::string>& env, const std::string& az,
                 const std::vector<std::string>& args, const fs::path& out, const fs::path& err)
{
  RunSpec spec;
  spec.argv = env;
  spec.argv.push_back(az);
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.stdout_path = out.string();
  spec.stderr_path = err.string();
  return run_measured(spec);
}

} // namespace

double AzTiming::median() const
{
  auto s = seconds;
  std::sort(s.begin(), s.end());
  if (s.empty()) {
    return 0;
  }
  return s.size() % 2 == 1 ? s[s.size() / 2] : (s[s.size() / 2 - 1] + s[s.size() / 2]) / 2;
}

double AzTiming::mean() const
{
  return seconds.empty() ? 0
                         : std::accumulate(seconds.begin(), seconds.end(), 0.0) /
                               static_cast<double>(seconds.size());
}

std::vector<SentRead> sample_reads(const std::vector<SentRead>& reads, std::size_t count)
{
  if (count == 0 || count >= reads.size()) {
    return reads;
  }
  std::vector<SentRead> out;
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back(reads[i * reads.size() / count]);
  }
  return out;
}

std::string lab_port(const std::string& connection)
{
  const auto line = nlohmann::json::parse(connection);
  const std::string rm = line["cloud"]["endpoints"]["resourceManager"].get<std::string>();
  std::string port = rm.substr(rm.rfind(':') + 1);
  while (!port.empty() && (port.back() < '0' || port.back() > '9')) {
    port.pop_back(); // a trailing '/'
  }
  return port;
}

std::string with_port(const std::string& url, const std::string& from_port,
                      const std::string& to_port)
{
  const std::string from = ":" + from_port + "/";
  const auto at = url.find(from);
  if (at == std::string::npos) {
    return url;
  }
  return url.substr(0, at) + ":" + to_port + "/" + url.substr(at + from.size());
}

AzSession sign_in_az(const std::string& az, const CollectLab& lab, const fs::path& dir)
{
  fs::create_directories(dir);
  const auto line = nlohmann::json::parse(lab.connection());
  AzSession session{az, az_environment(dir, line["caCertificate"].get<std::string>()),
                    line["cloud"]["endpoints"]["resourceManager"].get<std::string>(), dir, 0};

  // The cloud as az cloud show names its fields, the authority as an AD FS one, so that
  // MSAL reads the lab's OpenID configuration instead of asking Microsoft's instance
  // discovery.
  auto cloud = line["cloud"];
  cloud.erase("name");
  cloud["endpoints"]["activeDirectory"] =
      cloud["endpoints"]["activeDirectory"].get<std::string>() + "/adfs";
  const fs::path cloud_file = dir / "cloud.json";
  std::ofstream(cloud_file) << cloud.dump() << "\n";

  const std::vector<std::vector<std::string>> steps = {
      {"cloud", "register", "-n", k_cloud_name, "--cloud-config", "@" + cloud_file.string()},
      {"cloud", "set", "-n", k_cloud_name},
      {"login", "--service-principal", "-u", line["clientId"].get<std::string>(), "-p",
       line["clientSecret"].get<std::string>(), "--tenant", line["tenantId"].get<std::string>()}};
  const fs::path err = dir / "az-sign-in.err";
  for (const auto& args : steps) {
    const auto r = run_az(session.environment, az, args, dir / "az-sign-in.out", err);
    session.seconds += r.seconds;
    if (r.exit_code != 0) {
      throw std::runtime_error("az " + args[0] + " " + args[1] + " failed with status " +
                               std::to_string(r.exit_code) + " (see " + err.string() + ")");
    }
  }
  return session;
}

AzTiming time_az_reads(const AzSession& session, const std::vector<SentRead>& reads)
{
  AzTiming timing;
  std::ofstream failed_log(session.dir / "az-failures.txt");
  for (std::size_t i = 0; i < reads.size(); ++i) {
    const auto& read = reads[i];
    std::vector<std::string> args{"rest", "--method", "get", "--url", read.url};
    if (read.url.rfind(session.resource_manager, 0) != 0 && !read.audience.empty()) {
      args.insert(args.end(), {"--resource", read.audience});
    }
    const fs::path err = session.dir / ("az-rest-" + std::to_string(i) + ".err");
    const auto r = run_az(session.environment, session.az, args, "/dev/null", err);
    timing.seconds.push_back(r.seconds);
    if (r.exit_code != 0) {
      ++timing.failed;
      failed_log << r.exit_code << " " << read.url << "\n";
    } else {
      fs::remove(err);
    }
    std::fprintf(stderr, "  az rest %zu/%zu: %.2f s%s\n", i + 1, reads.size(), r.seconds,
                 r.exit_code == 0 ? "" : " (failed)");
  }
  return timing;
}

} // namespace dftriage::bench
