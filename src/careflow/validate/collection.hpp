// The validation engine, for any collection: the SSDA903 return (ssda903_collection.hpp), and
// next the Children in Need census. A collection is a type naming its tables, its input (one
// year's return and what else its rules read), what a rule may need beyond that, and the context
// a rule runs in; with its catalogue of DfE's rule versions (code, message, fields, the
// collection years each is active in) and the rules it implements. The engine runs the rule
// versions active in a year, each reported as run (with the rows it flags, per table), not run
// (saying what it needs) or not implemented, never silently skipped.
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace careflow::validate {

// One version of one rule, as DfE and the reference tool define it.
struct RuleVersion {
  std::string_view code;
  int version_year = 0;    // collection year whose specification introduced this version
  int first_year = 0;      // first and last collection years this version is active in
  int last_year = -1;
  std::string_view message;         // DfE's message, verbatim
  std::string_view affected_fields; // comma-separated
  std::string_view tables;          // comma-separated, as the reference names them
  bool active_in(int year) const { return year >= first_year && year <= last_year; }
};

// The version of `code` active in `year`, if any.
const RuleVersion* find_rule(std::span<const RuleVersion> catalogue, std::string_view code, int year);

enum class Outcome : uint8_t { ran, not_run, not_implemented };

// Rows flagged by a rule, per table of the collection: 0-based rows, sorted, unique.
template <class Table>
using FlagsOf = std::map<Table, std::vector<size_t>>;

template <class Table>
struct ResultOf {
  const RuleVersion* rule = nullptr;
  Outcome outcome = Outcome::ran;
  std::string reason;  // for not_run: "needs last year's return" etc.
  FlagsOf<Table> flagged;
  double cpu_seconds = 0;  // the rule's thread CPU time (steady when other processes share the cores)
};

// Values built once per validation run and shared by every rule asking for them under the same
// name and key (a table, usually): each child's rows, parsed dates, last year's open episodes...
// Rules run on several threads at once: the lock guards only the map, and each value is built
// once (call_once), so a rule building one index does not hold up rules that need another. Keys
// are addresses of the run's tables, so a cache serves only runs over the same returns.
class RunCache {
 public:
  template <class T, class Build>
  const T& get(std::string_view name, const void* key, Build build) {
    return *static_cast<const T*>(
        get_erased(name, key, [&]() -> std::shared_ptr<const void> { return std::make_shared<const T>(build()); }).get());
  }

 private:
  struct Entry {
    std::once_flag once;
    std::shared_ptr<const void> value;
  };
  std::shared_ptr<const void> get_erased(std::string_view name, const void* key,
                                         const std::function<std::shared_ptr<const void>()>& build);
  std::mutex lock_;
  std::map<std::pair<std::string, const void*>, std::shared_ptr<Entry>, std::less<>> entries_;
};

// Where a flagged row is, for the error tables (error_tables.hpp): the file it was read from,
// its line there, and the child's identifier.
struct RowLocation {
  std::string_view file;
  uint32_t line = 0;
  std::string_view child;
};

// What a collection provides: its tables (Table: an enumeration, the key of a rule's flags),
// its return (what the error tables locate flagged rows in), its input (one year's return and
// whatever else its rules read: Input, with the collection year `year(in)`), its catalogue of
// rule versions and the rules it implements. Its Run is what a rule sees, made from the input
// and the run's cache; `missing` lists what a rule's needs lack in an input ("last year's
// return (--last-year)"), empty when it can run.
template <class C>
class RuleSet;
template <class C>
concept Collection = requires(const typename C::Input& in, const typename C::Needs& needs, const typename C::Return& ret,
                              typename C::Table table) {
  { C::catalogue() } -> std::convertible_to<std::span<const RuleVersion>>;
  { C::rules() } -> std::same_as<const RuleSet<C>&>;
  { C::year(in) } -> std::convertible_to<int>;
  { C::missing(needs, in) } -> std::same_as<std::vector<std::string>>;
  { C::table_name(table) } -> std::convertible_to<std::string_view>;
  { C::locate(ret, table, size_t{}) } -> std::same_as<RowLocation>;
  typename C::Run;
  requires std::constructible_from<typename C::Run, const typename C::Input&, RunCache&>;
};

// The rules a collection implements: each registered for a rule code and the version it
// implements (the collection year whose specification introduced it; 0: every version of the
// code), with what it needs and its check. Registrations are checked against the catalogue by
// `registration_problems`.
template <class C>
class RuleSet {
 public:
  using Flags = FlagsOf<typename C::Table>;
  using Check = std::function<Flags(const typename C::Run&)>;
  struct Rule {
    std::string_view code;
    int version_year = 0;
    typename C::Needs needs;
    Check check;
  };

  void add(std::string_view code, int version_year, typename C::Needs needs, Check check) {
    rules_.push_back({code, version_year, needs, std::move(check)});
  }
  const std::vector<Rule>& all() const { return rules_; }
  // The implementation of a rule version: the one registered for it, else one for every version.
  const Rule* find(const RuleVersion& v) const {
    const Rule* any = nullptr;
    for (const auto& r : rules_) {
      if (r.code != v.code) continue;
      if (r.version_year == v.version_year) return &r;
      if (r.version_year == 0) any = &r;
    }
    return any;
  }

 private:
  std::vector<Rule> rules_;
};

// What is wrong with a collection's registrations against its catalogue, one line each: a code
// the catalogue does not have (a typo would otherwise leave the real rule "not implemented"), a
// version year that is none of the code's versions, a code and version registered twice, or a
// code registered both for every version (0) and for one. Empty when each registration names
// rule versions of the catalogue and no version has two implementations.
struct Registration {
  std::string_view code;
  int version_year = 0;
};
std::vector<std::string> registration_problems(std::span<const RuleVersion> catalogue,
                                               const std::vector<Registration>& registered);
template <class C>
std::vector<Registration> registrations(const RuleSet<C>& rules) {
  std::vector<Registration> out;
  for (const auto& r : rules.all()) out.push_back({r.code, r.version_year});
  return out;
}

namespace engine_detail {
// "needs A and B" from what is missing.
std::string needs_reason(const std::vector<std::string>& missing);
// Calls f(i) for i in [0, n) on the worker threads, recording each call's thread CPU time.
void for_each_in_parallel(size_t n, const std::function<void(size_t)>& f, std::vector<double>& seconds);
double thread_cpu_seconds();
}  // namespace engine_detail

// Runs one rule version in `run` (a rule whose needs are not met is not run).
template <Collection C>
ResultOf<typename C::Table> run_rule(const RuleVersion& v, const typename C::Input& in, const typename C::Run& run) {
  ResultOf<typename C::Table> res;
  res.rule = &v;
  const auto* impl = C::rules().find(v);
  if (!impl) {
    res.outcome = Outcome::not_implemented;
    res.reason = "not yet implemented in careflow";
    return res;
  }
  if (const auto missing = C::missing(impl->needs, in); !missing.empty()) {
    res.outcome = Outcome::not_run;
    res.reason = engine_detail::needs_reason(missing);
    return res;
  }
  res.flagged = impl->check(run);
  for (auto it = res.flagged.begin(); it != res.flagged.end();)
    it = it->second.empty() ? res.flagged.erase(it) : std::next(it);
  return res;
}

// Runs every rule version active in the input's year that `wanted` accepts (given the rule's
// needs; an unimplemented version's are the default Needs), in parallel, sharing `cache`.
// Results are in catalogue order whatever the scheduling.
template <Collection C>
std::vector<ResultOf<typename C::Table>> run_rules(const typename C::Input& in, RunCache& cache,
                                                   const std::function<bool(const typename C::Needs&)>& wanted = {}) {
  const int year = C::year(in);
  std::vector<const RuleVersion*> active;
  for (const auto& v : C::catalogue()) {
    if (!v.active_in(year)) continue;
    if (wanted) {
      const auto* impl = C::rules().find(v);
      if (!wanted(impl ? impl->needs : typename C::Needs{})) continue;
    }
    active.push_back(&v);
  }
  const typename C::Run run(in, cache);
  std::vector<ResultOf<typename C::Table>> out(active.size());
  std::vector<double> seconds;
  engine_detail::for_each_in_parallel(active.size(), [&](size_t i) { out[i] = run_rule<C>(*active[i], in, run); }, seconds);
  for (size_t i = 0; i < out.size(); ++i) out[i].cpu_seconds = seconds[i];
  return out;
}

}  // namespace careflow::validate
