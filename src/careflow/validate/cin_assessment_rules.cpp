// Assessments and the factors identified at their end: dates against the referral and the
// census year, open and overlapping assessments, and the factor codes.
#include <algorithm>
#include <map>
#include <string>

#include "careflow/validate/cin_rule_support.hpp"

namespace careflow::validate::cin_detail {

namespace {

using AsTab = Tab<AS::Column>;

// One assessment: its rows (the export has one row per assessment with its factors in one cell;
// some exports repeat the assessment on a row per factor). Rows are the same assessment when
// they share the episode (child and CINdetailsID), the AssessmentID and both dates.
std::vector<std::vector<size_t>> assessments(const Run& run, const AsTab& t) {
  std::vector<std::vector<size_t>> out;
  auto same = [&t](size_t a, size_t b) {
    for (const auto c : {AS::AssessmentID, AS::AssessmentActualStartDate, AS::AssessmentAuthorisationDate})
      if (t(a, c) != t(b, c)) return false;
    return true;
  };
  for (const RowSpan& episode : groups(run, T::assessments, GroupBy::episode).rows) {
    const size_t first = out.size();
    for (size_t k : episode) {
      size_t a = first;
      while (a < out.size() && !same(out[a].front(), k)) ++a;
      if (a == out.size()) out.emplace_back();
      out[a].push_back(k);
    }
  }
  return out;
}

// Rows whose factors include `code` (18A, 19A: queried from 2024/25 in favour of B or C).
CinFlags rows_with_factor(const Run& run, std::string_view code) {
  FlagSet f;
  const AsTab t(run);
  for (size_t k = 0; k < t.rows(); ++k) {
    const auto codes = factor_codes(t(k, AS::AssessmentFactors));
    if (std::find(codes.begin(), codes.end(), code) != codes.end()) f.add(t, k);
  }
  return f.done();
}

}  // namespace

void cin_assessment_rules(Rules& r) {
  add_rule(r, "1103", 0, [](const Run& run) {
    FlagSet f;
    const AsTab as(run);
    const Tab<CD::Column> cd(run);
    for (size_t a = 0; a < as.rows(); ++a) {
      const auto start = as.date(a, AS::AssessmentActualStartDate);
      if (!start) continue;
      if (const auto* eps = as.same_episode(T::cin_details, a))
        for (size_t e : *eps)
          if (const auto ref = cd.date(e, CD::CINreferralDate); ref && *start < *ref) {
            f.add(as, a);
            f.add(cd, e);
          }
    }
    return f.done();
  });
  add_row_rule<AS::Column>(r, "8608", 0, [](const AsTab& t, size_t k, const Run&) {
    const auto start = t.date(k, AS::AssessmentActualStartDate), end = t.date(k, AS::AssessmentAuthorisationDate);
    return start && end && *start > *end;
  });
  add_row_rule<AS::Column>(r, "8696", 0, [](const AsTab& t, size_t k, const Run& run) {
    const auto end = t.date(k, AS::AssessmentAuthorisationDate);
    return end && !run.in_census(*end);
  });
  add_row_rule<AS::Column>(r, "8736", 0, [](const AsTab& t, size_t k, const Run& run) {
    const auto start = t.date(k, AS::AssessmentActualStartDate);
    return t.blank(k, AS::AssessmentAuthorisationDate) && start && !run.in_census(*start);
  });
  add_rule(
      r, "8670Q", 0,
      [](const Run& run) {
        // Started before the 45th working day counting back from the reference date, and not
        // authorised.
        FlagSet f;
        const AsTab t(run);
        const auto limit = nth_working_day_back(run.reference, 45, *run.holidays);
        if (!limit) return f.done();
        for (size_t k = 0; k < t.rows(); ++k)
          if (const auto start = t.date(k, AS::AssessmentActualStartDate);
              start && *start < *limit && t.blank(k, AS::AssessmentAuthorisationDate))
            f.add(t, k);
        return f.done();
      },
      CinNeeds{.working_days = true});
  add_rule(r, "8896", 0, [](const Run& run) {
    // Within one episode, at most one assessment not yet authorised.
    FlagSet f;
    const AsTab t(run);
    for (const auto& rows : groups(run, T::assessments, GroupBy::episode).rows) {
      std::vector<size_t> open;
      for (size_t k : rows)
        if (t.blank(k, AS::AssessmentAuthorisationDate)) open.push_back(k);
      if (open.size() > 1)
        for (size_t k : open) f.add(t, k);
    }
    return f.done();
  });
  add_rule(r, "8863Q", 0, [](const Run& run) {
    // Within one episode, an assessment starting on or after another's start while that one is
    // not yet authorised (authorised later, or not at all).
    FlagSet f;
    const AsTab t(run);
    for (const auto& rows : groups(run, T::assessments, GroupBy::episode).rows)
      for (size_t b : rows) {
        const auto start = t.date(b, AS::AssessmentActualStartDate);
        if (!start) continue;
        for (size_t a : rows) {
          if (a == b) continue;
          const auto a_start = t.date(a, AS::AssessmentActualStartDate);
          if (!a_start || *start < *a_start) continue;
          const auto a_end = t.date(a, AS::AssessmentAuthorisationDate);
          if (a_end ? *start < *a_end : t.blank(a, AS::AssessmentAuthorisationDate) && *start <= run.reference) {
            f.add(t, a);
            f.add(t, b);
          }
        }
      }
    return f.done();
  });

  // ---- Factors ----
  add_row_rule<AS::Column>(r, "8614", 0, [](const AsTab& t, size_t k, const Run&) {
    return !t.blank(k, AS::AssessmentFactors) && t.blank(k, AS::AssessmentAuthorisationDate);
  });
  add_row_rule<AS::Column>(r, "8897Q", 0, [](const AsTab& t, size_t k, const Run& run) {
    // An assessment authorised in the census year with no valid factor.
    const auto end = t.date(k, AS::AssessmentAuthorisationDate);
    if (!end || !run.in_census(*end)) return false;
    const auto codes = factor_codes(t(k, AS::AssessmentFactors));
    return std::none_of(codes.begin(), codes.end(), [](std::string_view c) { return known(CodeList::assessment_factor, c); });
  });
  add_rule(r, "8898", 0, [](const Run& run) {
    // A factor code twice in one assessment: the rows holding the repeated code.
    FlagSet f;
    const AsTab t(run);
    for (const auto& rows : assessments(run, t)) {
      std::map<std::string_view, int> seen;
      for (size_t k : rows)
        for (const auto c : factor_codes(t(k, AS::AssessmentFactors))) ++seen[c];
      for (size_t k : rows)
        for (const auto c : factor_codes(t(k, AS::AssessmentFactors)))
          if (seen[c] > 1) f.add(t, k);
    }
    return f.done();
  });
  add_rule(r, "8869", 0, [](const Run& run) {
    // 21 (no factors identified) with another factor in the same assessment: the rows holding
    // the other factors.
    FlagSet f;
    const AsTab t(run);
    for (const auto& rows : assessments(run, t)) {
      bool none = false;
      for (size_t k : rows)
        for (const auto c : factor_codes(t(k, AS::AssessmentFactors))) none |= c == "21";
      if (!none) continue;
      for (size_t k : rows) {
        const auto codes = factor_codes(t(k, AS::AssessmentFactors));
        if (std::any_of(codes.begin(), codes.end(), [](std::string_view c) { return c != "21"; })) f.add(t, k);
      }
    }
    return f.done();
  });
  add_rule(r, "8873Q", 0, [](const Run& run) {
    // The episode's only assessment found no factors (21), yet the episode was closed for
    // another reason than RC8 or RC9.
    FlagSet f;
    const AsTab as(run);
    const Tab<CD::Column> cd(run);
    for (size_t e = 0; e < cd.rows(); ++e) {
      const std::string_view why = cd(e, CD::ReasonForClosure);
      if (why.empty() || why == "RC8" || why == "RC9") continue;
      const auto* rows = cd.same_episode(T::assessments, e);
      if (!rows || rows->size() != 1) continue;
      const auto codes = factor_codes(as(rows->front(), AS::AssessmentFactors));
      if (std::find(codes.begin(), codes.end(), "21") == codes.end()) continue;
      f.add(cd, e);
      f.add(as, rows->front());
    }
    return f.done();
  });
  add_rule(r, "8945Q", 0, [](const Run& run) { return rows_with_factor(run, "18A"); });
  add_rule(r, "8950Q", 0, [](const Run& run) { return rows_with_factor(run, "19A"); });
}

}  // namespace careflow::validate::cin_detail
