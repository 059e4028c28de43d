// Client credentials with a certificate: an RS256 JWT client assertion signed with
// OpenSSL's EVP interface.

#include "azure/credentials/support.hpp"
#include "dftriage/util/text.hpp"
#include "util/openssl_ptr.hpp"

#include <fstream>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sstream>

namespace dftriage::azure {

namespace {

constexpr std::chrono::minutes k_assertion_lifetime{10};
constexpr std::size_t k_max_pem = std::size_t{1024} * 1024;

// Empties OpenSSL's per-thread error queue on the way out, so that a failure here
// does not show up later as libcurl's TLS error.
struct ClearErrors
{
  ClearErrors() = default;
  ClearErrors(const ClearErrors&) = delete;
  ClearErrors& operator=(const ClearErrors&) = delete;
  ~ClearErrors() { ERR_clear_error(); }
};

// Hands OpenSSL the key's password, or nothing: never a prompt on the terminal.
int password_callback(char* buffer, int size, int, void* user)
{
  const auto* password = static_cast<const std::string*>(user);
  if (password == nullptr || password->empty() || static_cast<int>(password->size()) > size) {
    return 0;
  }
  std::copy(password->begin(), password->end(), buffer);
  return static_cast<int>(password->size());
}

openssl::BioPtr memory_bio(const std::string& pem)
{
  return openssl::BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

} // namespace

struct ClientCertificateCredential::Key
{
  openssl::PkeyPtr key;
  std::string thumbprint; // base64url SHA-1 of the DER certificate (the x5t header)
};

ClientCertificateCredential::ClientCertificateCredential(
    std::string authority, std::string tenant_id, std::string client_id, std::string pem_path,
    CredentialContext context, std::string password)
    : CachingCredential(std::move(context))
    , m_authority(std::move(authority))
    , m_tenant_id(std::move(tenant_id))
    , m_client_id(std::move(client_id))
    , m_pem_path(std::move(pem_path))
    , m_password(std::move(password))
{
  add_secret(m_password);
  set_identity(m_tenant_id, m_client_id);
}

ClientCertificateCredential::~ClientCertificateCredential() = default;

std::string ClientCertificateCredential::description() const
{
  return "client certificate (environment)";
}

void ClientCertificateCredential::load()
{
  const ClearErrors clear;
  const std::string where = "the certificate file " + text::quote(m_pem_path);
  std::ifstream in(m_pem_path, std::ios::binary);
  if (!in) {
    throw Error("cannot read " + where, ExitStatus::azure_failure);
  }
  std::ostringstream content;
  content << in.rdbuf();
  const std::string pem = content.str();
  if (pem.size() > k_max_pem) {
    throw Error(where + " is too large for a PEM certificate", ExitStatus::azure_failure);
  }
  auto bio = memory_bio(pem);
  openssl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    throw Error(where + " holds no PEM certificate", ExitStatus::azure_failure);
  }
  bio = memory_bio(pem);
  openssl::PkeyPtr key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, &password_callback, &m_password));
  if (!key) {
    throw Error(where + " holds no private key that can be read" +
                    (m_password.empty()
                         ? " (an encrypted key needs AZURE_CLIENT_CERTIFICATE_PASSWORD)"
                         : std::string()),
                ExitStatus::azure_failure);
  }
  if (EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) {
    throw Error(where + ": the private key is not an RSA key (RS256 needs one)",
                ExitStatus::azure_failure);
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    throw Error(where + ": the private key does not belong to the first certificate",
                ExitStatus::azure_failure);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(cert.get(), EVP_sha1(), digest, &length) != 1) {
    throw Error("cannot compute the thumbprint of " + where, ExitStatus::azure_failure);
  }
  auto loaded = std::make_unique<Key>();
  loaded->key = std::move(key);
  loaded->thumbprint =
      credentials::base64url_encode(std::string(reinterpret_cast<const char*>(digest), length));
  m_key = std::move(loaded);
}

std::string ClientCertificateCredential::make_assertion(const std::string& token_url)
{
  if (!m_key) {
    load();
  }
  const ClearErrors clear;
  const auto issued = std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch());
  const nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"x5t", m_key->thumbprint}};
  const nlohmann::json claims = {{"aud", token_url},
                                 {"iss", m_client_id},
                                 {"sub", m_client_id},
                                 {"jti", credentials::random_uuid()},
                                 {"nbf", issued.count()},
                                 {"iat", issued.count()},
                                 {"exp", (issued + k_assertion_lifetime).count()}};
  const std::string signing_input = credentials::base64url_encode(header.dump()) + "." +
                                    credentials::base64url_encode(claims.dump());
  openssl::MdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t size = 0;
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, m_key->key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    throw Error("cannot sign the client assertion", ExitStatus::azure_failure);
  }
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    throw Error("cannot sign the client assertion", ExitStatus::azure_failure);
  }
  signature.resize(size);
  return signing_input + "." + credentials::base64url_encode(signature);
}

CachingCredential::Fetched ClientCertificateCredential::fetch(const std::string& audience)
{
  const std::string url = credentials::token_endpoint(m_authority, m_tenant_id);
  const credentials::Form form = {{"grant_type", "client_credentials"},
                                  {"client_id", m_client_id},
                                  {"client_assertion_type", credentials::k_jwt_bearer},
                                  {"client_assertion", make_assertion(url)},
                                  {"scope", credentials::scope_for(audience)}};
  return {credentials::request_entra_token(context(), url, form), m_tenant_id, m_client_id};
}

} // namespace dftriage::azure
