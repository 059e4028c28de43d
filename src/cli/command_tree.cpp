#include "command_tree.hpp"

#include <algorithm>
#include <cctype>

namespace dftriage::cli {

namespace {

constexpr const char* k_global_group = "Global options";

bool is_placeholder(const std::string& word)
{
  return !word.empty() && std::none_of(word.begin(), word.end(),
                                       [](unsigned char c) { return std::islower(c) != 0; });
}

// CLI11 appends each check's description to the type name ("INT:INT in [0 - 60]"); the
// man page and the completion want the type name alone.
std::string plain_type_name(const CLI::Option& option)
{
  auto name = option.get_type_name();
  return name.substr(0, name.find(':'));
}

OptionDoc describe_option(const CLI::Option& option)
{
  OptionDoc doc;
  doc.description = option.get_description();
  doc.global = option.get_group() == k_global_group;
  doc.required = option.get_required();
  const bool takes_value = option.get_type_size_max() > 0;
  if (!option.nonpositional()) {
    doc.names.push_back(option.get_name(true, false));
    doc.repeatable = option.get_expected_max() >= CLI::detail::expected_max_vector_size;
    // A positional without a type name of its own is named for what it is ("DIR").
    const auto type = plain_type_name(option);
    doc.value = type.empty() || type == "TEXT" ? doc.names.front() : type;
    doc.kind = read_value_spec(doc.value, "");
    return doc;
  }
  for (const auto& s : option.get_snames()) {
    doc.names.push_back("-" + s);
  }
  for (const auto& l : option.get_lnames()) {
    doc.names.push_back("--" + l);
  }
  if (takes_value) {
    doc.value = plain_type_name(option);
    const auto& lnames = option.get_lnames();
    doc.kind = read_value_spec(doc.value, lnames.empty() ? "" : lnames.front());
  }
  return doc;
}

CommandDoc describe_below(const CLI::App& app, std::vector<std::string> path)
{
  CommandDoc doc;
  doc.path = std::move(path);
  doc.summary = app.get_description();
  std::vector<OptionDoc> globals;
  for (const auto* option : app.get_options()) {
    if (option->get_group().empty()) {
      continue; // hidden
    }
    auto option_doc = describe_option(*option);
    if (!option->nonpositional()) {
      doc.positionals.push_back(std::move(option_doc));
    } else if (option_doc.global) {
      globals.push_back(std::move(option_doc));
    } else {
      doc.options.push_back(std::move(option_doc));
    }
  }
  doc.options.insert(doc.options.end(), globals.begin(), globals.end());
  for (const auto* sub : app.get_subcommands({})) {
    if (sub->get_group().empty()) {
      continue;
    }
    auto sub_path = doc.path;
    sub_path.push_back(sub->get_name());
    doc.subcommands.push_back(describe_below(*sub, std::move(sub_path)));
  }
  return doc;
}

void flatten_into(const CommandDoc& doc, std::vector<const CommandDoc*>& out)
{
  out.push_back(&doc);
  for (const auto& sub : doc.subcommands) {
    flatten_into(sub, out);
  }
}

} // namespace

ValueSpec read_value_spec(const std::string& type_name, const std::string& option)
{
  ValueSpec spec;
  std::size_t start = 0;
  while (start <= type_name.size()) {
    const auto end = std::min(type_name.find('|', start), type_name.size());
    const auto word = type_name.substr(start, end - start);
    start = end + 1;
    if (word == "FILE") {
      spec.files = true;
    } else if (word == "DIR") {
      spec.dirs = true;
    } else if (word == "ID") {
      spec.playbooks = true;
    } else if (word == "ID=VALUE") {
      spec.answers = true;
    } else if (word == "COMMAND") {
      spec.commands = true;
    } else if (word == "NAME" && option == "cloud") {
      spec.clouds = true;
    } else if (!word.empty() && !is_placeholder(word) && type_name.find('|') != std::string::npos) {
      spec.words.push_back(word);
    }
  }
  return spec;
}

CommandDoc describe(const CLI::App& app)
{
  return describe_below(app, {});
}

std::string command_line(const std::vector<std::string>& path)
{
  std::string out = "dftriage";
  for (const auto& word : path) {
    out += " " + word;
  }
  return out;
}

std::vector<const CommandDoc*> flatten(const CommandDoc& root)
{
  std::vector<const CommandDoc*> out;
  flatten_into(root, out);
  return out;
}

} // namespace dftriage::cli
