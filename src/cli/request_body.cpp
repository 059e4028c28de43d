// A body for a person: values filled in where known, named slots where only the run
// will know them, and a line for each slot saying what it holds and where it comes from.

#include "request_body.hpp"

#include "dftriage/azure/pre_image_marker.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "walk_text.hpp"

#include <algorithm>
#include <cctype>

namespace dftriage::cli {

namespace {

// Bodies up to this long stay on one line.
constexpr std::size_t k_one_line = 76;

std::string dump(const nlohmann::ordered_json& v)
{
  return v.dump(-1, ' ', true, nlohmann::ordered_json::error_handler_t::replace);
}

std::vector<std::string> split(std::string_view s, char sep)
{
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto end = s.find(sep, start);
    const auto piece = s.substr(start, end == std::string_view::npos ? end : end - start);
    if (!piece.empty()) {
      out.emplace_back(piece);
    }
    if (end == std::string_view::npos) {
      break;
    }
    start = end + 1;
  }
  return out;
}

// "networkInterfaces" -> "network interface": a collection's name as one of its items.
std::string singular_words(const std::string& type)
{
  std::string words;
  for (std::size_t i = 0; i < type.size(); ++i) {
    const auto c = static_cast<unsigned char>(type[i]);
    if (!std::isalpha(c)) {
      return {};
    }
    if (std::isupper(c) && i > 0) {
      words += ' ';
    }
    words += static_cast<char>(std::tolower(c));
  }
  if (words.size() > 3 && words.compare(words.size() - 3, 3, "ies") == 0) {
    return words.substr(0, words.size() - 3) + "y";
  }
  if (words.size() > 4 && words.compare(words.size() - 4, 4, "sses") == 0) {
    return words.substr(0, words.size() - 2);
  }
  if (words.size() > 1 && words.back() == 's') {
    words.pop_back();
  }
  return words;
}

// What a read of `url` reads, in words ("the network interface"); "" when unsure.
std::string noun_of(const std::string& url)
{
  const auto scheme = url.find("://");
  const auto path_start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (path_start == std::string::npos) {
    return {};
  }
  const auto path = std::string_view(url).substr(path_start, url.find('?') - path_start);
  const auto host = std::string_view(url).substr(0, path_start);
  const auto segments = split(path, '/');
  const std::size_t n = segments.size();
  std::string type;
  std::size_t providers = n;
  for (std::size_t i = 0; i < n; ++i) {
    if (text::iequals(segments[i], "providers")) {
      providers = i;
    }
  }
  if (providers + 1 < n) {
    const std::size_t rest = n - providers - 2; // type/name pairs after the namespace
    if (rest >= 2 && rest % 2 == 0) {
      type = segments[n - 2];
    }
  } else if (n == 4 && text::iequals(segments[2], "resourceGroups")) {
    type = "resourceGroups";
  } else if (n >= 3 && host.find("graph") != std::string_view::npos) {
    type = segments[n - 2];
  }
  const std::string words = singular_words(type);
  return words.empty() ? words : "the " + words;
}

// Shell variables a slot must not take: the token variables, the lab's, and those a
// shell or az reads.
bool reserved(const std::string& name)
{
  static constexpr std::string_view k_names[] = {"TOKEN",
                                                 "KEYVAULT_TOKEN",
                                                 "GRAPH_TOKEN",
                                                 "LOGANALYTICS_TOKEN",
                                                 "GENERATED_SECRET",
                                                 "PATH",
                                                 "HOME",
                                                 "USER",
                                                 "SHELL",
                                                 "IFS",
                                                 "PWD",
                                                 "OLDPWD",
                                                 "TERM",
                                                 "LANG",
                                                 "PS1",
                                                 "PS2",
                                                 "PS4",
                                                 "UID",
                                                 "EUID",
                                                 "PPID",
                                                 "HOSTNAME",
                                                 "RANDOM",
                                                 "SECONDS",
                                                 "LINENO",
                                                 "OPTARG",
                                                 "OPTIND",
                                                 "TMPDIR",
                                                 "CDPATH",
                                                 "ENV",
                                                 "MAIL",
                                                 "HISTFILE",
                                                 "EDITOR",
                                                 "PAGER",
                                                 "LOGNAME",
                                                 "DISPLAY",
                                                 "SSL_CERT_FILE"};
  if (std::find(std::begin(k_names), std::end(k_names), name) != std::end(k_names)) {
    return true;
  }
  for (const char* prefix : {"BASH", "LC_", "LAB_", "AZURE_", "DFTRIAGE_", "REQUESTS_", "CURL_"}) {
    if (name.rfind(prefix, 0) == 0) {
      return true;
    }
  }
  return false;
}

// "/properties/tenantId" -> "TENANT_ID"; an array element ("[name=x]", "3") is named
// after its array: "SECURITY_RULES_ITEM".
std::string base_name(const std::string& pointer)
{
  const auto segments = split(pointer, '/');
  std::string last;
  std::string suffix;
  for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
    const bool element =
        it->front() == '[' || it->find_first_not_of("0123456789") == std::string::npos;
    if (!element) {
      last = *it;
      break;
    }
    suffix = "_ITEM";
  }
  std::string out;
  for (std::size_t i = 0; i < last.size(); ++i) {
    const auto c = static_cast<unsigned char>(last[i]);
    if (std::isupper(c) && i > 0 && std::islower(static_cast<unsigned char>(last[i - 1])) != 0) {
      out += '_';
    }
    if (std::isalnum(c) != 0 && c < 0x80) {
      out += static_cast<char>(std::toupper(c));
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
  }
  while (!out.empty() && out.back() == '_') {
    out.pop_back();
  }
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out.front())) != 0) {
    out = "VALUE" + std::string(out.empty() ? "" : "_") + out;
  }
  return out + suffix;
}

} // namespace

std::string BodyWriter::new_name(std::string base)
{
  if (reserved(base)) {
    base += "_VALUE";
  }
  std::string name = base;
  for (int n = 2;
       std::any_of(m_slots.begin(), m_slots.end(), [&](const Slot& s) { return s.name == name; });
       ++n) {
    name = base + "_" + std::to_string(n);
  }
  return name;
}

std::string BodyWriter::slot_for(const nlohmann::ordered_json& node)
{
  const auto& s = node.get_ref<const std::string&>();
  if (s == k_generated_secret) {
    for (const auto& slot : m_slots) {
      if (slot.secret) {
        return slot.name;
      }
    }
    m_slots.push_back({"GENERATED_SECRET", 0, {}, false, true});
    return m_slots.back().name;
  }
  const auto marker = azure::parse_pre_image_marker(s);
  if (!marker) {
    return {};
  }
  for (const auto& slot : m_slots) {
    if (!slot.secret && slot.index == marker->index && slot.pointer == marker->pointer &&
        slot.writable == marker->writable) {
      return slot.name;
    }
  }
  std::string name = new_name(base_name(marker->pointer));
  m_slots.push_back({name, marker->index, marker->pointer, marker->writable, false});
  return name;
}

void BodyWriter::emit(const nlohmann::ordered_json& node, std::string& out,
                      const std::string& indent, int depth, bool pretty)
{
  if (node.is_string()) {
    if (const std::string name = slot_for(node); !name.empty()) {
      const bool secret = node.get_ref<const std::string&>() == k_generated_secret;
      out += std::string(secret ? "\"" : "") + k_slot_open + name + k_slot_close +
             (secret ? "\"" : "");
      return;
    }
  }
  if (!node.is_structured() || node.empty()) {
    out += dump(node);
    return;
  }
  const bool object = node.is_object();
  const std::string inner = indent + std::string(static_cast<std::size_t>(depth + 1) * 2, ' ');
  out += object ? '{' : '[';
  bool first = true;
  for (auto it = node.begin(); it != node.end(); ++it) {
    out += first ? "" : ",";
    first = false;
    if (pretty) {
      out += "\n" + inner;
    }
    if (object) {
      out += dump(it.key()) + (pretty ? ": " : ":");
    }
    emit(it.value(), out, indent, depth + 1, pretty);
  }
  if (pretty) {
    out += "\n" + indent + std::string(static_cast<std::size_t>(depth) * 2, ' ');
  }
  out += object ? '}' : ']';
}

std::string BodyWriter::write(const nlohmann::ordered_json& body, const std::string& indent)
{
  m_slots.clear();
  nlohmann::ordered_json resolved = body;
  if (m_context.pre_image != nullptr) {
    try {
      resolved = azure::resolve_pre_image(body, *m_context.pre_image);
    } catch (const azure::ActionError&) {
      resolved = body; // a read it needs was not given: its values stay slots
    }
  }
  std::string out;
  emit(resolved, out, indent, 0, false);
  if (m_context.pretty && out.size() > k_one_line) {
    out.clear();
    m_slots.clear();
    emit(resolved, out, indent, 0, true);
  }
  return out;
}

std::string BodyWriter::source_of(std::size_t index) const
{
  const auto lang = m_context.lang;
  const auto* reads = m_context.pre_requests;
  const bool several = reads != nullptr && reads->size() > 1;
  return several ? tr(lang, "the GET above (#" + std::to_string(index + 1) + ")",
                      "上面第 " + std::to_string(index + 1) + " 个 GET")
                 : tr(lang, "the GET above", "上面的 GET");
}

std::string BodyWriter::explain(std::string_view indent, bool shell) const
{
  const auto lang = m_context.lang;
  const std::string lead = std::string(indent) + (shell ? "# " : "");
  const std::string sigil = shell ? "" : "$";
  std::string out;
  std::vector<const Slot*> values;
  for (const auto& slot : m_slots) {
    if (slot.secret) {
      out += lead + sigil + slot.name +
             tr(lang,
                ": a password dftriage makes when the step runs, shown once then and never here "
                "(to send this by hand, set one of your own)\n",
                "：dftriage 在这一步运行时生成的密码，只在那时显示一次，不在这里显示"
                "（手动发送时请自行设置）\n");
    } else {
      values.push_back(&slot);
    }
  }
  const auto noun = [&](const Slot& slot) {
    const auto* reads = m_context.pre_requests;
    return reads != nullptr && slot.index < reads->size() ? noun_of((*reads)[slot.index].url)
                                                          : std::string();
  };
  const auto what = [&](const Slot& slot) {
    return terminal::sanitize(slot.pointer) +
           (slot.writable ? tr(lang, ", less its read-only members", "，去掉只读成员") : "");
  };
  if (values.size() == 1) {
    const Slot& slot = *values.front();
    const std::string of = noun(slot);
    out += lead + sigil + slot.name +
           tr(lang,
              ": the JSON at " + what(slot) + (of.empty() ? "" : " of " + of) + ", read by " +
                  source_of(slot.index) + " when the step runs (left out if absent there)\n",
              "：" + source_of(slot.index) + " 在这一步运行时读到的 " + what(slot) +
                  "（JSON 值；没有时省略该键）\n");
    return out;
  }
  std::vector<std::size_t> sources;
  for (const auto* slot : values) {
    if (std::find(sources.begin(), sources.end(), slot->index) == sources.end()) {
      sources.push_back(slot->index);
    }
  }
  for (const auto index : sources) {
    const Slot* first = *std::find_if(values.begin(), values.end(),
                                      [&](const Slot* s) { return s->index == index; });
    const std::string of = noun(*first);
    out += lead + tr(lang,
                     "Read by " + source_of(index) + " when the step runs (JSON values" +
                         (of.empty() ? "" : " of " + of) +
                         "; a key whose value is absent there is left out):\n",
                     "由" + source_of(index) + " 在这一步运行时读取（JSON 值；没有的键省略）：\n");
    for (const auto* slot : values) {
      if (slot->index == index) {
        out += lead + "  " + sigil + slot->name + tr(lang, ": ", "：") + what(*slot) + "\n";
      }
    }
  }
  return out;
}

} // namespace dftriage::cli
