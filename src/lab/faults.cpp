#include "faults.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/text.hpp"

namespace dftriage::lab {

namespace {

bool all_of_class(const std::string& s, bool (*ok)(char))
{
  return !s.empty() && std::all_of(s.begin(), s.end(), ok);
}

[[noreturn]] void bad_rule(const std::string& rule, const std::string& why)
{
  throw UsageError("--fault " + text::quote(rule) + ": " + why +
                   " (expected ACTION[:METHOD][:N|once|every][:path=TEXT][:header=value], e.g. "
                   "429:PATCH:2:retry-after=1)");
}

const char* code_for(int status)
{
  switch (status) {
  case 429:
    return "TooManyRequests";
  case 500:
    return "InternalServerError";
  case 502:
    return "BadGateway";
  case 503:
    return "ServiceUnavailable";
  case 504:
    return "GatewayTimeout";
  case 408:
    return "RequestTimeout";
  case 409:
    return "Conflict";
  default:
    return "LabInjectedFault";
  }
}

} // namespace

FaultRule parse_fault_rule(const std::string& text)
{
  FaultRule rule;
  rule.text = text;
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const auto colon = text.find(':', start);
    parts.push_back(
        text.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
    if (colon == std::string::npos) {
      break;
    }
    start = colon + 1;
  }
  const auto digits = [](char c) { return c >= '0' && c <= '9'; };
  const auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  if (parts[0] == "drop") {
    rule.kind = FaultRule::Kind::drop;
  } else if (parts[0] == "slow-body") {
    rule.kind = FaultRule::Kind::slow_body;
  } else if (parts[0] == "lro-failed") {
    rule.kind = FaultRule::Kind::operation_failed;
  } else if (parts[0] == "revoke-token") {
    rule.kind = FaultRule::Kind::revoke_token;
  } else if (all_of_class(parts[0], digits) && parts[0].size() == 3 && parts[0][0] >= '4' &&
             parts[0][0] <= '5') {
    rule.status = std::stoi(parts[0]);
  } else {
    bad_rule(
        text,
        "the action must be a 4xx/5xx status, drop, slow-body, lro-failed or revoke-token, not " +
            text::quote(parts[0]));
  }
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    const auto eq = p.find('=');
    if (p == "once") {
      rule.occurrence = 1;
    } else if (p == "every" || p == "*") {
      rule.occurrence = 0;
    } else if (all_of_class(p, digits)) {
      rule.occurrence = std::stoi(p);
      if (rule.occurrence < 1) {
        bad_rule(text, "the occurrence counts from 1");
      }
    } else if (all_of_class(p, upper)) {
      rule.method = p;
    } else if (eq != std::string::npos && eq > 0 && p.compare(0, eq, "path") == 0) {
      rule.path = p.substr(eq + 1);
    } else if (eq != std::string::npos && eq > 0) {
      rule.headers.emplace_back(text::to_lower(p.substr(0, eq)), p.substr(eq + 1));
    } else {
      bad_rule(text, "unknown field " + text::quote(p));
    }
  }
  return rule;
}

std::optional<FaultAction> FaultSet::check(const LabRequest& request)
{
  std::lock_guard<std::mutex> lock(m_mutex);
  std::optional<FaultAction> out;
  for (std::size_t i = 0; i < m_rules.size(); ++i) {
    const FaultRule& rule = m_rules[i];
    if ((!rule.method.empty() && rule.method != request.method) ||
        (!rule.path.empty() && request.path.find(rule.path) == std::string::npos)) {
      continue;
    }
    const int n = ++m_matches[i];
    if (out || (rule.occurrence != 0 && rule.occurrence != n)) {
      continue;
    }
    LabResponse response;
    if (rule.kind == FaultRule::Kind::status) {
      response = LabResponse::arm_error(rule.status, code_for(rule.status),
                                        "The lab injected this fault (--fault " + rule.text + ").");
    }
    for (const auto& [name, value] : rule.headers) {
      response.with_header(name, value);
    }
    out = FaultAction{rule.kind, std::move(response)};
  }
  return out;
}

} // namespace dftriage::lab
