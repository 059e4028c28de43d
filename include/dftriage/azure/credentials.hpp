#pragma once

#include "dftriage/util/error.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::azure {

// A bearer token and when it stops being valid. The token text must never reach a log,
// the journal, a report, an error message or a command line.
struct AccessToken
{
  std::string token;
  std::chrono::system_clock::time_point expires_on;
};

// Who a credential authenticated as, for `dftriage auth status`: never the token.
struct CredentialInfo
{
  std::string credential; // "client secret (environment)", "managed identity (IMDS)", ...
  std::string tenant_id;  // "" when unknown
  std::string client_id;  // the application or managed identity's client ID; "" when unknown
};

// Thrown by a credential that cannot be used here at all: not configured, no managed
// identity endpoint answered, az not installed or not logged in. A chain then tries the
// next credential. Any other Error from get_token means the credential was configured
// and tried, and failed: a chain stops there rather than act as someone else.
class CredentialUnavailable : public Error
{
public:
  explicit CredentialUnavailable(const std::string& message)
      : Error(message, ExitStatus::azure_failure)
  {
  }
};

// Anything that hands out tokens: one credential (client secret, certificate, workload
// identity, managed identity, Azure CLI) or the chain of them.
class TokenCredential
{
public:
  virtual ~TokenCredential() = default;

  // Returns a token for `audience` (a resource ID such as Cloud::arm_audience), from a
  // cache while it has more than a few minutes left; throws Error (azure_failure) naming
  // the credential and the reason when none can be had - never including secrets.
  virtual AccessToken get_token(const std::string& audience) = 0;

  // Drops any cached token for `audience`, so that the next get_token asks anew (after
  // a 401: the token was revoked or rotated before it expired). Default: nothing cached.
  virtual void forget_token(const std::string& audience) { (void)audience; }

  // Describes the credential that answered last: "client secret", "managed identity", ...
  virtual std::string description() const = 0;

  // Returns the credential that answered last and the tenant and client it is for, as
  // far as it knows them; the default knows only the description.
  virtual CredentialInfo info() const { return {description(), {}, {}}; }
};

// The identity claims of a JWT access token. Read without checking the signature: for
// display only, never for a decision.
struct TokenClaims
{
  bool jwt = false;      // false for an opaque token (the lab's): every field is empty
  std::string tenant_id; // tid
  std::string object_id; // oid
  std::string app_id;    // appid (v1 tokens) or azp (v2)
  std::string upn;       // upn, else unique_name, else preferred_username
  // What the token carries for the API it is for: application permissions (roles),
  // delegated scopes (scp, split at spaces), and the groups the principal is in (groups;
  // absent when the principal is in too many, then `group_overage` is true).
  std::vector<std::string> roles;
  std::vector<std::string> scopes;
  std::vector<std::string> groups;
  bool group_overage = false;
};

// Returns the claims of `token` when it is a JWT ("header.payload.signature", the
// payload a base64url JSON object), otherwise {jwt = false}.
TokenClaims read_token_claims(std::string_view token);

} // namespace dftriage::azure
