#include "dftriage/azure/http.hpp"

#include "dftriage/util/text.hpp"

namespace dftriage::azure {

std::optional<std::string> header_in(const std::vector<Header>& headers, std::string_view name)
{
  for (const auto& h : headers) {
    if (text::iequals(h.name, name)) {
      return h.value;
    }
  }
  return std::nullopt;
}

} // namespace dftriage::azure
