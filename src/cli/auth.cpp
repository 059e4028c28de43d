// `dftriage auth status`: which credential answers, for which tenant and principal, and
// until when. Never prints the token.

#include "command.hpp"
#include "connection.hpp"
#include "dftriage/azure/credentials.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "output_option.hpp"

#include <ctime>

namespace dftriage::cli {

namespace {

struct AuthOptions
{
  OutputChoice output;
  std::string audience = "arm";
  std::string cloud; // the global --cloud
};

std::string iso_utc(std::chrono::system_clock::time_point t)
{
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

nlohmann::ordered_json status_json(const Connection& connection, const std::string& audience,
                                   const azure::AccessToken& token,
                                   const azure::CredentialInfo& info)
{
  using terminal::sanitize;
  const auto claims = azure::read_token_claims(token.token);
  const auto left = std::chrono::duration_cast<std::chrono::seconds>(
      token.expires_on - std::chrono::system_clock::now());
  auto either = [](const std::string& a, const std::string& b) { return a.empty() ? b : a; };
  auto or_null = [](const std::string& s) {
    return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s);
  };
  nlohmann::ordered_json out;
  out["authenticated"] = true;
  out["credential"] = sanitize(info.credential);
  out["cloud"] = sanitize(connection.cloud.name);
  out["cloudSource"] = sanitize(connection.cloud_source);
  out["tenantId"] = or_null(sanitize(either(claims.tenant_id, info.tenant_id)));
  out["clientId"] = or_null(sanitize(either(claims.app_id, info.client_id)));
  out["objectId"] = or_null(claims.object_id);
  out["userPrincipalName"] = or_null(claims.upn);
  out["audience"] = audience;
  out["resource"] = sanitize(connection.cloud.audience(audience));
  out["expiresOn"] = iso_utc(token.expires_on);
  out["expiresInSeconds"] = left.count();
  out["tokenFormat"] = claims.jwt ? "jwt" : "opaque";
  return out;
}

std::string status_text(const nlohmann::ordered_json& s)
{
  auto text = [](const nlohmann::ordered_json& v) {
    return v.is_null() ? std::string("(unknown)") : v.is_string() ? v.get<std::string>() : v.dump();
  };
  std::string out;
  out += "credential  " + text(s["credential"]) + "\n";
  out += "cloud       " + text(s["cloud"]) + " (" + text(s["cloudSource"]) + ")\n";
  out += "tenant      " + text(s["tenantId"]) + "\n";
  out += "client      " + text(s["clientId"]) + "\n";
  if (!s["objectId"].is_null()) {
    out += "object      " + text(s["objectId"]) + "\n";
  }
  if (!s["userPrincipalName"].is_null()) {
    out += "user        " + text(s["userPrincipalName"]) + "\n";
  }
  out += "audience    " + text(s["audience"]) + " (" + text(s["resource"]) + ")\n";
  out += "expires     " + text(s["expiresOn"]) + " (in " +
         std::to_string(s["expiresInSeconds"].get<long long>() / 60) + " min)\n";
  return out;
}

ExitStatus run_auth_status(const AuthOptions& options)
{
  const auto format = options.output.resolve();
  try {
    const auto connection = connect_cloud(options.cloud);
    const std::string& resource = connection->cloud.audience(options.audience);
    const auto token = connection->credential->get_token(resource);
    const auto status =
        status_json(*connection, options.audience, token, connection->credential->info());
    Writer writer(stdout);
    writer.write(format == OutputFormat::json ? status.dump(2) + "\n" : status_text(status));
    writer.flush();
    return ExitStatus::success;
  } catch (const Error& e) {
    if (format == OutputFormat::json) {
      // No credential answering is this command's answer, not only an error: a script
      // reads it from stdout; the message and the exit status come as for any failure.
      const nlohmann::ordered_json status = {{"authenticated", false},
                                             {"audience", options.audience},
                                             {"error", terminal::sanitize(e.what())}};
      std::fputs((status.dump(2) + "\n").c_str(), stdout);
      std::fflush(stdout);
    }
    throw;
  }
}

} // namespace

void add_auth(CLI::App& command, Invocation& invocation)
{
  auto options = std::make_shared<AuthOptions>();
  auto* auth = &command;
  auth->require_subcommand(1);
  auto* status = auth->add_subcommand(
      "status", "Get a token through the credential chain and say who answered (never the token)");
  add_output_option(*status, options->output, {OutputFormat::text, OutputFormat::json});
  status->add_option("--audience", options->audience, "Token audience (default arm)")
      ->check(CLI::IsMember({"arm", "keyvault", "graph", "loganalytics"}).description(""))
      ->type_name("arm|keyvault|graph|loganalytics");
  status->callback([options, &invocation] {
    invocation.action = [options, &invocation] {
      options->cloud = invocation.global.cloud;
      return run_auth_status(*options);
    };
  });
}

} // namespace dftriage::cli
