#include "dftriage/util/time.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <thread>

using namespace dftriage;

TEST_CASE("times convert to and from seconds since the epoch, and DFTRIAGE_NOW fixes now")
{
  CHECK(time::to_unix_seconds("1970-01-01T00:00:00Z") == 0);
  CHECK(time::to_unix_seconds("2026-12-02T05:00:00.123+01:00") ==
        time::to_unix_seconds("2026-12-02T04:00:00Z"));
  CHECK(time::from_unix_seconds(*time::to_unix_seconds("2024-02-29T23:59:59Z")) ==
        "2024-02-29T23:59:59Z");
  CHECK(time::from_unix_seconds(-1) == "1969-12-31T23:59:59Z");
  using std::chrono::milliseconds;
  using std::chrono::system_clock;
  CHECK(time::from_time_point(system_clock::time_point(milliseconds(1'700'000'000'999))) ==
        "2023-11-14T22:13:20Z");
  CHECK(time::from_time_point(system_clock::time_point(milliseconds(-1))) ==
        "1969-12-31T23:59:59Z");
  CHECK(!time::to_unix_seconds("yesterday"));
  ::setenv("DFTRIAGE_NOW", "2026-12-02T06:00:00Z", 1);
  CHECK(time::now_unix_seconds() == *time::to_unix_seconds("2026-12-02T06:00:00Z"));
  ::unsetenv("DFTRIAGE_NOW");
  CHECK(time::now_unix_seconds() > *time::to_unix_seconds("2026-01-01T00:00:00Z"));
}

TEST_CASE("a pinned now holds still until the pin goes, and pins nest")
{
  ::unsetenv("DFTRIAGE_NOW");
  std::int64_t outer_time = 0;
  {
    const time::PinnedNow outer;
    outer_time = time::now_unix_seconds();
    std::this_thread::sleep_for(std::chrono::milliseconds(1100)); // the clock moves on
    CHECK(time::now_unix_seconds() == outer_time);
    {
      const time::PinnedNow inner;
      CHECK(time::now_unix_seconds() == outer_time);
    }
    CHECK(time::now_unix_seconds() == outer_time); // the inner pin gave the outer one back
    ::setenv("DFTRIAGE_NOW", "2026-12-02T06:00:00Z", 1);
    CHECK(time::now_unix_seconds() == *time::to_unix_seconds("2026-12-02T06:00:00Z"));
    ::unsetenv("DFTRIAGE_NOW");
  }
  CHECK(time::now_unix_seconds() > outer_time); // unpinned: the real clock again
}
