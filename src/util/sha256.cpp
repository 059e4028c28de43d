#include "dftriage/util/sha256.hpp"

#include "dftriage/util/error.hpp"

#include <openssl/evp.h>

namespace dftriage {

std::string sha256_hex(std::string_view bytes)
{
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    throw Error("SHA-256 failed", ExitStatus::failure);
  }
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xF];
  }
  return out;
}

} // namespace dftriage
