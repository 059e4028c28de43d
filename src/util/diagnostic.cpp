#include "dftriage/util/diagnostic.hpp"

#include <nlohmann/json.hpp>

namespace dftriage {

Diagnostic Diagnostic::at_pointer(Level level, std::string source, std::string pointer,
                                  std::string message)
{
  Diagnostic d;
  d.level = level;
  d.source = std::move(source);
  d.pointer = std::move(pointer);
  d.message = std::move(message);
  return d;
}

std::string Diagnostic::to_string() const
{
  std::string out = source;
  if (line > 0) {
    out += ':' + std::to_string(line) + ':' + std::to_string(column);
  } else if (document > 0) {
    out += ": document " + std::to_string(document);
  }
  if (line == 0 && !pointer.empty()) {
    out += ": " + pointer;
  }
  out += ": ";
  if (level == Level::warning) {
    out += "warning: ";
  }
  out += message;
  return out;
}

nlohmann::ordered_json Diagnostic::to_json() const
{
  nlohmann::ordered_json out = {{"level", level == Level::error ? "error" : "warning"},
                                {"file", source},
                                {"pointer", pointer},
                                {"line", line},
                                {"column", column}};
  if (document > 0) {
    out["document"] = document;
  }
  out["message"] = message;
  return out;
}

} // namespace dftriage
