#include "dftriage/cli/output.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"

#include <cerrno>
#include <cstring>

namespace dftriage::cli {

namespace {

constexpr std::size_t k_flush_at = 1u << 16;
constexpr std::string_view k_format_names[] = {"text", "json", "ndjson", "md"};

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
