// `dftriage playbooks list | show ID | validate [FILE…] | coverage [ALERTS…] | actions`.

#include "command.hpp"
#include "dftriage/azure/actions.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/engine/match.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "inputs.hpp"
#include "library_options.hpp"

#include <set>
#include <sstream>

namespace dftriage::cli {

namespace {

struct PlaybooksOptions
{
  std::string output;
  std::vector<std::string> playbook_dirs;
  std::string id;
  std::vector<std::string> files;
};

OutputFormat format_of(const PlaybooksOptions& o)
{
  return choose_output_format(o.output, {OutputFormat::text, OutputFormat::json});
}

ExitStatus run_list(const PlaybooksOptions& o)
{
  const auto library = load_library_or_throw(o.playbook_dirs);
  Writer writer(stdout);
  JsonStream json(writer, format_of(o));
  for (const auto& p : library.playbooks) {
    std::string patterns;
    for (const auto& t : p.match.alert_types) {
      patterns += (patterns.empty() ? "" : " ") + t;
    }
    if (format_of(o) == OutputFormat::text) {
      writer.write(p.id + "  " + p.version + "  " + terminal::sanitize(p.title.en) + "  [" +
                   patterns + "]\n");
    } else {
      json.add({{"id", p.id},
                {"version", p.version},
                {"title", p.title.en},
                {"lastReviewed", p.last_reviewed},
                {"alertTypes", p.match.alert_types},
                {"source", p.source}});
    }
  }
  json.finish();
  return ExitStatus::success;
}

ExitStatus run_show_playbook(const PlaybooksOptions& o)
{
  for (const auto& [name, text] : engine::builtin_playbooks()) {
    const auto doc = nlohmann::ordered_json::parse(text, nullptr, false);
    if (!doc.is_discarded() && doc.value("id", "") == o.id) {
      std::fwrite(text.data(), 1, text.size(), stdout);
      return ExitStatus::success;
    }
  }
  const auto library = load_library_or_throw(o.playbook_dirs);
  if (const auto* p = library.find(o.id)) {
    std::printf("%s (%s), from %s\n", p->id.c_str(), p->version.c_str(),
                terminal::sanitize(p->source).c_str());
    return ExitStatus::success;
  }
  std::vector<std::string> ids;
  for (const auto& p : library.playbooks) {
    ids.push_back(p.id);
  }
  throw UsageError("no playbook " + text::quote(o.id) + text::did_you_mean(o.id, ids));
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
  JsonStream json(writer, format_of(o));
  for (const auto& a : azure::action_catalogue()) {
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
    json.add({{"name", a.name},
              {"summary", a.summary},
              {"reversibility", azure::to_string(a.reversibility)},
              {"evidence", a.evidence},
              {"permission", a.permission},
              {"undo", a.undo},
              {"undoZh", a.undo_zh},
              {"params", std::move(params)}});
  }
  json.finish();
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
      rows.push_back({a.alert_type, "", m.playbook_id()});
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
  JsonStream json(writer, format_of(o));
  std::size_t uncovered = 0;
  for (const auto& r : rows) {
    uncovered += r.playbook == "generic" ? 1 : 0;
    if (format_of(o) == OutputFormat::text) {
      if (r.playbook == "generic") {
        writer.write("no playbook: " + terminal::sanitize(r.type) + "\n");
      }
    } else {
      json.add({{"alertType", r.type}, {"playbook", r.playbook}});
    }
  }
  json.finish();
  if (format_of(o) == OutputFormat::text) {
    writer.write(std::to_string(rows.size() - uncovered) + " of " + std::to_string(rows.size()) +
                 " alert types have a playbook\n");
  }
  return errors > 0 ? ExitStatus::input_rejected : ExitStatus::success;
}

} // namespace

void add_playbooks(CLI::App& app, Invocation& invocation)
{
  auto o = std::make_shared<PlaybooksOptions>();
  auto* sub =
      app.add_subcommand("playbooks", "List, show, validate playbooks and check their coverage");
  sub->require_subcommand(1);
  auto common = [o](CLI::App* c) {
    c->add_option("-o,--output", o->output, "Output format: text, json");
    c->add_option("--playbooks", o->playbook_dirs, "Also load the playbooks of this directory");
  };
  auto* list = sub->add_subcommand("list", "List the playbooks in use");
  common(list);
  list->callback([o, &invocation] { invocation.action = [o] { return run_list(*o); }; });
  auto* show = sub->add_subcommand("show", "Print a playbook");
  common(show);
  show->add_option("ID", o->id, "Playbook id")->required();
  show->callback([o, &invocation] { invocation.action = [o] { return run_show_playbook(*o); }; });
  auto* validate =
      sub->add_subcommand("validate", "Check playbook files (default: the built-in ones)");
  common(validate);
  validate->add_option("FILE", o->files, "Playbook files");
  validate->callback([o, &invocation] { invocation.action = [o] { return run_validate(*o); }; });
  auto* coverage = sub->add_subcommand("coverage", "List alert types no playbook matches");
  common(coverage);
  coverage->add_option("ALERTS", o->files, "Alert files (default: the shipped alert-type list)");
  coverage->callback([o, &invocation] { invocation.action = [o] { return run_coverage(*o); }; });
  auto* actions =
      sub->add_subcommand("actions", "List the action catalogue playbooks call: parameters, "
                                     "reversibility, permission, undo");
  actions->add_option("-o,--output", o->output, "Output format: text, json");
  actions->callback([o, &invocation] { invocation.action = [o] { return run_actions(*o); }; });
}

} // namespace dftriage::cli
