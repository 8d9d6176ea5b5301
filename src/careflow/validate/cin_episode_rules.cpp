// Episodes of need (CINdetails): referral and closure dates and codes, no further action, open
// and overlapping episodes, and what an episode may hold given how it was closed.
#include <algorithm>

#include "careflow/validate/cin_rule_support.hpp"

namespace careflow::validate::cin_detail {

namespace {

using CdTab = Tab<CD::Column>;

// Closed after assessment: no further action (RC8), or referred to early help (RC9).
bool closed_after_assessment(std::string_view c) { return c == "RC8" || c == "RC9"; }

// Episodes of a child that are open (no closure date) and not a referral with no further action.
bool open_further_action(const CdTab& t, size_t e) {
  return t.blank(e, CD::CINclosureDate) && !is_true(t(e, CD::ReferralNFA));
}

}  // namespace

void cin_episode_rules(Rules& r) {
  // ---- Referral ----
  add_row_rule<CD::Column>(r, "8600", 0, [](const CdTab& t, size_t k, const Run& run) {
    const auto d = t.date(k, CD::CINreferralDate);
    return !d || *d > run.reference;
  });
  add_row_rule<CD::Column>(r, "8866", 0, [](const CdTab& t, size_t k, const Run&) {
    // Required, and valid, for referrals from 1 April 2013.
    const auto d = t.date(k, CD::CINreferralDate);
    return d && *d >= Date::from_ymd(2013, 4, 1) && !known(CodeList::referral_source, t(k, CD::ReferralSource));
  });
  add_rule(r, "8606", 0, [](const Run& run) {
    // A referral more than 40 weeks (280 days) before the birth, or the expected birth.
    FlagSet f;
    const CdTab cd(run);
    const Tab<CI::Column> ci(run);
    for (size_t k = 0; k < ci.rows(); ++k) {
      auto born = ci.date(k, CI::PersonBirthDate);
      if (!born) born = ci.date(k, CI::ExpectedPersonBirthDate);
      if (!born) continue;
      if (const auto* eps = ci.same_child(T::cin_details, k))
        for (size_t e : *eps)
          if (const auto d = cd.date(e, CD::CINreferralDate); d && *born - *d > 280) {
            f.add(ci, k);
            f.add(cd, e);
          }
    }
    return f.done();
  });

  // ---- Referral with no further action ----
  add_row_rule<CD::Column>(r, "8568", 0, [](const CdTab& t, size_t k, const Run&) {
    const std::string_view v = t(k, CD::ReferralNFA);
    return !is_true(v) && !is_false(v);
  });
  add_rule(
      r, "8569Q", 0,
      [](const Run& run) {
        // No further action is for referrals of this year: one dated before the working day
        // before the census's first day cannot be one.
        FlagSet f;
        const CdTab t(run);
        const auto limit = previous_working_day(run.start, *run.holidays);
        if (!limit) return f.done();
        for (size_t k = 0; k < t.rows(); ++k)
          if (const auto d = t.date(k, CD::CINreferralDate); d && *d < *limit && is_true(t(k, CD::ReferralNFA)))
            f.add(t, k);
        return f.done();
      },
      CinNeeds{.working_days = true});
  add_row_rule<CD::Column>(r, "8610", 0, [](const CdTab& t, size_t k, const Run&) {
    return is_false(t(k, CD::ReferralNFA)) && t.blank(k, CD::PrimaryNeedCode);
  });
  add_rule(r, "8831", 0, [](const Run& run) {
    // A referral with no further action that has an assessment, a section 47 enquiry or an
    // initial conference with a date.
    FlagSet f;
    const CdTab cd(run);
    const Tab<AS::Column> as(run);
    const Tab<S47::Column> s47(run);
    for (size_t e = 0; e < cd.rows(); ++e) {
      if (!is_true(cd(e, CD::ReferralNFA))) continue;
      bool activity = !cd.blank(e, CD::DateOfInitialCPC);
      if (const auto* rows = cd.same_episode(T::assessments, e))
        for (size_t a : *rows)
          if (!as.blank(a, AS::AssessmentActualStartDate) || !as.blank(a, AS::AssessmentAuthorisationDate)) {
            f.add(as, a);
            activity = true;
          }
      if (const auto* rows = cd.same_episode(T::section47, e))
        for (size_t s : *rows)
          if (!s47.blank(s, S47::S47ActualStartDate) || !s47.blank(s, S47::DateOfInitialCPC)) {
            f.add(s47, s);
            activity = true;
          }
      if (activity) f.add(cd, e);
    }
    return f.done();
  });
  // A CIN plan (4000) or a child protection plan (8832) for a referral with no further action.
  for (const auto& [code, table] : {std::pair{"4000", T::cin_plan_dates}, std::pair{"8832", T::child_protection_plans}})
    add_rule(r, code, 0, [table = table](const Run& run) {
      FlagSet f;
      const CdTab cd(run);
      for (size_t e = 0; e < cd.rows(); ++e) {
        if (!is_true(cd(e, CD::ReferralNFA))) continue;
        if (const auto* rows = cd.same_episode(table, e)) {
          f.add(cd, e);
          for (size_t p : *rows) f.add(table, p);
        }
      }
      return f.done();
    });

  // ---- Closure ----
  add_row_rule<CD::Column>(r, "8620", 0, [](const CdTab& t, size_t k, const Run& run) {
    const auto d = t.date(k, CD::CINclosureDate);
    return d && !run.in_census(*d);
  });
  add_row_rule<CD::Column>(r, "8630", 0, [](const CdTab& t, size_t k, const Run&) {
    const auto closed = t.date(k, CD::CINclosureDate), referred = t.date(k, CD::CINreferralDate);
    return closed && referred && *closed < *referred;
  });
  add_row_rule<CD::Column>(r, "8640", 0, [](const CdTab& t, size_t k, const Run&) {
    return !t.blank(k, CD::ReasonForClosure) && !known(CodeList::closure_reason, t(k, CD::ReasonForClosure));
  });
  add_row_rule<CD::Column>(r, "8650", 0, [](const CdTab& t, size_t k, const Run&) {
    return !t.blank(k, CD::PrimaryNeedCode) && !known(CodeList::primary_need, t(k, CD::PrimaryNeedCode));
  });
  add_row_rule<CD::Column>(r, "8805", 0, [](const CdTab& t, size_t k, const Run&) {
    return !t.blank(k, CD::CINclosureDate) && t.blank(k, CD::ReasonForClosure);
  });
  add_row_rule<CD::Column>(r, "8810", 0, [](const CdTab& t, size_t k, const Run&) {
    return !t.blank(k, CD::ReasonForClosure) && t.blank(k, CD::CINclosureDate);
  });
  add_rule(r, "8565", 0, [](const Run& run) {
    // Nothing in a closed episode may be dated after its closure: assessments' starts and
    // authorisations, section 47 starts and conferences, the episode's own conference, plans'
    // ends, CIN plans' starts and ends.
    FlagSet f;
    const CdTab cd(run);
    const Tab<AS::Column> as(run);
    const Tab<S47::Column> s47(run);
    const Tab<CP::Column> cp(run);
    const Tab<PL::Column> pl(run);
    for (size_t e = 0; e < cd.rows(); ++e) {
      const auto closed = cd.date(e, CD::CINclosureDate);
      if (!closed) continue;
      auto after = [&](std::optional<Date> d) { return d && *d > *closed; };
      bool any = after(cd.date(e, CD::DateOfInitialCPC));
      auto check = [&](auto& tab, Table t, auto... cols) {
        if (const auto* rows = cd.same_episode(t, e))
          for (size_t k : *rows)
            if ((after(tab.date(k, cols)) || ...)) {
              f.add(t, k);
              any = true;
            }
      };
      check(as, T::assessments, AS::AssessmentActualStartDate, AS::AssessmentAuthorisationDate);
      check(s47, T::section47, S47::S47ActualStartDate, S47::DateOfInitialCPC);
      check(cp, T::child_protection_plans, CP::CPPendDate);
      check(pl, T::cin_plan_dates, PL::CINPlanStartDate, PL::CINPlanEndDate);
      if (any) f.add(cd, e);
    }
    return f.done();
  });
  add_rule(r, "2990", 0, [](const Run& run) {
    // Closed after assessment (RC8, RC9) yet with a CIN plan, a section 47 enquiry, a child
    // protection plan or an initial conference.
    FlagSet f;
    const CdTab cd(run);
    for (size_t e = 0; e < cd.rows(); ++e) {
      if (!closed_after_assessment(cd(e, CD::ReasonForClosure))) continue;
      bool any = !cd.blank(e, CD::DateOfInitialCPC);
      for (const Table t : {T::cin_plan_dates, T::section47, T::child_protection_plans})
        if (const auto* rows = cd.same_episode(t, e)) {
          any = true;
          for (size_t k : *rows) f.add(t, k);
        }
      if (any) f.add(cd, e);
    }
    return f.done();
  });
  add_rule(r, "8825Q", 0, [](const Run& run) {
    FlagSet f;
    const CdTab cd(run);
    for (size_t e = 0; e < cd.rows(); ++e)
      if (closed_after_assessment(cd(e, CD::ReasonForClosure)) && !cd.same_episode(T::assessments, e))
        f.add(cd, e);
    return f.done();
  });
  add_rule(r, "8867", 0, [](const Run& run) {
    // A closed episode's assessments must all be authorised.
    FlagSet f;
    const CdTab cd(run);
    const Tab<AS::Column> as(run);
    for (size_t e = 0; e < cd.rows(); ++e) {
      if (cd.blank(e, CD::CINclosureDate)) continue;
      if (const auto* rows = cd.same_episode(T::assessments, e))
        for (size_t a : *rows)
          if (as.blank(a, AS::AssessmentAuthorisationDate)) {
            f.add(as, a);
            f.add(cd, e);
          }
    }
    return f.done();
  });
  add_rule(r, "8868", 0, [](const Run& run) {
    // A closed episode's section 47 enquiries must each be completed either by a conference
    // (a date) or by "conference not required", not neither and not both.
    FlagSet f;
    const CdTab cd(run);
    const Tab<S47::Column> s47(run);
    for (size_t e = 0; e < cd.rows(); ++e) {
      if (cd.blank(e, CD::CINclosureDate)) continue;
      if (const auto* rows = cd.same_episode(T::section47, e))
        for (size_t s : *rows)
          if (s47.blank(s, S47::DateOfInitialCPC) == !is_true(s47(s, S47::ICPCnotRequired))) {
            f.add(s47, s);
            f.add(cd, e);
          }
    }
    return f.done();
  });

  // ---- Open and overlapping episodes ----
  add_rule(r, "8815", 0, [](const Run& run) {
    FlagSet f;
    const CdTab cd(run);
    for (const auto& rows : groups(run, T::cin_details, GroupBy::child).rows) {
      std::vector<size_t> open;
      for (size_t e : rows)
        if (open_further_action(cd, e)) open.push_back(e);
      if (open.size() > 1)
        for (size_t e : open) f.add(cd, e);
    }
    return f.done();
  });
  add_rule(r, "8816", 0, [](const Run& run) {
    // An open episode (not a referral with no further action) must be the child's latest: when
    // another episode was referred on or after it, the child's open episodes are flagged.
    FlagSet f;
    const CdTab cd(run);
    for (const auto& rows : groups(run, T::cin_details, GroupBy::child).rows) {
      std::vector<size_t> open;
      bool not_latest = false;
      for (size_t e : rows) {
        if (!open_further_action(cd, e)) continue;
        open.push_back(e);
        const auto d = cd.date(e, CD::CINreferralDate);
        if (!d) continue;
        for (size_t o : rows)
          if (o != e)
            if (const auto od = cd.date(o, CD::CINreferralDate); od && *od >= *d) not_latest = true;
      }
      if (not_latest)
        for (size_t e : open) f.add(cd, e);
    }
    return f.done();
  });
  add_rule(r, "8820", 0, [](const Run& run) {
    // An episode's referral date must not fall on or after another episode's referral and
    // before its closure (or, when that one is open and went on to further action, on or before
    // the reference date). One may start the day another closed.
    FlagSet f;
    const CdTab cd(run);
    for (const auto& rows : groups(run, T::cin_details, GroupBy::child).rows)
      for (size_t b : rows) {
        const auto start = cd.date(b, CD::CINreferralDate);
        if (!start) continue;
        for (size_t a : rows) {
          if (a == b) continue;
          const auto a_start = cd.date(a, CD::CINreferralDate);
          if (!a_start || *start < *a_start) continue;
          const auto a_end = cd.date(a, CD::CINclosureDate);
          const bool inside = a_end ? *start < *a_end
                                    : cd.blank(a, CD::CINclosureDate) && is_false(cd(a, CD::ReferralNFA)) &&
                                          *start <= run.reference;
          if (inside) {
            f.add(cd, a);
            f.add(cd, b);
          }
        }
      }
    return f.done();
  });
}

}  // namespace careflow::validate::cin_detail
