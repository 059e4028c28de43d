#include "dftriage/alert/reader.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/text.hpp"
#include "json_access.hpp"
#include "json_errors.hpp"
#include "normalise.hpp"

#include <deque>
#include <new>

namespace dftriage::alert {

namespace {

using namespace detail;

static_assert(simdjson::SIMDJSON_PADDING <= DocumentReader::k_padding,
              "the document reader must leave simdjson's padding after each document");

constexpr int k_max_container_depth = 4;

bool is_defender_product(std::string_view product)
{
  return product.empty() || product.find("Security Center") != std::string_view::npos ||
         product.find("Defender for Cloud") != std::string_view::npos ||
         text::iequals(product, "Azure Defender");
}

std::string count_of(std::size_t n, const char* one, const char* many)
{
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

} // namespace

struct AlertReader::Impl
{
  Impl(ByteSource& source, std::string name, ReadOptions opts)
      : reader(source, opts.max_document)
      , source_name(std::move(name))
      , options(opts)
  {
  }

  DocumentReader reader;
  std::string source_name;
  ReadOptions options;
  simdjson::dom::parser parser;
  NestedParsers nested;
  std::string rescued; // a document with its huge numbers quoted, padded
  std::deque<Alert> pending;
  std::vector<Diagnostic>* out = nullptr; // where read() puts diagnostics
  std::uint64_t alert_count = 0;
  bool numbers_as_text = false; // the current document had huge numbers quoted

  // Problems of this input: shown up to options.max_diagnostics, then only counted.
  std::size_t shown = 0;
  std::size_t hidden_syntax = 0;
  std::size_t hidden_other = 0;
  bool summarised = false;

  // The streamed table whose rows are being read.
  std::vector<std::string> columns;
  std::size_t row_number = 0;
  std::string row_text;
  std::string item; // "row N: " while reading the rows of a query result

  void add(Diagnostic d, bool syntax)
  {
    if (options.max_diagnostics == 0 || shown < options.max_diagnostics) {
      ++shown;
      out->push_back(std::move(d));
    } else if (syntax) {
      ++hidden_syntax;
    } else {
      ++hidden_other;
    }
  }

  Diagnostic diagnostic_at(std::uint64_t line, std::uint64_t column, std::string message) const
  {
    Diagnostic d;
    d.source = source_name;
    d.line = line;
    d.column = column;
    d.message = std::move(message);
    return d;
  }

  void not_alert(const Document& doc, std::string message)
  {
    Diagnostic d;
    d.source = source_name;
    d.document = doc.number;
    d.message = item + message;
    add(std::move(d), false);
  }

  void syntax_error(const Document& doc, simdjson::error_code error)
  {
    const auto found = locate_json_error(doc, error, parser.max_depth());
    add(diagnostic_at(found.position.line, found.position.column, found.message), true);
  }

  // The sum of the problems not shown, once, at the end of the input.
  void summarise()
  {
    const std::size_t hidden = hidden_syntax + hidden_other;
    if (summarised || hidden == 0) {
      return;
    }
    summarised = true;
    std::string message = count_of(hidden, "more problem", "more problems") + " not shown (";
    if (hidden_syntax > 0) {
      message += count_of(hidden_syntax, "syntax error", "syntax errors");
      message += hidden_other > 0 ? ", " : "";
    }
    if (hidden_other > 0) {
      message += count_of(hidden_other, "document that is no alert", "documents that are no alert");
    }
    message += "; -v shows all)";
    if (alert_count == 0 && hidden_syntax > 0) {
      message += "; is this a JSON file?";
    }
    Diagnostic d;
    d.source = source_name;
    d.message = std::move(message);
    out->push_back(std::move(d));
  }

  void add_alert(Shape shape, object obj, const Document& doc)
  {
    if (shape == Shape::sentinel) {
      const std::string product = text_ci(obj, "ProductName");
      if (!is_defender_product(product)) {
        not_alert(doc, "not a Defender for Cloud alert (a SecurityAlert row of product " +
                           text::quote(product) + ")");
        return;
      }
    }
    RawAlert raw;
    if (!read_raw(shape, obj, nested, raw)) {
      not_alert(doc, "not a Defender alert (no alertType/AlertType in the " +
                         std::string(to_string(shape)) + " shape)");
      return;
    }
    Alert alert;
    finish(std::move(raw), alert);
    if (auto duplicate = describe_duplicate_key(obj)) {
      alert.warnings.push_back(std::move(*duplicate));
    }
    if (numbers_as_text) {
      alert.warnings.emplace_back("a number too large for a 64-bit value was kept as text");
    }
    alert.source.file = source_name;
    alert.source.index = ++alert_count;
    alert.source.document = doc.number;
    alert.source.line = doc.line;
    alert.source.shape = shape;
    if (options.keep_text) {
      alert.source.text = simdjson::minify(obj);
    }
    pending.push_back(std::move(alert));
  }

  // Reads alerts from a parsed value: an alert, or a container of alerts.
  void expand(element e, const Document& doc, int depth)
  {
    if (depth > k_max_container_depth) {
      not_alert(doc, "not a Defender alert (nested too deeply)");
      return;
    }
    if (e.is_array()) {
      for (const auto element_value : as_array(e)) {
        expand(element_value, doc, depth + 1);
      }
      return;
    }
    if (!e.is_object()) {
      not_alert(doc, "not a Defender alert (no alertType/AlertType)");
      return;
    }
    const object obj = as_object(e);
    if (const auto shape = options.shape ? options.shape : detect_shape(obj)) {
      add_alert(*shape, obj, doc);
      return;
    }
    // REST list, Event Hub capture and Resource Graph envelopes nested deeper than
    // the document reader streams; API-spec examples; Log Analytics query results.
    for (const auto key : {"value", "records", "data"}) {
      if (const auto list = get_exact(obj, key); list && list->is_array()) {
        expand(*list, doc, depth + 1);
        return;
      }
    }
    if (const auto responses = get_exact(obj, "responses"); responses && responses->is_object()) {
      for (const auto status : {"200", "201"}) {
        const auto response = get_exact(as_object(*responses), status);
        if (response && response->is_object()) {
          if (const auto body = get_exact(as_object(*response), "body")) {
            expand(*body, doc, depth + 1);
            return;
          }
        }
      }
    }
    if (const auto tables = get_exact(obj, "tables"); tables && tables->is_array()) {
      for (const auto table : as_array(*tables)) {
        read_table(table, doc);
      }
      return;
    }
    not_alert(doc, "not a Defender alert (no alertType/AlertType)");
  }

  // A Log Analytics table: positional rows under named columns. Its rows are here, or
  // follow as Document::Kind::row documents.
  void read_table(element table, const Document& doc)
  {
    columns.clear();
    row_number = 0;
    if (!table.is_object()) {
      return;
    }
    const auto column_list = get_exact(as_object(table), "columns");
    if (!column_list || !column_list->is_array()) {
      return;
    }
    for (const auto column : as_array(*column_list)) {
      columns.push_back(column.is_object() ? text_ci(as_object(column), "name") : std::string());
    }
    if (const auto rows = get_exact(as_object(table), "rows"); rows && rows->is_array()) {
      for (const auto row : as_array(*rows)) {
        read_row(row, doc);
      }
    }
  }

  void read_row(element row, const Document& doc)
  {
    ++row_number;
    if (!row.is_array()) {
      return;
    }
    // The row as the object it stands for; each row's nested parses start afresh, so
    // memory does not grow with the number of rows.
    row_text = "{";
    std::size_t i = 0;
    for (const auto cell : as_array(row)) {
      if (i < columns.size() && !columns[i].empty()) {
        row_text += row_text.size() > 1 ? "," : "";
        row_text += nlohmann::json(columns[i])
                        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        row_text += ':';
        row_text += simdjson::minify(cell);
      }
      ++i;
    }
    row_text += '}';
    nested.reset();
    if (const auto parsed = nested.parse(row_text)) {
      item = "row " + std::to_string(row_number) + ": ";
      expand(*parsed, doc, k_max_container_depth);
      item.clear();
    }
  }

  void process(const Document& doc)
  {
    nested.reset();
    numbers_as_text = false;
    if (doc.truncated) {
      syntax_error(doc, simdjson::INCOMPLETE_ARRAY_OR_OBJECT);
      return;
    }
    element root;
    auto error = parser.parse(doc.text.data(), doc.text.size(), false).get(root);
    if ((error == simdjson::NUMBER_ERROR || error == simdjson::NUMBER_OUT_OF_RANGE) &&
        quote_huge_numbers(doc.text, rescued)) {
      error =
          parser.parse(rescued.data(), rescued.size() - DocumentReader::k_padding, false).get(root);
      numbers_as_text = error == simdjson::SUCCESS;
    }
    if (error != simdjson::SUCCESS) {
      syntax_error(doc, error);
      // After a bad bare word, the rest of its line is more of the same.
      reader.skip_line();
      return;
    }
    switch (doc.kind) {
    case Document::Kind::value:
      expand(root, doc, 0);
      break;
    case Document::Kind::table:
      read_table(root, doc);
      break;
    case Document::Kind::row:
      read_row(root, doc);
      break;
    }
  }
};

AlertReader::AlertReader(ByteSource& source, std::string source_name, ReadOptions options)
    : m_impl(std::make_unique<Impl>(source, std::move(source_name), options))
{
}

AlertReader::~AlertReader() = default;

ReadEvent AlertReader::read(Alert& out, std::vector<Diagnostic>& diagnostics)
{
  auto& impl = *m_impl;
  impl.out = &diagnostics;
  const std::size_t before = diagnostics.size();
  while (impl.pending.empty()) {
    if (diagnostics.size() > before) {
      return ReadEvent::diagnostics;
    }
    Document doc;
    bool more = false;
    try {
      more = impl.reader.next(doc);
    } catch (const InputError& e) {
      throw InputError(impl.source_name + ": " + e.what());
    } catch (const std::bad_alloc&) {
      throw InputError(impl.source_name + ": not enough memory to read on");
    }
    DocumentReader::Problem problem;
    if (impl.reader.take_problem(problem)) {
      impl.add(impl.diagnostic_at(problem.line, problem.column, problem.message), true);
    }
    if (!more) {
      impl.summarise();
      return diagnostics.size() > before ? ReadEvent::diagnostics : ReadEvent::end;
    }
    try {
      impl.process(doc);
    } catch (const std::bad_alloc&) {
      impl.pending.clear();
      impl.add(impl.diagnostic_at(doc.line, doc.column, "not enough memory to read this document"),
               true);
    }
  }
  out = std::move(impl.pending.front());
  impl.pending.pop_front();
  return ReadEvent::alert;
}

ParseResult parse_alerts(std::string_view text, std::string_view source_name, ReadOptions options)
{
  ParseResult result;
  auto source = make_string_source(std::string(text));
  AlertReader reader(*source, std::string(source_name), options);
  try {
    Alert alert;
    for (;;) {
      const auto event = reader.read(alert, result.diagnostics);
      if (event == ReadEvent::end) {
        break;
      }
      if (event == ReadEvent::alert) {
        result.alerts.push_back(std::move(alert));
      }
    }
  } catch (const InputError& e) {
    Diagnostic d;
    d.source = std::string(source_name);
    d.message = e.what();
    result.diagnostics.push_back(std::move(d));
  }
  return result;
}

} // namespace dftriage::alert
