#pragma once

#include "dftriage/azure/http.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace dftriage::azure {

// How the libcurl transport connects. TLS certificates are always verified; there is
// deliberately no option to turn that off.
struct TransportOptions
{
  static constexpr std::chrono::milliseconds k_default_connect_timeout{10'000};
  static constexpr std::chrono::milliseconds k_default_total_timeout{120'000};
  // A response body larger than this is cut off with a TransportError.
  static constexpr std::size_t k_default_max_response_bytes = std::size_t{64} * 1024 * 1024;

  // Time allowed to resolve, connect and finish the TLS handshake.
  std::chrono::milliseconds connect_timeout = k_default_connect_timeout;
  // Time allowed for one whole exchange, connecting included.
  std::chrono::milliseconds total_timeout = k_default_total_timeout;
  std::size_t max_response_bytes = k_default_max_response_bytes;
  // A PEM file of CA certificates trusted in addition to the system's (a lab's own CA);
  // empty: the system's only.
  std::string ca_bundle;
};

// Returns the libcurl transport: one connection cache reused across requests, HTTP/2
// where the server offers it, gzip, proxy settings from the usual environment variables
// (https_proxy, no_proxy, ...), "User-Agent: dftriage/<version>", redirects not followed.
// The transport is not thread-safe: use one per thread. Its send() throws TransportError
// when no response arrived and Interrupted once Ctrl-C or SIGTERM arrived. Throws Error
// when libcurl cannot be initialised or `ca_bundle` cannot be read.
std::unique_ptr<HttpTransport> make_curl_transport(const TransportOptions& options = {});

} // namespace dftriage::azure
