#include "dftriage/engine/library.hpp"

#include "dftriage/azure/actions.hpp"
#include "dftriage/util/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <sstream>

namespace dftriage::engine {

namespace {

std::string read_text(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(path + ": cannot open: " + std::strerror(errno));
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> json_files(const std::string& dir)
{
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    throw InputError(dir + ": cannot read directory: " + std::strerror(errno));
  }
  std::vector<std::string> out;
  while (const dirent* entry = ::readdir(d)) {
    const std::string name = entry->d_name;
    const bool json = name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0;
    const bool schema = name.size() > 12 && name.compare(name.size() - 12, 12, ".schema.json") == 0;
    if (json && !schema) {
      out.push_back(dir + "/" + name);
    }
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

void add(Library& library, playbook::LoadResult&& result)
{
  for (auto& issue : result.issues) {
    library.issues.push_back(std::move(issue));
  }
  if (!result.playbook) {
    return;
  }
  auto& list = library.playbooks;
  const auto same = std::find_if(list.begin(), list.end(), [&](const playbook::Playbook& p) {
    return p.id == result.playbook->id;
  });
  if (same != list.end()) {
    *same = std::move(*result.playbook);
  } else {
    list.push_back(std::move(*result.playbook));
  }
}

} // namespace

playbook::ActionDirectory action_directory()
{
  playbook::ActionDirectory directory;
  directory.names = azure::action_names();
  directory.find = [](std::string_view name) -> std::optional<playbook::ActionInfo> {
    const auto* spec = azure::find_action(name);
    if (spec == nullptr) {
      return std::nullopt;
    }
    playbook::ActionInfo info;
    for (const auto& p : spec->params) {
      info.params.push_back(p.name);
      if (p.required) {
        info.required.push_back(p.name);
      }
    }
    // A change's result is not a reading to show; an inspection's output is.
    info.changes = spec->mutating && spec->reversibility != azure::Reversibility::inspection;
    return info;
  };
  return directory;
}

const playbook::Playbook* Library::find(std::string_view id) const
{
  for (const auto& p : playbooks) {
    if (p.id == id) {
      return &p;
    }
  }
  return nullptr;
}

playbook::LoadResult load_playbook_file(const std::string& path)
{
  return playbook::load_playbook(read_text(path), path, action_directory());
}

Library load_library(const std::vector<std::string>& extra_dirs)
{
  Library library;
  const auto directory = action_directory();
  for (const auto& [name, text] : builtin_playbooks()) {
    add(library, playbook::load_playbook(text, "builtin:" + name, directory));
  }
  for (const auto& dir : extra_dirs) {
    for (const auto& path : json_files(dir)) {
      add(library, load_playbook_file(path));
    }
  }
  return library;
}

} // namespace dftriage::engine
