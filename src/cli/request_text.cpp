#include "request_text.hpp"

#include "dftriage/util/terminal.hpp"

namespace dftriage::cli {

std::string shell_quote(std::string_view s)
{
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

std::string as_curl(const azure::Request& request, std::string_view indent)
{
  const std::string in(indent);
  // The URL is built from encoded segments, so it is ASCII; sanitize is a second guard.
  std::string out =
      in + "curl -X " + request.method + " " + shell_quote(terminal::sanitize(request.url));
  out += " \\\n" + in + "  -H \"Authorization: Bearer $TOKEN\"";
  for (const auto& header : request.headers) {
    out +=
        " \\\n" + in + "  -H " + shell_quote(terminal::sanitize(header.name + ": " + header.value));
  }
  if (request.body) {
    out += " \\\n" + in + "  -H 'Content-Type: application/json'";
    out += " \\\n" + in + "  --data-binary " +
           shell_quote(
               request.body->dump(-1, ' ', true, nlohmann::ordered_json::error_handler_t::replace));
  }
  return out + "\n";
}

} // namespace dftriage::cli
