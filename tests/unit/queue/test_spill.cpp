// Sorting through spill files: records read back as written, runs merged in order, equal
// items kept in the order added or combined (src/queue/spill.cpp).

#include "queue/spill.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <limits>

namespace tq_spill = dftriage::queue::spill;

namespace {

struct TqItem
{
  std::uint64_t key = 0;
  std::uint64_t added = 0; // the order it was added in
  std::uint64_t count = 1;
};

struct TqItemOrder
{
  static constexpr bool k_combines = false;
  static bool less(const TqItem& a, const TqItem& b) { return a.key < b.key; }
  static void encode(const TqItem& item, std::string& out)
  {
    tq_spill::put_u64(out, item.key);
    tq_spill::put_u64(out, item.added);
    tq_spill::put_u64(out, item.count);
  }
  static void decode(std::string_view record, TqItem& item)
  {
    tq_spill::RecordReader in(record);
    item.key = in.u64();
    item.added = in.u64();
    item.count = in.u64();
  }
  static std::size_t bytes(const TqItem& /*item*/) { return 0; }
};

struct TqItemsCombined : TqItemOrder
{
  static constexpr bool k_combines = true;
  static bool same(const TqItem& a, const TqItem& b) { return a.key == b.key; }
  static void combine(TqItem& kept, TqItem&& later) { kept.count += later.count; }
};

} // namespace

TEST_CASE("spill: records read back as written", "[queue]")
{
  const dftriage::test::TempDir dir("tq-spill-records");
  tq_spill::SpillPlace place{dir.path.string()};
  tq_spill::RunFile run(place);
  const std::string big(300000, 'x'); // longer than a read
  const std::vector<std::int64_t> numbers = {0, -1, 1, std::numeric_limits<std::int64_t>::min(),
                                             std::numeric_limits<std::int64_t>::max()};
  for (int i = 0; i < 3; ++i) {
    std::string record;
    tq_spill::put_string(record, "");
    tq_spill::put_string(record, i == 1 ? big : "short");
    for (const auto n : numbers) {
      tq_spill::put_i64(record, n);
    }
    tq_spill::put_u64(record, std::numeric_limits<std::uint64_t>::max());
    run.append(record);
  }
  run.rewind();
  for (int i = 0; i < 3; ++i) {
    std::string_view record;
    REQUIRE(run.next(record));
    tq_spill::RecordReader in(record);
    CHECK(in.string().empty());
    CHECK(in.string() == (i == 1 ? big : "short"));
    for (const auto n : numbers) {
      CHECK(in.i64() == n);
    }
    CHECK(in.u64() == std::numeric_limits<std::uint64_t>::max());
    CHECK_THROWS_WITH(in.u64(), "a spill file of triage was read back damaged");
  }
  std::string_view end;
  CHECK_FALSE(run.next(end));
  CHECK(place.files == 1);
  CHECK(place.bytes > big.size());
}

TEST_CASE("spill: a sorter past its budget gives every item in order", "[queue]")
{
  const dftriage::test::TempDir dir("tq-spill-sort");
  tq_spill::SpillPlace place{dir.path.string()};
  // One item a run at budget 1: more runs than two rounds of merging take.
  for (const std::size_t budget : {std::size_t{1}, std::size_t{1000}, std::size_t{1} << 30U}) {
    INFO("budget " << budget);
    place.files = 0;
    tq_spill::Sorter<TqItem, TqItemOrder> sorter(place, budget);
    const std::uint64_t n = 1100;
    for (std::uint64_t i = 0; i < n; ++i) {
      sorter.add(TqItem{(i * 7919) % 97, i, 1});
    }
    sorter.finish();
    TqItem item;
    TqItem before{0, 0, 0};
    std::uint64_t seen = 0;
    bool ordered = true;
    while (sorter.next(item)) {
      // Equal keys in the order they were added.
      ordered = ordered && (seen == 0 || before.key < item.key ||
                            (before.key == item.key && before.added < item.added));
      before = item;
      ++seen;
    }
    CHECK(ordered);
    CHECK(seen == n);
    if (budget == 1) {
      CHECK(place.files == 1100 + 34 + 1); // the runs, 34 merges of 32, 1 of 32 of those
    } else {
      CHECK((place.files > 1) == (budget == 1000));
    }
  }
}

TEST_CASE("spill: merged runs combine the copies of an item into the earliest", "[queue]")
{
  const dftriage::test::TempDir dir("tq-spill-combine");
  tq_spill::SpillPlace place{dir.path.string()};
  tq_spill::RunList<TqItem, TqItemsCombined> runs(place);
  // 70 runs (more than a merge takes at once), each with keys 0..9 once.
  for (std::uint64_t r = 0; r < 70; ++r) {
    auto& run = runs.add_run();
    for (std::uint64_t key = 0; key < 10; ++key) {
      std::string record;
      TqItemsCombined::encode(TqItem{key, r, 1}, record);
      run.append(record);
    }
    runs.run_written();
  }
  auto merged = runs.merge();
  TqItem item;
  std::uint64_t key = 0;
  while (merged.next(item)) {
    CHECK(item.key == key);
    CHECK(item.added == 0); // the first run's
    CHECK(item.count == 70);
    ++key;
  }
  CHECK(key == 10);
}
