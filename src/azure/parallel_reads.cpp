#include "dftriage/azure/parallel_reads.hpp"

#include "azure/follow_url.hpp"
#include "dftriage/util/error.hpp"

#include <atomic>
#include <spdlog/spdlog.h>
#include <thread>

namespace dftriage::azure {

namespace {

// Returns `f` made to run under `lock` (an empty function stays empty).
template <typename R, typename... Args>
std::function<R(Args...)> locked(std::function<R(Args...)> f, std::shared_ptr<std::mutex> lock)
{
  if (!f) {
    return f;
  }
  return [f = std::move(f), lock = std::move(lock)](Args... args) -> R {
    const std::lock_guard<std::mutex> hold(*lock);
    return f(args...);
  };
}

} // namespace

Response read_whole(Client& client, const Request& request)
{
  auto response = client.send(request);
  if (request.method != "GET") {
    return response;
  }
  // The next pages from the first answer (Client::list would ask for the first again).
  std::size_t pages = 1;
  for (const char* key = next_link_key(response.body); key != nullptr;
       key = next_link_key(response.body)) {
    auto& items = response.body["value"];
    if (!items.is_array()) {
      throw Error(request.method + " " + request.url +
                      ": the response is not a list (no \"value\" array)",
                  ExitStatus::azure_failure);
    }
    if (++pages > ClientOptions::k_default_max_pages) {
      throw Error(request.method + " " + request.url + ": more than " +
                      std::to_string(ClientOptions::k_default_max_pages) + " pages",
                  ExitStatus::azure_failure);
    }
    Request next;
    next.method = "GET";
    // Never a link to another origin: the token would go with it.
    next.url = resolve_follow_up(request.url, response.body[key].get<std::string>());
    next.audience = request.audience;
    next.retry_safe = true;
    response.body.erase(key);
    auto page = client.send(next).body;
    const auto value = page.is_object() ? page.find("value") : page.end();
    if (value == page.end() || !value->is_array()) {
      throw Error("GET " + next.url + ": the response is not a list (no \"value\" array)",
                  ExitStatus::azure_failure);
    }
    for (auto& item : *value) {
      items.push_back(std::move(item));
    }
    if (const char* more = next_link_key(page); more != nullptr) {
      response.body[more] = page[more];
    }
  }
  return response;
}

class ParallelReader::LockedCredential : public TokenCredential
{
public:
  explicit LockedCredential(TokenCredential& inner)
      : m_inner(inner)
  {
  }
  AccessToken get_token(const std::string& audience) override
  {
    const std::lock_guard<std::mutex> hold(m_lock);
    return m_inner.get_token(audience);
  }
  void forget_token(const std::string& audience) override
  {
    const std::lock_guard<std::mutex> hold(m_lock);
    m_inner.forget_token(audience);
  }
  std::string description() const override
  {
    const std::lock_guard<std::mutex> hold(m_lock);
    return m_inner.description();
  }

private:
  TokenCredential& m_inner;
  mutable std::mutex m_lock;
};

struct ParallelReader::Worker
{
  std::unique_ptr<HttpTransport> transport;
  std::unique_ptr<Client> client;
};

ParallelReader::ParallelReader(const Cloud& cloud, TokenCredential& credential,
                               TransportMaker make_transport, ClientOptions options,
                               std::size_t workers)
    : m_cloud(cloud)
    , m_credential(std::make_unique<LockedCredential>(credential))
    , m_make_transport(std::move(make_transport))
    , m_options(std::move(options))
    , m_callback_lock(std::make_shared<std::mutex>())
    , m_workers(workers == 0 ? 1 : workers)
{
  m_options.mode = ClientMode::live;
  m_options.observer = locked(std::move(m_options.observer), m_callback_lock);
  m_options.wait_observer = locked(std::move(m_options.wait_observer), m_callback_lock);
  m_options.sleep = locked(std::move(m_options.sleep), m_callback_lock);
  m_options.now = locked(std::move(m_options.now), m_callback_lock);
  m_options.random = locked(std::move(m_options.random), m_callback_lock);
  // m_options.pacer stays as it is: every worker's client gets a copy of the pointer, so
  // all pace against one count, and a pacer's sleep under the lock would serialise them.
}

ParallelReader::~ParallelReader()
{
  // Each client before its transport.
  for (auto& w : m_pool) {
    w->client.reset();
  }
}

ParallelReader::Worker& ParallelReader::worker(std::size_t index)
{
  while (m_pool.size() <= index) {
    auto w = std::make_unique<Worker>();
    w->transport = m_make_transport();
    if (!w->transport) {
      throw Error("cannot make a transport for parallel reads", ExitStatus::failure);
    }
    w->client = std::make_unique<Client>(m_cloud, m_credential.get(), *w->transport, m_options);
    m_pool.push_back(std::move(w));
  }
  return *m_pool[index];
}

std::vector<Fetched> ParallelReader::fetch(const std::vector<Request>& requests)
{
  const auto started = std::chrono::steady_clock::now();
  std::vector<Fetched> out(requests.size());
  const std::size_t n = std::min(m_workers, requests.size());
  // Workers are made here, on this thread: making a transport is not thread-safe.
  for (std::size_t i = 0; i < n; ++i) {
    worker(i);
  }
  // Each worker takes the next request not yet taken.
  std::atomic<std::size_t> next{0};
  auto run = [&](std::size_t w) {
    for (std::size_t i = next++; i < requests.size(); i = next++) {
      out[i].sent_at = std::chrono::system_clock::now();
      if (requests[i].mutating) {
        out[i].error = std::make_exception_ptr(
            Error("a change is never sent with the parallel reads", ExitStatus::failure));
        continue;
      }
      try {
        out[i].response = read_whole(*m_pool[w]->client, requests[i]);
      } catch (...) {
        out[i].error = std::current_exception();
      }
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t w = 1; w < n; ++w) {
    threads.emplace_back(run, w);
  }
  if (n > 0) {
    run(0);
  }
  for (auto& t : threads) {
    t.join();
  }
  spdlog::debug("{} reads at once on {} connections: {} ms", requests.size(), n,
                std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count());
  return out;
}

} // namespace dftriage::azure
