// Section 47 enquiries and initial child protection conferences: dates against the referral and
// the census year, weekends and working days, open and overlapping enquiries, and conferences
// recorded twice.
#include <algorithm>

#include "careflow/validate/cin_rule_support.hpp"

namespace careflow::validate::cin_detail {

namespace {

using S47Tab = Tab<S47::Column>;

// Not completed: no conference date, and not flagged "conference not required".
bool open_enquiry(const S47Tab& t, size_t k) {
  return t.blank(k, S47::DateOfInitialCPC) && !is_true(t(k, S47::ICPCnotRequired));
}

// A row's date compared with its episode's referral date: flags both when `before` is earlier.
CinFlags before_referral(const Run& run, S47::Column col) {
  FlagSet f;
  const S47Tab s(run);
  const Tab<CD::Column> cd(run);
  for (size_t k = 0; k < s.rows(); ++k) {
    const auto d = s.date(k, col);
    if (!d) continue;
    if (const auto* eps = s.same_episode(T::cin_details, k))
      for (size_t e : *eps)
        if (const auto ref = cd.date(e, CD::CINreferralDate); ref && *d < *ref) {
          f.add(s, k);
          f.add(cd, e);
        }
  }
  return f.done();
}

}  // namespace

void cin_section47_rules(Rules& r) {
  add_rule(r, "2889", 0, [](const Run& run) { return before_referral(run, S47::S47ActualStartDate); });
  add_rule(r, "1104", 0, [](const Run& run) { return before_referral(run, S47::DateOfInitialCPC); });
  add_row_rule<S47::Column>(r, "8615", 0, [](const S47Tab& t, size_t k, const Run&) {
    // With a conference date, the enquiry's start must be there and not after it.
    const auto icpc = t.date(k, S47::DateOfInitialCPC);
    if (!icpc) return false;
    const auto start = t.date(k, S47::S47ActualStartDate);
    return !start || *start > *icpc;
  });
  add_row_rule<S47::Column>(r, "8715", 0, [](const S47Tab& t, size_t k, const Run& run) {
    const auto icpc = t.date(k, S47::DateOfInitialCPC);
    return icpc && !run.in_census(*icpc);
  });
  add_row_rule<S47::Column>(r, "8740", 0, [](const S47Tab& t, size_t k, const Run& run) {
    const auto start = t.date(k, S47::S47ActualStartDate);
    return open_enquiry(t, k) && start && !run.in_census(*start);
  });
  add_row_rule<S47::Column>(r, "8875", 0, [](const S47Tab& t, size_t k, const Run&) {
    const auto icpc = t.date(k, S47::DateOfInitialCPC);
    return icpc && is_weekend(*icpc);
  });
  add_row_rule<S47::Column>(r, "8870Q", 0, [](const S47Tab& t, size_t k, const Run&) {
    const auto target = t.date(k, S47::InitialCPCtarget);
    return target && is_weekend(*target);
  });
  add_rule(
      r, "8675Q", 0,
      [](const Run& run) {
        // Started before the 15th working day counting back from the reference date, with no
        // conference and not flagged "not required".
        FlagSet f;
        const S47Tab t(run);
        const auto limit = nth_working_day_back(run.reference, 15, *run.holidays);
        if (!limit) return f.done();
        for (size_t k = 0; k < t.rows(); ++k)
          if (const auto start = t.date(k, S47::S47ActualStartDate); start && *start < *limit && open_enquiry(t, k))
            f.add(t, k);
        return f.done();
      },
      CinNeeds{.working_days = true});
  add_rule(r, "8839", 0, [](const Run& run) {
    // Within one episode, at most one enquiry not completed.
    FlagSet f;
    const S47Tab t(run);
    for (const auto& rows : groups(run, T::section47, GroupBy::episode).rows) {
      std::vector<size_t> open;
      for (size_t k : rows)
        if (open_enquiry(t, k)) open.push_back(k);
      if (open.size() > 1)
        for (size_t k : open) f.add(t, k);
    }
    return f.done();
  });
  add_rule(r, "8890", 0, [](const Run& run) {
    // Within one episode, an enquiry starting on or after another's start while that one is
    // ongoing: before its conference, or, with neither a conference nor "not required", by the
    // reference date.
    FlagSet f;
    const S47Tab t(run);
    for (const auto& rows : groups(run, T::section47, GroupBy::episode).rows)
      for (size_t b : rows) {
        const auto start = t.date(b, S47::S47ActualStartDate);
        if (!start) continue;
        for (size_t a : rows) {
          if (a == b) continue;
          const auto a_start = t.date(a, S47::S47ActualStartDate);
          if (!a_start || *start < *a_start) continue;
          const auto a_end = t.date(a, S47::DateOfInitialCPC);
          if (a_end ? *start < *a_end : open_enquiry(t, a) && *start <= run.reference) {
            f.add(t, a);
            f.add(t, b);
          }
        }
      }
    return f.done();
  });
  add_rule(r, "2884", 0, [](const Run& run) {
    // The same conference (the child's, on the same day) recorded both on a section 47 enquiry
    // and on an episode.
    FlagSet f;
    const S47Tab s(run);
    const Tab<CD::Column> cd(run);
    for (size_t e = 0; e < cd.rows(); ++e) {
      const auto icpc = cd.date(e, CD::DateOfInitialCPC);
      if (!icpc) continue;
      if (const auto* rows = cd.same_child(T::section47, e))
        for (size_t k : *rows)
          if (const auto d = s.date(k, S47::DateOfInitialCPC); d && *d == *icpc) {
            f.add(s, k);
            f.add(cd, e);
          }
    }
    return f.done();
  });
  add_rule(r, "2991Q", 0, [](const Run& run) {
    // An enquiry in an episode with no assessment.
    FlagSet f;
    const S47Tab s(run);
    if (!run.table(T::assessments)) return f.done();
    for (size_t k = 0; k < s.rows(); ++k)
      if (!s.same_episode(T::assessments, k)) f.add(s, k);
    return f.done();
  });
}

}  // namespace careflow::validate::cin_detail
