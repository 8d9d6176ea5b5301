#include "careflow/validate/engine.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include <tbb/parallel_for.h>

#include <fmt/format.h>

#include "careflow/io/postcodes.hpp"
#include "careflow/validate/more_rules.hpp"
#include "careflow/validate/rule_support.hpp"

namespace careflow::validate::detail {
namespace {
// Indexes of the tables of one validation run, by name and table. Tables are not modified while
// rules run, so an index stays valid for the run; the cache is dropped when the run ends (a
// later run may reuse a table's address for other data).
// Rules of one run execute on several threads, which share the run's cache: the mutex guards
// only the map; each entry is built once (call_once), so a rule building one index does not
// hold up rules that need another.
struct IndexCache {
  struct Entry {
    std::once_flag once;
    std::shared_ptr<const void> value;
  };
  std::mutex lock;
  std::map<std::pair<std::string, const void*>, std::shared_ptr<Entry>, std::less<>> entries;
};
thread_local IndexCache* t_cache = nullptr;

// Lets a worker thread use the cache of the run that started it.
struct CacheBinding {
  IndexCache* saved;
  explicit CacheBinding(IndexCache* c) : saved(t_cache) { t_cache = c; }
  ~CacheBinding() { t_cache = saved; }
  CacheBinding(const CacheBinding&) = delete;
  CacheBinding& operator=(const CacheBinding&) = delete;
};
}  // namespace
}  // namespace careflow::validate::detail

namespace careflow::validate {

namespace {

const RuleVersion kCatalogue[] = {
#include "careflow/validate/rule_catalogue.inc"
};

struct Registered {
  std::string code;
  int version_year;
  RuleImpl impl;
};

std::vector<Registered>& registered() {
  static std::vector<Registered> r;
  return r;
}

void ensure_registered() {
  static std::once_flag once;
  std::call_once(once, [] {
    detail::register_row_rules();
    detail::register_cross_table_rules();
    detail::register_sequence_rules();
    detail::register_more_rules();
  });
}

// A rule runs on one thread from start to end, so the thread's CPU time is its cost even when
// other processes share the cores.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

}  // namespace

const std::vector<RuleVersion>& catalogue() {
  static const std::vector<RuleVersion> v(std::begin(kCatalogue), std::end(kCatalogue));
  return v;
}

const RuleVersion* find_rule(std::string_view code, int year) {
  for (const auto& v : catalogue())
    if (v.code == code && v.active_in(year)) return &v;
  return nullptr;
}

const RuleImpl* implementation(const RuleVersion& v) {
  ensure_registered();
  const RuleImpl* any = nullptr;
  for (const auto& r : registered()) {
    if (r.code != v.code) continue;
    if (r.version_year == v.version_year) return &r.impl;
    if (r.version_year == 0) any = &r.impl;
  }
  return any;
}

RuleResult run_rule(const RuleVersion& v, const ValidationInput& in) {
  detail::CacheScope scope;
  RuleResult res;
  res.rule = &v;
  const RuleImpl* impl = implementation(v);
  if (!impl) {
    res.outcome = Outcome::not_implemented;
    res.reason = "not yet implemented in careflow";
    return res;
  }
  std::vector<std::string> missing;
  if (impl->needs.last_year && !in.last_year) missing.push_back("last year's return (--last-year)");
  if (impl->needs.postcodes && !in.derived)
    missing.push_back("postcode-derived fields (the ONS postcode directory, postcodes/onspd_postcodes.csv.gz)");
  if (impl->needs.providers && !in.providers) missing.push_back("the Ofsted provider list (--providers)");
  if (impl->needs.council && in.la.empty()) missing.push_back("the council's code (--la)");
  else if (impl->needs.location && in.derived && !in.derived->location)
    missing.push_back("the council's code (--la), to derive PL_LOCATION");
  if (!missing.empty()) {
    res.outcome = Outcome::not_run;
    res.reason = "needs ";
    for (size_t i = 0; i < missing.size(); ++i) res.reason += (i ? " and " : "") + missing[i];
    return res;
  }
  res.flagged = impl->check(in);
  for (auto it = res.flagged.begin(); it != res.flagged.end();)
    it = it->second.empty() ? res.flagged.erase(it) : std::next(it);
  return res;
}

namespace {
std::vector<RuleResult> run_rules(const ValidationInput& in, const std::optional<RulePart>& part,
                                  SharedIndexes* indexes) {
  // One set of table indexes for every rule: the caller's, or this call's own.
  std::optional<detail::CacheBinding> bound;
  if (indexes) bound.emplace(static_cast<detail::IndexCache*>(indexes->handle()));
  detail::CacheScope scope;
  ensure_registered();
  std::vector<const RuleVersion*> active;
  for (const auto& v : catalogue()) {
    if (!v.active_in(in.year.end_year)) continue;
    if (part) {
      const RuleImpl* impl = implementation(v);
      const bool postcode_rule = impl && impl->needs.postcodes;
      if (postcode_rule != (*part == RulePart::postcode_rules)) continue;
    }
    active.push_back(&v);
  }
  // Rules are independent and read the return only: run them in parallel (results in
  // catalogue order whatever the scheduling).
  std::vector<RuleResult> out(active.size());
  detail::IndexCache* cache = detail::t_cache;
  std::vector<double> seconds(active.size());
  tbb::parallel_for(size_t{0}, active.size(), [&](size_t i) {
    detail::CacheBinding bind(cache);
    const double t0 = thread_cpu_seconds();
    out[i] = run_rule(*active[i], in);
    seconds[i] = thread_cpu_seconds() - t0;
  });
  if (std::getenv("CAREFLOW_TIMING")) {
    std::vector<size_t> order(active.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return seconds[a] > seconds[b]; });
    double total = 0;
    for (double s : seconds) total += s;
    fmt::print(stderr, "  rules: {:.3f} s CPU in all; the slowest:\n", total);
    for (size_t k = 0; k < std::min<size_t>(order.size(), 25); ++k)
      fmt::print(stderr, "    {:<6} {:>8.3f} s\n", active[order[k]]->code, seconds[order[k]]);
  }
  return out;
}
}  // namespace

std::vector<RuleResult> validate(const ValidationInput& in) { return run_rules(in, std::nullopt, nullptr); }
std::vector<RuleResult> validate(const ValidationInput& in, RulePart part, SharedIndexes* indexes) {
  return run_rules(in, part, indexes);
}

SharedIndexes::SharedIndexes() : cache_(new detail::IndexCache) {}
SharedIndexes::~SharedIndexes() { delete static_cast<detail::IndexCache*>(cache_); }

DerivedEpisodeFields derive_episode_fields(const ssda903::ReturnTable& episodes,
                                           const PostcodeDirectory& postcodes, std::string_view la) {
  DerivedEpisodeFields d;
  const size_t n = episodes.rows();
  d.pl_la.resize(n);
  d.pl_location.resize(n);
  d.pl_distance.resize(n);
  d.location = !la.empty();
  const size_t home_col = detail::col(ssda903::Table::episodes, "HOME_POST");
  const size_t pl_col = detail::col(ssda903::Table::episodes, "PL_POST");
  for (size_t r = 0; r < n; ++r) {
    const auto pl = postcodes.find(episodes.cell(r, pl_col));
    if (!pl) continue;
    d.pl_la[r] = std::string(pl->utla);
    if (!la.empty()) d.pl_location[r] = (pl->utla == la || pl->laua == la) ? "IN" : "OUT";
    if (const auto home = postcodes.find(episodes.cell(r, home_col)))
      if (const auto miles = distance_miles(*home, *pl)) d.pl_distance[r] = fmt::format("{:.1f}", *miles);
  }
  return d;
}

namespace detail {

size_t col_lookup(Table t, std::string_view name) {
  const auto& cols = ssda903::schema(t).columns;
  const auto it = std::find(cols.begin(), cols.end(), name);
  if (it == cols.end()) std::abort();  // a misspelt column in a rule: caught by the tests
  ColumnSeen& s = column_seen(t, name.data());
  s = {name.data(), it->data(), static_cast<uint32_t>(it->size()), static_cast<uint32_t>(it - cols.begin()), t};
  return s.index;
}

std::optional<Date> return_date(std::string_view s) {
  int part[3] = {0, 0, 0};
  int digits[3] = {0, 0, 0};
  int k = 0;
  for (char c : s) {
    if (c == '/') {
      if (++k > 2) return std::nullopt;
    } else if (c >= '0' && c <= '9') {
      part[k] = part[k] * 10 + (c - '0');
      if (++digits[k] > 4) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  if (k != 2 || digits[0] < 1 || digits[0] > 2 || digits[1] < 1 || digits[1] > 2 || digits[2] != 4)
    return std::nullopt;
  const int d = part[0], m = part[1], y = part[2];
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return std::nullopt;
  return Date::from_ymd(y, m, d);
}

Tab with_dates(Tab t);

Tab tab(const ValidationInput& in, Table t) {
  return with_dates(Tab{in.this_year ? in.this_year->find(t) : nullptr, t});
}
Tab last_tab(const ValidationInput& in, Table t) {
  return with_dates(Tab{in.last_year ? in.last_year->find(t) : nullptr, t});
}

void add_rule(std::string_view code, int version_year, RuleImpl impl) {
  registered().push_back({std::string(code), version_year, std::move(impl)});
}

void add_row_rule(std::string_view code, int version_year, Table t, RowTest test) {
  add_rule(code, version_year,
           {{}, [t, test = std::move(test)](const ValidationInput& in) {
              Flags f;
              const Tab x = tab(in, t);
              if (!x) return f;
              std::vector<size_t> rows;
              for (size_t r = 0; r < x.rows(); ++r)
                if (test(Row{x, r, in.year.end_year, in})) rows.push_back(r);
              put(f, t, std::move(rows));
              return f;
            }});
}

CacheScope::CacheScope() {
  if (!t_cache) {
    t_cache = new IndexCache;
    owner_ = true;
  }
}
CacheScope::~CacheScope() {
  if (owner_) {
    delete t_cache;
    t_cache = nullptr;
  }
}

std::shared_ptr<const void> run_shared(std::string_view name, const void* key,
                                       const std::function<std::shared_ptr<const void>()>& build) {
  if (!t_cache) {
    // Outside a run (no cache) each call builds a value kept for the thread's life; rules
    // always run inside one (run_rule and validate hold a CacheScope).
    thread_local std::vector<std::shared_ptr<const void>> loose;
    loose.push_back(build());
    return loose.back();
  }
  std::shared_ptr<IndexCache::Entry> e;
  {
    std::lock_guard<std::mutex> g(t_cache->lock);
    auto& slot = t_cache->entries[std::pair<std::string, const void*>(std::string(name), key)];
    if (!slot) slot = std::make_shared<IndexCache::Entry>();
    e = slot;
  }
  std::call_once(e->once, [&] { e->value = build(); });
  return e->value;
}

const ChildRows& by_child(const Tab& t) {
  static const ChildRows kNone;
  if (!t) return kNone;
  return shared<ChildRows>("by_child", t.t, [&t] {
    const size_t c = col(t.table, "CHILD");
    ChildRows m(t.rows() / 2);
    // Each child's rows are counted first so that its list is allocated once, at its size,
    // rather than grown (and copied, and freed) row by row.
    std::vector<uint32_t> child_of(t.rows());
    std::vector<uint32_t> count;
    for (size_t r = 0; r < t.rows(); ++r) {
      const auto [it, fresh] = m.try_emplace(t.t->cell(r, c));
      child_of[r] = static_cast<uint32_t>(it - m.begin());
      if (fresh) count.push_back(0);
      ++count[child_of[r]];
    }
    for (size_t k = 0; k < count.size(); ++k) (m.begin() + k)->second.reserve(count[k]);
    for (size_t r = 0; r < t.rows(); ++r) (m.begin() + child_of[r])->second.push_back(r);
    return m;
  });
}

const ChildMap<size_t>& first_row_by_child(const Tab& t) {
  static const ChildMap<size_t> kNone;
  if (!t) return kNone;
  return shared<ChildMap<size_t>>("first_row_by_child", t.t, [&t] {
    const size_t c = col(t.table, "CHILD");
    ChildMap<size_t> m(t.rows());
    for (size_t r = 0; r < t.rows(); ++r) m.try_emplace(t.t->cell(r, c), r);
    return m;
  });
}

// Inside a run, a table's date columns are parsed once and shared by every rule.
Tab with_dates(Tab t) {
  if (!t || !t_cache) return t;
  static const std::vector<std::string_view> kDateColumns = {
      "DOB", "MC_DOB", "DECOM", "DEC", "REVIEW", "DUC", "DATE_INT", "DATE_MATCH", "DATE_PLACED",
      "DATE_PLACED_CEASED", "DATE_PERM", "MIS_START", "MIS_END", "SW_DECOM", "SW_DEC",
      "DOLO_START", "DOLO_END"};
  t.dates = &shared<DateColumns>("dates", t.t, [&t] {
    DateColumns d;
    const auto& cols = ssda903::schema(t.table).columns;
    d.resize(cols.size());
    for (size_t c = 0; c < cols.size(); ++c) {
      if (std::find(kDateColumns.begin(), kDateColumns.end(), cols[c]) == kDateColumns.end()) continue;
      d[c].reserve(t.rows());
      for (size_t r = 0; r < t.rows(); ++r) d[c].push_back(return_date(t.t->cell(r, c)));
    }
    return d;
  });
  return t;
}

void put(Flags& f, Table t, std::vector<size_t> rows) {
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  if (rows.empty()) return;
  auto& dst = f[t];
  dst.insert(dst.end(), rows.begin(), rows.end());
  std::sort(dst.begin(), dst.end());
  dst.erase(std::unique(dst.begin(), dst.end()), dst.end());
}

}  // namespace detail
}  // namespace careflow::validate
