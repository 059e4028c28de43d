#pragma once

// Internal to src/queue: sorting more records than memory holds. Records are kept in
// memory up to a budget, then sorted and written to a run (a spill file); the runs are
// merged back in order. Spill files are made in TMPDIR and unlinked at once, so nothing is
// left behind however the process ends (error, Ctrl-C, a crash); they live as long as
// their descriptor.
//
// A record type T is described by a Traits class of static members:
//   less(a, b)            a strict weak order of the items
//   encode(item, out)     appends the item as bytes to `out`
//   decode(record, item)  sets every field of `item` from those bytes, reusing its room;
//                         throws Error when the record is damaged
//   bytes(item)           the heap memory the item holds, about
//   k_combines            true when items that compare equal are merged into one: then
//   same(a, b)            says they are equal, and
//   combine(kept, later)  merges `later` (from a later run) into `kept`

#include <algorithm>
#include <cstdint>
#include <deque>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dftriage::queue::spill {

// Where spill files go, and how much was written there.
struct SpillPlace
{
  std::string dir;         // an existing folder
  std::uint64_t bytes = 0; // written to spill files so far
  std::uint64_t files = 0; // spill files made so far
};

// Returns the bytes an allocation of `n` bytes takes from the heap, its header and
// rounding included (as glibc's malloc lays chunks out): for memory budgets.
constexpr std::size_t alloc_bytes(std::size_t n)
{
  return n == 0 ? 0 : std::max<std::size_t>(32, (n + 8 + 15) & ~std::size_t{15});
}

// Returns the bytes a std::deque of `n` items takes: libstdc++ allocates as many items at
// a time as fit in 512 bytes (at least one), and a pointer to each block.
template <class T>
constexpr std::size_t deque_bytes(std::size_t n)
{
  constexpr std::size_t k_per_block = sizeof(T) < 512 ? 512 / sizeof(T) : 1;
  return (n / k_per_block + 1) * (alloc_bytes(k_per_block * sizeof(T)) + sizeof(void*));
}

// Returns the bytes one more item adds to a std::deque, on average.
template <class T>
constexpr std::size_t deque_item_bytes()
{
  constexpr std::size_t k_per_block = sizeof(T) < 512 ? 512 / sizeof(T) : 1;
  return (alloc_bytes(k_per_block * sizeof(T)) + sizeof(void*)) / k_per_block;
}

// Returns the bytes the heap holds for `s`: none while it fits in the string itself.
inline std::size_t heap_bytes(const std::string& s)
{
  constexpr std::size_t k_inline = 15; // libstdc++'s short-string buffer
  return s.capacity() > k_inline ? alloc_bytes(s.capacity() + 1) : 0;
}

// Returns `configured` when it is not empty, else $TMPDIR when set, else "/tmp".
std::string spill_dir(const std::string& configured);

// Appends an unsigned, a signed integer or a string to a record.
void put_u64(std::string& out, std::uint64_t value);
void put_i64(std::string& out, std::int64_t value);
void put_string(std::string& out, std::string_view value);

// Reads a record's values back in the order they were put; throws Error (failure) when
// the record ends too soon.
class RecordReader
{
public:
  explicit RecordReader(std::string_view record)
      : m_rest(record)
  {
  }
  std::uint64_t u64();
  std::int64_t i64();
  std::string string();
  // Sets `out` to the next string, in the room it has.
  void string(std::string& out);

private:
  std::string_view m_rest;
};

// One spill file: records appended, then read back once from the start.
class RunFile
{
public:
  // No file: what a run is once read to its end.
  RunFile() = default;
  // Makes the file in `place.dir`; throws Error (failure) when it cannot.
  explicit RunFile(SpillPlace& place);
  ~RunFile();
  RunFile(RunFile&& other) noexcept;
  RunFile& operator=(RunFile&& other) noexcept;
  RunFile(const RunFile&) = delete;
  RunFile& operator=(const RunFile&) = delete;

  // Appends one record; throws Error when the disk refuses, Interrupted on Ctrl-C.
  void append(std::string_view record);
  // Ends writing: reading starts at the first record. Throws as append() does.
  void rewind();
  // Sets `record` to the next record (valid until the next call); false at the end.
  // Throws Error when the file cannot be read or is damaged, Interrupted on Ctrl-C.
  bool next(std::string_view& record);

private:
  void write_out();
  bool fill(std::size_t wanted);
  void close();

  SpillPlace* m_place = nullptr;
  int m_fd = -1;
  std::string m_buffer;
  std::size_t m_pos = 0; // reading: where the unread bytes of m_buffer begin
};

// Merges runs, each sorted by Traits::less, into one order; of items that compare equal
// the one from the earlier run comes first (or, when Traits::k_combines, the later ones
// are combined into it).
template <class T, class Traits>
class Merge
{
public:
  explicit Merge(std::vector<RunFile> runs)
      : m_runs(std::move(runs))
      , m_heads(m_runs.size())
  {
    for (std::size_t i = 0; i < m_runs.size(); ++i) {
      m_runs[i].rewind();
      if (read(i)) {
        m_heap.push_back(i);
      }
    }
    std::make_heap(m_heap.begin(), m_heap.end(), After{this});
  }

  // Sets `out` to the next item; false at the end.
  bool next(T& out)
  {
    if (m_heap.empty()) {
      return false;
    }
    pop(out);
    if constexpr (Traits::k_combines) {
      while (!m_heap.empty() && Traits::same(out, m_heads[m_heap.front()])) {
        pop(m_later);
        Traits::combine(out, std::move(m_later));
      }
    }
    return true;
  }

private:
  // Orders the heap so that its front is the earliest head, the earlier run on ties.
  struct After
  {
    const Merge* merge;
    bool operator()(std::size_t a, std::size_t b) const
    {
      const auto& heads = merge->m_heads;
      if (Traits::less(heads[b], heads[a])) {
        return true;
      }
      return !Traits::less(heads[a], heads[b]) && a > b;
    }
  };

  bool read(std::size_t i)
  {
    std::string_view record;
    if (!m_runs[i].next(record)) {
      m_runs[i] = RunFile(); // done: its descriptor and buffer go
      return false;
    }
    Traits::decode(record, m_heads[i]);
    return true;
  }

  void pop(T& out)
  {
    std::pop_heap(m_heap.begin(), m_heap.end(), After{this});
    const std::size_t i = m_heap.back();
    // A swap, not a move: the next record is decoded into the room `out` had.
    std::swap(out, m_heads[i]);
    if (read(i)) {
      std::push_heap(m_heap.begin(), m_heap.end(), After{this});
    } else {
      m_heap.pop_back();
    }
  }

  std::vector<RunFile> m_runs;
  std::vector<T> m_heads;
  std::vector<std::size_t> m_heap;
  T m_later; // a copy being combined
};

// At most this many runs are merged at once (descriptors and read buffers).
constexpr std::size_t k_fan_in = 32;

// Sorted runs in the order they were written. When k_fan_in runs of one size have
// gathered they are merged into one larger run, so a long input never holds more than
// a few dozen descriptors open and each item is rewritten a few times at most.
template <class T, class Traits>
class RunList
{
public:
  explicit RunList(SpillPlace& place)
      : m_place(place)
  {
  }

  bool empty() const { return m_runs.empty(); }

  // Returns a new run to append sorted records to, after every run before it; call
  // run_written() when it is complete.
  RunFile& add_run()
  {
    m_runs.push_back({RunFile(m_place), 0});
    return m_runs.back().file;
  }

  void run_written()
  {
    for (;;) {
      const unsigned level = m_runs.back().level;
      std::size_t same = 0;
      while (same < m_runs.size() && m_runs[m_runs.size() - 1 - same].level == level) {
        ++same;
      }
      if (same < k_fan_in) {
        return;
      }
      merge_tail(k_fan_in, level + 1);
    }
  }

  // Ends the list: returns the merge of every run.
  Merge<T, Traits> merge()
  {
    while (m_runs.size() > k_fan_in) {
      merge_tail(k_fan_in, m_runs.back().level + 1);
    }
    std::vector<RunFile> files;
    for (auto& run : m_runs) {
      files.push_back(std::move(run.file));
    }
    m_runs.clear();
    return Merge<T, Traits>(std::move(files));
  }

private:
  struct Run
  {
    RunFile file;
    unsigned level = 0; // merged this many times over
  };

  void merge_tail(std::size_t count, unsigned level)
  {
    std::vector<RunFile> files;
    for (std::size_t i = m_runs.size() - count; i < m_runs.size(); ++i) {
      files.push_back(std::move(m_runs[i].file));
    }
    m_runs.resize(m_runs.size() - count);
    Merge<T, Traits> merged(std::move(files));
    Run out{RunFile(m_place), level};
    T item;
    std::string record;
    while (merged.next(item)) {
      record.clear();
      Traits::encode(item, record);
      out.file.append(record);
    }
    m_runs.push_back(std::move(out));
  }

  SpillPlace& m_place;
  std::vector<Run> m_runs;
};

// Sorts items in memory while they fit in `budget` bytes, else through spill files.
// Only for Traits that do not combine.
template <class T, class Traits>
class Sorter
{
  static_assert(!Traits::k_combines, "a Sorter keeps equal items apart");

public:
  Sorter(SpillPlace& place, std::size_t budget)
      : m_runs(place)
      , m_budget(budget)
  {
  }

  void add(T&& item)
  {
    // Its share of the deque, its place in m_order, and what it holds.
    m_bytes += deque_item_bytes<T>() + sizeof(std::uint32_t) + Traits::bytes(item);
    m_items.push_back(std::move(item));
    if (m_bytes > m_budget) {
      spill();
    }
  }

  // Ends adding; next() then gives every item in order.
  void finish()
  {
    if (m_runs.empty()) {
      sort();
      m_pos = 0;
      return;
    }
    if (!m_items.empty()) {
      spill();
    }
    m_items = {};
    m_order = {};
    m_merge.emplace(m_runs.merge());
  }

  bool next(T& out)
  {
    if (m_merge) {
      return m_merge->next(out);
    }
    if (m_pos == m_order.size()) {
      m_items = {};
      m_order = {};
      return false;
    }
    out = std::move(m_items[m_order[m_pos++]]);
    return true;
  }

private:
  void sort()
  {
    m_order.resize(m_items.size());
    std::iota(m_order.begin(), m_order.end(), std::uint32_t{0});
    std::sort(m_order.begin(), m_order.end(), [&](std::uint32_t a, std::uint32_t b) {
      return Traits::less(m_items[a], m_items[b]) ||
             (!Traits::less(m_items[b], m_items[a]) && a < b);
    });
  }

  void spill()
  {
    sort();
    RunFile& run = m_runs.add_run();
    std::string record;
    for (const auto i : m_order) {
      record.clear();
      Traits::encode(m_items[i], record);
      run.append(record);
    }
    m_runs.run_written();
    m_items.clear();
    m_order.clear();
    m_bytes = 0;
  }

  RunList<T, Traits> m_runs;
  std::size_t m_budget;
  std::size_t m_bytes = 0;
  std::deque<T> m_items; // not a vector: growing never holds two copies
  std::vector<std::uint32_t> m_order;
  std::size_t m_pos = 0;
  std::optional<Merge<T, Traits>> m_merge;
};

} // namespace dftriage::queue::spill
