// The lab's Key Vault certificates: list, versions, get, policy, update attributes, and
// create with its pending operation. A certificate of issuer "Self" is issued at once (a
// new current version, with a new key unless the policy reuses it); any other issuer
// ("Unknown": a manual merge; a CA's name) leaves the operation inProgress, as a CA that
// has not signed yet does. Also seeds a vault's keys and certificates.

#include "dftriage/util/base64.hpp"
#include "keyvault_plane.hpp"
#include "modules.hpp"

#include <algorithm>

namespace dftriage::lab {

using namespace keyvault;

namespace {

const char* k_in_progress_ca =
    "Pending certificate created. Certificate request is in progress. This may take some "
    "time based on the issuer provider. Please check again later.";
const char* k_in_progress_manual =
    "Pending certificate created. Please Perform Merge to complete the request.";

[[noreturn]] void bad_parameter(const std::string& message)
{
  throw ArmFault{400,
                 "BadParameter",
                 message,
                 Json{{"error", {{"code", "BadParameter"}, {"message", message}}}},
                 {}};
}

// Returns standard base64 (padded, as Key Vault gives `cer` and `csr`) of a DER-shaped
// placeholder: a SEQUENCE header and `size` bytes derived from `seed`. Clients decode it
// to bytes (azure-keyvault-certificates does); none parses it as a certificate here.
std::string der_base64(const std::string& seed, std::size_t size)
{
  std::string der{'\x30', '\x82', static_cast<char>(size >> 8), static_cast<char>(size & 0xff)};
  for (std::size_t i = 0; i < size; ++i) {
    const unsigned char s = seed.empty() ? 0 : static_cast<unsigned char>(seed[i % seed.size()]);
    der += static_cast<char>(s ^ (i & 0xff));
  }
  std::string out = base64url_encode(der);
  for (char& ch : out) {
    ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
  }
  out.append((4 - out.size() % 4) % 4, '=');
  return out;
}

// Returns a CertificateBundle of one stored version; with the policy when asked for by name.
Json certificate_bundle(const std::string& base, const Json& version, const Json* policy)
{
  const std::string suffix = version.value("name", "") + "/" + version.value("version", "");
  Json bundle{{"id", base + "/certificates/" + suffix},
              {"kid", base + "/keys/" + suffix},
              {"sid", base + "/secrets/" + suffix},
              {"x5t", version.value("x5t", "")},
              {"cer", der_base64(version.value("version", ""), 700)},
              {"attributes", version.value("attributes", Json::object())},
              {"tags", version.value("tags", Json::object())}};
  if (policy != nullptr) {
    bundle["policy"] = *policy;
  }
  return bundle;
}

// Adds a new current version of certificate `name` under `policy`: a new key unless
// key_props.reuse_key, valid for x509_props.validity_months (default 12).
Json& issue(State& state, VaultData& vault, const std::string& name, const Json& policy,
            long long now)
{
  auto& versions = vault.certificates[lower(name)];
  const bool reuse = policy.contains("key_props") && policy["key_props"].value("reuse_key", false);
  const int months =
      policy.contains("x509_props") ? policy["x509_props"].value("validity_months", 12) : 12;
  Json next{
      {"name", name},
      {"version", new_version(state, "certificate-version")},
      {"keyId", reuse && !versions.empty() ? versions.back().value("keyId", "")
                                           : new_version(state, "certificate-key")},
      {"attributes",
       {{"enabled", true},
        {"created", now},
        {"updated", now},
        {"nbf", now},
        {"exp", now + months * 30LL * 86400},
        {"recoveryLevel", "Recoverable+Purgeable"},
        {"recoverableDays", 90}}},
      {"tags", versions.empty() ? Json::object() : versions.back().value("tags", Json::object())}};
  next["x5t"] = next["version"].get<std::string>().substr(0, 27);
  versions.push_back(std::move(next));
  return versions.back();
}

LabResponse create(State& state, const LabRequest& r, const std::string& name)
{
  auto& vault = open_vault(state, r, "CertificateCreate");
  const std::string key = lower(name);
  const auto pending = vault.certificate_operations.find(key);
  if (pending != vault.certificate_operations.end() &&
      pending->second.value("status", "") == "inProgress") {
    const std::string message =
        "A new key vault certificate can not be created or imported while a pending key "
        "vault certificate's status is inProgress.";
    throw ArmFault{409,
                   "Conflict",
                   message,
                   Json{{"error", {{"code", "Conflict"}, {"message", message}}}},
                   {}};
  }
  const Json body = r.json_body();
  const auto stored = vault.certificate_policies.find(key);
  Json policy = body.is_object() && body.contains("policy") ? body["policy"] : Json();
  if (!policy.is_object()) {
    if (stored == vault.certificate_policies.end()) {
      bad_parameter("The policy is required to create the first version of a certificate.");
    }
    policy = stored->second;
  }
  if (!policy.contains("x509_props") || !policy["x509_props"].is_object() ||
      (!policy["x509_props"].contains("subject") && !policy["x509_props"].contains("sans"))) {
    bad_parameter("The policy's x509_props needs a subject or subject alternative names.");
  }
  const long long now = now_unix(state);
  const std::string base = base_of(state, r);
  policy["id"] = base + "/certificates/" + name + "/policy";
  Json attributes = policy.value("attributes", Json::object());
  attributes["created"] = stored != vault.certificate_policies.end()
                              ? stored->second["attributes"].value("created", now)
                              : now;
  attributes["updated"] = now;
  attributes["enabled"] = attributes.value("enabled", true);
  policy["attributes"] = attributes;
  if (!policy.contains("issuer") || !policy["issuer"].is_object()) {
    policy["issuer"] = Json{{"name", "Unknown"}};
  }
  vault.certificate_policies[key] = policy;

  const std::string issuer = policy["issuer"].value("name", "Unknown");
  const bool manual = lower(issuer) == "unknown";
  Json operation{{"id", base + "/certificates/" + name + "/pending"},
                 {"issuer", {{"name", issuer}}},
                 {"csr", der_base64(new_version(state, "certificate-csr"), 400)},
                 {"cancellation_requested", false},
                 {"status", "inProgress"},
                 {"status_details", manual ? k_in_progress_manual : k_in_progress_ca},
                 {"request_id", new_version(state, "certificate-request")}};
  const Json accepted = operation;
  if (lower(issuer) == "self") {
    issue(state, vault, name, policy, now);
    operation["status"] = "completed";
    operation.erase("status_details");
    operation["target"] = base + "/certificates/" + name;
  }
  vault.certificate_operations[key] = operation;
  audit(state, r, "CertificateCreate", 202);
  return LabResponse::json(202, accepted)
      .with_header("Location", base + "/certificates/" + name + "/pending?api-version=" +
                                   r.query_value("api-version").value_or(versions().front()) +
                                   "&request_id=" + operation["request_id"].get<std::string>());
}

} // namespace

void keyvault::add_certificate_routes(Router& router, State& state)
{
  const RouteOptions options = route_options();
  const std::string certificate = std::string("/certificates/") + k_name;
  router.add("GET", "/certificates", options, [&state](const LabRequest& r, const Captures&) {
    auto& vault = open_vault(state, r, "CertificateList");
    std::vector<Json> items;
    for (const auto& [name, versions] : vault.certificates) {
      if (!versions.empty()) {
        items.push_back(
            object_item(versions.back(), base_of(state, r), "certificates", "id", false));
      }
    }
    audit(state, r, "CertificateList", 200);
    return data_page(state, r, items);
  });
  router.add("GET", certificate + "/versions", options,
             [&state](const LabRequest& r, const Captures& c) {
               auto& vault = open_vault(state, r, "CertificateListVersions");
               require_object_version(vault.certificates, "Certificate", c[1], "");
               std::vector<Json> items;
               for (const auto& v : vault.certificates[lower(c[1])]) {
                 items.push_back(object_item(v, base_of(state, r), "certificates", "id", true));
               }
               audit(state, r, "CertificateListVersions", 200);
               return data_page(state, r, items);
             });
  router.add("GET", certificate + "/policy", options,
             [&state](const LabRequest& r, const Captures& c) {
               auto& vault = open_vault(state, r, "CertificatePolicyGet");
               const auto it = vault.certificate_policies.find(lower(c[1]));
               if (it == vault.certificate_policies.end()) {
                 not_found("Certificate", c[1]);
               }
               Json policy = it->second;
               policy["id"] = base_of(state, r) + "/certificates/" + it->first + "/policy";
               audit(state, r, "CertificatePolicyGet", 200);
               return LabResponse::json(200, policy);
             });
  // request_id, when given, must be the operation's (Key Vault answers 404 otherwise).
  router.add(
      "GET", certificate + "/pending", options, [&state](const LabRequest& r, const Captures& c) {
        auto& vault = open_vault(state, r, "CertificatePendingGet");
        const auto it = vault.certificate_operations.find(lower(c[1]));
        const auto wanted = r.query_value("request_id");
        if (it == vault.certificate_operations.end() ||
            (wanted && *wanted != it->second.value("request_id", ""))) {
          const std::string message = "Pending certificate not found: " + c[1];
          throw ArmFault{
              404,
              "PendingCertificateNotFound",
              message,
              Json{{"error", {{"code", "PendingCertificateNotFound"}, {"message", message}}}},
              {}};
        }
        audit(state, r, "CertificatePendingGet", 200);
        return LabResponse::json(200, it->second);
      });
  router.add("POST", certificate + "/create", options,
             [&state](const LabRequest& r, const Captures& c) { return create(state, r, c[1]); });
  router.add("GET", certificate + "(?:/" + k_version + ")?/?", options,
             [&state](const LabRequest& r, const Captures& c) {
               auto& vault = open_vault(state, r, "CertificateGet");
               const bool current = c.size() <= 2 || c[2].empty();
               const Json& v = require_object_version(vault.certificates, "Certificate", c[1],
                                                      current ? "" : c[2]);
               const auto policy = vault.certificate_policies.find(lower(c[1]));
               audit(state, r, "CertificateGet", 200);
               return LabResponse::json(
                   200, certificate_bundle(base_of(state, r), v,
                                           current && policy != vault.certificate_policies.end()
                                               ? &policy->second
                                               : nullptr));
             });
  router.add("PATCH", certificate + "/" + k_version, options,
             [&state](const LabRequest& r, const Captures& c) {
               auto& vault = open_vault(state, r, "CertificateUpdate");
               Json& v = require_object_version(vault.certificates, "Certificate", c[1], c[2]);
               Json tags = v.value("tags", Json::object());
               update_attributes(state, v["attributes"], tags, r.json_body());
               v["tags"] = tags;
               audit(state, r, "CertificateUpdate", 200);
               return LabResponse::json(200, certificate_bundle(base_of(state, r), v, nullptr));
             });
}

void seed_vault_objects(State& state, const std::string& vault_name, long long created)
{
  auto& vault = state.vaults[lower(vault_name)];
  auto version_of = [](std::string guid) {
    guid.erase(std::remove(guid.begin(), guid.end(), '-'), guid.end());
    return guid;
  };
  const Json attributes{{"enabled", true},
                        {"created", created},
                        {"updated", created},
                        {"recoveryLevel", "Recoverable+Purgeable"},
                        {"recoverableDays", 90}};
  vault.keys["signing-key"] =
      std::vector<Json>{Json{{"name", "signing-key"},
                             {"version", version_of(stable_guid(vault_name + "/key"))},
                             {"attributes", attributes},
                             {"tags", Json::object()},
                             {"managed", false}}};
  // A self-issued certificate: re-issuing it completes at once.
  const std::string cert_version = version_of(stable_guid(vault_name + "/certificate"));
  Json certificate{{"name", "payments-tls"},
                   {"version", cert_version},
                   {"keyId", version_of(stable_guid(vault_name + "/certificate-key"))},
                   {"x5t", "fLi3U52HunIVNXubkEnf8tP6Wbo"},
                   {"attributes", attributes},
                   {"tags", Json::object()}};
  certificate["attributes"]["nbf"] = created;
  certificate["attributes"]["exp"] = created + 365LL * 86400;
  vault.certificates["payments-tls"] = std::vector<Json>{certificate};
  vault.certificate_policies["payments-tls"] = Json{
      {"id", "https://" + lower(vault_name) + ".vault.azure.net/certificates/payments-tls/policy"},
      {"key_props",
       {{"exportable", true}, {"kty", "RSA"}, {"key_size", 2048}, {"reuse_key", false}}},
      {"secret_props", {{"contentType", "application/x-pkcs12"}}},
      {"x509_props",
       {{"subject", "CN=payments.lab.localhost"},
        {"sans", {{"dns_names", {"payments.lab.localhost"}}}},
        {"ekus", {"1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"}},
        {"key_usage", {"digitalSignature", "keyEncipherment"}},
        {"validity_months", 12},
        {"basic_constraints", {{"ca", false}}}}},
      {"lifetime_actions",
       {{{"trigger", {{"lifetime_percentage", 80}}}, {"action", {{"action_type", "AutoRenew"}}}}}},
      {"issuer", {{"name", "Self"}}},
      {"attributes", {{"enabled", true}, {"created", created}, {"updated", created}}}};
  // One secret already disabled: an old credential someone retired.
  if (!vault.secrets.empty()) {
    auto& retired = vault.secrets["legacy-ftp-password"];
    if (retired.empty()) {
      retired.push_back(SecretVersion{version_of(stable_guid(vault_name + "/legacy")),
                                      "lab-value-of-legacy-ftp", "text/plain",
                                      Json{{"enabled", false},
                                           {"created", created},
                                           {"updated", created},
                                           {"recoveryLevel", "Recoverable+Purgeable"},
                                           {"recoverableDays", 90}},
                                      Json::object()});
    }
  }
}

} // namespace dftriage::lab
