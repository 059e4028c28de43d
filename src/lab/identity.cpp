#include "identity.hpp"

#include "client_assertion.hpp"
#include "dftriage/util/text.hpp"
#include "token.hpp"

namespace dftriage::lab {

namespace {

constexpr const char* k_jwt_bearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

// An Entra error: {error, error_description, error_codes, timestamp, trace_id, correlation_id}.
ArmFault entra_error(const State& state, int status, const std::string& error, int code,
                     const std::string& text)
{
  const std::string trace = random_guid();
  const std::string correlation = random_guid();
  const std::string now = state.now_iso();
  const std::string description = "AADSTS" + std::to_string(code) + ": " + text +
                                  "\r\nTrace ID: " + trace + "\r\nCorrelation ID: " + correlation +
                                  "\r\nTimestamp: " + now.substr(0, 19) + "Z";
  Json body{{"error", error},
            {"error_description", description},
            {"error_codes", Json::array({code})},
            {"timestamp", now.substr(0, 19) + "Z"},
            {"trace_id", trace},
            {"correlation_id", correlation},
            {"error_uri", state.config.base_url() + "/error?code=" + std::to_string(code)}};
  return ArmFault{status, error, description, body, {}};
}

std::string strip_trailing_slashes(std::string s)
{
  while (!s.empty() && s.back() == '/') {
    s.pop_back();
  }
  return s;
}

// `scope` without its "/.default": the resource a token for it is issued to (its aud).
std::string without_default(std::string scope)
{
  const std::string suffix = "/.default";
  if (scope.size() > suffix.size() &&
      scope.compare(scope.size() - suffix.size(), suffix.size(), suffix) == 0) {
    scope.resize(scope.size() - suffix.size());
  }
  return scope;
}

// The seeded service principal whose appId is `client`, or null.
const Json* find_principal(const State& state, const std::string& client)
{
  for (const auto& [id, sp] : state.service_principals) {
    if (lower(sp.value("appId", "")) == lower(client)) {
      return &sp;
    }
  }
  return nullptr;
}

using Form = std::vector<std::pair<std::string, std::string>>;

// The audiences of a request's `resource` (the v1 endpoint, /{tenant}/oauth2/token), or
// of its one /.default scope.
std::vector<std::string> requested_audiences(const State& state, const Form& form, bool by_resource)
{
  const char* parameter = by_resource ? "resource" : "scope";
  const std::string asked = form_value(form, parameter);
  if (asked.empty()) {
    throw entra_error(state, 400, "invalid_request", 900144,
                      std::string("The request body must contain the following parameter: '") +
                          parameter + "'.");
  }
  if (by_resource) {
    auto audiences = audiences_for_scope(state, asked);
    if (audiences.empty()) {
      throw entra_error(state, 400, "invalid_resource", 500011,
                        "The resource principal named " + asked +
                            " was not found in the tenant named " + state.config.tenant_id +
                            ". This can happen if the application has not been installed by the "
                            "administrator of the tenant or consented to by any user in the "
                            "tenant. You might have sent your authentication request to the "
                            "wrong tenant.");
    }
    return audiences;
  }
  // Client credentials take one resource's /.default scope.
  auto audiences = audiences_for_scope(state, asked.substr(0, asked.find(' ')));
  if (audiences.empty()) {
    throw entra_error(state, 400, "invalid_scope", 1002012,
                      "The provided value for scope " + asked +
                          " is not valid. Client credential flows must "
                          "have a scope value with /.default suffixed to the "
                          "resource identifier (application ID URI).");
  }
  return audiences;
}

LabResponse issue_token(State& state, const LabRequest& request, const Captures& c, bool v1)
{
  const auto form = parse_form(request.body);
  // "adfs": the lab also answers as a single-tenant AD FS authority (Azure Stack Hub's
  // kind), which MSAL trusts without asking login.microsoftonline.com for instance
  // discovery: how az 2.45 signs in to the lab (README).
  if (lower(c[1]) != lower(state.config.tenant_id) && c[1] != "organizations" && c[1] != "adfs") {
    throw entra_error(state, 400, "invalid_tenant", 90002,
                      "Tenant '" + c[1] +
                          "' not found. Check to make sure you have the correct tenant ID and are "
                          "signing into the correct cloud.");
  }
  const std::string grant = form_value(form, "grant_type");
  if (grant != "client_credentials") {
    throw entra_error(state, 400, "unsupported_grant_type", 70003,
                      "The app requested an unsupported grant type '" + grant + "'.");
  }
  const std::string client = form_value(form, "client_id");
  if (client.empty()) {
    throw entra_error(state, 400, "invalid_request", 900144,
                      "The request body must contain the following parameter: 'client_id'.");
  }
  // The lab's own application (secret) and any seeded service principal (assertions).
  const Json* principal = find_principal(state, client);
  const bool lab_client = lower(client) == lower(state.config.client_id);
  if (!lab_client && principal == nullptr) {
    throw entra_error(state, 400, "unauthorized_client", 700016,
                      "Application with identifier '" + client +
                          "' was not found in the directory '" + state.config.tenant_id + "'.");
  }
  const std::string assertion = form_value(form, "client_assertion");
  if (!assertion.empty()) {
    if (form_value(form, "client_assertion_type") != k_jwt_bearer) {
      throw entra_error(
          state, 400, "invalid_request", 900144,
          "The request body must contain the following parameter: 'client_assertion_type'.");
    }
    const std::string token_url =
        state.config.origin(request) + "/" + c[1] + (v1 ? "/oauth2/token" : "/oauth2/v2.0/token");
    const AssertionVerdict verdict =
        check_client_assertion(state, principal, client, assertion, token_url);
    if (verdict.code != 0) {
      throw entra_error(state, 401, "invalid_client", verdict.code, verdict.message);
    }
  } else if (!lab_client || form_value(form, "client_secret") != state.config.client_secret) {
    throw entra_error(
        state, 401, "invalid_client", 7000215,
        "Invalid client secret provided. Ensure the secret being sent in the request is the client "
        "secret value, not the client secret ID, for a secret added to app '" +
            client + "'.");
  }
  // The v1 endpoint takes a resource; a scope there is MSAL's request to an AD FS
  // authority (how az signs in to the lab), answered as the v2.0 endpoint does.
  const bool by_resource =
      v1 && (!form_value(form, "resource").empty() || form_value(form, "scope").empty());
  const auto audiences = requested_audiences(state, form, by_resource);
  const std::string asked = form_value(form, by_resource ? "resource" : "scope");
  const std::string token =
      mint_token(state, client, audiences, without_default(asked.substr(0, asked.find(' '))));
  const int lifetime = state.config.token_lifetime_s;
  const auto now = state.config.clock();
  if (!by_resource) {
    return LabResponse::json(200, Json{{"token_type", "Bearer"},
                                       {"expires_in", lifetime},
                                       {"ext_expires_in", lifetime},
                                       {"access_token", token}});
  }
  // The v1 endpoint's answer: times as strings, and the resource the token is for.
  const auto unix_now = Clock::to_time_t(now);
  return LabResponse::json(200, Json{{"token_type", "Bearer"},
                                     {"expires_in", std::to_string(lifetime)},
                                     {"ext_expires_in", std::to_string(lifetime)},
                                     {"expires_on", std::to_string(unix_now + lifetime)},
                                     {"not_before", std::to_string(unix_now)},
                                     {"resource", form_value(form, "resource")},
                                     {"access_token", token}});
}

// A managed identity endpoint's error: {"error", "error_description"}.
LabResponse identity_error(int status, const std::string& error, const std::string& description)
{
  return LabResponse::json(status, Json{{"error", error}, {"error_description", description}});
}

// IMDS (`GET /metadata/identity/oauth2/token`, "Metadata: true") and App Service
// (`GET /msi/token`, X-IDENTITY-HEADER = the lab's client secret). The system-assigned
// identity is the lab's own application; client_id may name it or a seeded principal.
LabResponse managed_identity_token(State& state, const LabRequest& request, bool app_service)
{
  const std::string version = request.query_value("api-version").value_or("");
  if (app_service) {
    if (request.header("X-IDENTITY-HEADER").value_or("") != state.config.client_secret) {
      return identity_error(401, "invalid_request",
                            "The X-IDENTITY-HEADER header is missing or wrong.");
    }
    if (version != "2019-08-01") {
      return identity_error(400, "invalid_request", "api-version must be 2019-08-01.");
    }
  } else {
    if (lower(request.header("Metadata").value_or("")) != "true") {
      return identity_error(400, "invalid_request", "Required metadata header not specified");
    }
    if (version.empty()) {
      return identity_error(400, "invalid_request",
                            "Required query variable 'api-version' is missing");
    }
    if (version != "2018-02-01" && version != "2019-08-01") {
      return identity_error(400, "invalid_request", "Invalid api-version '" + version + "'");
    }
  }
  const std::string resource = request.query_value("resource").value_or("");
  if (resource.empty()) {
    return identity_error(400, "invalid_request", "Required query variable 'resource' is missing");
  }
  std::string client = state.config.client_id;
  if (const auto asked = request.query_value("client_id")) {
    if (lower(*asked) != lower(client) && find_principal(state, *asked) == nullptr) {
      return identity_error(400, "invalid_request", "Identity not found");
    }
    client = *asked;
  }
  if (request.query_value("object_id") || request.query_value("msi_res_id") ||
      request.query_value("mi_res_id")) {
    return identity_error(400, "invalid_request", "Identity not found");
  }
  const auto audiences = audiences_for_scope(state, resource);
  if (audiences.empty()) {
    return identity_error(400, "invalid_resource",
                          "AADSTS500011: The resource principal named " + resource +
                              " was not found in the tenant.");
  }
  const std::string token = mint_token(state, client, audiences, resource);
  const int lifetime = state.config.token_lifetime_s;
  const auto now = state.config.clock();
  const std::string expires_on = std::to_string(Clock::to_time_t(now) + lifetime);
  Json body{{"access_token", token}, {"client_id", client}};
  if (!app_service) {
    body["expires_in"] = std::to_string(lifetime);
    body["ext_expires_in"] = std::to_string(lifetime);
    body["not_before"] = std::to_string(Clock::to_time_t(now));
  }
  body["expires_on"] = expires_on;
  body["resource"] = resource;
  body["token_type"] = "Bearer";
  return LabResponse::json(200, body);
}

Json openid_configuration(const State& state, const std::string& tenant, bool v2)
{
  const std::string base = state.config.base_url() + "/" + tenant;
  const std::string version = v2 ? "/v2.0" : "";
  return Json{{"token_endpoint", base + "/oauth2" + version + "/token"},
              {"token_endpoint_auth_methods_supported",
               {"client_secret_post", "private_key_jwt", "client_secret_basic"}},
              {"jwks_uri", base + "/discovery" + version + "/keys"},
              {"response_modes_supported", {"query", "fragment", "form_post"}},
              {"subject_types_supported", {"pairwise"}},
              {"id_token_signing_alg_values_supported", {"RS256"}},
              {"response_types_supported", {"code", "id_token", "code id_token", "id_token token"}},
              {"scopes_supported", {"openid", "profile", "email", "offline_access"}},
              {"issuer", v2 ? base + "/v2.0" : base + "/"},
              {"request_uri_parameter_supported", false},
              {"authorization_endpoint", base + "/oauth2" + version + "/authorize"},
              {"device_authorization_endpoint", base + "/oauth2" + version + "/devicecode"},
              {"end_session_endpoint", base + "/oauth2" + version + "/logout"},
              {"tenant_region_scope", "EU"},
              {"cloud_instance_name", "127.0.0.1:" + std::to_string(state.config.port)},
              {"cloud_graph_host_name", "127.0.0.1:" + std::to_string(state.config.port)},
              {"msgraph_host", "127.0.0.1:" + std::to_string(state.config.port)}};
}

LabResponse instance_discovery(const State& state, const std::string& tenant)
{
  const std::string host = "127.0.0.1:" + std::to_string(state.config.port);
  return LabResponse::json(
      200,
      Json{{"tenant_discovery_endpoint",
            state.config.base_url() + "/" + tenant + "/v2.0/.well-known/openid-configuration"},
           {"api-version", "1.1"},
           {"metadata",
            Json::array(
                {{{"preferred_network", host}, {"preferred_cache", host}, {"aliases", {host}}}})}});
}

} // namespace

std::vector<std::string> audiences_for_scope(const State& state, std::string_view scope)
{
  std::string s(scope);
  const std::string suffix = "/.default";
  if (s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0) {
    s.resize(s.size() - suffix.size());
  }
  s = lower(strip_trailing_slashes(s));
  const std::string port = ":" + std::to_string(state.config.port);
  if (s == lower(state.config.base_url()) || s == "https://127.0.0.1" + port ||
      s == "http://127.0.0.1" + port) {
    // The lab's cloud gives ARM, Graph and Log Analytics one resource ID (its own URL).
    return {"arm", "graph", "loganalytics"};
  }
  if (s == "https://management.core.windows.net" || s == "https://management.azure.com") {
    return {"arm"};
  }
  if (s == "https://vault.azure.net" || s == "https://vault.localhost" ||
      s == "http://vault.localhost" || s == "https://vault.localhost" + port ||
      s == "http://vault.localhost" + port) {
    return {"keyvault"};
  }
  if (s == "https://graph.microsoft.com") {
    return {"graph"};
  }
  if (s == "https://api.loganalytics.io") {
    return {"loganalytics"};
  }
  return {};
}

AuthResult authorize(State& state, const LabRequest& request, std::string_view audience)
{
  const std::string header = request.header("Authorization").value_or("");
  const bool has_bearer = text::istarts_with(header, "Bearer ");
  const std::string token = has_bearer ? std::string(text::trim(header.substr(7))) : std::string();
  const auto it = state.tokens.find(token);
  std::string code = "InvalidAuthenticationToken";
  std::string message = "The access token is invalid.";
  if (!has_bearer || token.empty()) {
    code = "AuthenticationFailed";
    message = "Authentication failed. The 'Authorization' header is missing.";
  } else if (it != state.tokens.end()) {
    const auto& audiences = it->second.audiences;
    if (it->second.expires <= state.config.clock()) {
      code = "ExpiredAuthenticationToken";
      message = "The access token expiry UTC time '" + iso_time(it->second.expires) +
                "' is earlier than current UTC time '" + state.now_iso() + "'.";
    } else if (std::find(audiences.begin(), audiences.end(), audience) == audiences.end()) {
      code = "InvalidAuthenticationTokenAudience";
      message = "The access token has been obtained for wrong audience or resource.";
    } else {
      return AuthResult{it->second.client_id, {}};
    }
  }
  const std::string authority = state.config.base_url() + "/" + state.config.tenant_id;
  LabResponse failure;
  if (audience == "keyvault") {
    failure = LabResponse::json(
        401, Json{{"error", {{"code", "Unauthorized"}, {"message", "AKV10000: " + message}}}});
    failure.with_header("WWW-Authenticate",
                        "Bearer authorization=\"" + authority + "\", resource=\"" +
                            state.config.scheme +
                            "://vault.localhost:" + std::to_string(state.config.port) + "\"");
    return AuthResult{std::nullopt, failure};
  }
  if (audience == "graph") {
    failure = LabResponse::json(
        401, Json{{"error",
                   {{"code", "InvalidAuthenticationToken"},
                    {"message", message},
                    {"innerError",
                     {{"date", state.now_iso().substr(0, 19)}, {"request-id", random_guid()}}}}}});
  } else {
    failure = LabResponse::arm_error(401, code, message);
  }
  failure.with_header("WWW-Authenticate", "Bearer authorization_uri=\"" + authority +
                                              "\", error=\"invalid_token\", error_description=\"" +
                                              message + "\"");
  return AuthResult{std::nullopt, failure};
}

void add_identity_routes(Router& router, State& state)
{
  const RouteOptions anonymous{{}, "", ""};
  router.add("POST", "/([^/]+)/oauth2/v2\\.0/token", anonymous,
             [&state](const LabRequest& request, const Captures& c) {
               return issue_token(state, request, c, false);
             });
  router.add("POST", "/([^/]+)/oauth2/token", anonymous,
             [&state](const LabRequest& request, const Captures& c) {
               return issue_token(state, request, c, true);
             });
  router.add("GET", "/metadata/identity/oauth2/token", anonymous,
             [&state](const LabRequest& request, const Captures&) {
               return managed_identity_token(state, request, false);
             });
  router.add("GET", "/msi/token", anonymous, [&state](const LabRequest& request, const Captures&) {
    return managed_identity_token(state, request, true);
  });
  // ARM's cloud metadata, as Azure and Azure Stack serve it: what `az cloud register
  // --endpoint-resource-manager` reads to learn the other endpoints (az asks for
  // "//metadata/..." when the endpoint ends in a slash).
  router.add("GET", "/+metadata/endpoints",
             RouteOptions{{"2015-01-01", "2019-05-01", "2020-06-01", "2022-09-01"}, "", ""},
             [&state](const LabRequest&, const Captures&) {
               const std::string base = state.config.base_url() + "/";
               return LabResponse::json(
                   200, Json{{"galleryEndpoint", base},
                             {"graphEndpoint", base},
                             {"portalEndpoint", base},
                             {"authentication", {{"loginEndpoint", base}, {"audiences", {base}}}}});
             });
  router.add("GET", "/common/discovery/instance", anonymous,
             [&state](const LabRequest& request, const Captures&) {
               return instance_discovery(state, request.query_value("tenant").value_or("common"));
             });
  router.add(
      "GET", "/([^/]+)/discovery/instance", anonymous,
      [&state](const LabRequest&, const Captures& c) { return instance_discovery(state, c[1]); });
  router.add("GET", "/([^/]+)/v2\\.0/\\.well-known/openid-configuration", anonymous,
             [&state](const LabRequest&, const Captures& c) {
               return LabResponse::json(200, openid_configuration(state, c[1], true));
             });
  router.add("GET", "/([^/]+)/\\.well-known/openid-configuration", anonymous,
             [&state](const LabRequest&, const Captures& c) {
               return LabResponse::json(200, openid_configuration(state, c[1], false));
             });
}

} // namespace dftriage::lab
