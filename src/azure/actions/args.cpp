#include "dftriage/azure/actions.hpp"
#include "dftriage/util/ip.hpp"
#include "dftriage/util/text.hpp"

#include <algorithm>

namespace dftriage::azure {

namespace {

const std::string k_empty;
const std::vector<std::string> k_empty_list;

bool is_name(std::string_view s)
{
  return !s.empty() && s.size() <= 260 && s != "." && s != ".." &&
         std::none_of(s.begin(), s.end(), [](char c) {
           const auto u = static_cast<unsigned char>(c);
           return u < 0x20 || u == 0x7F || c == '/' || c == '\\' || c == '?' || c == '#';
         });
}

bool is_cidr(std::string_view s)
{
  const std::size_t slash = s.find('/');
  if (slash == std::string_view::npos) {
    return ip::is_valid(s);
  }
  const std::string_view address = s.substr(0, slash);
  const std::string_view bits = s.substr(slash + 1);
  if (!ip::is_valid(address) || bits.empty() || bits.size() > 3 ||
      !std::all_of(bits.begin(), bits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  const int n = std::stoi(std::string(bits));
  return n <= (address.find(':') != std::string_view::npos ? 128 : 32);
}

[[noreturn]] void fail(const ParamSpec& p, std::string_view expected,
                       const nlohmann::ordered_json& v)
{
  const std::string shown = text::quote(v.is_string() ? v.get<std::string>() : v.dump());
  throw ActionError("parameter " + p.name + ": expected " + std::string(expected) + ", got " +
                    shown);
}

std::string string_value(const ParamSpec& p, const nlohmann::ordered_json& v, std::string_view what)
{
  if (!v.is_string()) {
    fail(p, what, v);
  }
  return v.get<std::string>();
}

} // namespace

// Fills ActionArgs; a friend so that ActionArgs stays read-only to everyone else.
struct ArgsBuilder
{
  static ActionArgs build(const ActionSpec& spec, const nlohmann::ordered_json& values)
  {
    ActionArgs args;
    if (!values.is_object()) {
      throw ActionError("parameters of " + spec.name + " must be a JSON object");
    }
    for (const auto& [key, value] : values.items()) {
      const bool known = std::any_of(spec.params.begin(), spec.params.end(),
                                     [&name = key](const ParamSpec& p) { return p.name == name; });
      if (!known) {
        throw ActionError("unknown parameter " + text::quote(key) + " of " + spec.name);
      }
    }
    for (const auto& p : spec.params) {
      const auto it = values.find(p.name);
      if (it == values.end() || it->is_null()) {
        if (p.required) {
          throw ActionError("parameter " + p.name + " of " + spec.name + " is required");
        }
        continue;
      }
      add(args, p, *it);
      args.m_json[p.name] = *it;
    }
    return args;
  }

  // A subscription is given as its ID (a GUID, as alerts carry it), as
  // /subscriptions/{id}, or as any resource ID inside it; it is kept as /subscriptions/{id}.
  static void add_subscription(ActionArgs& args, const ParamSpec& p,
                               const nlohmann::ordered_json& v)
  {
    const std::string what = "a subscription ID or a resource ID inside a subscription";
    const std::string s = string_value(p, v, what);
    const auto id = alert::parse_resource_id(text::is_guid(s) ? "/subscriptions/" + s : s);
    if (!id) {
      fail(p, what, v);
    }
    args.m_resources.emplace(p.name,
                             *alert::parse_resource_id("/subscriptions/" + id->subscription_id));
  }

  static void add(ActionArgs& args, const ParamSpec& p, const nlohmann::ordered_json& v)
  {
    switch (p.type) {
    case ParamType::string:
      args.m_text[p.name] = string_value(p, v, "a string");
      return;
    case ParamType::name: {
      std::string s = string_value(p, v, "an Azure resource name");
      if (!is_name(s)) {
        fail(p, "an Azure resource name (no '/', '?', '#' or control characters)", v);
      }
      args.m_text[p.name] = std::move(s);
      return;
    }
    case ParamType::guid: {
      std::string s = string_value(p, v, "a GUID");
      if (!text::is_guid(s)) {
        fail(p, "a GUID", v);
      }
      args.m_text[p.name] = std::move(s);
      return;
    }
    case ParamType::resource_id: {
      if (p.resource_type == "subscription") {
        add_subscription(args, p, v);
        return;
      }
      const std::string what = p.resource_type.empty()
                                   ? std::string("an Azure resource ID")
                                   : "an Azure resource ID of type " + p.resource_type;
      const std::string s = string_value(p, v, what);
      // Where any scope will do, a bare GUID is a subscription, as alerts carry it.
      auto id = alert::parse_resource_id(
          p.resource_type.empty() && text::is_guid(s) ? "/subscriptions/" + s : s);
      if (!id || (!p.resource_type.empty() && id->type() != p.resource_type)) {
        fail(p, what, v);
      }
      args.m_resources.emplace(p.name, std::move(*id));
      return;
    }
    case ParamType::ip_list:
    case ParamType::cidr_list:
    case ParamType::string_list: {
      const std::string what = p.type == ParamType::ip_list ? "a list of IP addresses"
                               : p.type == ParamType::cidr_list
                                   ? "a list of IP addresses or CIDR ranges"
                                   : "a list of strings";
      if (!v.is_array()) {
        fail(p, what, v);
      }
      std::vector<std::string> items;
      for (const auto& item : v) {
        if (!item.is_string()) {
          fail(p, what, item);
        }
        const auto s = item.get<std::string>();
        const bool ok = p.type == ParamType::ip_list     ? ip::is_valid(s)
                        : p.type == ParamType::cidr_list ? is_cidr(s)
                                                         : true;
        if (!ok) {
          fail(p, what, item);
        }
        items.push_back(s);
      }
      args.m_lists[p.name] = std::move(items);
      return;
    }
    case ParamType::boolean:
      if (!v.is_boolean()) {
        fail(p, "true or false", v);
      }
      args.m_flags[p.name] = v.get<bool>();
      return;
    case ParamType::integer:
      if (!v.is_number_integer()) {
        fail(p, "an integer", v);
      }
      args.m_numbers[p.name] = v.get<long long>();
      return;
    case ParamType::choice: {
      const std::string s = string_value(p, v, "a string");
      if (std::find(p.choices.begin(), p.choices.end(), s) == p.choices.end()) {
        std::string expected = "one of";
        for (const auto& c : p.choices) {
          expected += " " + c;
        }
        fail(p, expected, v);
      }
      args.m_text[p.name] = s;
      return;
    }
    }
  }
};

ActionArgs check_args(const ActionSpec& spec, const nlohmann::ordered_json& values)
{
  return ArgsBuilder::build(spec, values);
}

const std::string& ActionArgs::text(std::string_view name) const
{
  const auto it = m_text.find(name);
  return it == m_text.end() ? k_empty : it->second;
}

const alert::ResourceId& ActionArgs::resource(std::string_view name) const
{
  const auto it = m_resources.find(name);
  if (it == m_resources.end()) {
    throw ActionError("parameter " + std::string(name) + " is not a resource ID");
  }
  return it->second;
}

const std::vector<std::string>& ActionArgs::list(std::string_view name) const
{
  const auto it = m_lists.find(name);
  return it == m_lists.end() ? k_empty_list : it->second;
}

bool ActionArgs::flag(std::string_view name) const
{
  const auto it = m_flags.find(name);
  return it != m_flags.end() && it->second;
}

long long ActionArgs::number(std::string_view name) const
{
  const auto it = m_numbers.find(name);
  return it == m_numbers.end() ? 0 : it->second;
}

bool ActionArgs::has(std::string_view name) const
{
  return m_text.count(name) || m_resources.count(name) || m_lists.count(name) ||
         m_flags.count(name) || m_numbers.count(name);
}

std::string_view to_string(ParamType type)
{
  switch (type) {
  case ParamType::string:
    return "string";
  case ParamType::name:
    return "name";
  case ParamType::guid:
    return "guid";
  case ParamType::resource_id:
    return "resource-id";
  case ParamType::ip_list:
    return "ip-list";
  case ParamType::cidr_list:
    return "cidr-list";
  case ParamType::boolean:
    return "boolean";
  case ParamType::integer:
    return "integer";
  case ParamType::choice:
    return "choice";
  case ParamType::string_list:
    return "string-list";
  }
  return "string";
}

} // namespace dftriage::azure
