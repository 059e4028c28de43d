#pragma once

// The lab's TLS material: a CA and a server certificate for 127.0.0.1, localhost and
// *.vault.localhost, made once with OpenSSL and kept in the state folder.

#include <string>

namespace dftriage::lab {

struct TlsFiles
{
  std::string ca_certificate;     // PEM; what clients trust
  std::string server_certificate; // PEM, signed by the CA
  std::string server_key;         // PEM, mode 0600
};

// Returns the files in `dir`, making the folder (0700) and the files when absent.
// Throws Error when OpenSSL or the file system fails.
TlsFiles ensure_tls_files(const std::string& dir);

} // namespace dftriage::lab
