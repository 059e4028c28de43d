#include "lab_fixture.hpp"

#include "lab/arm.hpp"
#include "lab/resources.hpp"

namespace dftriage::test {

namespace {

lab::LabConfig config(lab::Clock::time_point* now)
{
  lab::LabConfig c;
  c.tenant_id = "11111111-1111-1111-1111-111111111111";
  c.client_id = "22222222-2222-2222-2222-222222222222";
  c.client_secret = "s3cret";
  c.subscription_id = k_sub;
  c.port = 8443;
  c.token_lifetime_s = 1;
  c.clock = [now] { return *now; };
  return c;
}

} // namespace

LabFixture::LabFixture()
    : tenant(config(&m_now))
    , m_now(lab::Clock::from_time_t(1795766400)) // 2026-11-27T08:00:00Z
{
  auto& state = tenant.state();
  state.config.token_lifetime_s = 3600;
  lab::ensure_group(state, k_sub, "rg1", "westeurope");
  auto vault = lab::make_vault(state, k_sub, "rg1", "kv1", "westeurope");
  vault["properties"]["accessPolicies"].push_back(
      {{"tenantId", state.config.tenant_id},
       {"objectId", k_attacker},
       {"permissions",
        {{"keys", {"get"}},
         {"secrets", {"get", "list", "set"}},
         {"certificates", nlohmann::ordered_json::array()}}}});
  lab::put_resource(state, vault);
  lab::put_resource(state,
                    lab::make_role_assignment(state, k_vault_id, "ra-vault",
                                              "Key Vault Secrets Officer", k_attacker, "User"));
  lab::put_resource(
      state, lab::make_role_assignment(state, std::string("/subscriptions/") + k_sub, "ra-sub",
                                       "Reader", "33333333-3333-3333-3333-333333333333", "Group"));
  lab::put_resource(
      state,
      {{"id",
        std::string("/subscriptions/") + k_sub +
            "/resourceGroups/rg1/providers/Microsoft.Security/locations/westeurope/alerts/a1"},
       {"name", "a1"},
       {"type", "Microsoft.Security/Locations/alerts"},
       {"properties", {{"status", "Active"}, {"alertType", "KV_TORAccess"}}}});
  m_arm_token = token("https://management.azure.com/.default");
}

std::string LabFixture::token(const std::string& scope)
{
  const auto& c = tenant.state().config;
  auto r = send("POST", "/" + c.tenant_id + "/oauth2/v2.0/token", {},
                "grant_type=client_credentials&client_id=" + c.client_id +
                    "&client_secret=" + c.client_secret + "&scope=" + lab::url_encode(scope),
                "");
  return body_of(r).value("access_token", "");
}

lab::LabResponse LabFixture::send(const std::string& method, const std::string& path,
                                  std::vector<std::pair<std::string, std::string>> query,
                                  const std::string& body, const std::string& token,
                                  const std::string& host)
{
  lab::LabRequest r;
  r.method = method;
  r.host = host;
  r.path = path;
  r.query = std::move(query);
  r.body = body;
  const std::string bearer = token == "<arm>" ? m_arm_token : token;
  if (!bearer.empty()) {
    r.headers.emplace_back("Authorization", "Bearer " + bearer);
  }
  r.headers.emplace_back("x-ms-client-request-id", "client-1");
  return tenant.handle(r);
}

nlohmann::ordered_json body_of(const lab::LabResponse& response)
{
  return response.body.empty() ? nlohmann::ordered_json()
                               : nlohmann::ordered_json::parse(response.body);
}

std::string error_code_of(const lab::LabResponse& response)
{
  return body_of(response)["error"].value("code", "");
}

} // namespace dftriage::test
