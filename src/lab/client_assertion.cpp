#include "client_assertion.hpp"

#include "util/openssl_ptr.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

namespace dftriage::lab {

namespace {

constexpr const char* k_exchange_audience = "api://AzureADTokenExchange";
constexpr long long k_clock_skew_s = 300;

Json decode_part(const std::string& part)
{
  const Json value = Json::parse(base64url_decode(part), nullptr, false);
  return value.is_object() ? value : Json(nullptr);
}

std::string digest(const std::string& der, const EVP_MD* md)
{
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(der.data(), der.size(), out, &size, md, nullptr) != 1) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(out), size);
}

// The DER certificate of the principal's keyCredential whose thumbprint is `thumbprint`
// (SHA-1, or SHA-256 when `sha256`), or "".
std::string registered_certificate(const Json* principal, const std::string& thumbprint,
                                   bool sha256)
{
  if (principal == nullptr || !principal->contains("keyCredentials")) {
    return {};
  }
  for (const auto& key : (*principal)["keyCredentials"]) {
    // Graph gives keyCredentials.key in standard base64, which base64url_decode takes too.
    std::string der = base64url_decode(key.value("key", ""));
    if (!der.empty() && digest(der, sha256 ? EVP_sha256() : EVP_sha1()) == thumbprint) {
      return der;
    }
  }
  return {};
}

bool signature_verifies(const std::string& der, const std::string& signed_part,
                        const std::string& signature)
{
  const auto* data = reinterpret_cast<const unsigned char*>(der.data());
  openssl::X509Ptr cert(d2i_X509(nullptr, &data, static_cast<long>(der.size())));
  openssl::PkeyPtr key(cert ? X509_get_pubkey(cert.get()) : nullptr);
  openssl::MdCtxPtr ctx(EVP_MD_CTX_new());
  const bool ok =
      key && ctx &&
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(signed_part.data()),
                       signed_part.size()) == 1;
  ERR_clear_error();
  return ok;
}

AssertionVerdict federated(const Json* principal, const Json& claims)
{
  const std::string iss = claims.value("iss", "");
  const std::string sub = claims.value("sub", "");
  if (principal != nullptr && principal->contains("federatedIdentityCredentials")) {
    for (const auto& f : (*principal)["federatedIdentityCredentials"]) {
      if (f.value("issuer", "") == iss && f.value("subject", "") == sub) {
        return {};
      }
    }
  }
  return {
      70021,
      "No matching federated identity record found for presented assertion. Assertion Issuer: '" +
          iss + "'. Assertion Subject: '" + sub + "'. Assertion Audience: '" + k_exchange_audience +
          "'."};
}

} // namespace

AssertionVerdict check_client_assertion(const State& state, const Json* principal,
                                        const std::string& client, const std::string& assertion,
                                        const std::string& token_url)
{
  AssertionVerdict malformed{50027, "JWT token is invalid or malformed."};
  const auto first = assertion.find('.');
  const auto second = first == std::string::npos ? first : assertion.find('.', first + 1);
  if (second == std::string::npos || assertion.find('.', second + 1) != std::string::npos) {
    return malformed;
  }
  const Json header = decode_part(assertion.substr(0, first));
  const Json claims = decode_part(assertion.substr(first + 1, second - first - 1));
  if (header.is_null() || claims.is_null() || !claims.contains("exp") ||
      !claims["exp"].is_number()) {
    return malformed;
  }
  const long long now = Clock::to_time_t(state.config.clock());
  const long long exp = claims["exp"].get<long long>();
  const long long nbf =
      claims.contains("nbf") && claims["nbf"].is_number() ? claims["nbf"].get<long long>() : 0;
  if (exp + k_clock_skew_s < now || nbf - k_clock_skew_s > now) {
    return {700024, "Client assertion is not within its valid time range."};
  }
  const Json aud = claims.value("aud", Json());
  if (aud.is_string() && aud.get<std::string>() == k_exchange_audience) {
    return federated(principal, claims);
  }
  if (claims.value("iss", "") != client || claims.value("sub", "") != client) {
    return {700021, "Client assertion application identifier doesn't match 'client_id' parameter."};
  }
  if (!aud.is_string() || lower(aud.get<std::string>()) != lower(token_url)) {
    return {700023, "Client assertion audience claim does not match Realm issuer."};
  }
  if (header.value("alg", "") != "RS256") {
    return {5002738, "Invalid JWT token. '" + header.value("alg", "") +
                         "' is not a supported signature algorithm."};
  }
  const bool sha256 = header.contains("x5t#S256");
  const std::string thumbprint = base64url_decode(header.value(sha256 ? "x5t#S256" : "x5t", ""));
  const std::string der =
      thumbprint.empty() ? std::string() : registered_certificate(principal, thumbprint, sha256);
  if (der.empty()) {
    return {700027,
            "Client assertion failed signature validation. [Reason - The key was not found.]"};
  }
  if (!signature_verifies(der, assertion.substr(0, second),
                          base64url_decode(assertion.substr(second + 1)))) {
    return {
        700027,
        "Client assertion failed signature validation. [Reason - The provided signature value did "
        "not match the expected signature value.]"};
  }
  return {};
}

} // namespace dftriage::lab
