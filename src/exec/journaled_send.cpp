// The one way the executor sends a request: journaled before it leaves (request.sent)
// and after its answer (response.received) or failure (request.failed), so that a case
// always shows what may have reached Azure.

#include "dftriage/azure/azure_error.hpp"
#include "dftriage/azure/parallel_reads.hpp"
#include "dftriage/exec/executor.hpp"
#include "dftriage/journal/events.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/time.hpp"

namespace dftriage::exec {

void Executor::journal_sent(const azure::Request& request, const std::string& step_id,
                            const char* kind, const nlohmann::ordered_json* journaled_body,
                            const std::string& sent_ahead)
{
  nlohmann::ordered_json sent{{"event", journal::event::request_sent},
                              {"step", step_id},
                              {"kind", kind},
                              {"method", request.method},
                              {"url", request.url},
                              {"audience", request.audience},
                              {"body", journaled_body != nullptr ? *journaled_body
                                       : request.body            ? *request.body
                                                                 : nlohmann::ordered_json()},
                              {"mutating", request.mutating}};
  if (!sent_ahead.empty()) {
    sent["sentAhead"] = sent_ahead; // sent at that time, with other reads, before the step
  }
  append(std::move(sent), request.mutating ? journal::Sync::now : journal::Sync::later);
}

void Executor::journal_answer(const azure::Request& request, const std::string& step_id,
                              const char* kind, const azure::Response& response)
{
  append({{"event", journal::event::response_received},
          {"step", step_id},
          {"kind", kind},
          {"method", request.method},
          {"url", request.url},
          {"status", response.status},
          {"requestId", response.request_id},
          {"correlationId", response.correlation_id},
          {"clientRequestId", response.client_request_id}},
         request.mutating ? journal::Sync::now : journal::Sync::later);
}

void Executor::journal_failure(const azure::Request& request, const std::string& step_id,
                               const char* kind, const std::exception_ptr& error)
{
  try {
    std::rethrow_exception(error);
  } catch (const azure::AzureError& e) {
    append({{"event", journal::event::request_failed},
            {"step", step_id},
            {"kind", kind},
            {"method", request.method},
            {"url", request.url},
            {"status", e.http_status()},
            {"code", e.code()},
            {"message", terminal::sanitize(e.info().message)},
            {"requestId", e.request_id()},
            {"mayHaveReachedServer", true}},
           request.mutating ? journal::Sync::now : journal::Sync::later);
  } catch (const azure::TransportError& e) {
    append({{"event", journal::event::request_failed},
            {"step", step_id},
            {"kind", kind},
            {"method", request.method},
            {"url", request.url},
            {"status", 0},
            {"message", terminal::sanitize(e.what())},
            {"mayHaveReachedServer", e.may_have_reached_server()}},
           request.mutating ? journal::Sync::now : journal::Sync::later);
  } catch (...) {
    // No request left (no token, Ctrl-C before sending): the caller says why.
  }
}

azure::Response Executor::send_journaled(const azure::Request& request, const std::string& step_id,
                                         const char* kind,
                                         const nlohmann::ordered_json* journaled_body)
{
  journal_sent(request, step_id, kind, journaled_body, {});
  azure::Response response;
  try {
    response = request.mutating ? m_client.send(request) : azure::read_whole(m_client, request);
  } catch (...) {
    journal_failure(request, step_id, kind, std::current_exception());
    throw;
  }
  if (request.mutating && m_settings.after_change) {
    // Azure has the change; its answer is not journaled yet (the crash-safety tests end
    // the process here).
    m_settings.after_change();
  }
  journal_answer(request, step_id, kind, response);
  return response;
}

azure::Response Executor::replay_fetched(const azure::Request& request, const std::string& step_id,
                                         const char* kind, const azure::Fetched& fetched)
{
  journal_sent(request, step_id, kind, nullptr, time::from_time_point(fetched.sent_at));
  if (fetched.error) {
    journal_failure(request, step_id, kind, fetched.error);
    std::rethrow_exception(fetched.error);
  }
  journal_answer(request, step_id, kind, fetched.response);
  return fetched.response;
}

} // namespace dftriage::exec
