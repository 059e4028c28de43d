#include "dftriage/cli/alert_text.hpp"

#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"

namespace dftriage::cli {

namespace {

using alert::Alert;
using terminal::Colour;
using terminal::paint;
using terminal::sanitize;

constexpr std::size_t k_label_width = 15;

terminal::Colour severity_colour(alert::Severity severity)
{
  switch (severity) {
  case alert::Severity::high:
    return Colour::red;
  case alert::Severity::medium:
    return Colour::yellow;
  case alert::Severity::low:
    return Colour::cyan;
  case alert::Severity::informational:
  case alert::Severity::unknown:
    break;
  }
  return Colour::dim;
}

class Block
{
public:
  explicit Block(bool colour)
      : m_colour(colour)
  {
  }

  // Adds "  label   value" with `value` sanitised; skipped when value is empty.
  void field(std::string_view label, std::string_view value, Colour colour = Colour::none)
  {
    if (value.empty()) {
      return;
    }
    line(label, paint(sanitize(value), colour, m_colour));
  }

  // Adds a field whose value is already safe (built from sanitised parts).
  void line(std::string_view label, const std::string& safe_value)
  {
    if (safe_value.empty()) {
      return;
    }
    std::string padded(label);
    padded.resize(std::max(k_label_width, label.size() + 1), ' ');
    m_out += "  " + paint(padded, Colour::dim, m_colour) + safe_value + "\n";
  }

  void raw(const std::string& s) { m_out += s; }
  std::string take() { return std::move(m_out); }

private:
  bool m_colour;
  std::string m_out;
};

std::string join_safe(const std::vector<std::string>& parts)
{
  std::string out;
  for (const auto& part : parts) {
    out += (out.empty() ? "" : ", ") + part;
  }
  return out;
}

} // namespace

std::string render_alert_text(const Alert& a, bool colour)
{
  Block block(colour);
  std::string head = paint("[" + std::string(alert::to_string(a.severity)) + "]",
                           severity_colour(a.severity), colour);
  head += " " + paint(sanitize(a.alert_type), Colour::bold, colour);
  if (a.simulated) {
    head += " " + paint("(sample alert)", Colour::magenta, colour);
  }
  block.raw(head + "\n");
  if (!a.display_name.empty()) {
    block.raw("  " + sanitize(a.display_name) + "\n");
  }
  block.field("id", a.id);
  block.field("family", alert::to_string(a.family));
  block.field("status", a.status);
  if (!a.start_time.empty()) {
    const bool same = a.end_time.empty() || a.end_time == a.start_time;
    block.field("time", same ? a.start_time : a.start_time + " .. " + a.end_time);
  }
  block.field("resource", a.resource_id);
  block.field("subscription", a.subscription_id);
  block.field("resource group", a.resource_group);
  block.field("entity", a.compromised_entity);

  std::vector<std::string> ips;
  for (const auto& ip : a.entities.ips) {
    ips.push_back(sanitize(ip.address) +
                  (ip.valid ? "" : paint(" (invalid)", Colour::red, colour)));
  }
  block.line("ips", join_safe(ips));
  for (const auto& account : a.entities.accounts) {
    std::vector<std::string> parts;
    for (const auto& [label, value] : {std::pair{"upn", &account.upn},
                                       {"objectId", &account.object_id},
                                       {"appId", &account.app_id},
                                       {"name", &account.name}}) {
      if (!value->empty()) {
        parts.push_back(std::string(label) + " " + sanitize(*value));
      }
    }
    block.line("account", join_safe(parts));
  }
  for (const auto& host : a.entities.hosts) {
    block.line("host",
               sanitize(host.name) +
                   (host.resource_id.empty() ? "" : " (" + sanitize(host.resource_id) + ")"));
  }
  for (const auto& resource : a.entities.resources) {
    if (!text::iequals(resource, a.resource_id)) {
      block.field("also", resource);
    }
  }
  std::vector<std::string> domains;
  for (const auto& domain : a.entities.domains) {
    domains.push_back(sanitize(domain));
  }
  block.line("domains", join_safe(domains));
  for (const auto& warning : a.warnings) {
    block.line("warning", paint(sanitize(warning), Colour::yellow, colour));
  }
  block.field("source", a.source.file + " document " + std::to_string(a.source.document) + " (" +
                            std::string(alert::to_string(a.source.shape)) + ")");
  return block.take();
}

} // namespace dftriage::cli
