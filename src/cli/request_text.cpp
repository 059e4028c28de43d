// A request as the curl command that sends it: the token from a variable whose origin a
// comment gives, the lab's CA, and a body whose values known only at run time are shell
// variables explained above the command.

#include "request_text.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "request_body.hpp"
#include "walk_text.hpp"

#include <algorithm>

namespace dftriage::cli {

namespace {

using terminal::sanitize;

// Values that might break a comment line (a line break) or a terminal: made visible.
std::string comment_safe(std::string_view s)
{
  return sanitize(s);
}

std::string audience_url(std::string_view audience, const CurlContext& context)
{
  if (context.cloud == nullptr) {
    return std::string(audience);
  }
  try {
    return context.cloud->audience(audience);
  } catch (const Error&) {
    return std::string(audience); // a custom cloud without that service
  }
}

bool is_lab(const CurlContext& context)
{
  return context.cloud != nullptr && context.cloud->name == "DftriageLab";
}

// The lab's CA, for a URL it serves over HTTPS; "" otherwise.
std::string ca_file_for(const std::string& url, const CurlContext& context)
{
  if (context.cloud == nullptr || context.cloud->ca_bundle.empty() ||
      url.rfind("https://", 0) != 0) {
    return {};
  }
  return context.cloud->ca_bundle;
}

// Returns `text` (JSON from BodyWriter) as one shell word: in single quotes, each
// variable slot closed out of them as "$NAME".
std::string shell_word(const std::string& text)
{
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else if (c == k_slot_open) {
      out += "'\"$";
    } else if (c == k_slot_close) {
      out += "\"'";
    } else {
      out += c;
    }
  }
  return out + "'";
}

} // namespace

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

std::string token_variable(std::string_view audience)
{
  if (audience == "keyvault") {
    return "KEYVAULT_TOKEN";
  }
  if (audience == "graph") {
    return "GRAPH_TOKEN";
  }
  if (audience == "loganalytics") {
    return "LOGANALYTICS_TOKEN";
  }
  return "TOKEN";
}

std::vector<std::string> audiences_of(const std::vector<const azure::Request*>& requests)
{
  std::vector<std::string> out;
  for (const auto* r : requests) {
    const std::string audience = r->audience.empty() ? "arm" : r->audience;
    if (std::find(out.begin(), out.end(), audience) == out.end()) {
      out.push_back(audience);
    }
  }
  return out;
}

std::string token_comments(const std::vector<std::string>& audiences, const CurlContext& context,
                           std::string_view indent)
{
  const std::string in(indent);
  std::string out;
  std::vector<std::string> seen;
  for (const auto& audience : audiences) {
    const std::string variable = token_variable(audience);
    if (std::find(seen.begin(), seen.end(), variable) != seen.end()) {
      continue;
    }
    seen.push_back(variable);
    const std::string resource = comment_safe(shell_quote(audience_url(audience, context)));
    if (!is_lab(context)) {
      out += in + "# " + variable + "=$(az account get-access-token --resource " + resource +
             " --query accessToken -o tsv)\n";
      continue;
    }
    // The lab's own token endpoint (v1, client credentials): az would first need the lab
    // registered as a cloud (README).
    const std::string ca = context.cloud->ca_bundle.empty()
                               ? std::string()
                               : " --cacert " + comment_safe(shell_quote(context.cloud->ca_bundle));
    out += in + "# " + variable + "=$(curl -s" + ca +
           " -d grant_type=client_credentials --data-urlencode \"client_id=$LAB_CLIENT_ID\" "
           "--data-urlencode \"client_secret=$LAB_CLIENT_SECRET\" --data-urlencode " +
           comment_safe(shell_quote("resource=" + audience_url(audience, context))) + " \"" +
           comment_safe(context.cloud->authority) +
           "/$LAB_TENANT_ID/oauth2/token\" | jq -r .access_token)\n";
  }
  if (is_lab(context) && !out.empty()) {
    out += in + tr(context.lang,
                   "#   (LAB_CLIENT_ID, LAB_CLIENT_SECRET, LAB_TENANT_ID: clientId, clientSecret "
                   "and tenantId of the first line dftriage lab serve prints; a lab started "
                   "by --lab does not show its secret: serve one to follow along)\n",
                   "#   （LAB_CLIENT_ID、LAB_CLIENT_SECRET、LAB_TENANT_ID：dftriage lab serve "
                   "输出第一行中的 clientId、clientSecret 和 tenantId；--lab 启动的实验环境不显示"
                   "其密钥，如需照做请另起 lab serve）\n");
  }
  return out;
}

std::string as_curl(const azure::Request& request, std::string_view indent,
                    const CurlContext& context)
{
  const std::string in(indent);
  std::string out;
  std::string body;
  if (request.body) {
    BodyWriter writer(context);
    body = writer.write(*request.body, in + "  ");
    out += writer.explain(in);
  }
  // The URL is built from encoded segments, so it is ASCII; sanitize is a second guard.
  out += in + "curl -X " + request.method + " " + shell_quote(sanitize(request.url));
  if (const std::string ca = ca_file_for(request.url, context); !ca.empty()) {
    out += " \\\n" + in + "  --cacert " + shell_quote(sanitize(ca));
  }
  out += " \\\n" + in + "  -H \"Authorization: Bearer $" +
         token_variable(request.audience.empty() ? "arm" : request.audience) + "\"";
  for (const auto& header : request.headers) {
    out += " \\\n" + in + "  -H " + shell_quote(sanitize(header.name + ": " + header.value));
  }
  if (request.body) {
    out += " \\\n" + in + "  -H 'Content-Type: application/json'";
    out += " \\\n" + in + "  --data-binary " + shell_word(body);
  }
  return out + "\n";
}

std::string as_curl(const azure::Request& request, std::string_view indent)
{
  return as_curl(request, indent, CurlContext{});
}

std::string body_text(const nlohmann::ordered_json& body, std::string_view indent,
                      const CurlContext& context)
{
  BodyWriter writer(context);
  std::string text = writer.write(body, std::string(indent));
  std::string out;
  for (const char c : text) {
    if (c == k_slot_open) {
      out += '$';
    } else if (c != k_slot_close) {
      out += c;
    }
  }
  return out + "\n" + writer.explain(indent, false);
}

} // namespace dftriage::cli
