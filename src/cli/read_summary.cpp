// What a read step found, as the walk shows it: the values its playbook declares
// ("shows"), or a short generic view of the result. Every value comes from Azure and may
// be written by an attacker (tags, names, run-command output), so each is sanitized.
#include "read_summary.hpp"

#include "dftriage/util/json_path.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "read_result.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <optional>

namespace dftriage::cli {

namespace {

using Json = nlohmann::ordered_json;
using playbook::Lang;
using playbook::Show;
using terminal::Colour;

constexpr std::size_t k_value_width = 100; // code points of one value
constexpr std::size_t k_line_width = 160;  // code points of one line of output
constexpr std::size_t k_cell_width = 48;   // code points of a table cell in the generic view
constexpr std::size_t k_field_width = 72;  // code points of one field of a list item with several
constexpr std::size_t k_id_head = 20;      // code points kept before the "…" in a long ID
constexpr std::size_t k_generic_items = 5;
constexpr std::size_t k_generic_rows = 5;
constexpr std::size_t k_generic_columns = 6;
constexpr std::size_t k_generic_lines = 15;
constexpr std::size_t k_generic_fields = 6;
const std::string k_separator = " · ";

std::string tr(Lang lang, const char* en, const char* zh_cn)
{
  return lang == Lang::zh_cn ? zh_cn : en;
}

// Returns `s` (valid UTF-8) within `width` code points: prose cut at the end with "…";
// a value without spaces (an ID, a URL) cut in the middle, since its end names the thing.
std::string cut(const std::string& s, std::size_t width)
{
  const auto starts_point = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; };
  const auto points = static_cast<std::size_t>(std::count_if(s.begin(), s.end(), starts_point));
  if (points <= width) {
    return s;
  }
  // The byte offset where code point `n` starts.
  const auto offset = [&](std::size_t n) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (starts_point(s[i]) && seen++ == n) {
        return i;
      }
    }
    return s.size();
  };
  if (s.find(' ') == std::string::npos && width > k_id_head + 1) {
    return s.substr(0, offset(k_id_head)) + "…" +
           s.substr(offset(points - (width - k_id_head - 1)));
  }
  return s.substr(0, offset(width - 1)) + "…";
}

// Returns an untrusted text made safe and short: tabs as spaces, sanitized, cut.
std::string safe(std::string s, std::size_t width)
{
  std::replace(s.begin(), s.end(), '\t', ' ');
  return cut(terminal::sanitize(s), width);
}

std::string scalar_text(const Json& v)
{
  return v.is_string() ? v.get<std::string>()
                       : v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// Returns one value on one line: a scalar as itself, an array of scalars as "a, b", an
// object of scalars as "k=v, k=v", anything else as compact JSON; sanitized and cut.
std::string value_text(const Json& v, std::size_t width)
{
  if (v.is_structured()) {
    const bool flat =
        std::all_of(v.begin(), v.end(), [](const Json& item) { return item.is_primitive(); });
    if (flat && !v.empty()) {
      std::string out;
      for (auto it = v.begin(); it != v.end(); ++it) {
        out += (out.empty() ? "" : ", ") + (v.is_object() ? it.key() + "=" : std::string()) +
               scalar_text(*it);
      }
      return safe(out, width);
    }
    if (v.empty()) {
      return v.is_array() ? "[]" : "{}";
    }
  }
  return safe(scalar_text(v), width);
}

// Key Vault's attributes give times in Unix seconds; shown as UTC they can be compared
// with the alert's window.
const std::vector<std::string> k_unix_time_keys = {"created", "updated", "nbf", "exp"};

std::optional<std::string> unix_time(const Json& v, std::string_view key)
{
  if (!v.is_number_integer() ||
      std::find(k_unix_time_keys.begin(), k_unix_time_keys.end(), key) == k_unix_time_keys.end()) {
    return std::nullopt;
  }
  const auto seconds = v.get<long long>();
  if (seconds < 946684800LL || seconds > 32503680000LL) { // from 2000 to 3000: a time, not a count
    return std::nullopt;
  }
  const auto t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(text);
}

// Returns the last key of a result path ("updated" for "attributes.updated"), or "".
std::string last_key(const std::string& path)
{
  const auto tokens = json_path::parse(path);
  return tokens && tokens->back().kind == json_path::Token::Kind::key ? tokens->back().key
                                                                      : std::string();
}

// Built-in Azure roles people must recognise in a role assignment (the broad ones and
// Key Vault's); their IDs are the same in every tenant.
const std::vector<std::pair<std::string, std::string>> k_builtin_roles = {
    {"8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner"},
    {"b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor"},
    {"acdd72a7-3385-485e-bd4e-d3f5e5c9a9d3", "Reader"},
    {"18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "User Access Administrator"},
    {"f58310d9-a9f6-439a-9e8d-f62e7b41a168", "Role Based Access Control Administrator"},
    {"00482a5a-887f-4fb3-b363-3b7fe8e74483", "Key Vault Administrator"},
    {"f25e0fa2-a7c8-4377-a976-54943a77a395", "Key Vault Contributor"},
    {"21090545-7ca7-4776-b22c-e363652d74d2", "Key Vault Reader"},
    {"b86a8fe4-44ce-4948-aee5-eccb2c155cd7", "Key Vault Secrets Officer"},
    {"4633458b-17de-408a-b874-0445c86b69e6", "Key Vault Secrets User"},
    {"14b46e9e-c2b7-41b4-b07b-48a6ebf60603", "Key Vault Crypto Officer"},
    {"a4417e6f-fecd-4de8-b567-7b0420556985", "Key Vault Certificates Officer"},
};

// A role definition ID ("/subscriptions/<id>/providers/Microsoft.Authorization/
// roleDefinitions/<guid>") as "<role name> (<guid>)", or "role <guid>" when it is not a
// built-in role listed above; nullopt for any other text.
std::optional<std::string> role_definition(const std::string& s)
{
  static const std::string marker = "/providers/microsoft.authorization/roledefinitions/";
  const std::string lower = text::to_lower(s);
  const std::size_t at = lower.find(marker);
  const std::string guid =
      at == std::string::npos ? std::string() : lower.substr(at + marker.size());
  const bool prefix_ok =
      at == 0 || (lower.rfind("/subscriptions/", 0) == 0 && lower.find('/', 15) == at);
  if (!prefix_ok || guid.size() != 36 ||
      guid.find_first_not_of("0123456789abcdef-") != std::string::npos) {
    return std::nullopt;
  }
  for (const auto& [id, name] : k_builtin_roles) {
    if (id == guid) {
      return name + " (" + guid + ")";
    }
  }
  return "role " + guid;
}

// True for "YYYY-MM-DDThh:mm:ss.fffffffZ", as ARM and Log Analytics write times.
bool fractional_time(const std::string& s)
{
  const std::string shape = "dddd-dd-ddTdd:dd:dd.";
  if (s.size() < shape.size() + 2 || s.back() != 'Z') {
    return false;
  }
  for (std::size_t i = 0; i < s.size() - 1; ++i) {
    const char want = i < shape.size() ? shape[i] : 'd';
    if (want == 'd' ? !std::isdigit(static_cast<unsigned char>(s[i])) : s[i] != want) {
      return false;
    }
  }
  return true;
}

// Returns the value at `key` shown on one line: a Unix time as UTC, a time to the second,
// a role definition by name, else value_text.
std::string display(const Json& v, std::string_view key, std::size_t width)
{
  if (const auto time = unix_time(v, key)) {
    return *time;
  }
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (fractional_time(s)) {
      return s.substr(0, s.find('.')) + "Z";
    }
    if (const auto role = role_definition(s)) {
      return *role;
    }
  }
  return value_text(v, width);
}

class Renderer
{
public:
  Renderer(Lang lang, bool colour)
      : m_lang(lang)
      , m_colour(colour)
  {
  }

  std::string dim(const std::string& s) const { return terminal::paint(s, Colour::dim, m_colour); }
  std::string not_found() const { return dim(tr(m_lang, "(not found)", "（未找到）")); }
  std::string label(const Show& show) const
  {
    return "  " + terminal::sanitize(show.label.in(m_lang));
  }
  std::string more(std::size_t n, const char* en, const char* zh_cn) const
  {
    return "    " +
           dim(tr(m_lang, "… and ", "… 另有 ") + std::to_string(n) + tr(m_lang, en, zh_cn)) + "\n";
  }

  std::string value(const Show& show, const Json& result) const
  {
    const auto v = find_in_result(result, show.path);
    return label(show) + ": " +
           (v ? display(*v, last_key(show.path), k_value_width) : not_found()) + "\n";
  }

  // A list: "Label (N):" and the first items, each its fields joined on one line.
  std::string list(const Show& show, const Json& result) const
  {
    const auto v = find_in_result(result, show.path);
    if (!v || !v->is_structured()) {
      return label(show) + ": " + (v ? value_text(*v, k_value_width) : not_found()) + "\n";
    }
    std::string out = label(show) + " (" + std::to_string(v->size()) + ")" +
                      (v->empty() ? ": " + dim(tr(m_lang, "none", "无")) : std::string(":")) + "\n";
    std::size_t n = 0;
    for (auto it = v->begin(); it != v->end() && n < show.max; ++it, ++n) {
      // An object's members are listed as "key: value".
      const std::string key = v->is_object() ? it.key() : last_key(show.path);
      out += "    - " + (v->is_object() ? safe(key, k_value_width) + ": " : std::string()) +
             item_text(*it, show.fields, key) + "\n";
    }
    if (v->size() > show.max) {
      out += more(v->size() - show.max, " more", " 项");
    }
    return out;
  }

  // One item: its `fields` joined, "-" for each it lacks or has as null; the item itself (whose key
  // is `key`) when there are none.
  std::string item_text(const Json& item, const std::vector<std::string>& fields,
                        const std::string& key) const
  {
    if (fields.empty()) {
      return display(item, key, k_value_width);
    }
    std::string out;
    for (const auto& field : fields) {
      const auto v = find_in_result(item, field);
      const std::size_t width = fields.size() > 1 ? k_field_width : k_value_width;
      out += (out.empty() ? "" : k_separator) +
             (v && !v->is_null() ? display(*v, last_key(field), width) : std::string("-"));
    }
    return out;
  }

  // A Log Analytics table: "Label (N rows): col · col" and the first rows.
  std::string table(const Show& show, const Json& result) const
  {
    const auto v = find_in_result(result, show.path);
    if (!v || !v->is_object() || !v->contains("rows") || !(*v)["rows"].is_array()) {
      return label(show) + ": " + (v ? value_text(*v, k_value_width) : not_found()) + "\n";
    }
    return table_text(label(show) + " (", *v, show.fields, show.max, k_value_width);
  }

  // "<head>N row(s)): col · col" (no ')' when `head` does not end in '(') and the first
  // `max` rows of `table`: the `wanted` columns by name, else the first few.
  std::string table_text(const std::string& head, const Json& table,
                         const std::vector<std::string>& wanted, std::size_t max,
                         std::size_t width) const
  {
    std::vector<std::string> names;
    if (table.contains("columns") && table["columns"].is_array()) {
      for (const auto& c : table["columns"]) {
        names.push_back(c.is_object() && c.contains("name") && c["name"].is_string()
                            ? c["name"].get<std::string>()
                            : std::string());
      }
    }
    std::vector<std::string> shown = wanted;
    if (shown.empty()) {
      shown.assign(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(
                                                      std::min(names.size(), k_generic_columns)));
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
    std::string out = head + std::to_string(rows.size()) + tr(m_lang, " row(s)", " 行") +
                      (open ? "): " : ": ") + header + "\n";
    for (std::size_t r = 0; r < rows.size() && r < max; ++r) {
      std::string line;
      for (const auto& name : shown) {
        const auto at = std::find(names.begin(), names.end(), name);
        const auto column = static_cast<std::size_t>(at - names.begin());
        const bool has = at != names.end() && rows[r].is_array() && column < rows[r].size();
        line += (line.empty() ? "" : k_separator) +
                (has ? display(rows[r][column], name, width) : std::string("-"));
      }
      out += "    - " + line + "\n";
    }
    if (rows.size() > max) {
      out += more(rows.size() - max, " more", " 行");
    }
    return out;
  }

  // Text: the first lines of the string (or strings) at the path.
  std::string lines(const Show& show, const Json& result) const
  {
    const auto v = find_in_result(result, show.path);
    if (!v || !(v->is_string() || v->is_array())) {
      return label(show) + ": " + (v ? value_text(*v, k_value_width) : not_found()) + "\n";
    }
    const auto all = text_lines(*v);
    return label(show) + " (" + std::to_string(all.size()) + tr(m_lang, " line(s)", " 行") +
           "):\n" + lines_text(all, show.max);
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
  static std::vector<std::string> text_lines(const Json& v)
  {
    std::vector<std::string> out;
    const auto add = [&](const Json& s) {
      if (!s.is_string()) {
        return;
      }
      for (auto& line : text::split_lines(s.get<std::string>())) {
        const auto trimmed = text::trim(line);
        if (trimmed.empty() || trimmed == "[stdout]" || trimmed == "[stderr]" ||
            trimmed == "Enable succeeded:") {
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

  std::string generic(const Json& result) const
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
      if (!items.empty() && std::all_of(items.begin(), items.end(), [](const Json& i) {
            return i.is_object() && i.contains("message") && i["message"].is_string();
          })) {
        Json messages = Json::array();
        for (const auto& i : items) {
          messages.push_back(i["message"]);
        }
        const auto all = text_lines(messages);
        return "  " +
               dim(std::to_string(all.size()) + tr(m_lang, " line(s) of output:", " 行输出：")) +
               "\n" + lines_text(all, k_generic_lines);
      }
      std::string out = "  " + std::to_string(items.size()) + tr(m_lang, " item(s)", " 项") +
                        (items.empty() ? "" : ":") + "\n";
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
  static std::string item_name(const Json& item)
  {
    for (const char* path :
         {"properties.displayName", "properties.alertDisplayName", "displayName", "name",
          "operationName.localizedValue", "operationName.value", "id", "kid"}) {
      const auto v = find_in_result(item, path);
      if (v && v->is_primitive() && !v->is_null()) {
        return display(*v, last_key(path), k_value_width);
      }
    }
    return value_text(item, k_value_width);
  }

  // A resource or object: its name first, then a few scalar fields, its properties' next.
  // Never a top-level "value" text: in a Key Vault secret bundle that is the secret.
  std::string fields(const Json& result) const
  {
    std::vector<std::pair<std::string, const Json*>> shown;
    const auto add_scalars = [&](const Json& object, const std::string& prefix) {
      for (auto it = object.begin(); it != object.end() && shown.size() < k_generic_fields; ++it) {
        const bool skipped = it.key() == "id" || it.key() == "etag" ||
                             (prefix.empty() && (it.key() == "name" || it.key() == "value"));
        if (it->is_primitive() && !it->is_null() && !skipped) {
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
      out += "  " + dim(safe(key, k_value_width) + ":") + " " +
             display(*v, last_key(key), k_value_width) + "\n";
    }
    return out;
  }

private:
  Lang m_lang;
  bool m_colour;
};

} // namespace

std::string read_summary(const playbook::Step& step, const nlohmann::ordered_json& result,
                         playbook::Lang lang, bool colour)
{
  const Renderer renderer(lang, colour);
  if (step.shows.empty()) {
    return renderer.generic(result);
  }
  std::string out;
  for (const auto& show : step.shows) {
    switch (show.kind) {
    case Show::Kind::value:
      out += renderer.value(show, result);
      break;
    case Show::Kind::list:
      out += renderer.list(show, result);
      break;
    case Show::Kind::table:
      out += renderer.table(show, result);
      break;
    case Show::Kind::lines:
      out += renderer.lines(show, result);
      break;
    }
  }
  return out;
}

} // namespace dftriage::cli
