// What dftriage works out for a playbook to refer to (derived.hpp).

#include "derived.hpp"

#include "dftriage/alert/resource_id.hpp"
#include "dftriage/util/ip.hpp"
#include "dftriage/util/sha256.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/util/time.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace dftriage::engine::derived {

using json = nlohmann::ordered_json;

// Names dftriage gives what it creates for an alert, deterministic from the alert's ID so
// that a resumed or repeated run finds what an earlier one made: alert.names.<name>.
// evidencePrefix: "ev-<8 hex of SHA-256(alert ID)>", the start of the names of disk
// snapshots; isolationNsgId: an NSG beside the alert's VM, "<vm>-isolation-<the same 8
// hex>" (Azure allows 80 characters of [A-Za-z0-9._-] in an NSG name; the alert is
// attacker-written, so anything else in the VM's name is dropped); vmId: the alert's
// resource when it is a VM, for steps that may also take a VM found by a review.
json names(const alert::Alert& a)
{
  json names = json::object();
  if (a.id.empty()) {
    return names;
  }
  const std::string tag = sha256_hex(a.id).substr(0, 8);
  names["evidencePrefix"] = "ev-" + tag;
  const auto vm = alert::parse_resource_id(a.resource_id);
  if (vm && vm->type() == "microsoft.compute/virtualmachines" && !vm->resource_group.empty()) {
    std::string base;
    for (const char c : vm->name()) {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') {
        base += c;
      }
    }
    base = base.substr(0, 50);
    names["isolationNsgId"] = "/subscriptions/" + vm->subscription_id + "/resourceGroups/" +
                              vm->resource_group +
                              "/providers/Microsoft.Network/networkSecurityGroups/" +
                              (base.empty() ? "vm" : base) + "-isolation-" + tag;
    names["vmId"] = vm->canonical;
  }
  return names;
}

// The window a review of "everything that happened" reads, alert.review.<start|end>: from
// 30 days before the alert (never further back than the 90 days the Activity Log keeps,
// less a day's margin) to now (DFTRIAGE_NOW fixes "now" for reproducible plans). Now is
// rounded up to the next whole minute: the window still covers everything up to now
// (logs take minutes to arrive anyway), and plans made a moment apart during one walk
// ask the same question, so a read sent ahead (exec/read_ahead.cpp) is still the step's.
json review_window(const alert::Alert& a)
{
  constexpr std::int64_t k_day = 86400;
  constexpr std::int64_t k_minute = 60;
  const std::int64_t now = (time::now_unix_seconds() + k_minute - 1) / k_minute * k_minute;
  const auto start = time::to_unix_seconds(a.start_time);
  const std::int64_t from =
      std::max(start ? *start - 30 * k_day : now - 30 * k_day, now - 89 * k_day);
  return json{{"start", time::from_unix_seconds(std::min(from, now))},
              {"end", time::from_unix_seconds(now)}};
}

// What is known of the responder, responder.<field>: `addresses`, the public addresses
// Azure sees their requests come from, so that a firewall the walk turns on still lets
// the walk's later steps through. A lab listens on loopback, where that is 127.0.0.1;
// for a real cloud only the responder knows it: DFTRIAGE_RESPONDER_ADDRESSES (IPs or
// CIDR ranges, comma-separated).
json responder(const azure::Cloud& cloud)
{
  json addresses = json::array();
  if (const char* given = std::getenv("DFTRIAGE_RESPONDER_ADDRESSES")) {
    std::string_view rest = given;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      const auto address = text::trim(rest.substr(0, comma));
      if (!address.empty() && is_ip_or_cidr(address)) {
        addresses.push_back(std::string(address));
      }
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  const auto& arm = cloud.resource_manager;
  const bool loopback =
      arm.rfind("https://127.0.0.1:", 0) == 0 || arm.rfind("http://127.0.0.1:", 0) == 0 ||
      arm.rfind("https://localhost:", 0) == 0 || arm.rfind("http://localhost:", 0) == 0;
  if (loopback &&
      std::find(addresses.begin(), addresses.end(), json("127.0.0.1")) == addresses.end()) {
    addresses.push_back("127.0.0.1");
  }
  return json{{"addresses", addresses}};
}

bool is_ip_or_cidr(std::string_view s)
{
  const auto slash = s.find('/');
  const auto address = s.substr(0, slash);
  if (!ip::is_valid(address)) {
    return false;
  }
  if (slash == std::string_view::npos) {
    return true;
  }
  const auto prefix = s.substr(slash + 1);
  if (prefix.empty() || prefix.size() > 3 ||
      !std::all_of(prefix.begin(), prefix.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  const int bits = std::stoi(std::string(prefix));
  return bits <= (address.find(':') == std::string_view::npos ? 32 : 128);
}

} // namespace dftriage::engine::derived
