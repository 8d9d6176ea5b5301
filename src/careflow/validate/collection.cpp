#include "careflow/validate/collection.hpp"

#include <ctime>
#include <set>

#include <fmt/format.h>
#include <tbb/parallel_for.h>

namespace careflow::validate {

const RuleVersion* find_rule(std::span<const RuleVersion> catalogue, std::string_view code, int year) {
  for (const auto& v : catalogue)
    if (v.code == code && v.active_in(year)) return &v;
  return nullptr;
}

std::shared_ptr<const void> RunCache::get_erased(std::string_view name, const void* key,
                                                 const std::function<std::shared_ptr<const void>()>& build) {
  std::shared_ptr<Entry> e;
  {
    std::lock_guard<std::mutex> g(lock_);
    auto& slot = entries_[std::pair<std::string, const void*>(std::string(name), key)];
    if (!slot) slot = std::make_shared<Entry>();
    e = slot;
  }
  std::call_once(e->once, [&] { e->value = build(); });
  return e->value;
}

namespace {
std::string version_label(int version_year) {
  return version_year == 0 ? "every version" : fmt::format("the {}/{:02} version", version_year - 1, version_year % 100);
}
}  // namespace

std::vector<std::string> registration_problems(std::span<const RuleVersion> catalogue,
                                               const std::vector<Registration>& registered) {
  std::vector<std::string> out;
  std::set<std::pair<std::string_view, int>> seen;
  std::set<std::string_view> every_version, one_version;
  for (const auto& r : registered) {
    bool code_known = false, version_known = r.version_year == 0;
    for (const auto& v : catalogue)
      if (v.code == r.code) {
        code_known = true;
        version_known |= v.version_year == r.version_year;
      }
    if (!code_known) out.push_back(fmt::format("{}: no such rule in the catalogue", r.code));
    else if (!version_known)
      out.push_back(fmt::format("{}: the catalogue has no {}/{:02} version", r.code, r.version_year - 1, r.version_year % 100));
    if (!seen.insert({r.code, r.version_year}).second)
      out.push_back(fmt::format("{}, {}: registered twice", r.code, version_label(r.version_year)));
    (r.version_year == 0 ? every_version : one_version).insert(r.code);
  }
  for (const auto code : every_version)
    if (one_version.count(code))
      out.push_back(fmt::format("{}: registered for every version and for one", code));
  return out;
}

namespace engine_detail {

std::string needs_reason(const std::vector<std::string>& missing) {
  std::string reason = "needs ";
  for (size_t i = 0; i < missing.size(); ++i) reason += (i ? " and " : "") + missing[i];
  return reason;
}

// A rule runs on one thread from start to end, so the thread's CPU time is its cost even when
// other processes share the cores.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

void for_each_in_parallel(size_t n, const std::function<void(size_t)>& f, std::vector<double>& seconds) {
  seconds.assign(n, 0);
  tbb::parallel_for(size_t{0}, n, [&](size_t i) {
    const double t0 = thread_cpu_seconds();
    f(i);
    seconds[i] = thread_cpu_seconds() - t0;
  });
}

}  // namespace engine_detail
}  // namespace careflow::validate
