#pragma once

// Test support: a self-signed RSA certificate made with OpenSSL, and helpers to check
// a JWT's RS256 signature with it.

#include <string>

namespace dftriage::test {

struct TestCertificate
{
  std::string certificate_pem;
  std::string private_key_pem;
  std::string der;        // the certificate, DER
  std::string der_base64; // standard base64 of `der` (Graph's keyCredentials.key)
};

// Returns a new 2048-bit RSA key and a self-signed certificate for CN=`name`.
TestCertificate make_test_certificate(const std::string& name);

// True when `signature` is a valid RS256 (RSA PKCS#1 v1.5, SHA-256) signature of
// `signed_part` under the certificate's public key.
bool verify_rs256(const TestCertificate& certificate, const std::string& signed_part,
                  const std::string& signature);

// Returns the SHA-1 digest of `bytes` (raw).
std::string sha1(const std::string& bytes);

} // namespace dftriage::test
