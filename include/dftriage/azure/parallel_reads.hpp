#pragma once

// Sending read requests at the same time. Each worker has its own transport (so its own
// connections, kept open and reused from one batch to the next) and its own client; the
// credential is shared under a lock, and the client options' callbacks are called under
// one lock too, so an observer written for one thread stays correct. The options' read
// pacer is the one object for all workers (thread-safe itself, not under that lock, so
// the workers wait for it side by side).

#include "dftriage/azure/client.hpp"

#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace dftriage::azure {

// Sends `request` and, when the answer to a GET names a next page (nextLink or
// @odata.nextLink), follows every page: the answer's `value` then holds all items and the
// next-page key is gone. Throws as Client::send and Client::list do.
Response read_whole(Client& client, const Request& request);

// What one request of a batch came to.
struct Fetched
{
  Response response;        // when `error` is null
  std::exception_ptr error; // what the client threw (AzureError, TransportError, ...)
  std::chrono::system_clock::time_point sent_at;
};

class ParallelReader
{
public:
  using TransportMaker = std::function<std::unique_ptr<HttpTransport>()>;

  // `cloud` and `credential` must outlive the reader; `make_transport` makes one more
  // transport per worker, when the worker is first needed. `workers` >= 1.
  ParallelReader(const Cloud& cloud, TokenCredential& credential, TransportMaker make_transport,
                 ClientOptions options, std::size_t workers);
  ~ParallelReader();
  ParallelReader(const ParallelReader&) = delete;
  ParallelReader& operator=(const ParallelReader&) = delete;

  // Sends every request that is not mutating with read_whole(), at most workers() at a
  // time, and returns their results in the order given. Never throws for a request that
  // failed: its exception is in its Fetched. Requests marked mutating are refused with
  // an Error in their Fetched, never sent.
  std::vector<Fetched> fetch(const std::vector<Request>& requests);

  std::size_t workers() const { return m_workers; }

private:
  struct Worker;
  class LockedCredential;

  Worker& worker(std::size_t index);

  const Cloud& m_cloud;
  std::unique_ptr<LockedCredential> m_credential;
  TransportMaker m_make_transport;
  ClientOptions m_options; // its callbacks wrapped to run under m_callback_lock
  std::shared_ptr<std::mutex> m_callback_lock;
  std::size_t m_workers;
  std::vector<std::unique_ptr<Worker>> m_pool;
};

} // namespace dftriage::azure
