// A step's requests as the walk shows them, and a change about to be sent.

#include "step_requests.hpp"

#include "change_text.hpp"
#include "dftriage/util/terminal.hpp"
#include "request_text.hpp"
#include "walk_text.hpp"

namespace dftriage::cli {

namespace {

using terminal::Colour;
using terminal::paint;

} // namespace

std::string step_requests_text(const engine::PlannedStep& step, const StepRequestsOptions& options)
{
  const auto lang = options.lang;
  const bool colour = options.colour;
  // A change carried out is shown when it is about to be sent, against what its
  // pre-image read finds; here only where it goes.
  const bool later = !options.dry_run && step.action != nullptr && step.action->mutating;
  std::vector<const azure::Request*> as_commands;
  for (const auto& r : step.requests.pre_image) {
    as_commands.push_back(&r);
  }
  if (!later) {
    for (const auto& r : step.requests.requests) {
      as_commands.push_back(&r);
    }
  }
  CurlContext context;
  context.cloud = options.cloud;
  context.lang = lang;
  context.pre_requests = &step.requests.pre_image;
  std::string out = token_comments(audiences_of(as_commands), context, "  ");
  const std::string first = options.dry_run
                                ? tr(lang, "would send first, to keep the current state for undo:",
                                     "将先发送（保存当前状态，以便撤销）：")
                                : tr(lang, "sends first, to keep the current state for undo:",
                                     "先发送（保存当前状态，以便撤销）：");
  for (const auto& r : step.requests.pre_image) {
    out += "  " + paint(first, Colour::dim, colour) + "\n";
    out += as_curl(r, "    ", context);
  }
  if (later) {
    const std::size_t reads = step.requests.pre_image.size();
    std::string note =
        tr(lang, "then, shown in full before you confirm:", "然后发送（确认前会完整显示）：");
    if (reads > 0) {
      note = tr(lang,
                std::string("then, once confirmed (what it changes is shown first, against what ") +
                    (reads == 1 ? "the GET above finds" : "the GETs above find") + "):",
                std::string("确认后发送（先显示它相对于上面") + (reads == 1 ? " " : "各 ") +
                    "GET 读到的状态所做的更改）：");
    }
    out += "  " + paint(note, Colour::dim, colour) + "\n";
    for (const auto& r : step.requests.requests) {
      out += "    " + r.method + " " + terminal::sanitize(r.url) + "\n";
    }
    return out;
  }
  const std::string then =
      options.dry_run ? tr(lang, "would send:", "将发送：") : tr(lang, "sends:", "发送：");
  for (const auto& r : step.requests.requests) {
    out += "  " + paint(then, Colour::dim, colour) + "\n";
    out += as_curl(r, "    ", context);
  }
  return out;
}

std::string pending_change_text(const exec::PendingChange& change, bool colour, playbook::Lang lang)
{
  static const std::vector<azure::Request> k_none;
  static const azure::PreImage k_nothing;
  std::string out;
  for (const auto& r : change.requests) {
    out += "    " + paint(r.method + " " + terminal::sanitize(r.url), Colour::bold, colour) + "\n";
    out += change_view(r, change.pre_requests != nullptr ? *change.pre_requests : k_none,
                       change.pre_image != nullptr ? *change.pre_image : k_nothing, "      ",
                       colour, lang)
               .text;
  }
  return out;
}

std::string pending_change_full(const exec::PendingChange& change, playbook::Lang lang)
{
  CurlContext context;
  context.cloud = change.cloud;
  context.lang = lang;
  context.pre_requests = change.pre_requests;
  context.pre_image = change.pre_image;
  std::vector<const azure::Request*> requests;
  for (const auto& r : change.requests) {
    requests.push_back(&r);
  }
  std::string out = token_comments(audiences_of(requests), context, "    ");
  for (const auto& r : change.requests) {
    out += as_curl(r, "    ", context);
  }
  return out;
}

} // namespace dftriage::cli
