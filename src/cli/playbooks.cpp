// `dftriage playbooks list | show ID | validate [FILE…] | coverage [ALERTS…] | actions`
// (and `role`, in playbooks_role.cpp).

#include "command.hpp"
#include "dftriage/azure/actions.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/engine/match.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "inputs.hpp"
#include "lang_option.hpp"
#include "library_options.hpp"
#include "output_option.hpp"
#include "playbook_text.hpp"

#include <fstream>
#include <set>
#include <sstream>

namespace dftriage::cli {

namespace {

// Each subcommand has its own (its -o accepts its own formats).
struct PlaybooksOptions
{
  OutputChoice output;
  std::vector<std::string> playbook_dirs;
  std::string id;
  std::vector<std::string> files;
  std::string lang;
};

OutputFormat format_of(const PlaybooksOptions& o)
{
  return o.output.resolve();
}

ExitStatus run_list(const PlaybooksOptions& o)
{
  const auto library = load_library_or_throw(o.playbook_dirs);
  Writer writer(stdout);
  ListOutput list(writer, format_of(o), {"ID", "VERSION", "TITLE", "ALERT TYPES", "SOURCE"});
  for (const auto& p : library.playbooks) {
    std::string patterns;
    for (const auto& t : p.match.alert_types) {
      patterns += (patterns.empty() ? "" : " ") + t;
    }
    if (list.rows()) {
      list.add_row({p.id, p.version, p.title.en, patterns, p.source});
    } else if (format_of(o) == OutputFormat::text) {
      writer.write(p.id + "  " + p.version + "  " + terminal::sanitize(p.title.en) + "  [" +
                   patterns + "]\n");
    } else {
      list.add({{"id", p.id},
                {"version", p.version},
                {"title", p.title.en},
                {"lastReviewed", p.last_reviewed},
                {"alertTypes", p.match.alert_types},
                {"source", p.source}});
    }
  }
  list.finish();
  return ExitStatus::success;
}

ExitStatus run_show_playbook(const PlaybooksOptions& o)
{
  const auto format = format_of(o);
  const auto lang = lang_option(o.lang).value_or(playbook::Lang::en);
  const auto library = load_library_or_throw(o.playbook_dirs);
  const auto* p = library.find(o.id);
  if (p == nullptr) {
    std::vector<std::string> ids;
    for (const auto& known : library.playbooks) {
      ids.push_back(known.id);
    }
    throw UsageError("no playbook " + text::quote(o.id) + text::did_you_mean(o.id, ids));
  }
  if (format == OutputFormat::json) {
    // The playbook as written: the built-in text, or the file it was loaded from.
    for (const auto& [name, text] : engine::builtin_playbooks()) {
      const auto doc = nlohmann::ordered_json::parse(text, nullptr, false);
      if (!doc.is_discarded() && doc.value("id", "") == o.id && p->source == "builtin:" + name) {
        std::fwrite(text.data(), 1, text.size(), stdout);
        return ExitStatus::success;
      }
    }
    std::ifstream in(p->source, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) {
      throw InputError(p->source + ": cannot read the playbook again");
    }
    std::fwrite(text.str().data(), 1, text.str().size(), stdout);
    return ExitStatus::success;
  }
  Writer writer(stdout);
  writer.write(playbook_text(*p, lang, terminal::use_colour(stdout)));
  writer.flush();
  return ExitStatus::success;
}

ExitStatus run_validate(const PlaybooksOptions& o)
{
  std::vector<Diagnostic> issues;
  std::size_t checked = 0;
  if (o.files.empty()) {
    const auto library = engine::load_library(o.playbook_dirs);
    issues = library.issues;
    checked = engine::builtin_playbooks().size();
  } else {
    for (const auto& path : o.files) {
      const std::string_view suffix = ".schema.json";
      if (path.size() > suffix.size() &&
          path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0) {
        std::fprintf(stderr, "%s: skipped: a JSON Schema, not a playbook\n",
                     terminal::sanitize(path).c_str());
        continue;
      }
      auto result = engine::load_playbook_file(path);
      issues.insert(issues.end(), result.issues.begin(), result.issues.end());
      ++checked;
    }
  }
  std::size_t errors = 0;
  Writer writer(stdout);
  JsonStream json(writer, format_of(o));
  for (const auto& issue : issues) {
    errors += issue.is_error() ? 1 : 0;
    if (format_of(o) == OutputFormat::text) {
      writer.write(terminal::sanitize(issue.to_string()) + "\n");
    } else {
      json.add(issue.to_json());
    }
  }
  json.finish();
  if (format_of(o) == OutputFormat::text) {
    writer.write(std::to_string(checked) + " playbook(s) checked, " + std::to_string(errors) +
                 " error(s)\n");
  }
  return errors > 0 ? ExitStatus::input_rejected : ExitStatus::success;
}

// The action catalogue, for playbook authors (and the schema's action section).
ExitStatus run_actions(const PlaybooksOptions& o)
{
  Writer writer(stdout);
  ListOutput list(writer, format_of(o), {"ACTION", "REVERSIBILITY", "PERMISSION", "SUMMARY"});
  for (const auto& a : azure::action_catalogue()) {
    if (list.rows()) {
      list.add_row(
          {a.name, std::string(azure::to_string(a.reversibility)), a.permission, a.summary});
      continue;
    }
    if (format_of(o) == OutputFormat::text) {
      writer.write(a.name + "  [" + std::string(azure::to_string(a.reversibility)) +
                   (a.evidence ? ", evidence" : "") + "]  " + a.permission + "\n    " + a.summary +
                   "\n");
      for (const auto& p : a.params) {
        std::string type(azure::to_string(p.type));
        if (!p.resource_type.empty()) {
          type += " " + p.resource_type;
        }
        if (!p.choices.empty()) {
          type += " " + text::join(p.choices, "|");
        }
        writer.write("    " + p.name + " (" + type + (p.required ? "" : ", optional") +
                     "): " + p.description + "\n");
      }
      if (!a.undo.empty()) {
        writer.write("    undo: " + a.undo + "\n");
      }
      continue;
    }
    nlohmann::ordered_json params = nlohmann::ordered_json::array();
    for (const auto& p : a.params) {
      nlohmann::ordered_json param{{"name", p.name},
                                   {"type", azure::to_string(p.type)},
                                   {"required", p.required},
                                   {"description", p.description}};
      if (!p.resource_type.empty()) {
        param["resourceType"] = p.resource_type;
      }
      if (!p.choices.empty()) {
        param["choices"] = p.choices;
      }
      params.push_back(std::move(param));
    }
    list.add({{"name", a.name},
              {"summary", a.summary},
              {"reversibility", azure::to_string(a.reversibility)},
              {"evidence", a.evidence},
              {"permission", a.permission},
              {"undo", a.undo},
              {"undoZh", a.undo_zh},
              {"params", std::move(params)}});
  }
  list.finish();
  return ExitStatus::success;
}

ExitStatus run_coverage(const PlaybooksOptions& o)
{
  const auto library = load_library_or_throw(o.playbook_dirs);
  struct Row
  {
    std::string type;
    std::string family;
    std::string playbook;
  };
  std::vector<Row> rows;
  std::size_t errors = 0;
  if (o.files.empty()) {
    std::istringstream lines(engine::builtin_alert_types().front().second);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty() || line[0] == '#') {
        continue;
      }
      alert::Alert a;
      a.alert_type = a.base_alert_type = line.substr(0, line.find('\t'));
      const auto m = engine::match_alert(a, library);
      const auto tab = line.find('\t');
      const auto family = tab == std::string::npos
                              ? std::string()
                              : line.substr(tab + 1, line.find('\t', tab + 1) - tab - 1);
      rows.push_back({a.alert_type, family, m.playbook_id()});
    }
  } else {
    std::set<std::string> seen;
    errors = for_each_alert(o.files, {}, [&](alert::Alert& a, bool) {
      if (seen.insert(a.base_alert_type).second) {
        rows.push_back({a.base_alert_type, std::string(alert::to_string(a.family)),
                        engine::match_alert(a, library).playbook_id()});
      }
    });
  }
  Writer writer(stdout);
  ListOutput list(writer, format_of(o), {"ALERT TYPE", "FAMILY", "PLAYBOOK"});
  std::size_t uncovered = 0;
  for (const auto& r : rows) {
    uncovered += r.playbook == "generic" ? 1 : 0;
    if (list.rows()) {
      list.add_row({r.type, r.family, r.playbook});
    } else if (format_of(o) == OutputFormat::text) {
      if (r.playbook == "generic") {
        writer.write("no playbook: " + terminal::sanitize(r.type) + "\n");
      }
    } else {
      list.add({{"alertType", r.type}, {"family", r.family}, {"playbook", r.playbook}});
    }
  }
  list.finish();
  if (format_of(o) == OutputFormat::text) {
    writer.write(std::to_string(rows.size() - uncovered) + " of " + std::to_string(rows.size()) +
                 " alert types have a playbook\n");
  }
  return errors > 0 ? ExitStatus::input_rejected : ExitStatus::success;
}

} // namespace

// `playbooks role` (playbooks_role.cpp).
void add_playbooks_role(CLI::App& playbooks, Invocation& invocation);

void add_playbooks(CLI::App& command, Invocation& invocation)
{
  using F = OutputFormat;
  command.require_subcommand(1);
  // Adds a subcommand with its own options, its -o accepting `formats`.
  const auto add = [&command, &invocation](const char* name, const char* summary,
                                           std::vector<OutputFormat> formats, bool playbooks,
                                           ExitStatus (*run)(const PlaybooksOptions&)) {
    auto o = std::make_shared<PlaybooksOptions>();
    auto* c = command.add_subcommand(name, summary);
    add_output_option(*c, o->output, std::move(formats));
    if (playbooks) {
      add_playbooks_option(*c, o->playbook_dirs);
    }
    c->callback([o, run, &invocation] { invocation.action = [o, run] { return run(*o); }; });
    return std::make_pair(c, o);
  };
  add("list", "List the playbooks in use", {F::text, F::json, F::table, F::tsv}, true, run_list);
  auto [show, show_options] =
      add("show", "Describe a playbook (text), or print it as written (json)", {F::text, F::json},
          true, run_show_playbook);
  show->add_option("ID", show_options->id, "Playbook ID")->required()->type_name("ID");
  show->add_option("--lang", show_options->lang, "Language of the text (default en)")
      ->type_name("en|zh-CN")
      ->envname(k_lang_env);
  auto [validate, validate_options] =
      add("validate", "Check playbook files (default: the built-in ones)", {F::text, F::json}, true,
          run_validate);
  validate->add_option("FILE", validate_options->files, "Playbook files")->type_name("FILE");
  auto [coverage, coverage_options] = add("coverage", "List alert types no playbook matches",
                                          {F::text, F::json, F::table, F::tsv}, true, run_coverage);
  coverage
      ->add_option("ALERTS", coverage_options->files,
                   "Alert files (default: the shipped alert-type list)")
      ->type_name("FILE");
  add("actions",
      "List the action catalogue playbooks call: parameters, reversibility, permission, undo",
      {F::text, F::json, F::table, F::tsv}, false, run_actions);
  add_playbooks_role(command, invocation);
}

} // namespace dftriage::cli
