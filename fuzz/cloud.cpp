// The cloud file (azure::parse_cloud_config): `az cloud show -o json` output or the
// lab's connection line, given with --cloud FILE or DFTRIAGE_CLOUD. No error message
// may quote the client secret.

#include "common.hpp"
#include "dftriage/azure/cloud_config.hpp"
#include "dftriage/util/error.hpp"

#include <nlohmann/json.hpp>

namespace {

// The input's clientSecret when it is a string found nowhere else in the input.
std::string lone_secret(std::string_view text)
{
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object() || !doc.contains("clientSecret") || !doc["clientSecret"].is_string()) {
    return "";
  }
  const auto secret = doc["clientSecret"].get<std::string>();
  const auto first = text.find(secret);
  if (secret.size() < 6 || first == std::string_view::npos ||
      text.find(secret, first + 1) != std::string_view::npos) {
    return "";
  }
  return secret;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const auto text = fuzz::bytes(data, size);
  try {
    const auto config = dftriage::azure::parse_cloud_config(text, "/clouds/fuzz.json");
    if (config.cloud.name.empty() || config.cloud.resource_manager.empty()) {
      fuzz::fail("a cloud was accepted without a name or a Resource Manager endpoint");
    }
  } catch (const dftriage::InputError& e) {
    const auto secret = lone_secret(text);
    if (!secret.empty() && std::string_view(e.what()).find(secret) != std::string_view::npos) {
      fuzz::fail("an error message quotes the client secret");
    }
  }
  return 0;
}
