// Secrets made at run time: generated, put into a change's body, and kept out of the
// journal, the evidence and the terminal (shown once, never stored).

#include "dftriage/exec/executor.hpp"
#include "dftriage/util/error.hpp"
#include "executor_detail.hpp"

#include <openssl/rand.h>

namespace dftriage::exec {

namespace {

constexpr const char* k_not_recorded = "(generated at run time; not recorded)";

} // namespace

std::string generate_password(std::size_t length)
{
  static constexpr std::string_view k_upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
  static constexpr std::string_view k_lower = "abcdefghijkmnopqrstuvwxyz";
  static constexpr std::string_view k_digit = "23456789";
  static constexpr std::string_view k_symbol = "!#%+-.:=?@_~";
  const std::string_view sets[] = {k_upper, k_lower, k_digit, k_symbol};
  std::string all;
  for (const auto set : sets) {
    all += set;
  }
  std::vector<unsigned char> random(length * 2);
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    throw Error("cannot generate a password: no randomness from OpenSSL", ExitStatus::failure);
  }
  std::string out;
  for (std::size_t i = 0; i < length; ++i) {
    // The first four characters take one of each class; the rest any.
    const auto set = i < 4 ? sets[i] : std::string_view(all);
    out += set[random[i] % set.size()];
  }
  // Shuffle so the classes are not in fixed places.
  for (std::size_t i = out.size() - 1; i > 0; --i) {
    std::swap(out[i], out[random[length + i] % (i + 1)]);
  }
  return out;
}

namespace detail {

bool fill_generated(nlohmann::ordered_json& node, std::string& secret)
{
  bool used = false;
  if (node.is_string() && node.get_ref<const std::string&>() == k_generated) {
    if (secret.empty()) {
      secret = generate_password();
    }
    node = secret;
    return true;
  }
  if (node.is_structured()) {
    for (auto& child : node) {
      used = fill_generated(child, secret) || used;
    }
  }
  return used;
}

nlohmann::ordered_json scrub(const nlohmann::ordered_json& node, const std::string& secret)
{
  if (secret.empty()) {
    return node;
  }
  if (node.is_string()) {
    return node.get_ref<const std::string&>() == secret ? nlohmann::ordered_json(k_not_recorded)
                                                        : node;
  }
  auto out = node;
  if (out.is_structured()) {
    for (auto& child : out) {
      child = scrub(child, secret);
    }
  }
  return out;
}

nlohmann::ordered_json evidence_of(const azure::Request& request, const azure::Response& response)
{
  return {{"method", request.method},
          {"url", request.url},
          {"status", response.status},
          {"requestId", response.request_id},
          {"body", response.body.is_null() && !response.raw_body.empty()
                       ? nlohmann::ordered_json(response.raw_body)
                       : response.body}};
}

} // namespace detail

} // namespace dftriage::exec
