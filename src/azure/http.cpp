#include "dftriage/azure/http.hpp"

#include "dftriage/util/text.hpp"

namespace dftriage::azure {

std::optional<std::string> HttpResponse::header(std::string_view name) const
{
  for (const auto& h : headers) {
    if (text::iequals(h.name, name)) {
      return h.value;
    }
  }
  return std::nullopt;
}

} // namespace dftriage::azure
