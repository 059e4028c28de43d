// The libcurl transport against a one-shot plain-HTTP listener on 127.0.0.1. TLS, HTTP/2
// and the lab's CA are covered by the lab's integration tests.

#include "dftriage/azure/curl_transport.hpp"
#include "dftriage/version.hpp"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace dftriage;
using namespace dftriage::azure;

namespace {

constexpr int k_wait_ms = 5000; // a stuck test fails instead of hanging

// Returns a TCP socket bound to 127.0.0.1 on a free port.
int bound_socket(int& port)
{
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t size = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
  port = ntohs(address.sin_port);
  return fd;
}

// Accepts one connection, reads one request and answers `reply` (nothing when empty).
class OneShotServer
{
public:
  explicit OneShotServer(std::string reply)
      : m_reply(std::move(reply))
  {
    m_fd = bound_socket(m_port);
    REQUIRE(::listen(m_fd, 1) == 0);
    m_thread = std::thread([this] { serve(); });
  }
  OneShotServer(const OneShotServer&) = delete;
  OneShotServer& operator=(const OneShotServer&) = delete;
  ~OneShotServer()
  {
    if (m_thread.joinable()) {
      m_thread.join();
    }
    ::close(m_fd);
  }

  std::string url(const std::string& path) const
  {
    return "http://127.0.0.1:" + std::to_string(m_port) + path;
  }

  // Returns the request as received, once the exchange is over.
  std::string request()
  {
    m_thread.join();
    return m_request;
  }

private:
  void serve()
  {
    pollfd ready{m_fd, POLLIN, 0};
    if (::poll(&ready, 1, k_wait_ms) != 1) {
      return;
    }
    const int client = ::accept(m_fd, nullptr, nullptr);
    if (client < 0) {
      return;
    }
    char buffer[4096];
    pollfd readable{client, POLLIN, 0};
    while (!complete() && ::poll(&readable, 1, k_wait_ms) == 1) {
      const ssize_t n = ::read(client, buffer, sizeof buffer);
      if (n <= 0) {
        break;
      }
      m_request.append(buffer, static_cast<std::size_t>(n));
    }
    if (!m_reply.empty()) {
      [[maybe_unused]] const ssize_t n = ::write(client, m_reply.data(), m_reply.size());
    }
    ::close(client);
  }

  bool complete() const
  {
    const std::size_t end = m_request.find("\r\n\r\n");
    if (end == std::string::npos) {
      return false;
    }
    const std::size_t length = m_request.find("Content-Length: ");
    if (length == std::string::npos || length > end) {
      return true;
    }
    return m_request.size() >= end + 4 + std::stoul(m_request.substr(length + 16));
  }

  std::string m_reply;
  int m_fd = -1;
  int m_port = 0;
  std::thread m_thread;
  std::string m_request;
};

TransportOptions quick()
{
  TransportOptions options;
  options.connect_timeout = std::chrono::milliseconds(k_wait_ms);
  options.total_timeout = std::chrono::milliseconds(k_wait_ms);
  return options;
}

} // namespace

TEST_CASE("the curl transport sends the request and reads status, headers and body")
{
  OneShotServer server("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
                       "x-ms-request-id: abc\r\nContent-Length: 11\r\nConnection: close\r\n\r\n"
                       "{\"ok\":true}");
  auto transport = make_curl_transport(quick());
  const HttpResponse response =
      transport->send({"PATCH",
                       server.url("/vaults/kv1?api-version=1"),
                       {{"Content-Type", "application/json"}, {"If-Match", "\"e1\""}},
                       R"({"a":1})"});
  CHECK(response.status == 201);
  CHECK(response.body == R"({"ok":true})");
  CHECK(response.header("X-MS-Request-Id") == std::optional<std::string>("abc"));

  const std::string request = server.request();
  CHECK(request.rfind("PATCH /vaults/kv1?api-version=1 HTTP/1.1\r\n", 0) == 0);
  CHECK(request.find(std::string("User-Agent: dftriage/") + k_version + "\r\n") !=
        std::string::npos);
  CHECK(request.find("Accept-Encoding: ") != std::string::npos);
  CHECK(request.find("If-Match: \"e1\"\r\n") != std::string::npos);
  CHECK(request.find("Content-Length: 7\r\n") != std::string::npos);
  CHECK(request.find("\r\n\r\n{\"a\":1}") != std::string::npos);
}

TEST_CASE("the curl transport sends a body-less POST without a form content type")
{
  OneShotServer server("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
  auto transport = make_curl_transport(quick());
  CHECK(transport->send({"POST", server.url("/dismiss"), {}, {}}).status == 204);
  const std::string request = server.request();
  CHECK(request.rfind("POST /dismiss HTTP/1.1\r\n", 0) == 0);
  CHECK(request.find("Content-Length: 0\r\n") != std::string::npos);
  CHECK(request.find("Content-Type") == std::string::npos);
}

TEST_CASE("a refused connection never reached the server, a dropped one may have")
{
  auto transport = make_curl_transport(quick());
  SECTION("refused")
  {
    int port = 0;
    const int fd = bound_socket(port); // bound, never listening: connections are refused
    try {
      transport->send({"POST", "http://127.0.0.1:" + std::to_string(port) + "/x", {}, {}});
      FAIL("no error");
    } catch (const TransportError& e) {
      CHECK_FALSE(e.may_have_reached_server());
      CHECK_THAT(e.what(), Catch::StartsWith("POST http://127.0.0.1:"));
    }
    ::close(fd);
  }
  SECTION("closed without an answer")
  {
    OneShotServer server("");
    try {
      transport->send({"POST", server.url("/x"), {}, "{}"});
      FAIL("no error");
    } catch (const TransportError& e) {
      CHECK(e.may_have_reached_server());
    }
  }
}

TEST_CASE("the curl transport refuses a header with a line break")
{
  auto transport = make_curl_transport(quick());
  CHECK_THROWS_WITH(
      transport->send({"GET", "http://127.0.0.1:1/", {{"If-Match", "a\r\nX-Evil: 1"}}, {}}),
      "refusing to send the header If-Match: it contains a line break");
}

TEST_CASE("an unreadable CA bundle is an error")
{
  TransportOptions options;
  options.ca_bundle = "/nonexistent/ca.pem";
  CHECK_THROWS_WITH(make_curl_transport(options), "cannot read the CA bundle /nonexistent/ca.pem");
}
