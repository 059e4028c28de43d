#pragma once

// Internal to src/cli (request_text.cpp): a request body written out for a person, with
// the values known only when the step runs left as named slots and explained.

#include "request_text.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::cli {

// Around a slot's name in BodyWriter's text. JSON written with every non-ASCII and
// control character escaped never holds these bytes, so no body can forge a slot.
inline constexpr char k_slot_open = '\x01';
inline constexpr char k_slot_close = '\x02';

// Writes one body: its "$(pre-image N POINTER)" values filled in from the context's
// pre-image when it has been read, else slots named after what they select
// (TENANT_ID); a "$(generated secret)" is always a slot (GENERATED_SECRET), inside the
// JSON string's quotes.
class BodyWriter
{
public:
  explicit BodyWriter(const CurlContext& context)
      : m_context(context)
  {
  }

  // Returns `body` as compact JSON, or indented over several lines (each further line
  // starting with `indent`) when long and the context asks for it, with slots as
  // k_slot_open NAME k_slot_close. Every non-ASCII character is escaped.
  std::string write(const nlohmann::ordered_json& body, const std::string& indent);

  // Returns lines (each starting with `indent`) saying what each slot of the last
  // write() holds and where it comes from: shell comments when `shell`, else "$NAME: …".
  // "" when there were none.
  std::string explain(std::string_view indent, bool shell = true) const;

private:
  struct Slot
  {
    std::string name;
    std::size_t index = 0; // of the pre-image read
    std::string pointer;
    bool writable = false;
    bool secret = false; // a generated secret, not a pre-image value
  };

  void emit(const nlohmann::ordered_json& node, std::string& out, const std::string& indent,
            int depth, bool pretty);
  std::string slot_for(const nlohmann::ordered_json& node);
  std::string new_name(std::string base);
  std::string source_of(std::size_t index) const;

  const CurlContext& m_context;
  std::vector<Slot> m_slots;
};

} // namespace dftriage::cli
