#pragma once

#include "dftriage/azure/http.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace dftriage::azure {

// Returns the first header called `name` (case-insensitive), or nullptr.
const Header* find_header(const std::vector<Header>& headers, std::string_view name);

// Returns the value of the first header called `name` (case-insensitive), or "" when
// there is none.
std::string header_value(const std::vector<Header>& headers, std::string_view name);

} // namespace dftriage::azure
