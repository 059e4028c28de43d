// Spill files and their records (spill.hpp).

#include "spill.hpp"

#include "dftriage/util/error.hpp"
#include "dftriage/util/signals.hpp"
#include "dftriage/util/text.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <utility>

namespace dftriage::queue::spill {

namespace {

constexpr std::size_t k_spill_write_at = std::size_t{256} * 1024;
constexpr std::size_t k_spill_read_size = std::size_t{128} * 1024;
constexpr std::size_t k_max_varint = 10;

[[noreturn]] void fail_spill(const std::string& what, const std::string& dir, int error)
{
  throw Error("cannot " + what + " in " + text::quote(dir) + ": " + std::strerror(error) +
                  " (triage spills to disk when a queue outgrows its memory budget; set TMPDIR "
                  "to a writable folder with room)",
              ExitStatus::failure);
}

[[noreturn]] void spill_damaged()
{
  throw Error("a spill file of triage was read back damaged", ExitStatus::failure);
}

// Reads a varint from the front of `in`; false when `in` ends first.
bool take_varint(std::string_view& in, std::uint64_t& value)
{
  value = 0;
  for (std::size_t i = 0; i < in.size() && i < k_max_varint; ++i) {
    const auto byte = static_cast<unsigned char>(in[i]);
    value |= std::uint64_t{byte & 0x7fU} << (7 * i);
    if ((byte & 0x80U) == 0) {
      in.remove_prefix(i + 1);
      return true;
    }
  }
  return false;
}

} // namespace

std::string spill_dir(const std::string& configured)
{
  if (!configured.empty()) {
    return configured;
  }
  const char* env = std::getenv("TMPDIR");
  return env != nullptr && *env != '\0' ? std::string(env) : std::string("/tmp");
}

void put_u64(std::string& out, std::uint64_t value)
{
  while (value >= 0x80U) {
    out += static_cast<char>((value & 0x7fU) | 0x80U);
    value >>= 7U;
  }
  out += static_cast<char>(value);
}

void put_i64(std::string& out, std::int64_t value)
{
  // Zig-zag: small magnitudes of either sign stay short.
  const auto u = static_cast<std::uint64_t>(value);
  put_u64(out, (u << 1U) ^ (value < 0 ? ~std::uint64_t{0} : 0));
}

void put_string(std::string& out, std::string_view value)
{
  put_u64(out, value.size());
  out.append(value);
}

std::uint64_t RecordReader::u64()
{
  std::uint64_t value = 0;
  if (!take_varint(m_rest, value)) {
    spill_damaged();
  }
  return value;
}

std::int64_t RecordReader::i64()
{
  const std::uint64_t u = u64();
  return static_cast<std::int64_t>((u >> 1U) ^ ((u & 1U) != 0 ? ~std::uint64_t{0} : 0));
}

std::string RecordReader::string()
{
  std::string out;
  string(out);
  return out;
}

void RecordReader::string(std::string& out)
{
  const std::uint64_t size = u64();
  if (size > m_rest.size()) {
    spill_damaged();
  }
  out.assign(m_rest.substr(0, size));
  m_rest.remove_prefix(size);
}

RunFile::RunFile(SpillPlace& place)
    : m_place(&place)
{
  std::string path = place.dir + "/dftriage-spill-XXXXXX";
  m_fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (m_fd < 0) {
    fail_spill("make a spill file", place.dir, errno);
  }
  // Nothing to remove later: the file goes with its descriptor.
  ::unlink(path.c_str());
  ++place.files;
}

RunFile::~RunFile()
{
  close();
}

RunFile::RunFile(RunFile&& other) noexcept
    : m_place(other.m_place)
    , m_fd(std::exchange(other.m_fd, -1))
    , m_buffer(std::move(other.m_buffer))
    , m_pos(other.m_pos)
{
}

RunFile& RunFile::operator=(RunFile&& other) noexcept
{
  if (this != &other) {
    close();
    m_place = other.m_place;
    m_fd = std::exchange(other.m_fd, -1);
    m_buffer = std::move(other.m_buffer);
    m_pos = other.m_pos;
  }
  return *this;
}

void RunFile::close()
{
  if (m_fd >= 0) {
    ::close(m_fd);
    m_fd = -1;
  }
  m_buffer = {};
  m_pos = 0;
}

void RunFile::append(std::string_view record)
{
  put_u64(m_buffer, record.size());
  m_buffer.append(record);
  if (m_buffer.size() >= k_spill_write_at) {
    write_out();
  }
}

void RunFile::write_out()
{
  std::size_t done = 0;
  while (done < m_buffer.size()) {
    if (signals::interrupted()) {
      throw Interrupted();
    }
    const auto n = ::write(m_fd, m_buffer.data() + done, m_buffer.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      fail_spill("write a spill file", m_place->dir, n < 0 ? errno : ENOSPC);
    }
    done += static_cast<std::size_t>(n);
  }
  m_place->bytes += done;
  m_buffer.clear();
}

void RunFile::rewind()
{
  write_out();
  if (::lseek(m_fd, 0, SEEK_SET) != 0) {
    fail_spill("read a spill file", m_place->dir, errno);
  }
  m_buffer = {}; // the write buffer's room is not needed for reading
  m_pos = 0;
}

bool RunFile::fill(std::size_t wanted)
{
  if (m_buffer.size() - m_pos >= wanted) {
    return true;
  }
  m_buffer.erase(0, m_pos);
  m_pos = 0;
  while (m_buffer.size() < wanted) {
    if (signals::interrupted()) {
      throw Interrupted();
    }
    const std::size_t had = m_buffer.size();
    m_buffer.resize(had + std::max(k_spill_read_size, wanted - had));
    const auto n = ::read(m_fd, m_buffer.data() + had, m_buffer.size() - had);
    m_buffer.resize(had + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      fail_spill("read a spill file", m_place->dir, errno);
    }
    if (n == 0) {
      return false;
    }
  }
  return true;
}

bool RunFile::next(std::string_view& record)
{
  if (m_fd < 0) {
    return false;
  }
  fill(k_max_varint); // fewer at the end of the file
  std::string_view rest(m_buffer);
  rest.remove_prefix(m_pos);
  if (rest.empty()) {
    return false;
  }
  std::uint64_t size = 0;
  if (!take_varint(rest, size)) {
    spill_damaged();
  }
  const std::size_t header = m_buffer.size() - m_pos - rest.size();
  if (!fill(header + size)) {
    spill_damaged();
  }
  record = std::string_view(m_buffer).substr(m_pos + header, size);
  m_pos += header + size;
  return true;
}

} // namespace dftriage::queue::spill
