#pragma once

// --fault rules: answer some requests with an error status, drop the connection, or
// trickle the body. Syntax (src/lab/README.md):
//   ACTION[:FIELD]...   ACTION = HTTP status (429, 503, ...) | drop | slow-body | lro-failed
//   | revoke-token
//   (lro-failed: the request is accepted as a long-running operation that ends Failed
//   and changes nothing; revoke-token: the bearer token the request carries is revoked
//   before it is answered, as Entra does when a session is revoked early, so it gets a
//   401 and so does every later request with that token)
//   FIELD = METHOD (GET, PUT, ...) | N (fire on the Nth matching request only) | once
//         | every | path=SUBSTRING | header-name=value (added to the response)
// e.g. 429:PATCH:2:retry-after=1, 503:once, drop:path=/secrets, slow-body:GET:1, lro-failed:PUT:1

#include "router.hpp"

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace dftriage::lab {

struct FaultRule
{
  enum class Kind { status, drop, slow_body, operation_failed, revoke_token };
  Kind kind = Kind::status;
  int status = 0;
  std::string method; // "" any
  std::string path;   // substring; "" any
  int occurrence = 0; // 0: every match; N: only the Nth
  std::vector<std::pair<std::string, std::string>> headers;
  std::string text; // as given
};

// Parses one rule; throws UsageError naming the rule and what is wrong.
FaultRule parse_fault_rule(const std::string& text);

// What to do with one request.
struct FaultAction
{
  FaultRule::Kind kind;
  LabResponse response; // for status: the error to answer with
};

class FaultSet
{
public:
  explicit FaultSet(std::vector<FaultRule> rules)
      : m_rules(std::move(rules))
      , m_matches(m_rules.size(), 0)
  {
  }

  // Counts `request` against every rule; returns the first rule's action that fires.
  std::optional<FaultAction> check(const LabRequest& request);

private:
  std::mutex m_mutex;
  std::vector<FaultRule> m_rules;
  std::vector<int> m_matches;
};

} // namespace dftriage::lab
