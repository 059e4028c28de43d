// Reading what a step shows of its result (Reader::shows, reader.hpp).

#include "dftriage/util/json_path.hpp"
#include "dftriage/util/text.hpp"
#include "reader.hpp"

namespace dftriage::playbook::detail {

namespace {

using json = nlohmann::ordered_json;

const std::vector<std::string> k_show_keys = {"path", "list",    "table", "lines",
                                              "item", "columns", "max",   "label"};
const std::vector<std::string> k_show_kinds = {"path", "list", "table", "lines"};
constexpr std::size_t k_show_default_max[] = {0, 5, 10, 15};
constexpr std::size_t k_show_max_limit = 100;

} // namespace

std::vector<Show> Reader::shows(const json& j, const std::string& ptr)
{
  std::vector<Show> out;
  if (!j.is_array()) {
    error(ptr, "expected an array, got " + type_name(j));
    return out;
  }
  for (std::size_t i = 0; i < j.size(); ++i) {
    out.push_back(show(j[i], child(ptr, i)));
  }
  return out;
}

Show Reader::show(const json& j, const std::string& ptr)
{
  Show out;
  if (!check_object(j, ptr, k_show_keys, {"label"})) {
    return out;
  }
  std::vector<std::string> kinds;
  for (std::size_t k = 0; k < k_show_kinds.size(); ++k) {
    if (j.contains(k_show_kinds[k])) {
      kinds.push_back("\"" + k_show_kinds[k] + "\"");
      out.kind = static_cast<Show::Kind>(k);
    }
  }
  if (kinds.size() != 1) {
    error(ptr, kinds.empty()
                   ? std::string("a show needs one of \"path\", \"list\", \"table\" or \"lines\"")
                   : "a show has one of \"path\", \"list\", \"table\" or \"lines\", got " +
                         kinds[0] + " and " + kinds[1]);
    return out;
  }
  const std::string& kind = k_show_kinds[static_cast<std::size_t>(out.kind)];
  out.path = result_path(j.at(kind), child(ptr, kind));
  out.label = text_at(j, "label", ptr, false);
  const auto wrong_kind = [&](const std::string& key, const std::string& belongs) {
    if (j.contains(key) && kind != belongs) {
      error(child(ptr, key), "\"" + key + "\" goes with \"" + belongs + "\", not \"" + kind + "\"");
      return true;
    }
    return false;
  };
  if (const auto it = j.find("item"); it != j.end() && !wrong_kind("item", "list")) {
    const std::string at = child(ptr, "item");
    if (!it->is_array()) {
      error(at, "expected an array of result paths, got " + type_name(*it));
    } else {
      for (std::size_t i = 0; i < it->size(); ++i) {
        out.fields.push_back(result_path((*it)[i], child(at, i)));
      }
    }
  }
  if (!wrong_kind("columns", "table") && out.kind == Show::Kind::table) {
    out.fields = strings_at(j, "columns", ptr);
  }
  out.max = k_show_default_max[static_cast<std::size_t>(out.kind)];
  if (const auto it = j.find("max"); it != j.end()) {
    if (out.kind == Show::Kind::value) {
      error(child(ptr, "max"), "\"max\" goes with \"list\", \"table\" or \"lines\", not \"path\"");
    } else if (!it->is_number_unsigned() || it->get<std::size_t>() < 1 ||
               it->get<std::size_t>() > k_show_max_limit) {
      error(child(ptr, "max"), "expected an integer from 1 to " + std::to_string(k_show_max_limit) +
                                   ", got " + (it->is_number() ? it->dump() : type_name(*it)));
    } else {
      out.max = it->get<std::size_t>();
    }
  }
  return out;
}

std::string Reader::result_path(const json& j, const std::string& ptr)
{
  if (!j.is_string()) {
    error(ptr, "expected a string, got " + type_name(j));
    return {};
  }
  const auto& path = j.get_ref<const std::string&>();
  if (!json_path::parse(path)) {
    error(ptr, "expected a result path such as \"properties.tags\" or \"value[0].name\", got " +
                   text::quote(path));
  }
  return path;
}

} // namespace dftriage::playbook::detail
