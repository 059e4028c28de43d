// A change as what it changes: its target's pre-image against the body that will be sent.

#include "change_text.hpp"

#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "request_text.hpp"
#include "walk_text.hpp"

#include <algorithm>
#include <set>

namespace dftriage::cli {

namespace {

using Json = nlohmann::ordered_json;
using terminal::Colour;
using terminal::paint;

constexpr std::size_t k_value_chars = 100;
constexpr std::size_t k_string_head = 30;
constexpr std::size_t k_string_tail = 60;
constexpr std::size_t k_max_lines = 40;
constexpr std::size_t k_max_left_out = 8;

std::string escape_key(const std::string& key)
{
  std::string out;
  for (const char c : key) {
    out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
  }
  return out;
}

// The names of `array`'s elements when every one is an object with a distinct string
// "name"; empty otherwise.
std::vector<std::string> names_of(const Json& array)
{
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& element : array) {
    const auto it = element.is_object() ? element.find("name") : element.end();
    if (!element.is_object() || it == element.end() || !it->is_string()) {
      return {};
    }
    const std::string name = text::to_lower(it->get<std::string>());
    if (!seen.insert(name).second) {
      return {};
    }
    out.push_back(name);
  }
  return out;
}

class Differ
{
public:
  explicit Differ(bool replace)
      : m_replace(replace)
  {
  }

  void compare(const Json& before, const Json& after, const std::string& path)
  {
    if (before == after) {
      return;
    }
    if (before.is_object() && after.is_object()) {
      compare_objects(before, after, path);
    } else if (before.is_array() && after.is_array()) {
      compare_arrays(before, after, path);
    } else {
      m_out.push_back({'~', path, before, after});
    }
  }

  std::vector<Difference> take() { return std::move(m_out); }

private:
  void compare_objects(const Json& before, const Json& after, const std::string& path)
  {
    for (auto it = after.begin(); it != after.end(); ++it) {
      const std::string at = path + "/" + escape_key(it.key());
      const auto old = before.find(it.key());
      if (!m_replace && it->is_null()) {
        if (old != before.end()) {
          m_out.push_back({'-', at, *old, nullptr});
        }
      } else if (old == before.end()) {
        m_out.push_back({'+', at, nullptr, *it});
      } else {
        compare(*old, *it, at);
      }
    }
    if (!m_replace) {
      return; // a merge leaves what it does not name
    }
    for (auto it = before.begin(); it != before.end(); ++it) {
      if (after.find(it.key()) == after.end()) {
        m_out.push_back({'-', path + "/" + escape_key(it.key()), *it, nullptr, true});
      }
    }
  }

  void compare_arrays(const Json& before, const Json& after, const std::string& path)
  {
    const auto old_names = names_of(before);
    const auto new_names = names_of(after);
    if (!old_names.empty() && !new_names.empty()) {
      for (std::size_t i = 0; i < after.size(); ++i) {
        const std::string at = path + "/[name=" + after[i]["name"].get<std::string>() + "]";
        const auto old = std::find(old_names.begin(), old_names.end(), new_names[i]);
        if (old == old_names.end()) {
          m_out.push_back({'+', at, nullptr, after[i]});
        } else {
          compare(before[static_cast<std::size_t>(old - old_names.begin())], after[i], at);
        }
      }
      for (std::size_t i = 0; i < before.size(); ++i) {
        if (std::find(new_names.begin(), new_names.end(), old_names[i]) == new_names.end()) {
          m_out.push_back({'-', path + "/[name=" + before[i]["name"].get<std::string>() + "]",
                           before[i], nullptr});
        }
      }
      return;
    }
    const std::size_t common = std::min(before.size(), after.size());
    for (std::size_t i = 0; i < common; ++i) {
      compare(before[i], after[i], path + "/" + std::to_string(i));
    }
    for (std::size_t i = common; i < after.size(); ++i) {
      m_out.push_back({'+', path + "/" + std::to_string(i), nullptr, after[i]});
    }
    for (std::size_t i = common; i < before.size(); ++i) {
      m_out.push_back({'-', path + "/" + std::to_string(i), before[i], nullptr});
    }
  }

  bool m_replace;
  std::vector<Difference> m_out;
};

std::string shown_value(const Json& value)
{
  std::string text = terminal::sanitize(value.dump(-1, ' ', true, Json::error_handler_t::replace));
  if (text.size() <= k_value_chars) {
    return text;
  }
  if (value.is_string()) {
    // The end of an ID names the resource: keep it.
    return text.substr(0, k_string_head) + "…" + text.substr(text.size() - k_string_tail);
  }
  return text.substr(0, k_value_chars) + "… (" + std::to_string(text.size()) + " characters)";
}

// The path of a request's URL, without its query, for matching a read to its target.
std::string url_path(const std::string& url)
{
  return text::to_lower(url.substr(0, url.find('?')));
}

} // namespace

std::vector<Difference> differences(const std::string& method,
                                    const nlohmann::ordered_json& current,
                                    const nlohmann::ordered_json& body)
{
  const bool replace = method != "PATCH";
  Json before = current;
  if (replace) {
    // What Azure reports and never takes back: never "removed" by leaving it out.
    before = azure::without_read_only(current);
    if (before.is_object()) {
      for (const char* key : {"id", "name", "type", "systemData"}) {
        before.erase(key);
      }
    }
  }
  Differ differ(replace);
  differ.compare(before, body, "");
  return differ.take();
}

std::string differences_text(const std::vector<Difference>& differences, const std::string& indent,
                             bool colour, playbook::Lang lang)
{
  std::string out;
  std::vector<std::string> left_out;
  std::size_t shown = 0;
  std::size_t more = 0;
  for (const auto& d : differences) {
    if (d.left_out) {
      left_out.push_back(terminal::sanitize(d.path));
      continue;
    }
    if (shown == k_max_lines) {
      ++more;
      continue;
    }
    ++shown;
    const std::string path = terminal::sanitize(d.path.empty() ? "/" : d.path);
    std::string line;
    Colour c = Colour::yellow;
    if (d.op == '~') {
      line = "~ " + path + ": " + shown_value(d.before) + " → " + shown_value(d.after);
    } else if (d.op == '+') {
      line = "+ " + path + ": " + shown_value(d.after);
      c = Colour::green;
    } else {
      line = "- " + path + ": " + shown_value(d.before);
      c = Colour::red;
    }
    out += indent + paint(line, c, colour) + "\n";
  }
  if (more > 0) {
    out += indent +
           tr(lang, "… and " + std::to_string(more) + " more",
              "……另有 " + std::to_string(more) + " 处") +
           "\n";
  }
  if (!left_out.empty()) {
    std::string paths;
    for (std::size_t i = 0; i < left_out.size() && i < k_max_left_out; ++i) {
      paths += (i == 0 ? "" : ", ") + left_out[i];
    }
    if (left_out.size() > k_max_left_out) {
      paths += tr(lang, " and " + std::to_string(left_out.size() - k_max_left_out) + " more",
                  " 等另 " + std::to_string(left_out.size() - k_max_left_out) + " 项");
    }
    out += indent +
           paint(tr(lang, "· not in the PUT (Azure keeps what is read-only, resets the rest): ",
                    "· PUT 中没有（只读的由 Azure 保留，其余恢复默认）：") +
                     paths,
                 Colour::dim, colour) +
           "\n";
  }
  return out;
}

ChangeView change_view(const azure::Request& request,
                       const std::vector<azure::Request>& pre_requests, const azure::PreImage& pre,
                       const std::string& indent, bool colour, playbook::Lang lang)
{
  ChangeView view;
  const std::string& in = indent;
  const azure::Observed* target = nullptr;
  for (std::size_t i = 0; i < pre_requests.size() && i < pre.size(); ++i) {
    if (url_path(pre_requests[i].url) == url_path(request.url)) {
      target = &pre[i];
    }
  }
  const bool comparable = request.body && request.body->is_object() &&
                          (request.method == "PUT" || request.method == "PATCH");
  if (comparable && target != nullptr && target->status / 100 == 2 && target->body.is_object()) {
    const auto found = differences(request.method, target->body, *request.body);
    view.diff = true;
    view.text +=
        found.empty()
            ? in + tr(lang, "(no difference from what it is now)", "（与当前状态没有差别）") + "\n"
            : differences_text(found, in, colour, lang);
    return view;
  }
  if (!request.body) {
    return view;
  }
  if (comparable && target != nullptr && target->status == 404) {
    view.text +=
        in + tr(lang, "(it does not exist yet: this creates it)", "（目前不存在：将新建）") + "\n";
  }
  CurlContext context;
  context.lang = lang;
  context.pre_requests = &pre_requests;
  context.pre_image = &pre;
  view.text += in + body_text(*request.body, in, context);
  return view;
}

} // namespace dftriage::cli
