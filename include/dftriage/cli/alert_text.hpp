#pragma once

#include "dftriage/alert/alert.hpp"

#include <string>

namespace dftriage::cli {

// Returns the readable block `dftriage show` prints for `alert`: labels aligned,
// every value passed through terminal::sanitize, coloured when `colour`.
std::string render_alert_text(const alert::Alert& alert, bool colour);

} // namespace dftriage::cli
