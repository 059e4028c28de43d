#include "dftriage/azure/http.hpp"

#include "azure/headers.hpp"
#include "dftriage/util/text.hpp"

namespace dftriage::azure {

const Header* find_header(const std::vector<Header>& headers, std::string_view name)
{
  for (const auto& h : headers) {
    if (text::iequals(h.name, name)) {
      return &h;
    }
  }
  return nullptr;
}

std::string header_value(const std::vector<Header>& headers, std::string_view name)
{
  const Header* found = find_header(headers, name);
  return found != nullptr ? found->value : std::string();
}

std::optional<std::string> HttpResponse::header(std::string_view name) const
{
  const Header* found = find_header(headers, name);
  return found != nullptr ? std::optional<std::string>(found->value) : std::nullopt;
}

} // namespace dftriage::azure
