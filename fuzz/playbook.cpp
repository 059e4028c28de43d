// The playbook loader (playbook::load_playbook, what `--playbooks DIR` and `playbooks
// validate` run on a user's file); a playbook it accepts is then planned for an example
// alert (the Key Vault one), as `plan --playbooks` would.

#include "dftriage/playbook/playbook.hpp"

#include "common.hpp"
#include "dftriage/azure/cloud.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/engine/match.hpp"
#include "dftriage/engine/plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  namespace engine = dftriage::engine;
  static const auto actions = engine::action_directory();
  const auto result =
      dftriage::playbook::load_playbook(fuzz::bytes(data, size), "fuzz.json", actions);
  for (const auto& issue : result.issues) {
    (void)issue.to_string();
    (void)issue.to_json().dump();
  }
  if (!result.playbook) {
    return 0;
  }
  engine::MatchResult match;
  match.playbook = &*result.playbook;
  const auto plan = engine::build_plan(fuzz::example_alerts().front(), match, *result.playbook, {},
                                       dftriage::azure::public_cloud());
  (void)plan.to_json(dftriage::playbook::Lang::zh_cn); // guidance text in the other language
  return 0;
}
