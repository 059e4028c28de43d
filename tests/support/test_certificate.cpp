#include "support/test_certificate.hpp"

#include "util/openssl_ptr.hpp"

#include <memory>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdexcept>

namespace dftriage::test {

namespace {

std::string bio_text(BIO* bio)
{
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

} // namespace

TestCertificate make_test_certificate(const std::string& name)
{
  openssl::PkeyPtr key(EVP_RSA_gen(2048));
  openssl::X509Ptr cert(X509_new());
  if (!key || !cert) {
    throw std::runtime_error("cannot make a test key");
  }
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), subject);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    throw std::runtime_error("cannot sign the test certificate");
  }
  TestCertificate out;
  openssl::BioPtr cert_bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(cert_bio.get(), cert.get());
  out.certificate_pem = bio_text(cert_bio.get());
  openssl::BioPtr key_bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  out.private_key_pem = bio_text(key_bio.get());
  unsigned char* der = nullptr;
  const int size = i2d_X509(cert.get(), &der);
  out.der.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  std::string b64(4 * ((out.der.size() + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                      reinterpret_cast<const unsigned char*>(out.der.data()),
                                      static_cast<int>(out.der.size()));
  b64.resize(static_cast<std::size_t>(written));
  out.der_base64 = b64;
  return out;
}

bool verify_rs256(const TestCertificate& certificate, const std::string& signed_part,
                  const std::string& signature)
{
  const auto* data = reinterpret_cast<const unsigned char*>(certificate.der.data());
  openssl::X509Ptr cert(d2i_X509(nullptr, &data, static_cast<long>(certificate.der.size())));
  openssl::PkeyPtr key(cert ? X509_get_pubkey(cert.get()) : nullptr);
  openssl::MdCtxPtr ctx(EVP_MD_CTX_new());
  return key && ctx &&
         EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
         EVP_DigestVerify(
             ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
             reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
}

std::string sha1(const std::string& bytes)
{
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), out, &size, EVP_sha1(), nullptr);
  return std::string(reinterpret_cast<const char*>(out), size);
}

} // namespace dftriage::test
