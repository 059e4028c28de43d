#include "token.hpp"

#include "dftriage/azure/permissions.hpp"
#include "dftriage/util/text.hpp"

#include <algorithm>

namespace dftriage::lab {

namespace {

// `hex` (pairs of lower-case hex digits) as bytes.
std::string bytes_of_hex(const std::string& hex)
{
  const auto digit = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(digit(hex[i]) * 16 + digit(hex[i + 1]));
  }
  return out;
}

std::string encoded_json(const Json& value)
{
  return base64url_encode(value.dump());
}

} // namespace

std::vector<std::string> graph_roles(const State& state)
{
  std::vector<std::string> out;
  for (const auto& name : azure::known_graph_permissions()) {
    const auto& denied = state.config.denied.graph;
    if (std::none_of(denied.begin(), denied.end(),
                     [&](const std::string& d) { return text::iequals(d, name); })) {
      out.push_back(name);
    }
  }
  return out;
}

std::string mint_token(State& state, const std::string& client,
                       const std::vector<std::string>& audiences, const std::string& resource)
{
  const auto now = state.config.clock();
  const auto expires = now + std::chrono::seconds(state.config.token_lifetime_s);
  const long long iat = static_cast<long long>(Clock::to_time_t(now));
  const long long exp = static_cast<long long>(Clock::to_time_t(expires));
  const std::string object_id = state.object_id_of(client);
  const std::string key_id = stable_guid("token-signing-key/" + state.config.tenant_id);
  Json header{{"typ", "JWT"}, {"alg", "RS256"}, {"x5t", key_id}, {"kid", key_id}};
  Json payload{{"aud", resource},
               {"iss", "https://sts.windows.net/" + state.config.tenant_id + "/"},
               {"iat", iat},
               {"nbf", iat},
               {"exp", exp},
               {"appid", client},
               {"appidacr", "1"},
               {"idp", "https://sts.windows.net/" + state.config.tenant_id + "/"},
               {"idtyp", "app"},
               {"oid", object_id},
               {"sub", object_id},
               {"tid", state.config.tenant_id},
               {"uti", random_hex(16)},
               {"ver", "1.0"}};
  std::vector<std::string> roles;
  if (std::find(audiences.begin(), audiences.end(), "graph") != audiences.end()) {
    roles = graph_roles(state);
    payload["roles"] = roles;
  }
  std::string token = encoded_json(header) + "." + encoded_json(payload) + "." +
                      base64url_encode(bytes_of_hex(random_hex(256)));
  state.tokens[token] = TokenInfo{client, object_id, roles, audiences, expires};
  return token;
}

const TokenInfo* bearer_token(const State& state, const LabRequest& request)
{
  const std::string header = request.header("Authorization").value_or("");
  if (!text::istarts_with(header, "Bearer ")) {
    return nullptr;
  }
  const auto it = state.tokens.find(std::string(text::trim(header.substr(7))));
  return it == state.tokens.end() ? nullptr : &it->second;
}

} // namespace dftriage::lab
