#include "tenant.hpp"

#include "arm.hpp"
#include "identity.hpp"
#include "modules.hpp"
#include "rbac.hpp"

#include <optional>

namespace dftriage::lab {

Tenant::Tenant(LabConfig config)
{
  m_state.config = std::move(config);
  if (m_state.config.object_id.empty()) {
    m_state.config.object_id = stable_guid("service-principal/" + m_state.config.client_id);
  }
  add_identity_routes(m_router, m_state);
  add_operation_routes(m_router, m_state);
  add_keyvault_routes(m_router, m_state);
  add_authorization_routes(m_router, m_state);
  add_permission_routes(m_router, m_state);
  add_security_routes(m_router, m_state);
  add_resource_routes(m_router, m_state);
  // Tags at any scope, Microsoft.Network, Microsoft.Compute, Microsoft.Automation.
  add_tag_routes(m_router, m_state);
  add_network_routes(m_router, m_state);
  add_compute_routes(m_router, m_state);
  add_automation_routes(m_router, m_state);
  // The data planes (keyvault_data.cpp, graph.cpp, log_analytics.cpp).
  add_keyvault_data_routes(m_router, m_state);
  add_graph_routes(m_router, m_state);
  add_log_analytics_routes(m_router, m_state);
}

LabResponse Tenant::handle_failing_operation(const LabRequest& request)
{
  std::lock_guard<std::mutex> lock(m_mutex);
  const State before = m_state;
  LabResponse response = handle_locked(request);
  std::string operation;
  for (const auto& [name, value] : response.headers) {
    if (lower(name) == "azure-asyncoperation") {
      const auto end = value.find('?');
      const auto start = value.rfind('/', end);
      operation = lower(
          value.substr(start + 1, end == std::string::npos ? std::string::npos : end - start - 1));
    }
  }
  const auto it = m_state.operations.find(operation);
  if (it == m_state.operations.end()) {
    return response;
  }
  Operation failed = it->second;
  const auto sequence = m_state.sequence;
  m_state = before; // nothing changed
  m_state.sequence = sequence;
  failed.error = Json{{"code", "InternalOperationError"},
                      {"message", "The operation failed in the lab (an lro-failed fault rule)."}};
  m_state.operations[operation] = failed;
  return response;
}

LabResponse Tenant::handle(const LabRequest& request)
{
  std::lock_guard<std::mutex> lock(m_mutex);
  return handle_locked(request);
}

LabResponse Tenant::handle_locked(const LabRequest& request)
{
  std::string caller;
  const std::string subscription = arm_subscription(request);
  std::optional<Throttle::Verdict> verdict;
  LabResponse response = m_router.dispatch(
      request,
      [this, &subscription, &verdict](const LabRequest& r, std::string_view audience) {
        AuthResult result = authorize(m_state, r, audience);
        // ARM counts a request against the budget once it knows who sent it, before it
        // checks the caller's rights.
        if (result.caller && audience == "arm" && !subscription.empty()) {
          verdict = m_throttle.take(m_state.config, subscription, r.method);
          if (verdict->retry_after_s > 0) {
            const std::string actor = m_state.object_id_of(*result.caller);
            return AuthResult{std::nullopt,
                              throttled_response(subscription,
                                                 actor.empty() ? *result.caller : actor,
                                                 verdict->retry_after_s)};
          }
        }
        // Restricted mode's one gate: a valid token whose principal lacks the right.
        if (result.caller) {
          if (auto refused = refusal(m_state, r, audience)) {
            return AuthResult{std::nullopt, std::move(*refused)};
          }
        }
        return result;
      },
      &caller);
  if (!subscription.empty()) {
    if (!verdict) {
      verdict = m_throttle.peek(m_state.config, subscription, request.method);
    }
    if (!verdict->header.empty()) {
      response.with_header(verdict->header, std::to_string(verdict->remaining));
    }
  }
  response.with_header("x-ms-request-id", random_guid());
  response.with_header("x-ms-correlation-request-id",
                       request.header("x-ms-correlation-request-id").value_or(random_guid()));
  if (const auto client = request.header("x-ms-client-request-id")) {
    response.with_header("x-ms-client-request-id", *client);
  }
  if (!caller.empty()) {
    LabRequest served = request;
    served.caller = caller;
    record_activity(m_state, served, response);
  }
  return response;
}

} // namespace dftriage::lab
