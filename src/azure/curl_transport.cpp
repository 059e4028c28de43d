// The only file of dftriage that includes curl.h: every byte sent to Azure (or to the
// lab) leaves through CurlTransport::send.

#include "dftriage/azure/curl_transport.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/signals.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/version.hpp"

#include <curl/curl.h>
#include <fstream>
#include <sstream>

namespace dftriage::azure {

namespace {

void global_init()
{
  // A function-local static is initialised exactly once, even with several threads.
  static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (code != CURLE_OK) {
    throw Error(std::string("cannot initialise libcurl: ") + curl_easy_strerror(code),
                ExitStatus::azure_failure);
  }
}

std::string read_file(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) {
    return {};
  }
  return text.str();
}

// Owns a curl_slist.
class HeaderList
{
public:
  HeaderList() = default;
  HeaderList(const HeaderList&) = delete;
  HeaderList& operator=(const HeaderList&) = delete;
  ~HeaderList() { curl_slist_free_all(m_list); }

  void add(const std::string& line)
  {
    curl_slist* grown = curl_slist_append(m_list, line.c_str());
    if (grown == nullptr) {
      throw Error("out of memory building HTTP headers", ExitStatus::failure);
    }
    m_list = grown;
  }
  curl_slist* get() const { return m_list; }

private:
  curl_slist* m_list = nullptr;
};

bool has_line_break(const std::string& s)
{
  return s.find_first_of("\r\n") != std::string::npos;
}

bool never_reached_server(CURLcode code)
{
  // Only failures before the first request byte can be sent: name resolution, TCP
  // connect, TLS handshake and certificate checks.
  switch (code) {
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_COULDNT_CONNECT:
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CACERT_BADFILE:
    return true;
  default:
    return false;
  }
}

class CurlTransport : public HttpTransport
{
public:
  explicit CurlTransport(const TransportOptions& options)
      : m_options(options)
  {
    global_init();
    m_handle = curl_easy_init();
    if (m_handle == nullptr) {
      throw Error("cannot create a libcurl handle", ExitStatus::azure_failure);
    }
    if (!m_options.ca_bundle.empty()) {
      try {
        load_ca_bundle();
      } catch (...) {
        curl_easy_cleanup(m_handle); // the destructor does not run for a throwing constructor
        throw;
      }
    }
  }
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;
  ~CurlTransport() override { curl_easy_cleanup(m_handle); }

  HttpResponse send(const HttpRequest& request) override;

private:
  void load_ca_bundle();
  void set_options(const HttpRequest& request, HeaderList& headers);
  [[noreturn]] void fail(const HttpRequest& request, CURLcode code) const;

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self);
  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self);
  static int on_progress(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t);

  TransportOptions m_options;
  CURL* m_handle = nullptr;
  std::string m_ca_blob; // the system's CAs followed by the extra bundle
  char m_error[CURL_ERROR_SIZE] = {};
  HttpResponse m_response; // being received
  bool m_too_large = false;
};

void CurlTransport::load_ca_bundle()
{
  const std::string extra = read_file(m_options.ca_bundle);
  if (extra.empty()) {
    throw Error("cannot read the CA bundle " + m_options.ca_bundle, ExitStatus::azure_failure);
  }
  // A CA blob replaces libcurl's default CA file, so the system's CAs go in first to keep
  // trusting them beside the lab's CA.
  const char* system_file = nullptr;
  if (curl_easy_getinfo(m_handle, CURLINFO_CAINFO, &system_file) == CURLE_OK &&
      system_file != nullptr) {
    m_ca_blob = read_file(system_file);
  }
  if (!m_ca_blob.empty() && m_ca_blob.back() != '\n') {
    m_ca_blob += '\n';
  }
  m_ca_blob += extra;
}

void CurlTransport::set_options(const HttpRequest& request, HeaderList& headers)
{
  // reset() keeps the connection cache, DNS cache and TLS sessions: connections are reused.
  curl_easy_reset(m_handle);
  curl_easy_setopt(m_handle, CURLOPT_URL, request.url.c_str());
  if (request.method == "POST" || request.method == "PATCH") {
    // libcurl resends a request by itself when a reused connection closes before any
    // byte of the answer; the server may have acted on it already. A request that is
    // not idempotent therefore always goes over a new connection (found by the lab's
    // drop fault: the PATCH arrived twice).
    curl_easy_setopt(m_handle, CURLOPT_FRESH_CONNECT, 1L);
  }
  curl_easy_setopt(m_handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(m_handle, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(m_handle, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(m_handle, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!m_ca_blob.empty()) {
    curl_blob blob{m_ca_blob.data(), m_ca_blob.size(), CURL_BLOB_NOCOPY};
    curl_easy_setopt(m_handle, CURLOPT_CAINFO_BLOB, &blob);
  }
  curl_easy_setopt(m_handle, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(m_handle, CURLOPT_USERAGENT, (std::string("dftriage/") + k_version).c_str());
  curl_easy_setopt(m_handle, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(m_options.connect_timeout.count()));
  curl_easy_setopt(m_handle, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(m_options.total_timeout.count()));
  curl_easy_setopt(m_handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(m_handle, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(m_handle, CURLOPT_ERRORBUFFER, m_error);
  curl_easy_setopt(m_handle, CURLOPT_WRITEFUNCTION, &CurlTransport::on_body);
  curl_easy_setopt(m_handle, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(m_handle, CURLOPT_HEADERFUNCTION, &CurlTransport::on_header);
  curl_easy_setopt(m_handle, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(m_handle, CURLOPT_XFERINFOFUNCTION, &CurlTransport::on_progress);
  curl_easy_setopt(m_handle, CURLOPT_NOPROGRESS, 0L);

  bool has_content_type = false;
  for (const auto& h : request.headers) {
    if (has_line_break(h.name) || has_line_break(h.value)) {
      throw Error("refusing to send the header " + terminal::sanitize(h.name) +
                      ": it contains a line break",
                  ExitStatus::failure);
    }
    has_content_type = has_content_type || curl_strequal(h.name.c_str(), "Content-Type") != 0;
    // "Name;" is libcurl's way of sending a header with an empty value.
    headers.add(h.value.empty() ? h.name + ";" : h.name + ": " + h.value);
  }
  headers.add("Expect:"); // no 100-continue round trip for larger bodies

  if (request.method == "GET") {
    curl_easy_setopt(m_handle, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(m_handle, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(m_handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (!request.body.empty() || request.method != "DELETE") {
      curl_easy_setopt(m_handle, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(m_handle, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      if (!has_content_type) {
        headers.add("Content-Type:"); // not libcurl's form-urlencoded default
      }
    }
  }
  curl_easy_setopt(m_handle, CURLOPT_HTTPHEADER, headers.get());
}

HttpResponse CurlTransport::send(const HttpRequest& request)
{
  if (signals::interrupted()) {
    throw Interrupted();
  }
  HeaderList headers;
  set_options(request, headers);
  m_response = HttpResponse{};
  m_too_large = false;
  m_error[0] = '\0';
  const CURLcode code = curl_easy_perform(m_handle);
  if (code != CURLE_OK) {
    fail(request, code);
  }
  long status = 0;
  curl_easy_getinfo(m_handle, CURLINFO_RESPONSE_CODE, &status);
  m_response.status = static_cast<int>(status);
  return std::move(m_response);
}

void CurlTransport::fail(const HttpRequest& request, CURLcode code) const
{
  if (code == CURLE_ABORTED_BY_CALLBACK || signals::interrupted()) {
    throw Interrupted();
  }
  std::string message = request.method + " " + request.url + ": ";
  if (m_too_large) {
    message +=
        "the response is larger than " + std::to_string(m_options.max_response_bytes) + " bytes";
  } else {
    message += curl_easy_strerror(code);
    if (m_error[0] != '\0') {
      message += " (" + terminal::sanitize(m_error) + ")";
    }
  }
  throw TransportError(message, !never_reached_server(code));
}

std::size_t CurlTransport::on_body(char* data, std::size_t size, std::size_t count, void* self)
{
  auto& transport = *static_cast<CurlTransport*>(self);
  const std::size_t n = size * count;
  if (transport.m_response.body.size() + n > transport.m_options.max_response_bytes) {
    transport.m_too_large = true;
    return 0; // makes libcurl stop with CURLE_WRITE_ERROR
  }
  transport.m_response.body.append(data, n);
  return n;
}

std::size_t CurlTransport::on_header(char* data, std::size_t size, std::size_t count, void* self)
{
  auto& response = static_cast<CurlTransport*>(self)->m_response;
  const std::size_t n = size * count;
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  if (line.rfind("HTTP/", 0) == 0) {
    response.headers.clear(); // a new response begins (after 100 Continue or a proxy's 200)
    return n;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    return n;
  }
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
    value.remove_suffix(1);
  }
  response.headers.push_back({std::string(line.substr(0, colon)), std::string(value)});
  return n;
}

int CurlTransport::on_progress(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
  // Called about once a second even while waiting, so Ctrl-C ends a slow exchange.
  return signals::interrupted() ? 1 : 0;
}

} // namespace

std::unique_ptr<HttpTransport> make_curl_transport(const TransportOptions& options)
{
  return std::make_unique<CurlTransport>(options);
}

} // namespace dftriage::azure
