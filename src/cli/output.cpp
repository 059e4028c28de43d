#include "dftriage/cli/output.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace dftriage::cli {

namespace {

constexpr std::size_t k_flush_at = 1u << 16;
constexpr std::string_view k_format_names[] = {"text", "json", "ndjson", "md", "table", "tsv"};

void dump_into(std::string& out, const nlohmann::ordered_json& value, int indent)
{
  // Invalid UTF-8 cannot reach here (the parsers reject it), but never throw on output.
  out += value.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

} // namespace

std::string_view to_string(OutputFormat format)
{
  return k_format_names[static_cast<int>(format)];
}

OutputFormat parse_output_format(std::string_view name, const std::vector<OutputFormat>& allowed)
{
  std::string expected;
  for (const auto format : allowed) {
    if (name == to_string(format)) {
      return format;
    }
    expected += (expected.empty() ? "" : ", ") + std::string(to_string(format));
  }
  throw UsageError("unknown output format " + text::quote(name) + "; expected one of " + expected);
}

OutputFormat default_output_format(std::FILE* stream, OutputFormat piped)
{
  return terminal::is_tty(stream) ? OutputFormat::text : piped;
}

OutputFormat choose_output_format(const std::string& requested,
                                  const std::vector<OutputFormat>& allowed)
{
  return requested.empty() ? default_output_format(stdout, OutputFormat::json)
                           : parse_output_format(requested, allowed);
}

std::string render_rows(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows, OutputFormat format)
{
  const auto field = [](const std::string& value) {
    std::string out = terminal::sanitize(value);
    for (char& c : out) {
      if (c == '\t' || c == '\n' || c == '\r') {
        c = ' ';
      }
    }
    return out;
  };
  std::string out;
  if (format == OutputFormat::tsv) {
    for (const auto& row : rows) {
      for (std::size_t i = 0; i < row.size(); ++i) {
        out += (i == 0 ? "" : "\t") + field(row[i]);
      }
      out += '\n';
    }
    return out;
  }
  std::vector<std::vector<std::string>> cells;
  cells.reserve(rows.size() + 1);
  cells.push_back(header);
  for (const auto& row : rows) {
    auto& line = cells.emplace_back();
    for (const auto& value : row) {
      line.push_back(field(value));
    }
  }
  std::vector<std::size_t> widths(header.size(), 0);
  for (const auto& line : cells) {
    for (std::size_t i = 0; i < line.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], terminal::display_width(line[i]));
    }
  }
  for (std::size_t r = 0; r < cells.size(); ++r) {
    std::string line;
    for (std::size_t i = 0; i < cells[r].size(); ++i) {
      line += cells[r][i];
      if (i + 1 < cells[r].size()) {
        line += std::string(widths[i] - terminal::display_width(cells[r][i]) + 2, ' ');
      }
    }
    out += line + "\n";
    if (r == 0) {
      std::string rule;
      for (std::size_t i = 0; i < widths.size(); ++i) {
        rule += std::string(widths[i], '-') + (i + 1 < widths.size() ? "  " : "");
      }
      out += rule + "\n";
    }
  }
  return out;
}

void ListOutput::add_row(std::vector<std::string> row)
{
  if (m_format == OutputFormat::tsv) {
    m_writer.write(render_rows(m_columns, {std::move(row)}, m_format));
  } else {
    m_rows.push_back(std::move(row));
  }
}

void ListOutput::finish()
{
  if (m_format == OutputFormat::table) {
    m_writer.write(render_rows(m_columns, m_rows, m_format));
  } else if (!rows()) {
    m_json.finish();
  }
}

Writer::~Writer()
{
  if (!m_buffer.empty()) {
    std::fwrite(m_buffer.data(), 1, m_buffer.size(), m_stream);
    std::fflush(m_stream);
  }
}

void Writer::write(std::string_view s)
{
  m_buffer.append(s);
  if (m_buffer.size() >= k_flush_at) {
    flush();
  }
}

void write_json_document(std::FILE* stream, const nlohmann::ordered_json& document)
{
  Writer writer(stream);
  writer.write(document.dump(2));
  writer.write("\n");
  writer.flush();
}

void Writer::flush()
{
  if (!m_buffer.empty() &&
      std::fwrite(m_buffer.data(), 1, m_buffer.size(), m_stream) != m_buffer.size()) {
    m_buffer.clear();
    throw Error(std::string("cannot write output: ") + std::strerror(errno), ExitStatus::failure);
  }
  m_buffer.clear();
  if (std::fflush(m_stream) != 0) {
    throw Error(std::string("cannot write output: ") + std::strerror(errno), ExitStatus::failure);
  }
}

void JsonStream::add(const nlohmann::ordered_json& value)
{
  m_scratch.clear();
  if (m_format == OutputFormat::ndjson) {
    dump_into(m_scratch, value, -1);
    m_scratch += '\n';
    m_writer.write(m_scratch);
    return;
  }
  m_scratch = m_first ? "[\n  " : ",\n  ";
  m_first = false;
  std::string element;
  dump_into(element, value, 2);
  // Indent the element's own lines by one level inside the array.
  for (const char c : element) {
    m_scratch += c;
    if (c == '\n') {
      m_scratch += "  ";
    }
  }
  m_writer.write(m_scratch);
}

void JsonStream::finish()
{
  if (m_format == OutputFormat::json) {
    m_writer.write(m_first ? "[]\n" : "\n]\n");
  }
}

} // namespace dftriage::cli
