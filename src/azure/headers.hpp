#pragma once

#include "dftriage/azure/http.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace dftriage::azure {

// Returns the value of the first header called `name` (case-insensitive), or "" when
// there is none.
inline std::string header_value(const std::vector<Header>& headers, std::string_view name)
{
  return header_in(headers, name).value_or(std::string());
}

} // namespace dftriage::azure
