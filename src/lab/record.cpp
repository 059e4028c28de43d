#include "record.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/redact.hpp"
#include "util.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace dftriage::lab {

namespace {

// The recordings' marker, which says what happened to the value in plain words.
constexpr std::string_view k_redacted = "<redacted>";

// A body as a JSON value: parsed JSON, else a form, else the text; null when empty.
// Secrets are hidden (util/redact.hpp) in JSON and in forms.
Json body_value(const std::string& body, const std::string& content_type)
{
  if (body.empty()) {
    return nullptr;
  }
  const Json parsed = Json::parse(body, nullptr, false);
  if (!parsed.is_discarded()) {
    return redact::json_body(parsed, k_redacted);
  }
  if (content_type.find("x-www-form-urlencoded") != std::string::npos) {
    Json form = Json::object();
    for (const auto& [key, value] : parse_form(body)) {
      form[key] = redact::is_secret_field(key) ? std::string(k_redacted) : value;
    }
    return form;
  }
  return body;
}

Json headers_value(const std::vector<std::pair<std::string, std::string>>& headers)
{
  Json out = Json::object();
  for (const auto& [name, value] : headers) {
    out[lower(name)] = redact::header_value(name, value, k_redacted);
  }
  return out;
}

} // namespace

Json recorded_pair(const LabRequest& request, const std::string& url, const LabResponse& response)
{
  auto response_headers = response.headers;
  if (!response.content_type.empty()) {
    response_headers.emplace_back("content-type", response.content_type);
  }
  const std::string request_type = request.header("content-type").value_or("");
  return Json{{"liveRequest",
               {{"url", url},
                {"method", request.method},
                {"headers", headers_value(request.headers)},
                {"body", body_value(request.body, request_type)}}},
              {"liveResponse",
               {{"statusCode", std::to_string(response.status)},
                {"headers", headers_value(response_headers)},
                {"body", body_value(response.body, response.content_type)}}}};
}

Recorder::Recorder(const std::string& path)
{
  // The recording holds request bodies and identifiers: readable by its owner only.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
  }
  m_out.open(path, std::ios::app);
  if (fd < 0 || !m_out) {
    throw Error("cannot open the record file " + path + " for writing", ExitStatus::usage);
  }
}

void Recorder::write(const Json& pair)
{
  std::lock_guard<std::mutex> lock(m_mutex);
  m_out << pair.dump() << '\n';
  m_out.flush();
}

} // namespace dftriage::lab
