#pragma once

// Shared by the libFuzzer targets of fuzz/: a byte source that hands input out in
// small pieces, and the example alerts (examples/alerts) for the targets that plan.

#include "dftriage/alert/reader.hpp"
#include "dftriage/util/document_reader.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

inline std::string_view bytes(const std::uint8_t* data, std::size_t size)
{
  return {reinterpret_cast<const char*>(data), size};
}

// Hands out at most `chunk` bytes per read, so that a reader's buffer edges fall
// inside tokens, strings and line ends.
class ChunkedSource : public dftriage::ByteSource
{
public:
  ChunkedSource(std::string_view text, std::size_t chunk)
      : m_text(text)
      , m_chunk(std::max<std::size_t>(chunk, 1))
  {
  }
  std::size_t read(char* buffer, std::size_t size) override
  {
    const std::size_t n = std::min({size, m_chunk, m_text.size() - m_offset});
    std::memcpy(buffer, m_text.data() + m_offset, n);
    m_offset += n;
    return n;
  }

private:
  std::string_view m_text;
  std::size_t m_chunk;
  std::size_t m_offset = 0;
};

// Stops the run: libFuzzer reports it as a crash and saves the input.
[[noreturn]] inline void fail(const char* what)
{
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

// The alerts of examples/alerts, read once (the targets that build plans use them).
inline const std::vector<dftriage::alert::Alert>& example_alerts()
{
  static const std::vector<dftriage::alert::Alert> alerts = [] {
    std::vector<dftriage::alert::Alert> out;
    for (const char* name :
         {"keyvault-tor.json", "dns-darkweb.json", "arm-microburst-export.json"}) {
      const std::string path = std::string(DFTRIAGE_SOURCE_DIR) + "/examples/alerts/" + name;
      std::ifstream in(path, std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      auto parsed = dftriage::alert::parse_alerts(text.str(), path);
      for (auto& a : parsed.alerts) {
        out.push_back(std::move(a));
      }
    }
    if (out.empty()) {
      fail("no example alerts under " DFTRIAGE_SOURCE_DIR "/examples/alerts");
    }
    return out;
  }();
  return alerts;
}

} // namespace fuzz
