// Child protection plans and their reviews: dates against the referral, the conference, the
// census year and the child's death; categories of abuse; open and overlapping plans.
#include <algorithm>
#include <set>

#include "careflow/validate/cin_rule_support.hpp"

namespace careflow::validate::cin_detail {

namespace {

using CpTab = Tab<CP::Column>;

bool valid_category(std::string_view c) { return known(CodeList::category_of_abuse, c); }

}  // namespace

void cin_protection_plan_rules(Rules& r) {
  add_rule(r, "1105", 0, [](const Run& run) {
    FlagSet f;
    const CpTab cp(run);
    const Tab<CD::Column> cd(run);
    for (size_t k = 0; k < cp.rows(); ++k) {
      const auto start = cp.date(k, CP::CPPstartDate);
      if (!start) continue;
      if (const auto* eps = cp.same_episode(T::cin_details, k))
        for (size_t e : *eps)
          if (const auto ref = cd.date(e, CD::CINreferralDate); ref && *start < *ref) {
            f.add(cp, k);
            f.add(cd, e);
          }
    }
    return f.done();
  });
  add_row_rule<CP::Column>(r, "8720", 0, [](const CpTab& t, size_t k, const Run& run) {
    // Missing, or after the census (a plan may have started in an earlier year).
    const auto d = t.date(k, CP::CPPstartDate);
    return !d || *d > run.reference;
  });
  add_row_rule<CP::Column>(r, "8730", 0, [](const CpTab& t, size_t k, const Run&) {
    // A count: missing or not a whole number from 0.
    const std::string_view n = t(k, CP::NumberOfPreviousCPP);
    return n.empty() || !std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; });
  });
  add_row_rule<CP::Column>(r, "8840", 0, [](const CpTab& t, size_t k, const Run&) {
    const auto start = t.date(k, CP::CPPstartDate), end = t.date(k, CP::CPPendDate);
    return start && end && *start == *end;
  });
  add_row_rule<CP::Column>(r, "8925", 0, [](const CpTab& t, size_t k, const Run&) {
    const auto start = t.date(k, CP::CPPstartDate), end = t.date(k, CP::CPPendDate);
    return start && end && *end < *start;
  });
  add_row_rule<CP::Column>(r, "8930", 0, [](const CpTab& t, size_t k, const Run& run) {
    const auto end = t.date(k, CP::CPPendDate);
    return end && !run.in_census(*end);
  });
  add_row_rule<CP::Column>(r, "8905", 0, [](const CpTab& t, size_t k, const Run&) {
    return !valid_category(t(k, CP::InitialCategoryOfAbuse));
  });
  add_row_rule<CP::Column>(r, "8910", 0, [](const CpTab& t, size_t k, const Run&) {
    return !valid_category(t(k, CP::LatestCategoryOfAbuse));
  });
  // After the child's death: a plan starting (8915) or ending (8920).
  for (const auto& [code, col] : {std::pair{"8915", CP::CPPstartDate}, std::pair{"8920", CP::CPPendDate}})
    add_rule(r, code, 0, [col = col](const Run& run) {
      FlagSet f;
      const CpTab cp(run);
      const Tab<CI::Column> ci(run);
      for (size_t k = 0; k < ci.rows(); ++k) {
        const auto death = ci.date(k, CI::PersonDeathDate);
        if (!death) continue;
        if (const auto* rows = ci.same_child(T::child_protection_plans, k))
          for (size_t p : *rows)
            if (const auto d = cp.date(p, col); d && *d > *death) {
              f.add(ci, k);
              f.add(cp, p);
            }
      }
      return f.done();
    });
  add_rule(r, "8935", 0, [](const Run& run) {
    // More than one open plan for the child (DfE's message is about the child).
    FlagSet f;
    const CpTab t(run);
    for (const auto& rows : groups(run, T::child_protection_plans, GroupBy::child).rows) {
      std::vector<size_t> open;
      for (size_t k : rows)
        if (t.blank(k, CP::CPPendDate)) open.push_back(k);
      if (open.size() > 1)
        for (size_t k : open) f.add(t, k);
    }
    return f.done();
  });
  add_rule(r, "8940", 0, [](const Run& run) {
    // A child's plan starting on or after another's start and on or before its end (an open plan
    // runs to the reference date).
    FlagSet f;
    const CpTab t(run);
    for (const auto& rows : groups(run, T::child_protection_plans, GroupBy::child).rows)
      for (size_t b : rows) {
        const auto start = t.date(b, CP::CPPstartDate);
        if (!start) continue;
        for (size_t a : rows) {
          if (a == b) continue;
          const auto a_start = t.date(a, CP::CPPstartDate);
          if (!a_start || *start < *a_start) continue;
          const auto a_end = t.date(a, CP::CPPendDate);
          if (a_end ? *start <= *a_end : t.blank(a, CP::CPPendDate) && *start <= run.reference) {
            f.add(t, a);
            f.add(t, b);
          }
        }
      }
    return f.done();
  });

  // ---- Conferences ----
  add_rule(r, "2885", 0, [](const Run& run) {
    // A plan starting in the census year must start on the day of an initial conference of its
    // episode: one of its section 47 enquiries' conferences, or the episode's own conference when
    // no enquiry of the episode called for one (every enquiry flagged "not required"). On a
    // mismatch the plan is flagged with the enquiries whose conference started no plan of the
    // episode, or else with the episode.
    FlagSet f;
    const CpTab cp(run);
    const Tab<S47::Column> s47(run);
    const Tab<CD::Column> cd(run);
    for (size_t k = 0; k < cp.rows(); ++k) {
      const auto start = cp.date(k, CP::CPPstartDate);
      if (!start || !run.in_census(*start)) continue;
      std::vector<size_t> enquiries;
      if (const auto* rows = cp.same_episode(T::section47, k))
        for (size_t s : *rows)
          if (!is_true(s47(s, S47::ICPCnotRequired))) enquiries.push_back(s);
      if (!enquiries.empty()) {
        if (std::any_of(enquiries.begin(), enquiries.end(), [&](size_t s) { return s47.date(s, S47::DateOfInitialCPC) == start; }))
          continue;
        f.add(cp, k);
        std::set<Date> plan_starts;
        for (size_t p : *cp.same_episode(T::child_protection_plans, k))
          if (const auto d = cp.date(p, CP::CPPstartDate)) plan_starts.insert(*d);
        for (size_t s : enquiries) {
          const auto d = s47.date(s, S47::DateOfInitialCPC);
          if (!d || !plan_starts.count(*d)) f.add(s47, s);
        }
        continue;
      }
      const auto* eps = cp.same_episode(T::cin_details, k);
      if (eps && std::any_of(eps->begin(), eps->end(), [&](size_t e) { return cd.date(e, CD::DateOfInitialCPC) == start; }))
        continue;
      f.add(cp, k);
      if (eps)
        for (size_t e : *eps) f.add(cd, e);
    }
    return f.done();
  });
  add_rule(r, "2883", 0, [](const Run& run) {
    // Return level: more plans starting in the census year than initial conferences held in it
    // (on section 47 enquiries and on episodes).
    FlagSet f;
    const CpTab cp(run);
    if (!cp) return f.done();
    const Tab<S47::Column> s47(run);
    const Tab<CD::Column> cd(run);
    size_t plans = 0, conferences = 0;
    auto in = [&](std::optional<Date> d) { return d && run.in_census(*d); };
    for (size_t k = 0; k < cp.rows(); ++k) plans += in(cp.date(k, CP::CPPstartDate));
    for (size_t k = 0; k < s47.rows(); ++k) conferences += in(s47.date(k, S47::DateOfInitialCPC));
    for (size_t k = 0; k < cd.rows(); ++k) conferences += in(cd.date(k, CD::DateOfInitialCPC));
    if (plans > conferences) f.return_level();
    return f.done();
  });

  // ---- Reviews ----
  add_rule(r, "8841", 0, [](const Run& run) {
    // A review on or before its plan's start.
    FlagSet f;
    const Tab<RV::Column> rv(run);
    const CpTab cp(run);
    for (size_t k = 0; k < rv.rows(); ++k) {
      const auto review = rv.date(k, RV::CPPreviewDate);
      if (!review) continue;
      if (const auto* plans = rv.same_plan(T::child_protection_plans, k))
        for (size_t c : *plans)
          if (const auto start = cp.date(c, CP::CPPstartDate); start && *review <= *start) {
            f.add(rv, k);
            f.add(cp, c);
          }
    }
    return f.done();
  });
  add_row_rule<RV::Column>(r, "8842Q", 0, [](const Tab<RV::Column>& t, size_t k, const Run&) {
    return t.blank(k, RV::CPPreviewDate);
  });
}

}  // namespace careflow::validate::cin_detail
