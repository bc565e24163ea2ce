// evclass_read_bench: how fast Tree::read turns a file's baskets into columns, per codec, set
// beside the cost of only decompressing (and of only copying) exactly the same baskets.
//
//   evclass_read_bench [--threads 1,2] [--repeat N] [--min-seconds S] [--slices K] [--best]
//                      [--keep-heap] [--reuse-columns] [--no-fixed] [--per-branch K] FILE...
//
// For every tree of every file the leaf-level readable branches are grouped by the codec that
// holds most of their uncompressed bytes (embedded baskets count as "none"; a branch whose last
// basket was stored raw stays in its codec's group, and the note under the table counts such
// baskets). For each group and each thread count three operations are timed --repeat times;
// within a repetition they take turns (--slices turns), each calling its operation again and
// again for >= --min-seconds in all:
//
//   read    Tree::read(paths of all the group's branches; leaf-lists leaf by leaf) -> columns
//   decomp  per basket: read its key, decompress its payload into a per-thread buffer allocated
//           beforehand (uncompressed baskets: copy the payload instead); no decoding
//   decomp->mem  the same decompression, but each basket into its own place in one region the
//           size of all the group's baskets: the output goes to memory, as the read's columns do,
//           instead of staying in cache. With --reuse-columns the region is kept from call to
//           call (as the columns are); otherwise each call allocates it fresh, as a fresh read
//           allocates its columns. This is the reference for "what decoding adds": both sides
//           then decompress the same bytes and put the same amount of output into memory
//   memcpy  per basket: copy its fObjlen uncompressed bytes (from the file mapping, or from a
//           decompressed copy made beforehand) into the same per-thread buffer
//
// decomp, decomp->mem and memcpy run through core::parallel_for with the same thread count as the read.
// Columns of the table: MB unc. = sum of the baskets' fObjlen (MB = 1e6 bytes); read MB/s and
// events/s of the read; decomp and memcpy MB/s of the same bytes; "read vs X %" =
// (t_read / t_X - 1) * 100, the median over repetitions of that ratio within each repetition (the
// turns make both see the same state of the machine); speed-up = t(first thread count) / t(this one), for the read and for
// decomp; fixed ms = the same Tree::read of an empty entry range (name resolution, interpretation
// and other per-call work that does not depend on baskets; it is part of the read time);
// noise = largest (max - min) / median over the repetitions of read, decomp(->mem) and memcpy; CPU % =
// process CPU time / (wall time * threads) while reading (below 100 when other processes took
// the cores; OpenMP's waiting threads spin, so 100 does not prove the threads were all busy).
// Before the tables, with 2 threads or more, a line gives what a hand-off between threads costs
// on this machine (a cache line's round trip, an empty parallel_for). Medians are printed
// (--best: the fastest repetition). --keep-heap makes glibc keep freed memory
// so that repeated reads reuse pages already touched: the difference it makes is the cost of
// faulting in fresh pages, which the decomp reference never pays. Nothing here asserts a timing.

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <malloc.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "evclass/column/buffer.hpp"
#include "evclass/core/error.hpp"
#include "evclass/core/parallel.hpp"
#include "evclass/root/file.hpp"
#include "evclass/root/tree.hpp"
#include "root/basket.hpp"
#include "root/compression.hpp"
#include "root/file_impl.hpp"
#include "root/source.hpp"
#include "root/tree_model.hpp"

namespace {

namespace rd = evclass::root::detail;
using evclass::entry_t;
using rd::Codec;
using Clock = std::chrono::steady_clock;

constexpr double kMB = 1e6;
// Decompressed copies kept for the memcpy reference of compressed baskets are capped at this.
constexpr std::size_t kMaxCopyBytes = std::size_t{3} << 30;

/// Keeps the compiler from dropping work whose result is never read.
inline void keep(const void* p) { asm volatile("" : : "g"(p) : "memory"); }

/// Per-thread destination for decompression and copies, grown during the warm-up run so that
/// no timed repetition allocates (OpenMP keeps its threads between parallel regions).
std::byte* scratch(std::size_t n) {
  thread_local evclass::column::Buffer buffer;
  if (buffer.size() < n) buffer.resize(n);
  return buffer.data();
}

struct Job {
  const rd::BasketRef* ref = nullptr;
  Codec codec = Codec::kNone;      ///< this basket's own codec
  std::size_t objlen = 0;          ///< uncompressed payload bytes (key fObjlen)
  std::span<const std::byte> src;  ///< memcpy reference source: objlen uncompressed bytes
};

/// One read target of Tree::read: a branch, or one leaf of a leaf-list ("branch.leaf").
struct BranchEntry {
  std::string branch;
  std::string kind;
  std::vector<std::string> names;  ///< what Tree::read is given
  std::size_t first_job = 0, last_job = 0;
  std::size_t bytes = 0;
  entry_t entries = 0;
};

struct Group {
  Codec codec = Codec::kNone;
  std::vector<BranchEntry> branches;
  std::vector<std::string> names;
  std::vector<Job> jobs;
  std::vector<evclass::column::Buffer> copies;  ///< decompressed baskets for the memcpy reference
  bool have_memcpy = true;
  std::size_t copy_bytes = 0;  ///< held in `copies`
  std::size_t bytes = 0;
  entry_t events = 0;
  std::size_t basket_reads = 0;  ///< (target, basket) pairs Tree::read decompresses and decodes
  std::size_t foreign = 0;       ///< baskets whose own codec differs from the group's
  std::map<std::string, std::size_t> kind_bytes;
};

struct Options {
  std::vector<int> threads{1, 2};
  int repeat = 7;
  double min_seconds = 0.3;
  int per_branch = 0;
  double per_branch_seconds = 0.02;
  double min_mb = 0;
  bool best = false;       ///< report the fastest repetition instead of the median
  bool keep_heap = false;  ///< ask glibc to keep freed memory, so repeated reads reuse warm pages
  bool fixed = true;       ///< also time reads of no entries (per-call cost)
};

// --- the three timed operations ------------------------------------------------------------

void decompress_job(const rd::FileImpl& file, const Job& j) {
  std::byte* dst = scratch(j.objlen);
  if (j.ref->embedded) {
    std::memcpy(dst, j.src.data(), j.objlen);
  } else {
    const rd::Key key = file.read_key_at(j.ref->seek, "a basket key");
    auto stored = file.range(j.ref->seek + key.fKeylen, std::int64_t{key.fNbytes} - key.fKeylen, "a basket payload");
    if (j.codec == Codec::kNone) std::memcpy(dst, stored.data(), j.objlen);
    else rd::decompress(stored, {dst, j.objlen});
  }
  keep(dst);
}

/// decomp->mem: the same decompression, each basket into its own place in one region holding
/// every basket of the group (`at` gives the places), so that the output goes to memory as a
/// read's columns do instead of staying in a per-thread buffer that fits in cache.
void decompress_job_to(const rd::FileImpl& file, const Job& j, std::byte* dst) {
  if (j.ref->embedded) {
    std::memcpy(dst, j.src.data(), j.objlen);
  } else {
    const rd::Key key = file.read_key_at(j.ref->seek, "a basket key");
    auto stored = file.range(j.ref->seek + key.fKeylen, std::int64_t{key.fNbytes} - key.fKeylen, "a basket payload");
    if (j.codec == Codec::kNone) std::memcpy(dst, stored.data(), j.objlen);
    else rd::decompress(stored, {dst, j.objlen});
  }
  keep(dst);
}

void memcpy_job(const Job& j) {
  std::byte* dst = scratch(j.objlen);
  std::memcpy(dst, j.src.data(), j.objlen);
  keep(dst);
}

void run_decompress(const rd::FileImpl& file, std::span<const Job> jobs, int threads) {
  evclass::core::parallel_for(jobs.size(), evclass::core::Context{threads},
                              [&](std::size_t i) { decompress_job(file, jobs[i]); });
}

/// Where each job's basket goes in the decomp->mem region, and the region's size (the last entry).
std::vector<std::size_t> places(std::span<const Job> jobs) {
  std::vector<std::size_t> at(jobs.size() + 1, 0);
  for (std::size_t i = 0; i < jobs.size(); ++i) at[i + 1] = at[i] + jobs[i].objlen;
  return at;
}

/// With --reuse-columns the region is kept from call to call, as the read's columns are;
/// otherwise each call allocates it fresh (column memory, huge pages where large) and frees it,
/// so it pays for first touching its pages exactly where a fresh read does.
bool g_reuse_columns = false;

void run_decompress_to_memory(const rd::FileImpl& file, std::span<const Job> jobs, const std::vector<std::size_t>& at,
                              int threads) {
  static evclass::column::Buffer kept;
  evclass::column::Buffer fresh;
  evclass::column::Buffer& region = g_reuse_columns ? kept : fresh;
  if (region.size() < at.back()) region.resize(at.back());
  std::byte* base = region.data();
  evclass::core::parallel_for(jobs.size(), evclass::core::Context{threads},
                              [&](std::size_t i) { decompress_job_to(file, jobs[i], base + at[i]); });
}

void run_memcpy(std::span<const Job> jobs, int threads) {
  evclass::core::parallel_for(jobs.size(), evclass::core::Context{threads}, [&](std::size_t i) { memcpy_job(jobs[i]); });
}

/// --reuse-columns: every read goes into the same columns (Tree::read_into) of branches selected
/// once (Tree::select), as a program reading a tree batch by batch does, so no read pays for
/// faulting in fresh output memory or for looking up the names again (g_reuse_columns above).

void run_read(const evclass::root::Tree& tree, const std::vector<std::string>& names, int threads,
              evclass::root::EntryRange range = {}) {
  if (g_reuse_columns) {
    static std::vector<evclass::column::Column> reused;
    static const evclass::root::Tree* selected_tree = nullptr;
    static std::vector<std::string> selected_names;
    static evclass::root::BranchSelection selection;
    if (selected_tree != &tree || selected_names != names) {
      selection = tree.select(names);
      selected_tree = &tree;
      selected_names = names;
    }
    tree.read_into(selection, reused, range, {.threads = threads});
    keep(reused.data());
    return;
  }
  auto cols = tree.read(names, range, {.threads = threads});
  keep(cols.data());
}

double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

struct CallTime {
  double seconds = 0;  ///< wall time per call
  double cpu = 0;      ///< process CPU time / wall time over the calls
  double elapsed = 0;  ///< wall time of all the calls
  std::size_t calls = 0;
};

/// Time per call of f, calling it until at least min_seconds have passed.
template <class F>
CallTime time_per_call(F&& f, double min_seconds) {
  const double cpu0 = process_cpu_seconds();
  const auto t0 = Clock::now();
  std::size_t calls = 0;
  double elapsed = 0;
  do {
    f();
    ++calls;
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  } while (elapsed < min_seconds);
  return {elapsed / static_cast<double>(calls), (process_cpu_seconds() - cpu0) / elapsed, elapsed, calls};
}

/// --slices: each repetition alternates read, decomp and memcpy this many times, so that the
/// three see the same state of the machine (on a VM whose speed drifts from second to second,
/// timing one for a while and then the other compares different machines).
int g_slices = 4;

/// Time per call of each of `fns`, taken in turns of min_seconds / g_slices each.
template <std::size_t N>
std::array<CallTime, N> interleaved(const std::array<std::function<void()>, N>& fns, double min_seconds) {
  std::array<CallTime, N> out{};
  std::array<double, N> cpu{};
  for (int s = 0; s < g_slices; ++s)
    for (std::size_t k = 0; k < N; ++k) {
      if (!fns[k]) continue;
      const CallTime t = time_per_call(fns[k], min_seconds / g_slices);
      out[k].elapsed += t.elapsed;
      out[k].calls += t.calls;
      cpu[k] += t.cpu * t.elapsed;
    }
  for (std::size_t k = 0; k < N; ++k)
    if (out[k].calls) {
      out[k].seconds = out[k].elapsed / static_cast<double>(out[k].calls);
      out[k].cpu = cpu[k] / out[k].elapsed;
    }
  return out;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double spread(const std::vector<double>& v) {
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  return (*hi - *lo) / median(v);
}

double summary(const std::vector<double>& v, bool best) {
  return best ? *std::min_element(v.begin(), v.end()) : median(v);
}

// --- finding the baskets behind the public Tree ----------------------------------------------

/// The same tree model the reader builds, from the benchmark's own FileImpl, to reach baskets.
std::unique_ptr<rd::TreeModel> own_model(const rd::FileImpl& impl, const evclass::root::Tree& tree) {
  for (const auto& k : impl.keys()) {
    if (k.path() != tree.path() || k.key.fCycle != tree.cycle()) continue;
    if (k.key.fClassName != "TTree" && k.key.fClassName != "TNtuple" && k.key.fClassName != "TNtupleD") continue;
    auto obj = impl.read_object(k);
    return rd::build_tree_model(*obj, static_cast<std::int64_t>(impl.file_bytes().size()), impl.path(), tree.path());
  }
  throw evclass::KeyNotFound(fmt::format("no key for tree '{};{}'", tree.path(), tree.cycle()));
}

/// Branch models in Tree::branches() order (depth first, parents before sub-branches).
void flatten(const rd::BranchModel& b, std::vector<const rd::BranchModel*>& out) {
  out.push_back(&b);
  for (const auto& sub : b.branches) flatten(*sub, out);
}

struct StoredPayload {
  Codec codec = Codec::kNone;
  std::size_t objlen = 0;
  std::span<const std::byte> stored;  ///< payload as stored (file bytes, or embedded raw data)
};

StoredPayload stored_payload(const rd::FileImpl& impl, const rd::BasketRef& ref) {
  StoredPayload f;
  if (ref.embedded) {
    const auto& raw = ref.embedded->buffer;  // fLast bytes, the entries' data after fKeylen
    const auto keylen = static_cast<std::size_t>(std::max<std::int64_t>(0, ref.embedded->fKeylen));
    const std::size_t skip = std::min(keylen, raw.size());
    f.stored = std::as_bytes(std::span<const char>(raw.data() + skip, raw.size() - skip));
    f.objlen = f.stored.size();
    return f;
  }
  const rd::Key key = impl.read_key_at(ref.seek, "a basket key");
  f.stored = impl.range(ref.seek + key.fKeylen, std::int64_t{key.fNbytes} - key.fKeylen, "a basket payload");
  f.objlen = static_cast<std::size_t>(key.fObjlen);
  f.codec = rd::payload_codec(f.stored, f.objlen);
  return f;
}

std::string codec_label(Codec c) { return std::string(rd::codec_tag(c)); }

/// Groups the tree's readable leaf-level branches by codec; branches that fail are reported.
std::vector<Group> make_groups(const rd::FileImpl& impl, const evclass::root::Tree& tree, const rd::TreeModel& model,
                               std::vector<std::string>& problems) {
  std::vector<const rd::BranchModel*> models;
  for (const auto& b : model.branches) flatten(*b, models);
  const auto& infos = tree.branches();
  if (models.size() != infos.size())
    throw evclass::Error(fmt::format("tree model has {} branches, Tree::branches() {}", models.size(), infos.size()));

  std::map<Codec, Group> groups;
  for (std::size_t i = 0; i < infos.size(); ++i) {
    const auto& info = infos[i];
    const rd::BranchModel& bm = *models[i];
    if (bm.name != info.name) throw evclass::Error(fmt::format("branch order differs at '{}'", info.name));
    if (!info.has_data) continue;
    if (!info.readable) {
      problems.push_back(fmt::format("skipped '{}' ({}): {}", info.path, info.type, info.unsupported));
      continue;
    }
    BranchEntry entry{info.path, info.kind, {}, 0, 0, 0, info.entries};
    // Paths are unique in a tree where names need not be.
    if (info.kind == "leaflist") {
      for (const auto& leaf : info.leaves) {
        if (leaf.readable) entry.names.push_back(info.path + "." + leaf.name);
        else problems.push_back(fmt::format("skipped leaf '{}.{}' ({})", info.path, leaf.name, leaf.type));
      }
    } else {
      entry.names.push_back(info.path);
    }
    if (entry.names.empty()) continue;
    try {
      // One untimed read checks that the branch reads; it also brings its pages into memory.
      (void)tree.read(entry.names, {}, {.threads = 1});
      std::vector<StoredPayload> facts;
      std::map<Codec, std::size_t> by_codec;
      for (const auto& ref : bm.baskets) {
        facts.push_back(stored_payload(impl, ref));
        by_codec[facts.back().codec] += facts.back().objlen;
      }
      Codec dominant = Codec::kNone;
      std::size_t most = 0;
      for (const auto& [c, n] : by_codec)
        if (n > most || (n == most && c != Codec::kNone)) dominant = c, most = n;
      Group& g = groups[dominant];
      g.codec = dominant;
      // The branch's jobs (and the decompressed copies the memcpy reference reads) are made
      // aside and added to the group only when all of its baskets decompressed.
      std::vector<Job> jobs;
      std::vector<evclass::column::Buffer> copies;
      std::size_t copy_bytes = 0;
      bool have_copies = g.have_memcpy;
      for (std::size_t k = 0; k < facts.size(); ++k) {
        Job j{&bm.baskets[k], facts[k].codec, facts[k].objlen, facts[k].stored};
        if (j.codec != Codec::kNone && !j.ref->embedded) {
          evclass::column::Buffer copy(j.objlen);
          rd::decompress(facts[k].stored, {copy.data(), copy.size()});  // throws CorruptFile if damaged
          if (have_copies && g.copy_bytes + copy_bytes + j.objlen <= kMaxCopyBytes) {
            j.src = copy.bytes();
            copy_bytes += j.objlen;
            copies.push_back(std::move(copy));
          } else {
            have_copies = false;
          }
        }
        entry.bytes += j.objlen;
        jobs.push_back(j);
      }
      for (const auto& j : jobs)
        if (j.codec != dominant) ++g.foreign;
      entry.first_job = g.jobs.size();
      g.jobs.insert(g.jobs.end(), jobs.begin(), jobs.end());
      entry.last_job = g.jobs.size();
      for (auto& c : copies) g.copies.push_back(std::move(c));
      g.copy_bytes += copy_bytes;
      g.have_memcpy = have_copies;
      g.bytes += entry.bytes;
      g.events = std::max(g.events, info.entries);
      g.basket_reads += bm.baskets.size() * entry.names.size();
      g.kind_bytes[info.kind] += entry.bytes;
      g.names.insert(g.names.end(), entry.names.begin(), entry.names.end());
      g.branches.push_back(std::move(entry));
    } catch (const evclass::Error& e) {
      problems.push_back(fmt::format("skipped '{}': {}: {}", info.path, e.kind(), e.what()));
    }
  }
  std::vector<Group> out;
  for (auto& [c, g] : groups) out.push_back(std::move(g));
  return out;
}

// --- measuring and printing -----------------------------------------------------------------

struct Timing {
  double read = 0, decomp = 0, to_mem = 0, copy = 0;  ///< median (or best) seconds per call
  /// Median over the repetitions of read / decomp, read / decomp->mem and read / memcpy within
  /// each repetition.
  double read_per_decomp = 0, read_per_to_mem = 0, read_per_copy = 0;
  double fixed = 0;     ///< the same read of no entries: what a call costs before any basket
  double noise = 0;     ///< largest (max - min) / median of read, decomp and memcpy
  double read_cpu = 0;  ///< median CPU use while reading: CPU time / (wall * threads)
};

Timing measure(const rd::FileImpl& impl, const evclass::root::Tree& tree, const std::vector<std::string>& names,
               std::span<const Job> jobs, bool with_memcpy, bool with_fixed, int threads, int repeat, double min_seconds,
               bool best) {
  // Warm-up: grows the per-thread buffers and touches every page once.
  run_read(tree, names, threads);
  run_decompress(impl, jobs, threads);
  const std::vector<std::size_t> at = places(jobs);
  run_decompress_to_memory(impl, jobs, at, threads);
  if (with_memcpy) run_memcpy(jobs, threads);
  std::vector<double> r, d, dm, m, f, cpu, rd_ratio, rdm_ratio, rm_ratio;
  for (int rep = 0; rep < repeat; ++rep) {
    const auto t = interleaved<4>({[&] { run_read(tree, names, threads); }, [&] { run_decompress(impl, jobs, threads); },
                                   [&] { run_decompress_to_memory(impl, jobs, at, threads); },
                                   with_memcpy ? std::function<void()>([&] { run_memcpy(jobs, threads); }) : nullptr},
                                  min_seconds);
    r.push_back(t[0].seconds);
    cpu.push_back(t[0].cpu / threads);
    d.push_back(t[1].seconds);
    rd_ratio.push_back(t[0].seconds / t[1].seconds);
    dm.push_back(t[2].seconds);
    rdm_ratio.push_back(t[0].seconds / t[2].seconds);
    if (with_memcpy) {
      m.push_back(t[3].seconds);
      rm_ratio.push_back(t[0].seconds / t[3].seconds);
    }
    if (with_fixed)
      f.push_back(time_per_call([&] { run_read(tree, names, threads, {0, 0}); }, min_seconds / 4).seconds);
  }
  Timing t;
  t.read = summary(r, best);
  t.decomp = summary(d, best);
  t.read_per_decomp = median(rd_ratio);
  t.to_mem = summary(dm, best);
  t.read_per_to_mem = median(rdm_ratio);
  t.noise = std::max({spread(r), spread(d), spread(dm)});
  t.read_cpu = median(cpu);
  t.fixed = with_fixed ? summary(f, best) : -1;
  if (with_memcpy) {
    t.copy = summary(m, best);
    t.read_per_copy = median(rm_ratio);
    t.noise = std::max(t.noise, spread(m));
  }
  return t;
}

std::string rate(double bytes, double seconds) {
  if (seconds <= 0) return "-";
  const double v = bytes / kMB / seconds;
  return v >= 100 ? fmt::format("{:.0f}", v) : fmt::format("{:.1f}", v);
}

std::string events_rate(double events, double seconds) {
  if (seconds <= 0 || events <= 0) return "-";
  const double v = events / seconds;
  if (v >= 1e9) return fmt::format("{:.2f} G", v / 1e9);
  if (v >= 1e6) return fmt::format("{:.2f} M", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.1f} k", v / 1e3);
  return fmt::format("{:.0f}", v);
}

std::string overhead(double t, double ref) {
  if (ref <= 0) return "-";
  return fmt::format("{:+.0f}", (t / ref - 1) * 100);
}

std::string overhead(double ratio) { return ratio > 0 ? fmt::format("{:+.0f}", (ratio - 1) * 100) : "-"; }

/// The per-branch table of one group, as Markdown (printed after the file's table).
std::string per_branch_report(const rd::FileImpl& impl, const evclass::root::Tree& tree, const Group& g,
                              const Options& opt) {
  struct Row {
    const BranchEntry* b;
    Timing t;
  };
  std::vector<Row> rows;
  for (const auto& b : g.branches) {
    std::span<const Job> jobs(g.jobs.data() + b.first_job, b.last_job - b.first_job);
    rows.push_back({&b, measure(impl, tree, b.names, jobs, false, false, 1, 3, opt.per_branch_seconds, opt.best)});
  }
  std::sort(rows.begin(), rows.end(),
            [](const Row& x, const Row& y) { return x.t.read - x.t.decomp > y.t.read - y.t.decomp; });
  double extra_total = 0;
  for (const auto& r : rows) extra_total += r.t.read - r.t.decomp;
  std::string out = fmt::format(
      "\nBranches of {} {} adding the most time over decompression (1 thread, each read alone; sum of the extra "
      "time over all {} branches: {:.2f} ms):\n\n",
      tree.path(), codec_label(g.codec), rows.size(), extra_total * 1e3);
  out += "| branch | kind | baskets | MB | read MB/s | decomp MB/s | extra ms | overhead % |\n";
  out += "|---|---|---:|---:|---:|---:|---:|---:|\n";
  for (std::size_t i = 0; i < rows.size() && i < static_cast<std::size_t>(opt.per_branch); ++i) {
    const auto& r = rows[i];
    const double bytes = static_cast<double>(r.b->bytes);
    out += fmt::format("| {} | {} | {} | {:.3f} | {} | {} | {:.3f} | {} |\n", r.b->branch, r.b->kind,
                       r.b->last_job - r.b->first_job, bytes / kMB, rate(bytes, r.t.read), rate(bytes, r.t.decomp),
                       (r.t.read - r.t.decomp) * 1e3, overhead(r.t.read, r.t.decomp));
  }
  return out;
}

void bench_file(const std::string& path, const Options& opt) {
  const auto file = evclass::root::File::open(path);
  // The benchmark's own view of the file's internals, to reach the baskets behind the branches.
  const rd::FileImpl impl(rd::Source::open_file(path));
  fmt::print("\n### {}\n\n{:.2f} MB on disk, written by ROOT {}, fCompress {}\n\n", path,
             static_cast<double>(file.size()) / kMB, file.root_version(), file.compression_setting());
  fmt::print("| tree | codec | branches | baskets | MB unc. | thr | read MB/s | events/s | decomp MB/s | read vs "
             "decomp % | decomp->mem MB/s | read vs decomp->mem % | memcpy MB/s | read vs memcpy % | speed-up (read; "
             "decomp; decomp->mem) | fixed ms | noise % | CPU % |\n");
  fmt::print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  std::vector<std::string> notes;
  std::string branch_tables;
  for (const auto& info : file.trees()) {
    std::optional<evclass::root::Tree> tree;
    std::vector<Group> groups;
    try {
      tree.emplace(file.tree(info.path, info.cycle));
      auto model = own_model(impl, *tree);
      std::vector<std::string> problems;
      groups = make_groups(impl, *tree, *model, problems);
      for (const auto& p : problems) notes.push_back(fmt::format("{}: {}", info.path, p));
      // The model must outlive the jobs pointing at its baskets.
      for (auto& g : groups) {
        if (g.jobs.empty()) {
          notes.push_back(fmt::format("{} {}: no baskets, not measured", info.path, codec_label(g.codec)));
          continue;
        }
        if (static_cast<double>(g.bytes) < opt.min_mb * kMB) {
          notes.push_back(fmt::format("{} {}: {:.3f} MB, below --min-mb, not measured", info.path, codec_label(g.codec),
                                      static_cast<double>(g.bytes) / kMB));
          continue;
        }
        std::vector<Timing> timings;
        for (int threads : opt.threads)
          timings.push_back(measure(impl, *tree, g.names, g.jobs, g.have_memcpy, opt.fixed, threads, opt.repeat,
                                     opt.min_seconds, opt.best));
        const double bytes = static_cast<double>(g.bytes);
        for (std::size_t k = 0; k < opt.threads.size(); ++k) {
          const Timing& t = timings[k];
          std::string speedup = "";
          if (k > 0 && opt.threads[k] != opt.threads[0])
            speedup = fmt::format("{:.2f}; {:.2f}; {:.2f}", timings[0].read / t.read, timings[0].decomp / t.decomp,
                                  timings[0].to_mem / t.to_mem);
          fmt::print(
              "| {} | {} | {} | {} | {:.2f} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.0f} | {:.0f} |\n",
                     info.path,
                     codec_label(g.codec), g.branches.size(), g.jobs.size(), bytes / kMB, opt.threads[k],
                     rate(bytes, t.read), events_rate(static_cast<double>(g.events), t.read), rate(bytes, t.decomp),
                     overhead(t.read_per_decomp), rate(bytes, t.to_mem), overhead(t.read_per_to_mem),
                     g.have_memcpy ? rate(bytes, t.copy) : "-",
                     g.have_memcpy ? overhead(t.read_per_copy) : "-", speedup, t.fixed < 0 ? std::string("-") : fmt::format("{:.3f}", t.fixed * 1e3), t.noise * 100,
                     t.read_cpu * 100);
        }
        std::string kinds;
        for (const auto& [kind, n] : g.kind_bytes)
          kinds += fmt::format("{}{} {:.0f}%", kinds.empty() ? "" : ", ", kind, 100.0 * static_cast<double>(n) / bytes);
        std::string note = fmt::format("{} {}: {} events, {} read targets; bytes by kind: {}", info.path,
                                       codec_label(g.codec), g.events, g.names.size(), kinds);
        if (g.basket_reads != g.jobs.size())
          note += fmt::format("; Tree::read decompresses {} basket reads for these {} baskets (leaf-lists are read "
                              "leaf by leaf)",
                              g.basket_reads, g.jobs.size());
        if (g.foreign) note += fmt::format("; {} baskets use another codec than the group's", g.foreign);
        notes.push_back(note);
        if (opt.per_branch > 0) branch_tables += per_branch_report(impl, *tree, g, opt);
      }
      groups.clear();  // before `model` goes away
    } catch (const evclass::Error& e) {
      notes.push_back(fmt::format("{}: {}: {}", info.path, e.kind(), e.what()));
    }
  }
  if (!notes.empty()) {
    fmt::print("\n");
    for (const auto& n : notes) fmt::print("- {}\n", n);
  }
  fmt::print("{}", branch_tables);
}

/// What any handing of work between threads costs on this machine, printed beside the tables: a
/// read of a few hundred kilobytes at 2 threads takes tens of microseconds, and on a virtual
/// machine whose cores are far apart the hand-offs alone can take several of them.
struct MachineProbe {
  double round_trip_ns = 0;  ///< a cache line passed to another thread and back
  double region_us = 0;      ///< core::parallel_for over 2 empty items at 2 threads
};

MachineProbe probe_machine() {
  MachineProbe p;
  struct alignas(64) Line {
    std::atomic<long> v{0};
  };
  Line ping, pong;
  constexpr long kTrips = 200000;
  std::thread other([&] {
    for (long i = 1; i <= kTrips; ++i) {
      while (ping.v.load(std::memory_order_acquire) != i) {
      }
      pong.v.store(i, std::memory_order_release);
    }
  });
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 1; i <= kTrips; ++i) {
    ping.v.store(i, std::memory_order_release);
    while (pong.v.load(std::memory_order_acquire) != i) {
    }
  }
  const auto t1 = std::chrono::steady_clock::now();
  other.join();
  p.round_trip_ns = std::chrono::duration<double, std::nano>(t1 - t0).count() / kTrips;

  constexpr int kRegions = 20000;
  std::atomic<long> sink{0};
  const auto r0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kRegions; ++i)
    evclass::core::parallel_for(2, {2}, [&](std::size_t k) {
      sink.fetch_add(static_cast<long>(k), std::memory_order_relaxed);
    });
  const auto r1 = std::chrono::steady_clock::now();
  p.region_us = std::chrono::duration<double, std::micro>(r1 - r0).count() / kRegions;
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  std::string threads = "1,2";
  std::vector<std::string> files;
  CLI::App app{"Read throughput of evclass's ROOT reader per codec, beside pure decompression and memcpy of the same "
               "baskets. Prints Markdown tables; asserts nothing."};
  app.add_option("--threads", threads, "comma-separated thread counts (the first is the speed-up baseline)")
      ->capture_default_str();
  app.add_option("--repeat", opt.repeat, "repetitions per measurement; medians are printed")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--min-seconds", opt.min_seconds, "each repetition runs at least this long")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 600.0));
  app.add_option("--per-branch", opt.per_branch,
                 "also time each branch alone (1 thread) and list the K adding most time over decompression")
      ->capture_default_str();
  app.add_option("--per-branch-seconds", opt.per_branch_seconds, "--min-seconds of the per-branch timings")
      ->capture_default_str();
  app.add_option("--min-mb", opt.min_mb, "skip codec groups with fewer uncompressed MB")->capture_default_str();
  app.add_flag("--best", opt.best, "report the fastest repetition instead of the median");
  app.add_flag("!--no-fixed", opt.fixed, "do not time reads of an empty entry range (the 'fixed ms' column)");
  app.add_flag("--keep-heap", opt.keep_heap,
               "make glibc keep freed memory (no trimming; mmap only above 32 MiB), so that each repeated read reuses "
               "pages already touched instead of faulting in fresh ones: separates first-touch costs from decoding");
  app.add_flag("--reuse-columns", g_reuse_columns,
               "read into the same columns every time (Tree::read_into) of branches selected once (Tree::select), as "
               "batch-by-batch reading does: the read then pays no first touch of fresh output memory and no name "
               "look-ups");
  app.add_option("--slices", g_slices,
                 "turns per repetition: read, decomp and memcpy alternate this many times, and 'read vs' is the "
                 "median over repetitions of each repetition's ratio")
      ->check(CLI::Range(1, 1000));
  app.add_option("files", files, "ROOT files")->required();
  CLI11_PARSE(app, argc, argv);

  opt.threads.clear();
  std::stringstream ss(threads);
  for (std::string item; std::getline(ss, item, ',');) {
    try {
      const int t = std::stoi(item);
      if (t < 1) throw std::invalid_argument("");
      opt.threads.push_back(t);
    } catch (const std::exception&) {
      fmt::print(stderr, "--threads={} is invalid: expected positive integers separated by commas\n", threads);
      return 2;
    }
  }
  if (opt.threads.empty()) opt.threads = {1};
  if (opt.keep_heap) {
    // glibc caps the mmap threshold at 32 MiB on 64-bit systems; larger blocks are still mapped.
    const bool ok = mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1 &&
                    mallopt(M_TOP_PAD, 64 << 20) == 1;
    if (!ok) fmt::print(stderr, "warning: mallopt refused a setting; --keep-heap is partly in effect\n");
  }

  fmt::print("evclass_read_bench: threads {}, {} repetitions of >= {} s each, {}{}{} (hardware threads: {})\n",
             fmt::join(opt.threads, ","), opt.repeat, opt.min_seconds, opt.best ? "best" : "medians",
             opt.keep_heap ? ", --keep-heap" : "", g_reuse_columns ? ", --reuse-columns" : "",
             evclass::core::hardware_threads());
  if (*std::max_element(opt.threads.begin(), opt.threads.end()) >= 2 && evclass::core::hardware_threads() >= 2) {
    const MachineProbe m = probe_machine();
    fmt::print("machine: a cache line goes to another thread and back in {:.0f} ns; a parallel_for of 2 empty items "
               "at 2 threads takes {:.1f} us\n",
               m.round_trip_ns, m.region_us);
  }
  int failures = 0;
  for (const auto& f : files) {
    try {
      bench_file(f, opt);
    } catch (const evclass::Error& e) {
      fmt::print("\n### {}\n\n{}: {}\n", f, e.kind(), e.what());
      ++failures;
    }
    std::fflush(stdout);
  }
  return failures ? 1 : 0;
}
