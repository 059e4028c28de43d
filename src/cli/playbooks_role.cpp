// `dftriage playbooks role PLAYBOOK… --scope SCOPE… [--read-only] [--name NAME]`: the
// least-privilege custom Azure role the named playbooks' steps need, as
// `az role definition create --role-definition @role.json` takes it.

#include "command.hpp"
#include "dftriage/alert/resource_id.hpp"
#include "dftriage/azure/actions.hpp"
#include "dftriage/cli/output.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "library_options.hpp"
#include "output_option.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>

namespace dftriage::cli {

namespace {

struct RoleOptions
{
  OutputChoice output;
  std::vector<std::string> playbook_dirs;
  std::vector<std::string> ids;
  std::vector<std::string> scopes;
  bool read_only = false;
  std::string name;
};

// Orders and deduplicates permissions without regard to case, as Azure compares them.
struct CaselessLess
{
  bool operator()(const std::string& a, const std::string& b) const
  {
    return text::to_lower(a) < text::to_lower(b);
  }
};
using PermissionSet = std::set<std::string, CaselessLess>;

// The permissions of one plane: what reads need, and what changes add to them.
struct PlanePermissions
{
  PermissionSet reads;
  PermissionSet changes;

  std::vector<std::string> all(bool read_only) const
  {
    PermissionSet out = reads;
    if (!read_only) {
      out.insert(changes.begin(), changes.end());
    }
    return {out.begin(), out.end()};
  }
};

// What the named playbooks' steps can need, and what no role can name ahead of time.
struct RoleNeeds
{
  PlanePermissions actions;
  PlanePermissions data_actions;
  PlanePermissions graph;
  std::vector<std::string> unresolved; // one sentence each
};

// Data actions are Azure RBAC's: a vault in the access-policy model ignores them.
constexpr const char* k_access_policy_caveat =
    "the data actions count only on key vaults that use Azure RBAC; on a vault that uses access "
    "policies the principal needs an access-policy entry instead";

// True when `need` serves a read: a pre-image, or a read-only action's own requests (an
// inspection executes code on a VM, so it is no read).
bool serves_a_read(const azure::ActionSpec& spec, const azure::NeededPermission& need)
{
  return need.use == azure::NeededPermission::Use::pre_image ||
         (need.use == azure::NeededPermission::Use::action &&
          spec.reversibility == azure::Reversibility::read_only);
}

// Returns `need`'s permission with its resource type filled in from a step argument the
// playbook gives literally, or "" when the type is known only at run time (then `where`
// says which argument decides it).
std::string resolve_need(const azure::NeededPermission& need, const azure::ActionSpec& spec,
                         const playbook::ActionCall& call, std::string& where)
{
  if (need.permission.find(azure::k_resource_type_placeholder) == std::string::npos) {
    return need.permission;
  }
  for (const auto& param : spec.params) {
    if (param.type != azure::ParamType::resource_id) {
      continue;
    }
    for (const auto& [name, value] : call.params) {
      if (name != param.name) {
        continue;
      }
      if (value.reference.empty() && value.items.empty() && value.literal.is_string()) {
        if (const auto id = alert::parse_resource_id(value.literal.get<std::string>())) {
          return azure::with_resource_type(need.permission, *id);
        }
      }
      where = value.reference.empty() ? "its " + name + " argument" : "{{" + value.reference + "}}";
    }
  }
  if (where.empty()) {
    where = "its arguments";
  }
  return {};
}

RoleNeeds needs_of(const std::vector<const playbook::Playbook*>& playbooks, bool read_only)
{
  RoleNeeds out;
  for (const auto* p : playbooks) {
    for (const auto phase : playbook::k_phases) {
      for (const auto& step : p->steps(phase)) {
        if (!step.action) {
          continue;
        }
        const auto* spec = azure::find_action(step.action->name);
        if (spec == nullptr) {
          throw InputError(p->source + ": step " + std::string(playbook::to_string(phase)) + "/" +
                           step.id + ": unknown action " + text::quote(step.action->name));
        }
        std::vector<std::string> unresolved_here;
        std::string where;
        for (const auto& need : spec->needs) {
          const bool read = serves_a_read(*spec, need);
          if (read_only && !read) {
            continue;
          }
          const std::string permission = resolve_need(need, *spec, *step.action, where);
          if (permission.empty()) {
            unresolved_here.push_back(need.permission);
            continue;
          }
          auto& plane = need.plane == azure::PermissionPlane::graph  ? out.graph
                        : need.plane == azure::PermissionPlane::data ? out.data_actions
                                                                     : out.actions;
          (read ? plane.reads : plane.changes).insert(permission);
        }
        if (!unresolved_here.empty()) {
          out.unresolved.push_back(p->id + " step " + std::string(playbook::to_string(phase)) +
                                   "/" + step.id + " (" + spec->name + ") needs " +
                                   text::join(unresolved_here, " and ") +
                                   " for the type of the resource " + where +
                                   " names when it runs: add them for each type it may act on");
        }
      }
    }
  }
  for (auto* plane : {&out.actions, &out.data_actions, &out.graph}) {
    for (const auto& p : plane->reads) {
      plane->changes.erase(p);
    }
  }
  return out;
}

// Returns the playbooks `ids` name, each once; throws UsageError for `generic` (it calls no
// actions) and for an unknown ID.
std::vector<const playbook::Playbook*> named_playbooks(const engine::Library& library,
                                                       const std::vector<std::string>& ids)
{
  std::vector<std::string> known;
  for (const auto& p : library.playbooks) {
    known.push_back(p.id);
  }
  std::vector<const playbook::Playbook*> out;
  for (const auto& id : ids) {
    const auto* p = library.find(id);
    if (p == nullptr && id == "generic") {
      throw UsageError("the generic playbook calls no actions (its steps are each alert's own "
                       "remediation text), so no role can be made for it; name one of " +
                       text::join(known));
    }
    if (p == nullptr) {
      throw UsageError("no playbook " + text::quote(id) + text::did_you_mean(id, known));
    }
    if (std::find(out.begin(), out.end(), p) == out.end()) {
      out.push_back(p);
    }
  }
  return out;
}

nlohmann::ordered_json role_definition(const RoleOptions& o, const RoleNeeds& needs,
                                       const std::vector<std::string>& ids)
{
  const std::string names = text::join(ids);
  const std::string name = !o.name.empty() ? o.name
                                           : std::string(o.read_only ? "dftriage investigator ("
                                                                     : "dftriage responder (") +
                                                 names + ")";
  const std::string description =
      o.read_only ? "What the reads of dftriage's playbooks " + names +
                        " need, changing nothing (made by dftriage playbooks role --read-only)"
                  : "What dftriage's playbooks " + names +
                        " can do: every step's requests, the reads before each change and "
                        "its undo (made by dftriage playbooks role)";
  return nlohmann::ordered_json{{"Name", name},
                                {"IsCustom", true},
                                {"Description", description},
                                {"Actions", needs.actions.all(o.read_only)},
                                {"NotActions", nlohmann::ordered_json::array()},
                                {"DataActions", needs.data_actions.all(o.read_only)},
                                {"NotDataActions", nlohmann::ordered_json::array()},
                                {"AssignableScopes", o.scopes}};
}

std::string graph_line(const RoleNeeds& needs, bool read_only)
{
  std::string out = "reads: " + (needs.graph.reads.empty()
                                     ? std::string("none")
                                     : text::join(std::vector<std::string>(
                                           needs.graph.reads.begin(), needs.graph.reads.end())));
  if (!read_only) {
    out += "; changes: " + (needs.graph.changes.empty()
                                ? std::string("none")
                                : text::join(std::vector<std::string>(needs.graph.changes.begin(),
                                                                      needs.graph.changes.end())));
  }
  return out;
}

void write_list(Writer& w, const char* title, const PermissionSet& items)
{
  w.write(std::string("  ") + title + (items.empty() ? ": none\n" : ":\n"));
  for (const auto& item : items) {
    w.write("    " + item + "\n");
  }
}

void write_text(const RoleOptions& o, const RoleNeeds& needs, const nlohmann::ordered_json& role)
{
  Writer w(stdout);
  w.write("Custom role " + terminal::sanitize(text::quote(role["Name"].get<std::string>())) +
          ", assignable at " + terminal::sanitize(text::join(o.scopes)) + "\n\n");
  w.write(o.read_only ? "What reads need (all the role holds):\n"
                      : "What reads need (the investigator's role: --read-only):\n");
  write_list(w, "Actions", needs.actions.reads);
  write_list(w, "DataActions", needs.data_actions.reads);
  if (!o.read_only) {
    w.write("\nWhat changes and their undo add:\n");
    write_list(w, "Actions", needs.actions.changes);
    write_list(w, "DataActions", needs.data_actions.changes);
  }
  if (!needs.data_actions.reads.empty() || !needs.data_actions.changes.empty()) {
    w.write(std::string("\n") + k_access_policy_caveat + "\n");
  }
  w.write("\nMicrosoft Graph permissions (no Azure role holds them: grant them in Entra ID):\n  " +
          graph_line(needs, o.read_only) + "\n");
  for (const auto& line : needs.unresolved) {
    w.write("\nNot in the role: " + terminal::sanitize(line) + "\n");
  }
  w.write("\nCreate it with -o json > role.json, then: az role definition create "
          "--role-definition @role.json\n");
  w.flush();
}

// The JSON mode's stdout is the role definition alone, as az takes it (az reads only its
// own members and a wrapper would hide them): what it cannot hold goes to stderr.
void write_notes(const RoleOptions& o, const RoleNeeds& needs)
{
  const auto note = [](const std::string& s) {
    std::fprintf(stderr, "dftriage: note: %s\n", terminal::sanitize(s).c_str());
  };
  if (!needs.graph.reads.empty() || !needs.graph.changes.empty()) {
    note("the steps also need Microsoft Graph permissions, which no Azure role holds (grant "
         "them in Entra ID): " +
         graph_line(needs, o.read_only));
  }
  if (!needs.data_actions.reads.empty() || !needs.data_actions.changes.empty()) {
    note(k_access_policy_caveat);
  }
  if (!o.read_only) {
    note("reads alone need " + std::to_string(needs.actions.reads.size()) + " actions and " +
         std::to_string(needs.data_actions.reads.size()) +
         " data actions of these (--read-only prints that role; -o text lists both parts)");
  }
  for (const auto& line : needs.unresolved) {
    note("not in the role: " + line);
  }
}

ExitStatus run_role(const RoleOptions& o, bool quiet)
{
  const auto format = o.output.resolve();
  if (o.scopes.empty()) {
    throw UsageError("a custom role needs an assignable scope: give --scope "
                     "/subscriptions/<id> (or a resource group's or management group's ID)");
  }
  for (const auto& scope : o.scopes) {
    if (scope.empty() || scope.front() != '/') {
      throw UsageError("--scope: expected a scope such as /subscriptions/<id>, got " +
                       text::quote(scope));
    }
  }
  if (o.name.find_first_not_of(" \t") == std::string::npos && !o.name.empty()) {
    throw UsageError("--name: expected a role name, got " + text::quote(o.name));
  }
  const auto library = load_library_or_throw(o.playbook_dirs);
  const auto playbooks = named_playbooks(library, o.ids);
  std::vector<std::string> ids;
  ids.reserve(playbooks.size());
  for (const auto* p : playbooks) {
    ids.push_back(p->id);
  }
  const auto needs = needs_of(playbooks, o.read_only);
  const auto role = role_definition(o, needs, ids);
  if (format == OutputFormat::text) {
    write_text(o, needs, role);
    return ExitStatus::success;
  }
  write_json_document(stdout, role);
  if (!quiet) {
    write_notes(o, needs);
  }
  return ExitStatus::success;
}

} // namespace

void add_playbooks_role(CLI::App& playbooks, Invocation& invocation)
{
  auto o = std::make_shared<RoleOptions>();
  auto* c = playbooks.add_subcommand(
      "role", "Print the least-privilege custom Azure role the named playbooks' steps need "
              "(az role definition create --role-definition @file)");
  add_output_option(*c, o->output, {OutputFormat::json, OutputFormat::text});
  add_playbooks_option(*c, o->playbook_dirs);
  c->add_option("PLAYBOOK", o->ids, "Playbook IDs (as playbooks list names them)")
      ->required()
      ->type_name("ID");
  c->add_option("--scope", o->scopes,
                "Where the role may be assigned (repeatable; required), e.g. /subscriptions/<id>")
      ->type_name("SCOPE");
  c->add_flag("--read-only", o->read_only,
              "Only what read-only steps and the reads before changes need (an investigator)");
  c->add_option("--name", o->name,
                "The role's name (default: dftriage responder (IDs), or investigator)")
      ->type_name("NAME");
  c->callback([o, &invocation] {
    invocation.action = [o, &invocation] { return run_role(*o, invocation.global.quiet); };
  });
}

} // namespace dftriage::cli
