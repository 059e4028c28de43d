// The multi-document reader (src/util/document_reader.cpp): NDJSON, concatenated JSON,
// arrays and REST envelopes. The input is cut twice, read whole and handed out a few
// bytes at a time; both must give the same documents and problems.

#include "common.hpp"
#include "dftriage/util/error.hpp"

#include <nlohmann/json.hpp>

namespace {

struct Cut
{
  std::vector<std::string> lines; // "line:column:truncated:text" or "problem line:column: message"
  bool threw = false;
};

Cut cut(std::string_view text, std::size_t chunk, std::size_t max_document)
{
  fuzz::ChunkedSource source(text, chunk);
  dftriage::DocumentReader reader(source, max_document);
  Cut out;
  dftriage::Document doc;
  dftriage::DocumentReader::Problem problem;
  try {
    for (;;) {
      const bool more = reader.next(doc);
      if (reader.take_problem(problem)) {
        out.lines.push_back("problem " + std::to_string(problem.line) + ":" +
                            std::to_string(problem.column) + ": " + problem.message);
      }
      if (!more) {
        break;
      }
      // The reader promises k_padding readable bytes after every document.
      volatile char sink = 0;
      for (std::size_t i = 0; i < dftriage::DocumentReader::k_padding; ++i) {
        sink = sink ^ doc.text.data()[doc.text.size() + i];
      }
      const auto middle = dftriage::position_in(doc, doc.text.size() / 2);
      out.lines.push_back(std::to_string(doc.line) + ":" + std::to_string(doc.column) + ":" +
                          std::to_string(middle.line) + ":" + std::to_string(middle.column) + ":" +
                          (doc.truncated ? "t:" : "-:") + std::string(doc.text));
      // What the alert reader does after a document it cannot parse.
      if (!nlohmann::json::accept(doc.text)) {
        reader.skip_line();
      }
    }
  } catch (const dftriage::InputError&) {
    out.threw = true;
  }
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const auto text = fuzz::bytes(data, size);
  // A small document limit (256 B to 32 KiB, from the first byte) keeps the reader's
  // buffer small, so runs are fast, and reaches the limit's error path.
  const std::size_t max_document = std::size_t{1} << (8 + (size == 0 ? 0 : data[0] % 8));
  const std::size_t chunk = size == 0 ? 1 : 1 + data[size - 1] % 7;
  const Cut whole = cut(text, size + 1, max_document);
  const Cut pieces = cut(text, chunk, max_document);
  if (whole.threw != pieces.threw || whole.lines != pieces.lines) {
    fuzz::fail("the documents depend on how the input was split into reads");
  }
  return 0;
}
