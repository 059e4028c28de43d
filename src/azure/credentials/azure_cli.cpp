// The Azure CLI's login: `az account get-access-token`, run without a shell.

#include "azure/credentials/process.hpp"
#include "azure/credentials/support.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <system_error>

namespace dftriage::azure {

namespace {

// Parses az's "expiresOn": a local time "YYYY-MM-DD hh:mm:ss[.ffffff]".
std::optional<SystemClock::time_point> parse_local_time(const std::string& s)
{
  // Each field: its offset and width, and the character that follows it.
  struct Field
  {
    std::size_t at;
    std::size_t width;
    char then;
    int* into;
  };
  std::tm tm{};
  const Field fields[] = {{0, 4, '-', &tm.tm_year}, {5, 2, '-', &tm.tm_mon},
                          {8, 2, ' ', &tm.tm_mday}, {11, 2, ':', &tm.tm_hour},
                          {14, 2, ':', &tm.tm_min}, {17, 2, '.', &tm.tm_sec}};
  for (const auto& f : fields) {
    const char* first = s.data() + std::min(f.at, s.size());
    const char* last = s.data() + std::min(f.at + f.width, s.size());
    const auto [end, ec] = std::from_chars(first, last, *f.into);
    const bool at_end = f.at + f.width == s.size();
    if (ec != std::errc() || *f.into < 0 || end != last ||
        last - first != static_cast<std::ptrdiff_t>(f.width) ||
        (!at_end && s[f.at + f.width] != f.then) || (at_end && f.then != '.')) {
      return std::nullopt;
    }
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  tm.tm_isdst = -1;
  const std::time_t t = std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1)) {
    return std::nullopt;
  }
  return SystemClock::from_time_t(t);
}

bool mentions_login(const std::string& err)
{
  return err.find("az login") != std::string::npos ||
         err.find("az account set") != std::string::npos;
}

} // namespace

AzureCliCredential::AzureCliCredential(AzureCliOptions options, CredentialContext context)
    : CachingCredential(std::move(context))
    , m_options(std::move(options))
{
}

std::string AzureCliCredential::description() const
{
  return "Azure CLI";
}

CachingCredential::Fetched AzureCliCredential::fetch(const std::string& audience)
{
  // The audience becomes one argv element: no shell, and it cannot pass for an option.
  if (!text::istarts_with(audience, "https://") && !text::istarts_with(audience, "http://")) {
    throw Error("the audience " + text::quote(audience) + " is not a URL",
                ExitStatus::azure_failure);
  }
  const auto az = credentials::find_program("az", m_options.path);
  if (!az) {
    throw CredentialUnavailable("az is not on the PATH (install the Azure CLI and run az login)");
  }
  const auto result = credentials::run_program(
      *az, {"account", "get-access-token", "--resource", audience, "-o", "json"},
      m_options.timeout);
  if (result.timed_out) {
    throw Error("az account get-access-token did not finish within " +
                    std::to_string(m_options.timeout.count() / 1000) + " s",
                ExitStatus::azure_failure);
  }
  if (result.exit_code != 0) {
    const std::string reason = credentials::first_line(result.err);
    if (mentions_login(result.err)) {
      throw CredentialUnavailable("not logged in: run az login (az said: " + reason + ")");
    }
    throw Error("az account get-access-token exited with " + std::to_string(result.exit_code) +
                    (reason.empty() ? std::string() : ": " + reason),
                ExitStatus::azure_failure);
  }
  // Never quote stdout: it holds the token.
  const auto body = nlohmann::json::parse(result.out, nullptr, false);
  const auto token = body.is_object() ? body.find("accessToken") : body.end();
  if (!body.is_object() || token == body.end() || !token->is_string() || token->empty()) {
    throw Error("az account get-access-token printed no accessToken", ExitStatus::azure_failure);
  }
  Fetched out;
  out.token.token = token->get<std::string>();
  if (const auto epoch = credentials::json_number(body.value("expires_on", nlohmann::json()))) {
    out.token.expires_on = SystemClock::time_point(std::chrono::seconds(*epoch));
  } else {
    const auto local = body.value("expiresOn", nlohmann::json());
    const auto parsed =
        local.is_string() ? parse_local_time(local.get<std::string>()) : std::nullopt;
    if (!parsed) {
      throw Error("az account get-access-token printed no expiresOn", ExitStatus::azure_failure);
    }
    out.token.expires_on = *parsed;
  }
  const auto tenant = body.value("tenant", nlohmann::json());
  if (tenant.is_string()) {
    out.tenant_id = terminal::sanitize(tenant.get<std::string>());
  }
  return out;
}

} // namespace dftriage::azure
