#pragma once

// Internal (src/azure, src/lab and the tests): owning pointers to OpenSSL objects, so
// that every early return and exception frees what OpenSSL allocated.

#include <memory>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace dftriage::openssl {

// Frees an OpenSSL object with the function OpenSSL pairs with its type.
struct Free
{
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};

using BioPtr = std::unique_ptr<BIO, Free>;
using X509Ptr = std::unique_ptr<X509, Free>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Free>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Free>;

} // namespace dftriage::openssl
