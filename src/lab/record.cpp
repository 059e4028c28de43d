#include "record.hpp"

#include "dftriage/util/error.hpp"
#include "util.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace dftriage::lab {

namespace {

const char* k_redacted = "<redacted>";

// Replaces write-only secrets anywhere in `value`: VM extensions' protectedSettings
// (VMAccess passwords, SSH keys) and password fields (reimage's osProfile.adminPassword).
void redact_nested(Json& value)
{
  if (value.is_array()) {
    for (auto& item : value) {
      redact_nested(item);
    }
    return;
  }
  if (!value.is_object()) {
    return;
  }
  for (auto& [key, item] : value.items()) {
    const std::string k = lower(key);
    if (k == "protectedsettings" || k == "protectedsettingsfromkeyvault" ||
        (item.is_string() && (k == "password" || k == "adminpassword"))) {
      item = k_redacted;
    } else {
      redact_nested(item);
    }
  }
}

// A body as a JSON value: parsed JSON, else a form with secrets redacted (as an object),
// else the text; null when empty.
Json body_value(const std::string& body, const std::string& content_type)
{
  if (body.empty()) {
    return nullptr;
  }
  Json parsed = Json::parse(body, nullptr, false);
  if (!parsed.is_discarded()) {
    for (const char* key :
         {"access_token", "refresh_token", "client_secret", "client_assertion", "value"}) {
      if (parsed.is_object() && parsed.contains(key) &&
          (std::string(key) != "value" || parsed[key].is_string())) {
        parsed[key] = k_redacted;
      }
    }
    redact_nested(parsed);
    return parsed;
  }
  if (content_type.find("x-www-form-urlencoded") != std::string::npos) {
    Json form = Json::object();
    for (const auto& [key, value] : parse_form(body)) {
      const bool secret = key == "client_secret" || key == "client_assertion" || key == "password";
      form[key] = secret ? k_redacted : value;
    }
    return form;
  }
  return body;
}

Json headers_value(const std::vector<std::pair<std::string, std::string>>& headers)
{
  Json out = Json::object();
  for (const auto& [name, value] : headers) {
    const std::string key = lower(name);
    out[key] = key == "authorization" ? std::string("Bearer ") + k_redacted : value;
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
