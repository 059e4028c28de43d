#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::cli {

// text: for people (the default at a terminal); json: one document (the default in a pipe);
// ndjson: one value per line, where results stream; md: Markdown (report); table and tsv:
// a list as aligned columns with a header, or as tab-separated lines without one (as az).
enum class OutputFormat { text, json, ndjson, md, table, tsv };

std::string_view to_string(OutputFormat format);

// Returns the format named `name` when it is one of `allowed`; throws UsageError
// ("unknown output format "x"; expected one of text, json, ndjson") otherwise.
OutputFormat parse_output_format(std::string_view name, const std::vector<OutputFormat>& allowed);

// The format to use when -o is not given: text on a terminal, else `piped`.
OutputFormat default_output_format(std::FILE* stream, OutputFormat piped);

// Returns the format of `-o requested` (one of `allowed`), or when it is empty the
// default for stdout: text on a terminal, else json. Throws UsageError like
// parse_output_format.
OutputFormat choose_output_format(const std::string& requested,
                                  const std::vector<OutputFormat>& allowed);

// A list result as `table` (aligned columns under a header, for people) or `tsv` (one
// line per row, fields separated by tabs, no header, for cut and awk). Fields are made
// safe for a terminal; tabs and line breaks inside a field become spaces.
std::string render_rows(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows, OutputFormat format);

// Buffered writer to a stdio stream; results only (diagnostics go to stderr).
class Writer
{
public:
  explicit Writer(std::FILE* stream)
      : m_stream(stream)
  {
  }
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void write(std::string_view s);
  // Writes what is buffered; throws Error when the stream fails (disk full, ...).
  void flush();

private:
  std::FILE* m_stream;
  std::string m_buffer;
};

// Writes `document` to `stream` as indented JSON and a newline, flushed; throws Error
// when the stream fails. For commands whose result is one JSON document.
void write_json_document(std::FILE* stream, const nlohmann::ordered_json& document);

// Streams JSON values as one JSON array (`json`) or one value per line (`ndjson`),
// so that memory does not grow with the number of values.
class JsonStream
{
public:
  JsonStream(Writer& writer, OutputFormat format)
      : m_writer(writer)
      , m_format(format)
  {
  }
  void add(const nlohmann::ordered_json& value);
  // Closes the array (`json`); writes "[]" when nothing was added.
  void finish();

private:
  Writer& m_writer;
  OutputFormat m_format;
  bool m_first = true;
  std::string m_scratch;
};

// A list result in the format asked for: tsv rows and JSON values are written as they
// come; table rows are kept until finish(), since the widths need them all. Text is the
// caller's own, written to the same Writer.
class ListOutput
{
public:
  ListOutput(Writer& writer, OutputFormat format, std::vector<std::string> columns)
      : m_writer(writer)
      , m_format(format)
      , m_columns(std::move(columns))
      , m_json(writer, format)
  {
  }
  // True for table and tsv: the caller hands rows, not JSON values.
  bool rows() const { return m_format == OutputFormat::table || m_format == OutputFormat::tsv; }
  void add_row(std::vector<std::string> row);
  void add(const nlohmann::ordered_json& value) { m_json.add(value); }
  // Writes the table, or closes the JSON array; nothing for tsv, ndjson and text.
  void finish();

private:
  Writer& m_writer;
  OutputFormat m_format;
  std::vector<std::string> m_columns;
  std::vector<std::vector<std::string>> m_rows;
  JsonStream m_json;
};

} // namespace dftriage::cli
