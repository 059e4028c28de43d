// The document reader's bulk skip (document_parts.hpp): 64 bytes at a time, bit masks
// of the bytes that matter (quotes, backslashes, brackets, line ends) tell which
// brackets are outside strings, so that only those and line ends stop the scan.

#include "document_parts.hpp"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace dftriage::document {

namespace {

constexpr std::size_t k_block = 64;
constexpr unsigned k_no_escape = 2 * k_block; // no byte of the block is escaped

// One bit per byte of a 64-byte block, for a few byte classes.
struct BlockMasks
{
  std::uint64_t quote = 0;
  std::uint64_t backslash = 0;
  std::uint64_t line_end = 0;
  std::uint64_t bracket = 0; // '{', '[', '}' or ']'
};

#if defined(__SSE2__)

std::uint64_t mask_of(__m128i a, __m128i b, __m128i c, __m128i d, __m128i byte)
{
  const auto bits = [byte](__m128i v) {
    return static_cast<std::uint64_t>(
        static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, byte))));
  };
  return bits(a) | bits(b) << 16 | bits(c) << 32 | bits(d) << 48;
}

BlockMasks classify(const char* p)
{
  const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
  const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 32));
  const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 48));
  BlockMasks m;
  m.quote = mask_of(a, b, c, d, _mm_set1_epi8('"'));
  m.backslash = mask_of(a, b, c, d, _mm_set1_epi8('\\'));
  m.line_end = mask_of(a, b, c, d, _mm_set1_epi8('\n'));
  // '[' | 0x20 == '{' and ']' | 0x20 == '}'; no other byte maps onto them.
  const __m128i lower = _mm_set1_epi8(0x20);
  const __m128i la = _mm_or_si128(a, lower);
  const __m128i lb = _mm_or_si128(b, lower);
  const __m128i lc = _mm_or_si128(c, lower);
  const __m128i ld = _mm_or_si128(d, lower);
  m.bracket =
      mask_of(la, lb, lc, ld, _mm_set1_epi8('{')) | mask_of(la, lb, lc, ld, _mm_set1_epi8('}'));
  return m;
}

#else

BlockMasks classify(const char* p)
{
  BlockMasks m;
  for (std::size_t i = 0; i < k_block; ++i) {
    const std::uint64_t bit = std::uint64_t{1} << i;
    switch (p[i]) {
    case '"':
      m.quote |= bit;
      break;
    case '\\':
      m.backslash |= bit;
      break;
    case '\n':
      m.line_end |= bit;
      break;
    case '{':
    case '[':
    case '}':
    case ']':
      m.bracket |= bit;
      break;
    default:
      break;
    }
  }
  return m;
}

#endif

unsigned lowest_bit(std::uint64_t x)
{
  return static_cast<unsigned>(__builtin_ctzll(x));
}

// Each bit becomes the parity of itself and every bit below it: with the bits of the
// quotes that open or close strings, a bit is set inside a string (its opening quote
// included, its closing quote not).
std::uint64_t running_parity(std::uint64_t x)
{
  for (unsigned shift = 1; shift < 64; shift *= 2) {
    x ^= x << shift;
  }
  return x;
}

// Returns the quotes of the block that open or close a string, walking quotes and
// backslashes in order from the string state at the block's start. `escaped` is the
// index of the byte a backslash escapes (k_no_escape when none) and becomes that of
// the last backslash walked (64 when it escapes the next block's first byte).
std::uint64_t real_quotes(std::uint64_t quotes, std::uint64_t backslashes, bool in_string,
                          unsigned& escaped)
{
  std::uint64_t out = 0;
  std::uint64_t events = quotes | backslashes;
  while (events != 0) {
    const unsigned i = lowest_bit(events);
    events &= events - 1;
    if (i == escaped) {
      continue; // an escaped quote or backslash
    }
    if ((quotes >> i & 1) != 0) {
      in_string = !in_string;
      out |= std::uint64_t{1} << i;
    } else if (in_string) {
      escaped = i + 1;
    }
  }
  return out;
}

} // namespace

std::size_t skip_nested(const char* data, std::size_t pos, std::size_t end, bool& in_string,
                        bool& escape)
{
  while (pos < end) {
    const std::size_t n = end - pos < k_block ? end - pos : k_block;
    const std::uint64_t valid = n == k_block ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
    const BlockMasks m = classify(data + pos);
    const std::uint64_t line_ends = m.line_end & valid;
    // Only what comes before the first line end counts: the reader stops there.
    const std::uint64_t before = line_ends != 0 ? (line_ends & (0 - line_ends)) - 1 : valid;
    std::uint64_t quotes = m.quote & before;
    const std::uint64_t backslashes = m.backslash & before;
    unsigned escaped = escape ? 0 : k_no_escape;
    if (backslashes != 0 || escape) {
      quotes = real_quotes(quotes, backslashes, in_string, escaped);
    }
    const std::uint64_t inside = running_parity(quotes) ^ (in_string ? ~std::uint64_t{0} : 0);
    const std::uint64_t stops = (m.bracket & before & ~inside) | line_ends;
    if (stops != 0) {
      const unsigned at = lowest_bit(stops);
      // A bracket outside a string follows no backslash that counts; a line end may.
      in_string = (inside >> at & 1) != 0;
      escape = escaped == at;
      return pos + at;
    }
    in_string = (inside >> (n - 1) & 1) != 0;
    escape = escaped == n;
    pos += n;
  }
  return pos;
}

std::size_t find_string_stop(const char* data, std::size_t pos, std::size_t end)
{
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i line_end = _mm_set1_epi8('\n');
  while (pos < end) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + pos));
    const __m128i hits =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                     _mm_cmpeq_epi8(v, line_end));
    const auto bits = static_cast<unsigned>(_mm_movemask_epi8(hits));
    if (bits != 0) {
      const std::size_t at = pos + static_cast<unsigned>(__builtin_ctz(bits));
      return at < end ? at : end;
    }
    pos += 16;
  }
  return end;
#else
  while (pos < end && data[pos] != '"' && data[pos] != '\\' && data[pos] != '\n') {
    ++pos;
  }
  return pos;
#endif
}

std::size_t skip_string(const char* data, std::size_t pos, std::size_t end, bool& escape)
{
  for (;;) {
    if (escape) {
      if (pos >= end || data[pos] == '\n') {
        return pos < end ? pos : end; // a line end is never escaped
      }
      escape = false;
      ++pos;
    }
    pos = find_string_stop(data, pos, end);
    if (pos >= end || data[pos] != '\\') {
      return pos;
    }
    escape = true;
    ++pos;
  }
}

} // namespace dftriage::document
