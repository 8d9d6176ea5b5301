// Child in need plans (CINplanDates): dates against the referral, the census year and the
// child's death; open and overlapping plans; and CIN plans against child protection plans, which
// replace them rather than run beside them.
#include <algorithm>

#include "careflow/validate/cin_rule_support.hpp"

namespace careflow::validate::cin_detail {

namespace {

using PlTab = Tab<PL::Column>;
using CpTab = Tab<CP::Column>;

// Whether `d` falls in [start, end): an open end runs to the reference date, inclusive.
bool during(Date d, Date start, std::optional<Date> end, bool open, const Run& run) {
  if (d < start) return false;
  if (end) return d < *end;
  return open && d <= run.reference;
}

// Rule 4016 and 4017: a date of one kind of plan falling while a plan of the other kind runs in
// the same episode; both plans are flagged.
template <class DateCol, class SpanCol>
CinFlags starts_during(const Run& run, DateCol start_col, SpanCol span_start, SpanCol span_end) {
  FlagSet f;
  const Tab<DateCol> starts(run);
  const Tab<SpanCol> spans(run);
  for (size_t k = 0; k < starts.rows(); ++k) {
    const auto d = starts.date(k, start_col);
    if (!d) continue;
    if (const auto* rows = starts.same_episode(Tab<SpanCol>::table, k))
      for (size_t s : *rows) {
        const auto from = spans.date(s, span_start);
        if (from && during(*d, *from, spans.date(s, span_end), spans.blank(s, span_end), run)) {
          f.add(starts, k);
          f.add(spans, s);
        }
      }
  }
  return f.done();
}

}  // namespace

void cin_plan_rules(Rules& r) {
  add_row_rule<PL::Column>(r, "4010", 0, [](const PlTab& t, size_t k, const Run& run) {
    // Missing, or after the census (a plan may have started in an earlier year).
    const auto d = t.date(k, PL::CINPlanStartDate);
    return !d || *d > run.reference;
  });
  add_row_rule<PL::Column>(r, "4011", 0, [](const PlTab& t, size_t k, const Run&) {
    const auto start = t.date(k, PL::CINPlanStartDate), end = t.date(k, PL::CINPlanEndDate);
    return start && end && *end < *start;
  });
  add_row_rule<PL::Column>(r, "4012Q", 0, [](const PlTab& t, size_t k, const Run&) {
    const auto start = t.date(k, PL::CINPlanStartDate), end = t.date(k, PL::CINPlanEndDate);
    return start && end && *end == *start;
  });
  add_row_rule<PL::Column>(r, "4013", 0, [](const PlTab& t, size_t k, const Run& run) {
    const auto end = t.date(k, PL::CINPlanEndDate);
    return end && !run.in_census(*end);
  });
  add_rule(r, "4004", 0, [](const Run& run) {
    // More than one open CIN plan for the child (DfE's message is about the child).
    FlagSet f;
    const PlTab t(run);
    for (const auto& rows : groups(run, T::cin_plan_dates, GroupBy::child).rows) {
      std::vector<size_t> open;
      for (size_t k : rows)
        if (t.blank(k, PL::CINPlanEndDate)) open.push_back(k);
      if (open.size() > 1)
        for (size_t k : open) f.add(t, k);
    }
    return f.done();
  });
  add_rule(r, "4014", 0, [](const Run& run) {
    // A child's plan starting on or after another's start and on or before its end (an open
    // plan runs to the reference date).
    FlagSet f;
    const PlTab t(run);
    for (const auto& rows : groups(run, T::cin_plan_dates, GroupBy::child).rows)
      for (size_t b : rows) {
        const auto start = t.date(b, PL::CINPlanStartDate);
        if (!start) continue;
        for (size_t a : rows) {
          if (a == b) continue;
          const auto a_start = t.date(a, PL::CINPlanStartDate);
          if (!a_start || *start < *a_start) continue;
          const auto a_end = t.date(a, PL::CINPlanEndDate);
          if (a_end ? *start <= *a_end : t.blank(a, PL::CINPlanEndDate) && *start <= run.reference) {
            f.add(t, a);
            f.add(t, b);
          }
        }
      }
    return f.done();
  });
  add_rule(r, "4015", 0, [](const Run& run) {
    FlagSet f;
    const PlTab pl(run);
    const Tab<CD::Column> cd(run);
    for (size_t k = 0; k < pl.rows(); ++k) {
      const auto start = pl.date(k, PL::CINPlanStartDate);
      if (!start) continue;
      if (const auto* eps = pl.same_episode(T::cin_details, k))
        for (size_t e : *eps)
          if (const auto ref = cd.date(e, CD::CINreferralDate); ref && *start < *ref) {
            f.add(pl, k);
            f.add(cd, e);
          }
    }
    return f.done();
  });
  // After the child's death: a plan starting (4008) or ending (4009Q).
  for (const auto& [code, col] : {std::pair{"4008", PL::CINPlanStartDate}, std::pair{"4009Q", PL::CINPlanEndDate}})
    add_rule(r, code, 0, [col = col](const Run& run) {
      FlagSet f;
      const PlTab pl(run);
      const Tab<CI::Column> ci(run);
      for (size_t k = 0; k < ci.rows(); ++k) {
        const auto death = ci.date(k, CI::PersonDeathDate);
        if (!death) continue;
        if (const auto* rows = ci.same_child(T::cin_plan_dates, k))
          for (size_t p : *rows)
            if (const auto d = pl.date(p, col); d && *d > *death) {
              f.add(ci, k);
              f.add(pl, p);
            }
      }
      return f.done();
    });

  // ---- CIN plans and child protection plans ----
  add_rule(r, "4001", 0, [](const Run& run) {
    // An open CIN plan and an open child protection plan in the same episode.
    FlagSet f;
    const PlTab pl(run);
    const CpTab cp(run);
    for (size_t k = 0; k < pl.rows(); ++k) {
      if (!pl.blank(k, PL::CINPlanEndDate)) continue;
      if (const auto* rows = pl.same_episode(T::child_protection_plans, k))
        for (size_t c : *rows)
          if (cp.blank(c, CP::CPPendDate)) {
            f.add(pl, k);
            f.add(cp, c);
          }
    }
    return f.done();
  });
  add_rule(r, "4016", 0, [](const Run& run) {
    return starts_during(run, PL::CINPlanStartDate, CP::CPPstartDate, CP::CPPendDate);
  });
  add_rule(r, "4017", 0, [](const Run& run) {
    return starts_during(run, CP::CPPstartDate, PL::CINPlanStartDate, PL::CINPlanEndDate);
  });
  add_rule(r, "4003", 0, [](const Run& run) {
    // A child protection review held while a CIN plan of the episode is open (on or after its
    // start, before its end or with none), unless the review is the plan's last day (its end).
    FlagSet f;
    const Tab<RV::Column> rv(run);
    const PlTab pl(run);
    const CpTab cp(run);
    for (size_t k = 0; k < rv.rows(); ++k) {
      const auto review = rv.date(k, RV::CPPreviewDate);
      if (!review) continue;
      const auto* plans = rv.same_plan(T::child_protection_plans, k);
      bool at_end = false;
      if (plans)
        for (size_t c : *plans)
          if (const auto end = cp.date(c, CP::CPPendDate); end && *end == *review) at_end = true;
      if (at_end) continue;
      if (const auto* rows = rv.same_episode(T::cin_plan_dates, k))
        for (size_t p : *rows) {
          const auto start = pl.date(p, PL::CINPlanStartDate);
          if (start && during(*review, *start, pl.date(p, PL::CINPlanEndDate), pl.blank(p, PL::CINPlanEndDate), run)) {
            f.add(rv, k);
            f.add(pl, p);
            if (plans)
              for (size_t c : *plans) f.add(cp, c);
          }
        }
    }
    return f.done();
  });
}

}  // namespace careflow::validate::cin_detail
