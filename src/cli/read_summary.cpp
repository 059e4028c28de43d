// What a read step found, as the walk shows it: the values its playbook declares
// ("shows"), or a short generic view of the result. Every value comes from Azure and may
// be written by an attacker (tags, names, run-command output), so each is sanitized.
#include "read_summary.hpp"

#include "dftriage/util/json_path.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"

#include <algorithm>
#include <optional>

namespace dftriage::cli {

namespace {

using json = nlohmann::ordered_json;
using playbook::Lang;
using playbook::Show;
using terminal::Colour;

constexpr std::size_t k_value_width = 100;  // code points of one value
constexpr std::size_t k_line_width = 160;   // code points of one line of output
constexpr std::size_t k_cell_width = 48;    // code points of a table cell in the generic view
constexpr std::size_t k_generic_items = 5;
constexpr std::size_t k_generic_rows = 5;
constexpr std::size_t k_generic_columns = 6;
constexpr std::size_t k_generic_lines = 15;
constexpr std::size_t k_generic_fields = 6;
const std::string k_separator = " · ";

std::string tr(Lang lang, const char* en, const char* zh_cn) { return lang == Lang::zh_cn ? zh_cn : en; }

// Returns `s` (valid UTF-8) cut to `width` code points, the last one "…" when cut.
std::string cut(const std::string& s, std::size_t width)
{
  const auto starts_point = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; };
  if (static_cast<std::size_t>(std::count_if(s.begin(), s.end(), starts_point)) <= width) {
    return s;
  }
  std::size_t points = 0;
  std::size_t end = 0;
  while (end < s.size() && (!starts_point(s[end]) || points++ < width - 1)) {
    ++end;
  }
  return s.substr(0, end) + "…";
}

// Returns an untrusted text made safe and short: tabs as spaces, sanitized, cut.
std::string safe(std::string s, std::size_t width)
{
  std::replace(s.begin(), s.end(), '\t', ' ');
  return cut(terminal::sanitize(s), width);
}

std::string scalar_text(const json& v)
{
  return v.is_string() ? v.get<std::string>() : v.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Returns one value on one line: a scalar as itself, an array of scalars as "a, b", an
// object of scalars as "k=v, k=v", anything else as compact JSON; sanitized and cut.
std::string value_text(const json& v, std::size_t width)
{
  if (v.is_structured()) {
    const bool flat = std::all_of(v.begin(), v.end(), [](const json& item) { return item.is_primitive(); });
    if (flat && !v.empty()) {
      std::string out;
      for (auto it = v.begin(); it != v.end(); ++it) {
        out += (out.empty() ? "" : ", ") + (v.is_object() ? it.key() + "=" : std::string()) + scalar_text(*it);
      }
      return safe(out, width);
    }
    if (v.empty()) {
      return v.is_array() ? "[]" : "{}";
    }
  }
  return safe(scalar_text(v), width);
}

// Returns the value at result path `path` in `root`, or nullopt when it is missing. A
// JSON null that is there is a value ("null"); after "[*]" the missing ones are skipped.
std::optional<json> find(const json& root, const std::string& path)
{
  const auto tokens = json_path::parse(path);
  if (!tokens) {
    return std::nullopt;
  }
  const bool each = std::any_of(tokens->begin(), tokens->end(),
                                [](const json_path::Token& t) { return t.kind == json_path::Token::Kind::each; });
  if (each) {
    auto v = json_path::evaluate(root, *tokens);
    return v.is_null() ? std::nullopt : std::optional<json>(std::move(v));
  }
  const json* node = &root;
  for (const auto& t : *tokens) {
    if (t.kind == json_path::Token::Kind::key && node->is_object() && node->contains(t.key)) {
      node = &(*node)[t.key];
    } else if (t.kind == json_path::Token::Kind::index && node->is_array() && t.index < node->size()) {
      node = &(*node)[t.index];
    } else {
      return std::nullopt;
    }
  }
  return *node;
}

class Renderer
{
public:
  Renderer(Lang lang, bool colour) : m_lang(lang), m_colour(colour) {}

  std::string dim(const std::string& s) const { return terminal::paint(s, Colour::dim, m_colour); }
  std::string not_found() const { return dim(tr(m_lang, "(not found)", "（未找到）")); }
  std::string label(const Show& show) const { return "  " + terminal::sanitize(show.label.in(m_lang)); }
  std::string more(std::size_t n, const char* en, const char* zh_cn) const
  {
    return "    " + dim(tr(m_lang, "… and ", "… 另有 ") + std::to_string(n) + tr(m_lang, en, zh_cn)) + "\n";
  }

  std::string value(const Show& show, const json& result) const
  {
    const auto v = find(result, show.path);
    return label(show) + ": " + (v ? value_text(*v, k_value_width) : not_found()) + "\n";
  }

  // A list: "Label (N):" and the first items, each its fields joined on one line.
  std::string list(const Show& show, const json& result) const
  {
    const auto v = find(result, show.path);
    if (!v || !v->is_array()) {
      return label(show) + ": " + (v ? value_text(*v, k_value_width) : not_found()) + "\n";
    }
    std::string out = label(show) + " (" + std::to_string(v->size()) + ")"
                      + (v->empty() ? ": " + dim(tr(m_lang, "none", "无")) : std::string(":")) + "\n";
    for (std::size_t i = 0; i < v->size() && i < show.max; ++i) {
      out += "    - " + item_text((*v)[i], show.fields) + "\n";
    }
    if (v->size() > show.max) {
      out += more(v->size() - show.max, " more", " 项");
    }
    return out;
  }

  std::string item_text(const json& item, const std::vector<std::string>& fields) const
  {
    if (fields.empty()) {
      return value_text(item, k_value_width);
    }
    std::string out;
    for (const auto& field : fields) {
      const auto v = find(item, field);
      out += (out.empty() ? "" : k_separator) + (v ? value_text(*v, k_value_width) : std::string("-"));
    }
    return out;
  }

  // A Log Analytics table: "Label (N rows): col · col" and the first rows.
  std::string table(const Show& show, const json& result) const
  {
    const auto v = find(result, show.path);
    if (!v || !v->is_object() || !v->contains("rows") || !(*v)["rows"].is_array()) {
      return label(show) + ": " + (v ? value_text(*v, k_value_width) : not_found()) + "\n";
    }
    return table_text(label(show) + " (", *v, show.fields, show.max, k_value_width);
  }

  // "<head>N row(s)): col · col" (no ')' when `head` does not end in '(') and the first
  // `max` rows of `table`: the `wanted` columns by name, else the first few.
  std::string table_text(const std::string& head, const json& table, const std::vector<std::string>& wanted,
                         std::size_t max, std::size_t width) const
  {
    std::vector<std::string> names;
    if (table.contains("columns") && table["columns"].is_array()) {
      for (const auto& c : table["columns"]) {
        names.push_back(c.is_object() && c.contains("name") && c["name"].is_string() ? c["name"].get<std::string>()
                                                                                     : std::string());
      }
    }
    std::vector<std::string> shown = wanted;
    if (shown.empty()) {
      shown.assign(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(std::min(names.size(), k_generic_columns)));
    }
    std::string header;
    for (const auto& name : shown) {
      header += (header.empty() ? "" : k_separator) + safe(name, width);
    }
    if (wanted.empty() && names.size() > shown.size()) {
      header += k_separator + "…";
    }
    const auto& rows = table["rows"];
    const bool open = !head.empty() && head.back() == '(';
    std::string out = head + std::to_string(rows.size()) + tr(m_lang, " row(s)", " 行") + (open ? "): " : ": ")
                      + header + "\n";
    for (std::size_t r = 0; r < rows.size() && r < max; ++r) {
      std::string line;
      for (const auto& name : shown) {
        const auto at = std::find(names.begin(), names.end(), name);
        const auto column = static_cast<std::size_t>(at - names.begin());
        const bool has = at != names.end() && rows[r].is_array() && column < rows[r].size();
        line += (line.empty() ? "" : k_separator) + (has ? value_text(rows[r][column], width) : std::string("-"));
      }
      out += "    - " + line + "\n";
    }
    if (rows.size() > max) {
      out += more(rows.size() - max, " more", " 行");
    }
    return out;
  }

  // Text: the first lines of the string (or strings) at the path.
  std::string lines(const Show& show, const json& result) const
  {
    const auto v = find(result, show.path);
    if (!v || !(v->is_string() || v->is_array())) {
      return label(show) + ": " + (v ? value_text(*v, k_value_width) : not_found()) + "\n";
    }
    const auto all = text_lines(*v);
    return label(show) + " (" + std::to_string(all.size()) + tr(m_lang, " line(s)", " 行") + "):\n"
           + lines_text(all, show.max);
  }

  std::string lines_text(const std::vector<std::string>& all, std::size_t max) const
  {
    std::string out;
    for (std::size_t i = 0; i < all.size() && i < max; ++i) {
      out += "    " + safe(all[i], k_line_width) + "\n";
    }
    if (all.size() > max) {
      out += more(all.size() - max, " more line(s)", " 行");
    }
    return out;
  }

  // The lines of a text or of an array of texts, blank ones and run command's section
  // markers ("Enable succeeded:", "[stdout]", "[stderr]") left out.
  static std::vector<std::string> text_lines(const json& v)
  {
    std::vector<std::string> out;
    const auto add = [&](const json& s) {
      if (!s.is_string()) {
        return;
      }
      for (auto& line : text::split_lines(s.get<std::string>())) {
        const auto trimmed = text::trim(line);
        if (trimmed.empty() || trimmed == "[stdout]" || trimmed == "[stderr]" || trimmed == "Enable succeeded:") {
          continue;
        }
        out.push_back(std::move(line));
      }
    };
    if (v.is_array()) {
      std::for_each(v.begin(), v.end(), add);
    } else {
      add(v);
    }
    return out;
  }

  std::string generic(const json& result) const
  {
    if (result.is_null()) {
      return {};
    }
    if (!result.is_object()) {
      return "  " + value_text(result, k_value_width) + "\n";
    }
    if (result.contains("tables") && result["tables"].is_array()) {
      std::string out;
      for (const auto& t : result["tables"]) {
        if (t.is_object() && t.contains("rows") && t["rows"].is_array()) {
          out += table_text("  ", t, {}, k_generic_rows, k_cell_width);
        }
      }
      return out;
    }
    if (result.contains("value") && result["value"].is_array()) {
      const auto& items = result["value"];
      if (!items.empty() && std::all_of(items.begin(), items.end(), [](const json& i) {
            return i.is_object() && i.contains("message") && i["message"].is_string();
          })) {
        json messages = json::array();
        for (const auto& i : items) {
          messages.push_back(i["message"]);
        }
        const auto all = text_lines(messages);
        return "  " + dim(std::to_string(all.size()) + tr(m_lang, " line(s) of output:", " 行输出：")) + "\n"
               + lines_text(all, k_generic_lines);
      }
      std::string out = "  " + std::to_string(items.size()) + tr(m_lang, " item(s)", " 项")
                        + (items.empty() ? "" : ":") + "\n";
      for (std::size_t i = 0; i < items.size() && i < k_generic_items; ++i) {
        out += "    - " + item_name(items[i]) + "\n";
      }
      if (items.size() > k_generic_items) {
        out += more(items.size() - k_generic_items, " more", " 项");
      }
      return out;
    }
    return fields(result);
  }

  // The name people know an item by: a display name, a name, an operation, else its ID.
  static std::string item_name(const json& item)
  {
    for (const char* path : {"properties.displayName", "properties.alertDisplayName", "displayName", "name",
                             "operationName.localizedValue", "operationName.value", "id"}) {
      const auto v = find(item, path);
      if (v && v->is_primitive() && !v->is_null()) {
        return value_text(*v, k_value_width);
      }
    }
    return value_text(item, k_value_width);
  }

  // A resource or object: its name first, then a few scalar fields, its properties' next.
  std::string fields(const json& result) const
  {
    std::vector<std::pair<std::string, const json*>> shown;
    const auto add_scalars = [&](const json& object, const std::string& prefix) {
      for (auto it = object.begin(); it != object.end() && shown.size() < k_generic_fields; ++it) {
        if (it->is_primitive() && !it->is_null() && it.key() != "id" && it.key() != "etag"
            && (prefix.empty() ? it.key() != "name" : true)) {
          shown.emplace_back(prefix + it.key(), &*it);
        }
      }
    };
    if (result.contains("name") && result["name"].is_primitive()) {
      shown.emplace_back("name", &result["name"]);
    }
    add_scalars(result, "");
    if (result.contains("properties") && result["properties"].is_object()) {
      add_scalars(result["properties"], "properties.");
    }
    std::string out;
    for (const auto& [key, v] : shown) {
      out += "  " + dim(safe(key, k_value_width) + ":") + " " + value_text(*v, k_value_width) + "\n";
    }
    return out;
  }

private:
  Lang m_lang;
  bool m_colour;
};

} // namespace

std::string read_summary(const playbook::Step& step, const nlohmann::ordered_json& result, playbook::Lang lang,
                         bool colour)
{
  const Renderer renderer(lang, colour);
  if (step.shows.empty()) {
    return renderer.generic(result);
  }
  std::string out;
  for (const auto& show : step.shows) {
    switch (show.kind) {
    case Show::Kind::value: out += renderer.value(show, result); break;
    case Show::Kind::list: out += renderer.list(show, result); break;
    case Show::Kind::table: out += renderer.table(show, result); break;
    case Show::Kind::lines: out += renderer.lines(show, result); break;
    }
  }
  return out;
}

std::string full_result(const nlohmann::ordered_json& result)
{
  // Line by line: sanitize escapes line feeds, and the dump's own are wanted.
  const std::string dump = result.dump(2, ' ', false, json::error_handler_t::replace);
  std::string out;
  std::size_t start = 0;
  while (start <= dump.size()) {
    const std::size_t end = std::min(dump.find('\n', start), dump.size());
    out += terminal::sanitize(std::string_view(dump).substr(start, end - start)) + "\n";
    start = end + 1;
  }
  return out;
}

} // namespace dftriage::cli
