#include "azure/follow_url.hpp"
#include "dftriage/azure/request.hpp"
#include "dftriage/util/error.hpp"

#include <catch2/catch.hpp>

using namespace dftriage;
using namespace dftriage::azure;
using Json = nlohmann::ordered_json;

TEST_CASE("origins are compared without case or default ports")
{
  CHECK(url_origin("https://KV1.vault.azure.net:443/secrets?x=1") == "https://kv1.vault.azure.net");
  CHECK(url_origin("https://kv1.vault.localhost:8443/secrets") ==
        "https://kv1.vault.localhost:8443");
  CHECK(url_origin("http://127.0.0.1:80") == "http://127.0.0.1");
  CHECK(url_origin("/relative").empty());
}

TEST_CASE("loopback hosts are recognised")
{
  CHECK(is_loopback_url("http://127.0.0.1:8080/x"));
  CHECK(is_loopback_url("http://localhost/x"));
  CHECK(is_loopback_url("https://kv1.vault.localhost:8443/"));
  CHECK(is_loopback_url("http://[::1]:80/"));
  CHECK_FALSE(is_loopback_url("http://localhost.example.com/"));
  CHECK_FALSE(is_loopback_url("http://127.0.0.1.example.com@evil.com/"));
  CHECK_FALSE(is_loopback_url("http://management.azure.com/"));
}

TEST_CASE("follow-up links stay on the request's origin")
{
  const std::string base = "https://management.azure.com/subscriptions/s?api-version=1";
  CHECK(resolve_follow_up(base, "/subscriptions/s/op?api-version=2") ==
        "https://management.azure.com/subscriptions/s/op?api-version=2");
  CHECK(resolve_follow_up(base, "https://MANAGEMENT.azure.com:443/x") ==
        "https://MANAGEMENT.azure.com:443/x");
  CHECK_THROWS_AS(resolve_follow_up(base, "https://management.azure.com.evil.com/x"), Error);
  CHECK_THROWS_AS(resolve_follow_up(base, "//evil.com/x"), Error);
  CHECK_THROWS_AS(resolve_follow_up(base, "http://management.azure.com/x"), Error);
}

TEST_CASE("a list answer's next page is named by nextLink or @odata.nextLink, never by an empty "
          "link")
{
  CHECK(std::string(next_link_key(Json{{"value", Json::array()}, {"nextLink", "/p2"}})) ==
        "nextLink");
  CHECK(std::string(next_link_key(Json{{"@odata.nextLink", "https://graph/p2"}})) ==
        "@odata.nextLink");
  CHECK(next_link_key(Json{{"value", Json::array()}}) == nullptr);
  CHECK(next_link_key(Json{{"nextLink", nullptr}}) == nullptr);
  CHECK(next_link_key(Json{{"nextLink", ""}}) == nullptr); // Key Vault's last page
  CHECK(next_link_key(Json{{"nextLink", 2}}) == nullptr);
  CHECK(next_link_key(Json::array({"nextLink"})) == nullptr);
}

TEST_CASE("a request's JSON shows its headers only when it has some")
{
  Request r;
  r.method = "PUT";
  r.url = "https://management.azure.com/x";
  CHECK_FALSE(r.to_json().contains("headers"));
  r.headers.push_back({"If-Match", "\"etag\""});
  CHECK(r.to_json()["headers"] == nlohmann::ordered_json{{"If-Match", "\"etag\""}});
}
