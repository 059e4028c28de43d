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
  std::optional<Shape> shape;  // force one shape instead of detecting it per document
  std::size_t max_document = DocumentReader::k_default_max_document;
};

// Reads Defender alerts from a stream, one at a time, in any supported shape and
// container (see DocumentReader). Memory stays bounded by the largest document.
// Documents that are not JSON, or JSON but no alert, become Diagnostics naming the
// file, line and column (or document number); reading goes on after them.
class AlertReader
{
public:
  AlertReader(ByteSource& source, std::string source_name, ReadOptions options = {});
  ~AlertReader();
  AlertReader(const AlertReader&) = delete;
  AlertReader& operator=(const AlertReader&) = delete;

  // Reads the next alert into `out`, appending any diagnostics met on the way to
  // `diagnostics`. Returns false at the end of the input. Throws InputError when the
  // source cannot be read or a document exceeds ReadOptions::max_document (the
  // alerts already returned stand).
  bool next(Alert& out, std::vector<Diagnostic>& diagnostics);

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
