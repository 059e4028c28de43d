// A small deterministic random source for the synthetic alert generator.
//
// The standard distributions are implementation-defined, so the generator uses its
// own: the same seed gives the same bytes with any compiler and standard library.

#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::bench {

class Rng
{
public:
  // Starts a stream for alert `index` of the data set generated with `seed`, so that
  // each alert is independent of how many came before it.
  Rng(std::uint64_t seed, std::uint64_t index)
      : m_state(seed * 0x9E3779B97F4A7C15ULL + index * 0xD1B54A32D192ED03ULL + 1)
  {
    next();
  }

  // Returns the next 64 random bits (splitmix64).
  std::uint64_t next()
  {
    m_state += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = m_state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Returns a number in [0, bound); bound must not be 0.
  std::uint64_t below(std::uint64_t bound) { return next() % bound; }

  // Returns a number in [low, high].
  std::uint64_t between(std::uint64_t low, std::uint64_t high)
  {
    return low + below(high - low + 1);
  }

  // Returns true with the given probability in percent.
  bool chance(unsigned percent) { return below(100) < percent; }

  // Returns one element of a non-empty list.
  template <typename T>
  const T& pick(const std::vector<T>& items)
  {
    return items[static_cast<std::size_t>(below(items.size()))];
  }

  // Returns `digits` lower-case hexadecimal digits.
  std::string hex(std::size_t digits)
  {
    static constexpr std::string_view k_hex = "0123456789abcdef";
    std::string out;
    out.reserve(digits);
    for (std::size_t i = 0; i < digits; ++i) {
      out += k_hex[static_cast<std::size_t>(below(16))];
    }
    return out;
  }

  // Returns a random version-4 style GUID in its usual lower-case text form.
  std::string guid()
  {
    // Built step by step: the operands of `+` are evaluated in no fixed order.
    std::string out = hex(8);
    out += "-";
    out += hex(4);
    out += "-4";
    out += hex(3);
    out += "-";
    out += "89ab"[below(4)];
    out += hex(3);
    out += "-";
    out += hex(12);
    return out;
  }

  // Returns `count` decimal digits, the first one not zero.
  std::string decimal(std::size_t count)
  {
    std::string out(1, static_cast<char>('1' + below(9)));
    while (out.size() < count) {
      out += static_cast<char>('0' + below(10));
    }
    return out;
  }

  // Returns a dotted-quad address outside the private, loopback and multicast ranges.
  std::string public_ipv4()
  {
    std::uint64_t first = 0;
    do {
      first = between(11, 223);
    } while (first == 127 || first == 172 || first == 192 || first == 169 || first == 100);
    std::string out = std::to_string(first);
    for (int i = 0; i < 2; ++i) {
      out += "." + std::to_string(below(256));
    }
    return out + "." + std::to_string(between(1, 254));
  }

private:
  std::uint64_t m_state;
};

} // namespace dftriage::bench
