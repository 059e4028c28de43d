// A plan as text for a person: each step with its status, guidance and requests.

#include "plan_text.hpp"

#include "dftriage/util/terminal.hpp"
#include "plan_requests.hpp"

namespace dftriage::cli {

std::string plan_text(const nlohmann::ordered_json& plan, bool colour)
{
  PlanTextOptions options;
  options.colour = colour;
  return plan_text(plan, options);
}

std::string plan_text(const nlohmann::ordered_json& plan, const PlanTextOptions& options)
{
  const bool colour = options.colour;
  using terminal::Colour;
  using terminal::paint;
  using terminal::sanitize;
  auto str = [](const nlohmann::ordered_json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
  };
  std::string out = paint(sanitize(str(plan["alertType"])), Colour::bold, colour) +
                    "  ->  playbook " + str(plan["playbook"]) + "  (" +
                    sanitize(str(plan["reason"])) + ")\n";
  if (const auto incident = plan.find("incident"); incident != plan.end()) {
    // One walk for the incident's alerts: which they are, as the steps name them.
    out += "  incident " + sanitize(str((*incident)["id"])) + ": " +
           std::to_string((*incident)["alerts"].size()) + " alerts\n";
    std::size_t n = 0;
    for (const auto& a : (*incident)["alerts"]) {
      out += "    " + std::to_string(++n) + ". " + sanitize(str(a["startTime"])) + "  " +
             sanitize(str(a["alertType"])) + "  " + sanitize(str(a["status"])) + "\n";
    }
  }
  for (const auto& m : plan["missing"]) {
    out += paint("  refused: " + sanitize(str(m)), Colour::red, colour) + "\n";
  }
  for (const auto& a : plan["answers"]) {
    out += "  ? " + sanitize(str(a["question"])) + " = " + sanitize(a["value"].dump()) + " (" +
           str(a["source"]) + ")\n";
  }
  out += plan_token_text(plan, options);
  for (const auto& step : plan["steps"]) {
    const std::string status = str(step["status"]);
    const Colour c = status == "planned"        ? Colour::green
                     : status == "refused"      ? Colour::red
                     : status == "needs-answer" ? Colour::yellow
                                                : Colour::dim;
    out +=
        "\n" +
        paint("[" + str(step["phase"]) + " " + str(step["position"]) + "] ", Colour::cyan, colour) +
        sanitize(str(step["title"])) + "  " + paint(status, c, colour) + "\n";
    if (!step["note"].is_null()) {
      out += "    " + sanitize(str(step["note"])) + "\n";
    }
    if (status != "planned") {
      continue;
    }
    out += "    " + sanitize(str(step["guidance"])) + "\n";
    if (step["action"].is_null()) {
      continue;
    }
    const auto& action = step["action"];
    if (action.contains("caution")) {
      out += "    " + paint(sanitize(str(action["caution"])), Colour::yellow, colour) + "\n";
    }
    out += plan_requests_text(step, options);
  }
  return out;
}

} // namespace dftriage::cli
