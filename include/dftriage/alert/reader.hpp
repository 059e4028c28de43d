#pragma once

#include "dftriage/alert/alert.hpp"
#include "dftriage/util/diagnostic.hpp"
#include "dftriage/util/document_reader.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::alert {

struct ReadOptions
{
  std::optional<Shape> shape; // force one shape instead of detecting it per document
  std::size_t max_document = DocumentReader::k_default_max_document;
  // Problems past this many in one input are counted, not returned one by one, and
  // summed up in one diagnostic at its end; 0 returns them all.
  std::size_t max_diagnostics = 20;
  // Keep each alert's JSON object as read (minified) in Alert::source.text, for a case
  // that stores the alerts it was opened for.
  bool keep_text = false;
};

// What AlertReader::read() stopped at.
enum class ReadEvent { alert, diagnostics, end };

// Reads Defender alerts from a stream, one at a time, in any supported shape and
// container (see DocumentReader). Memory stays bounded by the largest document.
// Documents that are not JSON, or JSON but no alert, become Diagnostics naming the
// file, line and column (or document number); reading goes on after them.
// Duplicate keys: the last one wins, as in jq and Python, with a warning on the alert.
// Numbers that no 64-bit type holds are kept as text, with a warning.
class AlertReader
{
public:
  AlertReader(ByteSource& source, std::string source_name, ReadOptions options = {});
  ~AlertReader();
  AlertReader(const AlertReader&) = delete;
  AlertReader& operator=(const AlertReader&) = delete;

  // Reads on until the next alert or the next diagnostics, whichever comes first, so
  // that problems are shown as they are met and nothing piles up: returns
  // ReadEvent::alert with the alert in `out` (and any diagnostics of its document
  // appended to `diagnostics`), ReadEvent::diagnostics with them appended, or
  // ReadEvent::end (after the last diagnostics, such as the sum of those not shown).
  // Throws InputError when the source cannot be read, a document exceeds
  // ReadOptions::max_document or memory runs out (the alerts already returned stand).
  ReadEvent read(Alert& out, std::vector<Diagnostic>& diagnostics);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

struct ParseResult
{
  std::vector<Alert> alerts;
  std::vector<Diagnostic> diagnostics;
};

// Reads every alert in `text`, which came from `source_name` (used in diagnostics
// and Alert::source). Never throws for bad content: problems are diagnostics.
ParseResult parse_alerts(std::string_view text, std::string_view source_name,
                         ReadOptions options = {});

} // namespace dftriage::alert
