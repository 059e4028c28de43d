#pragma once

// --record: each served exchange as one NDJSON line {liveRequest, liveResponse} in the
// validate-traffic format (lower-case header names, bodies as JSON values, statusCode
// as a string), with secret headers, fields and Key Vault values redacted (util/redact.hpp).

#include "router.hpp"

#include <fstream>
#include <mutex>
#include <string>

namespace dftriage::lab {

// Returns the pair for `request` sent to `url` (absolute, with its query) and `response`.
Json recorded_pair(const LabRequest& request, const std::string& url, const LabResponse& response);

class Recorder
{
public:
  // Opens `path` for appending; throws Error when it cannot.
  explicit Recorder(const std::string& path);
  // Appends one line; thread-safe.
  void write(const Json& pair);

private:
  std::mutex m_mutex;
  std::ofstream m_out;
};

} // namespace dftriage::lab
