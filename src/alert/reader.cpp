#include "dftriage/alert/reader.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/text.hpp"
#include "json_access.hpp"
#include "normalise.hpp"

#include <deque>

namespace dftriage::alert {

namespace {

using namespace detail;

static_assert(simdjson::SIMDJSON_PADDING <= DocumentReader::k_padding,
              "the document reader must leave simdjson's padding after each document");

constexpr int k_max_container_depth = 4;
// A file that is not JSON at all (Markdown, CSV) would otherwise give one error per word.
constexpr std::size_t k_max_syntax_errors = 20;

// Records the first syntax error nlohmann's parser meets, without building a DOM.
struct ErrorFinder : nlohmann::json_sax<nlohmann::json>
{
  std::size_t position = 0;
  std::string message;
  bool failed = false;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t pos, const std::string&,
                   const nlohmann::detail::exception& e) override
  {
    position = pos;
    message = e.what();
    failed = true;
    return false;
  }
};

// Turns nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 9:
// syntax error while parsing object - unexpected '}'; expected string literal" into
// "syntax error while parsing object: unexpected '}'; expected string literal".
// The "last read" excerpt is dropped: it repeats input bytes, which may be hostile.
std::string describe_parse_error(std::string what)
{
  const std::size_t colon = what.find(": ", what.find("parse error"));
  if (colon != std::string::npos) {
    what.erase(0, colon + 2);
  }
  const std::size_t dash = what.find(" - ");
  if (dash != std::string::npos) {
    what.replace(dash, 3, ": ");
  }
  const std::size_t last_read = what.find("; last read: '");
  if (last_read != std::string::npos) {
    const std::size_t end = what.find("'; ", last_read + 14);
    what.erase(last_read, end == std::string::npos ? std::string::npos : end + 1 - last_read);
  }
  return what;
}

bool is_word_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
         || c == '+' || c == '-' || c == '_';
}

bool is_defender_product(std::string_view product)
{
  return product.empty() || product.find("Security Center") != std::string_view::npos
         || product.find("Defender for Cloud") != std::string_view::npos
         || text::iequals(product, "Azure Defender");
}

} // namespace

struct AlertReader::Impl
{
  Impl(ByteSource& source, std::string name, ReadOptions opts)
    : reader(source, opts.max_document),
      source_name(std::move(name)),
      options(opts)
  {
  }

  DocumentReader reader;
  std::string source_name;
  ReadOptions options;
  simdjson::dom::parser parser;
  NestedParsers nested;
  std::deque<Alert> pending;
  std::uint64_t alert_count = 0;
  std::size_t syntax_errors = 0;
  std::string item;  // "row N: " while reading the rows of a query result

  Diagnostic diagnostic_at(std::uint64_t line, std::uint64_t column, std::string message) const
  {
    Diagnostic d;
    d.source = source_name;
    d.line = line;
    d.column = column;
    d.message = std::move(message);
    return d;
  }

  Diagnostic diagnostic_for(const Document& doc, std::string message) const
  {
    Diagnostic d;
    d.source = source_name;
    d.document = doc.number;
    d.message = item + message;
    return d;
  }

  Diagnostic syntax_error(const Document& doc, std::string_view fallback)
  {
    if (++syntax_errors == k_max_syntax_errors) {
      throw InputError(source_name + ": too many syntax errors (" + std::to_string(k_max_syntax_errors)
                       + "); is this a JSON file?");
    }
    ErrorFinder finder;
    nlohmann::json::sax_parse(doc.text, &finder);
    if (!finder.failed) {
      return diagnostic_at(doc.line, doc.column, "invalid JSON: " + std::string(fallback));
    }
    // `position` counts the bytes read, the offending one included. A bad bare word
    // ("tru}", "0x") is reported where the word starts.
    std::size_t offset = std::min(finder.position > 0 ? finder.position - 1 : 0, doc.text.size());
    const bool word = finder.message.find("invalid literal") != std::string::npos
                      || finder.message.find("invalid number") != std::string::npos;
    while (word && offset > 0 && is_word_char(doc.text[offset - 1])) {
      --offset;
    }
    const auto pos = position_in(doc, offset);
    return diagnostic_at(pos.line, pos.column, describe_parse_error(finder.message));
  }

  void add_alert(Shape shape, object obj, const Document& doc, std::vector<Diagnostic>& diagnostics)
  {
    if (shape == Shape::sentinel) {
      const std::string product = text_ci(obj, "ProductName");
      if (!is_defender_product(product)) {
        diagnostics.push_back(diagnostic_for(
          doc, "not a Defender for Cloud alert (a SecurityAlert row of product "
                 + text::quote(product) + ")"));
        return;
      }
    }
    RawAlert raw;
    if (!read_raw(shape, obj, nested, raw)) {
      diagnostics.push_back(diagnostic_for(
        doc, "not a Defender alert (no alertType/AlertType in the " + std::string(to_string(shape))
               + " shape)"));
      return;
    }
    Alert alert;
    finish(std::move(raw), alert);
    alert.source.file = source_name;
    alert.source.index = ++alert_count;
    alert.source.document = doc.number;
    alert.source.line = doc.line;
    alert.source.shape = shape;
    pending.push_back(std::move(alert));
  }

  // Reads alerts from a parsed value: an alert, or a container of alerts.
  void expand(element e, const Document& doc, int depth, std::vector<Diagnostic>& diagnostics)
  {
    if (depth > k_max_container_depth) {
      diagnostics.push_back(diagnostic_for(doc, "not a Defender alert (nested too deeply)"));
      return;
    }
    if (e.is_array()) {
      for (const auto element_value : as_array(e)) {
        expand(element_value, doc, depth + 1, diagnostics);
      }
      return;
    }
    if (!e.is_object()) {
      diagnostics.push_back(diagnostic_for(doc, "not a Defender alert (no alertType/AlertType)"));
      return;
    }
    const object obj = as_object(e);
    if (const auto shape = options.shape ? options.shape : detect_shape(obj)) {
      add_alert(*shape, obj, doc, diagnostics);
      return;
    }
    // REST list, Event Hub capture and Resource Graph envelopes nested deeper than
    // the document reader streams; API-spec examples; Log Analytics query results.
    for (const auto key : {"value", "records", "data"}) {
      if (const auto list = get_exact(obj, key); list && list->is_array()) {
        expand(*list, doc, depth + 1, diagnostics);
        return;
      }
    }
    if (const auto responses = get_exact(obj, "responses"); responses && responses->is_object()) {
      for (const auto status : {"200", "201"}) {
        const auto response = get_exact(as_object(*responses), status);
        if (response && response->is_object()) {
          if (const auto body = get_exact(as_object(*response), "body")) {
            expand(*body, doc, depth + 1, diagnostics);
            return;
          }
        }
      }
    }
    if (const auto tables = get_exact(obj, "tables"); tables && tables->is_array()) {
      expand_tables(as_array(*tables), doc, diagnostics);
      return;
    }
    diagnostics.push_back(diagnostic_for(doc, "not a Defender alert (no alertType/AlertType)"));
  }

  // Log Analytics query results: positional rows under named columns.
  void expand_tables(simdjson::dom::array tables, const Document& doc,
                     std::vector<Diagnostic>& diagnostics)
  {
    for (const auto table : tables) {
      if (!table.is_object()) {
        continue;
      }
      const auto columns = get_exact(as_object(table), "columns");
      const auto rows = get_exact(as_object(table), "rows");
      if (!columns || !rows || !columns->is_array() || !rows->is_array()) {
        continue;
      }
      std::vector<std::string> names;
      for (const auto column : as_array(*columns)) {
        names.push_back(column.is_object() ? text_ci(as_object(column), "name")
                                           : std::string());
      }
      std::size_t row_number = 0;
      for (const auto row : as_array(*rows)) {
        ++row_number;
        if (!row.is_array()) {
          continue;
        }
        nlohmann::json object = nlohmann::json::object();
        std::size_t i = 0;
        for (const auto cell : as_array(row)) {
          if (i < names.size() && !names[i].empty()) {
            object[names[i]] = to_nlohmann(cell);
          }
          ++i;
        }
        if (const auto parsed = nested.parse(object.dump())) {
          item = "row " + std::to_string(row_number) + ": ";
          expand(*parsed, doc, k_max_container_depth, diagnostics);
          item.clear();
        }
      }
    }
  }

  void process(const Document& doc, std::vector<Diagnostic>& diagnostics)
  {
    nested.reset();
    element root;
    if (doc.truncated) {
      diagnostics.push_back(syntax_error(doc, "unexpected end of input"));
      return;
    }
    const auto error = parser.parse(doc.text.data(), doc.text.size(), false).get(root);
    if (error != simdjson::SUCCESS) {
      diagnostics.push_back(syntax_error(doc, simdjson::error_message(error)));
      // After a bad bare word, the rest of its line is more of the same.
      reader.skip_line();
      return;
    }
    expand(root, doc, 0, diagnostics);
  }
};

AlertReader::AlertReader(ByteSource& source, std::string source_name, ReadOptions options)
  : m_impl(std::make_unique<Impl>(source, std::move(source_name), options))
{
}

AlertReader::~AlertReader() = default;

bool AlertReader::next(Alert& out, std::vector<Diagnostic>& diagnostics)
{
  auto& impl = *m_impl;
  while (impl.pending.empty()) {
    Document doc;
    bool more = false;
    try {
      more = impl.reader.next(doc);
    } catch (const InputError& e) {
      throw InputError(impl.source_name + ": " + e.what());
    }
    DocumentReader::Problem problem;
    if (impl.reader.take_problem(problem)) {
      diagnostics.push_back(impl.diagnostic_at(problem.line, problem.column, problem.message));
    }
    if (!more) {
      return false;
    }
    impl.process(doc, diagnostics);
  }
  out = std::move(impl.pending.front());
  impl.pending.pop_front();
  return true;
}

ParseResult parse_alerts(std::string_view text, std::string_view source_name, ReadOptions options)
{
  ParseResult result;
  auto source = make_string_source(std::string(text));
  AlertReader reader(*source, std::string(source_name), options);
  try {
    Alert alert;
    while (reader.next(alert, result.diagnostics)) {
      result.alerts.push_back(std::move(alert));
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
