#include "dftriage/util/diagnostic.hpp"

namespace dftriage {

std::string Diagnostic::to_string() const
{
  std::string out = source;
  if (line > 0) {
    out += ':' + std::to_string(line) + ':' + std::to_string(column);
  } else if (document > 0) {
    out += ": document " + std::to_string(document);
  }
  out += ": ";
  if (level == Level::warning) {
    out += "warning: ";
  }
  out += message;
  return out;
}

} // namespace dftriage
