// The only file that knows cpp-httplib: serves the Tenant on 127.0.0.1, with faults,
// latency, recording and TLS around it.

#include "dftriage/lab/lab.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/text.hpp"
#include "faults.hpp"
#include "rbac.hpp"
#include "record.hpp"
#include "seed.hpp"
#include "tenant.hpp"
#include "tls.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <httplib.h>
#include <memory>
#include <sstream>
#include <sys/socket.h>
#include <thread>

namespace dftriage::lab {

namespace {

// Connections the lab serves at once (each kept-alive connection holds one thread).
constexpr std::size_t k_lab_threads = 64;
// Requests served on one kept-alive connection before the lab closes it.
constexpr std::size_t k_lab_keep_alive_requests = 1000;

std::string read_file(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(path + ": cannot read the seed file");
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string default_state_dir()
{
  const char* xdg = std::getenv("XDG_STATE_HOME");
  const char* home = std::getenv("HOME");
  if (xdg && *xdg) {
    return std::string(xdg) + "/dftriage/lab";
  }
  return std::string(home && *home ? home : "/tmp") + "/.local/state/dftriage/lab";
}

int socket_port(const sockaddr_storage& addr)
{
  if (addr.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
  }
  return -1;
}

// Closes the connection from `remote_port` to `local_port` without a response: finds
// its descriptor among this process's (httplib does not hand it to handlers).
void drop_connection(int local_port, int remote_port)
{
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) {
    return;
  }
  while (const dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    const long number = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || number < 0 || number > INT_MAX) {
      continue; // "." and ".."
    }
    const int fd = static_cast<int>(number);
    sockaddr_storage local{};
    sockaddr_storage peer{};
    socklen_t local_size = sizeof local;
    socklen_t peer_size = sizeof peer;
    if (fd > 2 && ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_size) == 0 &&
        ::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_size) == 0 &&
        socket_port(local) == local_port && socket_port(peer) == remote_port) {
      ::shutdown(fd, SHUT_RDWR);
    }
  }
  ::closedir(dir);
}

LabRequest to_lab_request(const httplib::Request& req)
{
  LabRequest r;
  r.method = req.method;
  std::string host = req.get_header_value("Host");
  const auto colon = host.rfind(':');
  if (colon != std::string::npos && host.find(']') == std::string::npos) {
    host.resize(colon);
  }
  r.host = lower(host);
  r.path = req.path;
  const auto q = req.target.find('?');
  if (q != std::string::npos) {
    r.query = parse_form(std::string_view(req.target).substr(q + 1));
  }
  for (const auto& [name, value] : req.headers) {
    if (name != "REMOTE_ADDR" && name != "REMOTE_PORT" && name != "LOCAL_ADDR" &&
        name != "LOCAL_PORT") {
      r.headers.emplace_back(name, value);
    }
  }
  r.body = req.body;
  r.remote_addr = req.remote_addr;
  return r;
}

} // namespace

struct Lab::Impl
{
  LabOptions options;
  std::vector<FaultRule> rules;
  std::vector<std::pair<std::string, std::string>> seeds; // path, text
  std::unique_ptr<Tenant> tenant;
  std::unique_ptr<FaultSet> faults;
  std::unique_ptr<Recorder> recorder;
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  std::atomic<bool> stopping{false};
  TlsFiles tls;
  int port = 0;

  void serve(const httplib::Request& req, httplib::Response& res);
};

void Lab::Impl::serve(const httplib::Request& req, httplib::Response& res)
{
  const LabRequest request = to_lab_request(req);
  const auto fault = faults->check(request);
  if (fault && fault->kind == FaultRule::Kind::drop) {
    drop_connection(port, req.remote_port);
    return;
  }
  if (options.latency_ms > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(options.latency_ms));
  }
  if (fault && fault->kind == FaultRule::Kind::revoke_token) {
    const std::string header = request.header("Authorization").value_or("");
    if (text::istarts_with(header, "Bearer ")) {
      const std::string token(text::trim(header.substr(7)));
      tenant->with_state([&token](State& state) { state.tokens.erase(token); });
    }
  }
  LabResponse response = fault && fault->kind == FaultRule::Kind::status ? fault->response
                         : fault && fault->kind == FaultRule::Kind::operation_failed
                             ? tenant->handle_failing_operation(request)
                             : tenant->handle(request);
  if (fault && fault->kind == FaultRule::Kind::slow_body) {
    for (const auto& header : fault->response.headers) {
      response.headers.push_back(header);
    }
  }
  if (recorder) {
    std::string url = tenant->state().config.origin(request) + request.path;
    const auto q = req.target.find('?');
    url += q == std::string::npos ? "" : req.target.substr(q);
    recorder->write(recorded_pair(request, url, response));
  }
  res.status = response.status;
  for (const auto& [name, value] : response.headers) {
    res.set_header(name, value);
  }
  if (fault && fault->kind == FaultRule::Kind::slow_body) {
    // Headers and the first bytes go out, then the body stalls (up to 30 s, or until
    // stop()): what a client's read timeout must catch.
    auto body = std::make_shared<std::string>(response.body);
    res.set_content_provider(
        body->size(), response.content_type,
        [this, body](std::size_t offset, std::size_t, httplib::DataSink& sink) {
          const std::size_t first = std::min<std::size_t>(8, body->size());
          if (offset == 0 && first > 0) {
            return sink.write(body->data(), first);
          }
          for (int i = 0; i < 600 && !stopping; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
          }
          return sink.write(body->data() + offset, body->size() - offset);
        });
    return;
  }
  if (!response.body.empty() || !response.content_type.empty()) {
    res.set_content(response.body,
                    response.content_type.empty() ? "application/json" : response.content_type);
  }
}

Lab::Lab(LabOptions options)
    : m_impl(std::make_unique<Impl>())
{
  if (options.bind != "127.0.0.1" && options.bind != "localhost") {
    throw UsageError("the lab binds 127.0.0.1 only, not " + options.bind);
  }
  for (const auto& text : options.fault_rules) {
    m_impl->rules.push_back(parse_fault_rule(text));
  }
  for (const auto& role : options.roles) {
    role_for_option(role);
  }
  parse_denials(options.deny);
  for (const auto& path : options.seed_files) {
    m_impl->seeds.emplace_back(path, read_file(path));
  }
  if (options.state_dir.empty()) {
    options.state_dir = default_state_dir();
  }
  m_impl->options = std::move(options);
}

Lab::~Lab()
{
  stop();
}

void Lab::start()
{
  Impl& impl = *m_impl;
  if (impl.server) {
    return;
  }
  std::string basis = "dftriage-lab";
  std::string subscription;
  for (const auto& [path, text] : impl.seeds) {
    basis += "\n" + text;
    if (subscription.empty()) {
      subscription = seed_subscription(text, path);
    }
  }
  LabConfig config;
  config.tenant_id = stable_guid(basis + "/tenant");
  config.client_id = stable_guid(basis + "/client");
  config.object_id = stable_guid(basis + "/client-object");
  config.client_secret = random_hex(20);
  config.subscription_id =
      subscription.empty() ? stable_guid(basis + "/subscription") : subscription;
  config.scheme = impl.options.https ? "https" : "http";
  config.token_lifetime_s = impl.options.token_lifetime_s;
  config.page_size = impl.options.page_size;
  config.retry_after_s = impl.options.retry_after_s;
  config.read_budget = impl.options.read_budget;
  config.throttle_clock = impl.options.throttle_clock;
  if (impl.options.https) {
    impl.tls = ensure_tls_files(impl.options.state_dir);
    impl.server = std::make_unique<httplib::SSLServer>(impl.tls.server_certificate.c_str(),
                                                       impl.tls.server_key.c_str());
  } else {
    impl.server = std::make_unique<httplib::Server>();
  }
  // Headers and body go out in separate writes: without TCP_NODELAY (set before the
  // socket is made) the second waits for the client's delayed ACK, ~40 ms a response.
  impl.server->set_tcp_nodelay(true);
  if (!impl.server->is_valid()) {
    throw Error("lab: cannot set up the server (certificate " + impl.tls.server_certificate + ")",
                ExitStatus::failure);
  }
  impl.port =
      impl.options.port == 0
          ? impl.server->bind_to_any_port("127.0.0.1")
          : (impl.server->bind_to_port("127.0.0.1", impl.options.port) ? impl.options.port : -1);
  if (impl.port <= 0) {
    impl.server.reset();
    throw Error("lab: cannot listen on 127.0.0.1:" + std::to_string(impl.options.port),
                ExitStatus::usage);
  }
  config.port = impl.port;
  impl.tenant = std::make_unique<Tenant>(std::move(config));
  for (const auto& [path, text] : impl.seeds) {
    apply_seed(impl.tenant->state(), text, path);
  }
  seed_defaults(impl.tenant->state());
  apply_principal_rights(impl.tenant->state(), impl.options.roles, impl.options.deny);
  impl.faults = std::make_unique<FaultSet>(impl.rules);
  if (!impl.options.record_file.empty()) {
    impl.recorder = std::make_unique<Recorder>(impl.options.record_file);
  }
  const auto handler = [&impl](const httplib::Request& req, httplib::Response& res) {
    impl.serve(req, res);
  };
  impl.server->Get(".*", handler)
      .Post(".*", handler)
      .Put(".*", handler)
      .Patch(".*", handler)
      .Delete(".*", handler);
  impl.server->set_read_timeout(30, 0);
  // httplib closes a kept-alive connection after 5 requests unless told otherwise; Azure's
  // front ends keep one for far more, and a client pays a new TLS handshake (and the
  // parsing of its CA bundle) for every connection.
  impl.server->set_keep_alive_max_count(k_lab_keep_alive_requests);
  // httplib serves each connection on one pool thread for as long as it is kept alive;
  // its default pool (8 threads) is used up by a client with parallel reads (one
  // connection per worker and host) and others then wait for a keep-alive to time out.
  // Azure has no such limit.
  impl.server->new_task_queue = [] { return new httplib::ThreadPool(k_lab_threads); };
  auto listened = std::make_shared<std::atomic<bool>>(false);
  impl.thread = std::thread([&impl, listened] {
    impl.server->listen_after_bind();
    *listened = true;
  });
  // httplib's stop() does nothing until the server thread has begun listening, and the
  // thread would then accept forever: a lab stopped right after start hung its owner.
  while (!impl.server->is_running() && !*listened) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void Lab::stop()
{
  Impl& impl = *m_impl;
  impl.stopping = true;
  if (impl.server) {
    impl.server->stop();
  }
  if (impl.thread.joinable()) {
    impl.thread.join();
  }
}

int Lab::port() const
{
  return m_impl->port;
}

nlohmann::ordered_json Lab::connection() const
{
  const auto& c = m_impl->tenant->state().config;
  const std::string base = c.base_url();
  nlohmann::ordered_json out{{"cloud",
                              {{"name", "DftriageLab"},
                               {"endpoints",
                                {{"resourceManager", base + "/"},
                                 {"activeDirectory", base},
                                 {"activeDirectoryResourceId", base + "/"},
                                 {"activeDirectoryGraphResourceId", base + "/"},
                                 {"microsoftGraphResourceId", base + "/"},
                                 {"logAnalyticsResourceId", base},
                                 {"management", base + "/"},
                                 {"gallery", base + "/"},
                                 {"sqlManagement", base + "/"},
                                 {"batchResourceId", base + "/"},
                                 {"media", base + "/"},
                                 {"portal", base + "/"}}},
                               {"suffixes",
                                {{"keyvaultDns", ".vault.localhost:" + std::to_string(c.port)},
                                 {"storageEndpoint", "localhost"},
                                 {"sqlServerHostname", ".localhost"}}}}},
                             {"tenantId", c.tenant_id},
                             {"clientId", c.client_id},
                             {"clientSecret", c.client_secret},
                             {"subscriptionId", c.subscription_id},
                             {"objectId", c.object_id}};
  if (m_impl->options.https) {
    out["caCertificate"] = m_impl->tls.ca_certificate;
  }
  return out;
}

} // namespace dftriage::lab
