// The alert reader (alert::parse_alerts): every Defender export shape, then what `show`
// and `plan` do with each alert: its JSON form (both writers must agree), the match and
// the plan (not its JSON form, which costs as much as the plan and reads no input).

#include "dftriage/alert/alert.hpp"

#include "common.hpp"
#include "dftriage/azure/cloud.hpp"
#include "dftriage/engine/library.hpp"
#include "dftriage/engine/match.hpp"
#include "dftriage/engine/plan.hpp"
#include "dftriage/util/error.hpp"

namespace {

const dftriage::engine::Library& library()
{
  static const dftriage::engine::Library lib = dftriage::engine::load_library();
  return lib;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  namespace alert = dftriage::alert;
  namespace engine = dftriage::engine;
  alert::ReadOptions options;
  options.max_document = 1u << 16; // a small reader buffer: faster runs
  alert::ParseResult result;
  try {
    result = alert::parse_alerts(fuzz::bytes(data, size), "fuzz.json", options);
  } catch (const dftriage::InputError&) {
    return 0; // a document over max_document
  }
  for (const auto& d : result.diagnostics) {
    (void)d.to_string();
  }
  for (const auto& a : result.alerts) {
    const std::string tree = alert::to_json(a).dump();
    std::string direct;
    alert::append_json(a, direct);
    if (tree != direct) {
      fuzz::fail("append_json differs from to_json().dump()");
    }
    const auto match = engine::match_alert(a, library());
    if (match.playbook != nullptr) {
      (void)engine::build_plan(a, match, *match.playbook, {}, dftriage::azure::public_cloud());
    } else {
      (void)engine::build_plan(a, match, engine::generic_playbook(a), {},
                               dftriage::azure::public_cloud());
    }
  }
  return 0;
}
