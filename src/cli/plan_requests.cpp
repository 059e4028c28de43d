// The requests of a plan's step as text: reads, and changes as what they change when
// their target was captured, else their body once; or every request as curl.

#include "plan_requests.hpp"

#include "change_text.hpp"
#include "dftriage/util/terminal.hpp"
#include "request_text.hpp"
#include "walk_text.hpp"

namespace dftriage::cli {

namespace {

using Json = nlohmann::ordered_json;
using terminal::Colour;
using terminal::paint;
using terminal::sanitize;

std::string str(const Json& v)
{
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// "pre-image, needs …" / "action, mutating, reversible, needs …".
std::string meta(const Json& r, playbook::Lang lang)
{
  const auto word = [lang](const Json& v) {
    return plan_word(str(v), lang,
                     {{"pre-image", "读取更改前状态"},
                      {"action", "操作"},
                      {"undo", "撤销"},
                      {"reversible", "可以撤销"},
                      {"irreversible", "无法撤销"},
                      {"inspection", "只读检查"},
                      {"read-only", "只读"}});
  };
  return word(r["purpose"]) +
         (r.value("mutating", false)
              ? tr(lang, ", mutating, ", "，会更改，") + word(r["reversibility"])
              : "") +
         tr(lang, ", needs ", "，需要 ") + str(r["permission"]);
}

std::vector<azure::Request> requests_of(const Json& list)
{
  std::vector<azure::Request> out;
  if (list.is_array()) {
    for (const auto& r : list) {
      out.push_back(request_from_json(r));
    }
  }
  return out;
}

} // namespace

std::string plan_word(const std::string& word, playbook::Lang lang,
                      std::initializer_list<std::pair<std::string_view, std::string_view>> words)
{
  if (lang == playbook::Lang::zh_cn) {
    for (const auto& [en, zh] : words) {
      if (word == en) {
        return std::string(zh);
      }
    }
  }
  return word;
}

azure::Request request_from_json(const nlohmann::ordered_json& r)
{
  azure::Request out;
  out.method = r.value("method", "GET");
  out.url = r.value("url", "");
  if (const auto body = r.find("body"); body != r.end() && !body->is_null()) {
    out.body = *body;
  }
  out.audience = r.value("audience", "arm");
  out.purpose = r.value("purpose", "");
  out.mutating = r.value("mutating", false);
  out.permission = r.value("permission", "");
  if (const auto headers = r.find("headers"); headers != r.end() && headers->is_object()) {
    for (auto it = headers->begin(); it != headers->end(); ++it) {
      out.headers.push_back({it.key(), it->is_string() ? it->get<std::string>() : it->dump()});
    }
  }
  return out;
}

std::string plan_token_text(const nlohmann::ordered_json& plan, const PlanTextOptions& options)
{
  if (!options.curl) {
    return {};
  }
  std::vector<azure::Request> all;
  for (const auto& step : plan["steps"]) {
    const auto& action = step["action"];
    if (step.value("status", "") != "planned" || !action.is_object()) {
      continue;
    }
    for (const char* list : {"preImage", "requests"}) {
      for (auto& r : requests_of(action[list])) {
        all.push_back(std::move(r));
      }
    }
  }
  std::vector<const azure::Request*> pointers;
  pointers.reserve(all.size());
  for (const auto& r : all) {
    pointers.push_back(&r);
  }
  CurlContext context;
  context.cloud = options.cloud;
  context.lang = options.lang;
  return token_comments(audiences_of(pointers), context, "  ");
}

std::string plan_requests_text(const nlohmann::ordered_json& step, const PlanTextOptions& options)
{
  const auto& action = step["action"];
  const auto pre_requests = requests_of(action["preImage"]);
  const azure::PreImage* pre = nullptr;
  if (options.captured != nullptr) {
    const auto it = options.captured->find(str(step["id"]));
    pre = it == options.captured->end() ? nullptr : &it->second;
  }
  CurlContext context;
  context.cloud = options.cloud;
  context.lang = options.lang;
  context.pre_requests = &pre_requests;
  context.pre_image = pre;
  std::string out;
  const auto line = [&](const Json& r) {
    if (options.curl) {
      return "    " + paint("# " + meta(r, options.lang), Colour::dim, options.colour) + "\n";
    }
    return "    " +
           paint(str(r["method"]) + " " + sanitize(str(r["url"])), Colour::bold, options.colour) +
           "  [" + meta(r, options.lang) + "]\n";
  };
  for (std::size_t i = 0; i < pre_requests.size(); ++i) {
    out += line(action["preImage"][i]);
    if (options.curl) {
      out += as_curl(pre_requests[i], "    ", context);
    }
  }
  for (const auto& r : action["requests"]) {
    auto request = request_from_json(r);
    out += line(r);
    if (pre != nullptr && request.body) {
      try {
        request.body = azure::resolve_pre_image(*request.body, *pre);
      } catch (const azure::ActionError&) {
        // a read it needs is missing from the capture: its values stay $NAME
      }
    }
    ChangeView view;
    if (pre != nullptr) {
      view = change_view(request, pre_requests, *pre, options.curl ? "    # " : "      ",
                         options.colour, options.lang);
    }
    if (options.curl) {
      out += view.diff ? view.text : "";
      out += as_curl(request, "    ", context);
      continue;
    }
    if (view.diff && !options.full_bodies) {
      out += view.text;
    } else if (view.diff) {
      out += view.text +
             tr(options.lang, "      whole body:\n        ", "      完整请求体：\n        ") +
             body_text(*request.body, "        ", context);
    } else if (request.body) {
      out += "      " + body_text(*request.body, "      ", context);
    }
  }
  return out;
}

} // namespace dftriage::cli
