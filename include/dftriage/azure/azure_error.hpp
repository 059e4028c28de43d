#pragma once

#include "dftriage/azure/http.hpp"
#include "dftriage/util/error.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::azure {

// One entry of an error's details (ARM `details`, Log Analytics `details`, or a level of
// Key Vault's / Log Analytics' `innererror` chain).
struct ErrorDetail
{
  std::string code;
  std::string message;
};

// What an Azure error response (or a failed long-running operation) said.
struct AzureErrorInfo
{
  std::string method; // of the request that failed
  std::string url;
  int status = 0;      // HTTP status (of the poll that reported a failed operation)
  std::string summary; // "409 Conflict", "operation Failed"
  std::string code;    // "ConflictError"; empty when the body had none
  std::string message; // the server's message, or the start of a non-JSON body
  std::string target;
  std::vector<ErrorDetail> details;
  std::string request_id; // x-ms-request-id, request-id, or Graph's innerError.request-id
};

// An Azure call answered with an error (exit status azure_failure). what() reads
// `PATCH https://…?api-version=…: 409 Conflict: ConflictError: The vault is being updated
// (request ID …)`, with every server-provided value sanitised for a terminal. It never
// holds a token or the request body.
class AzureError : public Error
{
public:
  explicit AzureError(AzureErrorInfo info);

  const AzureErrorInfo& info() const { return m_info; }
  int http_status() const { return m_info.status; }
  const std::string& code() const { return m_info.code; }
  const std::string& request_id() const { return m_info.request_id; }

private:
  AzureErrorInfo m_info;
};

// Returns the reason phrase of an HTTP status ("Conflict"), or "" when unknown.
std::string_view reason_phrase(int status);

// Reads the error out of a response body: the wrapped `{"error":{code, message, target,
// details, innererror|innerError}}` shape of ARM, Key Vault, Graph and Log Analytics,
// the flat `{code, message}` one (Activity Log), the OAuth `{error, error_description}`
// one, and non-JSON text (its first 200 characters, sanitised). Fills code, message,
// target, details and, from Graph's innerError, request_id. Never throws.
void parse_error_body(std::string_view body, AzureErrorInfo& info);

// Returns what a non-2xx `response` to `method url` says: status, summary ("409
// Conflict"), the body parsed by parse_error_body and the request ID from the response
// headers (x-ms-request-id, else request-id, else the body's).
AzureErrorInfo read_error_response(std::string_view method, std::string_view url,
                                   const HttpResponse& response);

// Returns AzureError(read_error_response(method, url, response)).
AzureError make_azure_error(std::string_view method, std::string_view url,
                            const HttpResponse& response);

} // namespace dftriage::azure
