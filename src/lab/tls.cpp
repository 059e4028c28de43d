#include "tls.hpp"

#include "dftriage/util/error.hpp"
#include "util/openssl_ptr.hpp"

#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <memory>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dftriage::lab {

namespace {

using Key = openssl::PkeyPtr;
using Cert = openssl::X509Ptr;

[[noreturn]] void fail(const std::string& what)
{
  throw Error("lab: cannot make the TLS certificate: " + what, ExitStatus::failure);
}

Key new_key()
{
  Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) {
    fail("key generation failed");
  }
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value)
{
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  const openssl::X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || !X509_add_ext(cert, ext.get(), -1)) {
    fail("bad extension");
  }
}

Cert make_cert(EVP_PKEY* key, const char* common_name, X509* issuer, EVP_PKEY* issuer_key,
               long serial, bool ca)
{
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("dftriage lab"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  if (ca) {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
    add_extension(cert.get(), signer, NID_subject_alt_name,
                  "IP:127.0.0.1,DNS:localhost,DNS:*.vault.localhost");
  }
  add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (!X509_sign(cert.get(), issuer_key, EVP_sha256())) {
    fail("signing failed");
  }
  return cert;
}

// Writes `path` whole: a temporary file created with `mode`, then renamed over it.
void write_pem(const std::string& path, mode_t mode, const std::function<int(FILE*)>& write)
{
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  FILE* f = fd < 0 ? nullptr : ::fdopen(fd, "w");
  if (!f) {
    if (fd >= 0) {
      ::close(fd);
    }
    fail("cannot write " + path);
  }
  const int ok = write(f);
  const bool flushed = std::fflush(f) == 0 && ::fsync(fd) == 0;
  std::fclose(f);
  if (!ok || !flushed || ::rename(temp.c_str(), path.c_str()) != 0) {
    fail("cannot write " + path);
  }
}

// Holds an exclusive lock on `dir`/tls.lock while it lives: two labs starting on one
// fresh state folder would otherwise each write a key and a certificate, and one would
// serve a certificate that does not match its key.
class DirLock
{
public:
  explicit DirLock(const std::string& dir)
      : m_fd(::open((dir + "/tls.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600))
  {
    if (m_fd < 0 || ::flock(m_fd, LOCK_EX) != 0) {
      fail("cannot lock " + dir + "/tls.lock");
    }
  }
  ~DirLock() { ::close(m_fd); }
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

private:
  int m_fd;
};

} // namespace

TlsFiles ensure_tls_files(const std::string& dir)
{
  TlsFiles files{dir + "/ca.pem", dir + "/server.pem", dir + "/server-key.pem"};
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec) && std::filesystem::create_directories(dir, ec)) {
    ::chmod(dir.c_str(), 0700); // made here: private; a folder that was there is left as it is
  }
  const DirLock lock(dir);
  if (std::filesystem::exists(files.ca_certificate, ec) &&
      std::filesystem::exists(files.server_certificate, ec) &&
      std::filesystem::exists(files.server_key, ec)) {
    return files;
  }
  Key ca_key = new_key();
  Cert ca = make_cert(ca_key.get(), "dftriage lab CA", nullptr, ca_key.get(), 1, true);
  Key server_key = new_key();
  Cert server = make_cert(server_key.get(), "127.0.0.1", ca.get(), ca_key.get(), 2, false);
  // The CA key is not kept: certificates are made once, and nobody can sign more.
  write_pem(files.server_key, 0600, [&](FILE* f) {
    return PEM_write_PrivateKey(f, server_key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  write_pem(files.server_certificate, 0644,
            [&](FILE* f) { return PEM_write_X509(f, server.get()); });
  write_pem(files.ca_certificate, 0644, [&](FILE* f) { return PEM_write_X509(f, ca.get()); });
  return files;
}

} // namespace dftriage::lab
