#include "dftriage/azure/request.hpp"

namespace dftriage::azure {

namespace {

const char k_hex[] = "0123456789ABCDEF";

bool is_unreserved(unsigned char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string encode(std::string_view s)
{
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(k_hex[c >> 4]);
      out.push_back(k_hex[c & 0xF]);
    }
  }
  return out;
}

} // namespace

std::string encode_segment(std::string_view s)
{
  // "." and ".." are unreserved but would be resolved as dot-segments by URL parsers.
  if (s == "." || s == "..") {
    return s == "." ? "%2E" : "%2E%2E";
  }
  return encode(s);
}

std::string encode_query_value(std::string_view s)
{
  return encode(s);
}

UrlBuilder& UrlBuilder::segment(std::string_view s)
{
  m_url += '/';
  m_url += encode_segment(s);
  return *this;
}

UrlBuilder& UrlBuilder::resource(const alert::ResourceId& id)
{
  // The canonical form was checked segment by segment when it was parsed.
  std::string_view rest = id.canonical;
  rest.remove_prefix(1);
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    segment(rest.substr(0, slash));
    if (slash == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(slash + 1);
  }
  return *this;
}

UrlBuilder& UrlBuilder::query(std::string_view name, std::string_view value)
{
  m_url += m_has_query ? '&' : '?';
  m_has_query = true;
  m_url += name;
  m_url += '=';
  m_url += encode_query_value(value);
  return *this;
}

std::string_view to_string(Reversibility r)
{
  switch (r) {
  case Reversibility::reversible:
    return "reversible";
  case Reversibility::irreversible:
    return "irreversible";
  case Reversibility::inspection:
    return "inspection";
  case Reversibility::read_only:
    break;
  }
  return "read-only";
}

nlohmann::ordered_json Request::to_json() const
{
  nlohmann::ordered_json out;
  out["method"] = method;
  out["url"] = url;
  out["body"] = body ? *body : nlohmann::ordered_json(nullptr);
  out["mutating"] = mutating;
  out["reversible"] = reversibility == Reversibility::reversible;
  out["reversibility"] = to_string(reversibility);
  out["permission"] = permission;
  out["audience"] = audience;
  out["purpose"] = purpose;
  if (!headers.empty()) {
    auto& named = out["headers"];
    named = nlohmann::ordered_json::object();
    for (const auto& h : headers) {
      named[h.name] = h.value;
    }
  }
  return out;
}

} // namespace dftriage::azure
