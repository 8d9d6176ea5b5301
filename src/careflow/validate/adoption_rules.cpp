// Rules on decisions to place a child for adoption (PlacedAdoption) against the collection year,
// the child's episodes and last year's decisions. Written from DfE's messages; where the
// reference differs, docs/validation-deviations.md says why.
#include <algorithm>
#include <cstdint>

#include "careflow/validate/more_rules.hpp"

namespace careflow::validate::detail {

namespace {

using T = Table;

// A decision no longer to place for adoption is recorded when its date or its reason is given.
bool ceased(const Tab& p, size_t r) { return !p(r, "DATE_PLACED_CEASED").empty() || !p(r, "REASON_PLACED_CEASED").empty(); }

// The child's episode with the latest (or, with `earliest`, the earliest) valid DECOM among those
// `keep` accepts.
std::optional<size_t> episode_by_start(const Tab& e, const std::vector<size_t>& rows, bool earliest,
                                       const std::function<bool(size_t)>& keep) {
  std::optional<size_t> best;
  std::optional<Date> best_d;
  for (const auto& [d, r] : episodes_in_order(e, rows)) {
    if (!keep(r)) continue;
    if (!best_d || (earliest ? d < *best_d : d >= *best_d)) {
      best = r;
      best_d = d;
    }
  }
  return best;
}

// 117, 118: PlacedAdoption rows failing a test against the child's episodes (by child); the row
// and the episode the test names are flagged (SIZE_MAX: the child has no episode to name).
using DecisionTest = std::function<std::optional<size_t>(const Tab& p, size_t r, const Tab& e,
                                                         const std::vector<size_t>& eps, const Run&)>;
void decision_rule(Rules& r, std::string_view code, int version, DecisionTest test) {
  add_rule(r, code, version, {{}, [test = std::move(test)](const Run& in) {
                             Flags f;
                             const Tab p = tab(in, T::placed_for_adoption), e = tab(in, T::episodes);
                             if (!p || !e) return f;
                             const auto& eps = by_child(e);
                             static const std::vector<size_t> kNone;
                             std::vector<size_t> prows, erows;
                             for (size_t r = 0; r < p.rows(); ++r) {
                               const auto it = eps.find(p(r, "CHILD"));
                               const auto ep = test(p, r, e, it == eps.end() ? kNone : it->second, in);
                               if (!ep) continue;
                               prows.push_back(r);
                               if (*ep != SIZE_MAX) erows.push_back(*ep);
                             }
                             put(f, T::placed_for_adoption, std::move(prows));
                             put(f, T::episodes, std::move(erows));
                             return f;
                           }});
}

// Each child's latest decision: the latest valid DATE_PLACED, else the child's last row.
std::unordered_map<std::string_view, size_t> latest_decisions(const Tab& p) {
  std::unordered_map<std::string_view, size_t> latest;
  for (const auto& [child, rs] : by_child(p)) {
    size_t best = rs.back();
    std::optional<Date> best_d;
    for (size_t r : rs)
      if (const auto d = p.date(r, "DATE_PLACED"); d && (!best_d || *d >= *best_d)) {
        best = r;
        best_d = d;
      }
    latest.emplace(child, best);
  }
  return latest;
}

// 561, 584: this year's decision against the child's latest decision last year (latest valid
// DATE_PLACED; the last row when none is valid), when that one had ceased.
void against_last_ceased(Rules& r, std::string_view code,
                         std::function<bool(const Tab& p, size_t r, const Tab& l, size_t lr)> test) {
  add_rule(r, code, 0, {{.last_year = true}, [test = std::move(test)](const Run& in) {
                       Flags f;
                       const Tab p = tab(in, T::placed_for_adoption), l = last_tab(in, T::placed_for_adoption);
                       if (!p || !l) return f;
                       const auto latest = latest_decisions(l);
                       std::vector<size_t> rows;
                       for (size_t r = 0; r < p.rows(); ++r) {
                         const auto it = latest.find(p(r, "CHILD"));
                         if (it != latest.end() && ceased(l, it->second) && test(p, r, l, it->second)) rows.push_back(r);
                       }
                       put(f, T::placed_for_adoption, std::move(rows));
                       return f;
                     }});
}

}  // namespace

void register_adoption_rules(Rules& r) {
  // 117: DATE_PLACED or DATE_PLACED_CEASED after the end of the collection year, or after the
  // child ceased to be looked after: the DEC of the child's latest episode whose REC is not X1
  // (which is flagged with the decision; else the latest episode is). An open episode counts as
  // that latest one (its blank REC is not X1), so a child back in care after leaving has not
  // ceased to be looked after and only the year end applies.
  decision_rule(r, "117", 0, [](const Tab& p, size_t r, const Tab& e, const std::vector<size_t>& eps,
                             const Run& in) -> std::optional<size_t> {
    const auto left_care = episode_by_start(e, eps, false, [&e](size_t q) { return e(q, "REC") != "X1"; });
    const auto last = left_care ? left_care : episode_by_start(e, eps, false, [](size_t) { return true; });
    std::optional<Date> left;
    if (left_care) left = e.date(*left_care, "DEC");
    bool bad = false;
    for (auto c : {"DATE_PLACED", "DATE_PLACED_CEASED"})
      if (const auto d = p.date(r, c)) bad |= *d > in.year.end() || (left && *d > *left);
    if (!bad) return std::nullopt;
    return last ? *last : SIZE_MAX;
  });
  // 118: DATE_PLACED_CEASED before the start of the collection year, or before the child started
  // to be looked after (the earliest episode other than a V3/V4 short break, which is flagged).
  decision_rule(r, "118", 0, [](const Tab& p, size_t r, const Tab& e, const std::vector<size_t>& eps,
                             const Run& in) -> std::optional<size_t> {
    const auto d = p.date(r, "DATE_PLACED_CEASED");
    if (!d) return std::nullopt;
    const auto first = episode_by_start(e, eps, true, [&e](size_t q) { return e(q, "LS") != "V3" && e(q, "LS") != "V4"; });
    const auto started = first ? e.date(*first, "DECOM") : std::nullopt;
    if (*d >= in.year.start() && (!started || *d >= *started)) return std::nullopt;
    return first ? *first : SIZE_MAX;
  });

  // 557: a child placed for adoption (PLACE A3-A6, or under a placement order, LS E1, and to
  // 2023/24 a freeing order, D1) left care other than by adoption (REC given, not E11/E12, not
  // X1) but the decision no longer to place (DATE_PLACED_CEASED and REASON_PLACED_CEASED) is not
  // completed: the episode, and any of the child's decisions missing either item, are flagged.
  for (const int version : {2023, 2025})
    add_rule(r, "557", version, {{}, [version](const Run& in) {
               Flags f;
               const Tab e = tab(in, T::episodes), p = tab(in, T::placed_for_adoption);
               if (!e) return f;
               const auto& decisions = by_child(p);
               std::vector<size_t> erows, prows;
               for (size_t r = 0; r < e.rows(); ++r) {
                 const auto place = e(r, "PLACE"), ls = e(r, "LS"), rec = e(r, "REC");
                 const bool placed = place == "A3" || place == "A4" || place == "A5" || place == "A6" || ls == "E1" ||
                                     (version < 2025 && ls == "D1");
                 if (!placed || rec.empty() || rec == "E11" || rec == "E12" || rec == "X1") continue;
                 const auto it = decisions.find(e(r, "CHILD"));
                 bool complete = it != decisions.end();
                 if (it != decisions.end())
                   for (size_t q : it->second)
                     if (p(q, "DATE_PLACED_CEASED").empty() || p(q, "REASON_PLACED_CEASED").empty()) {
                       complete = false;
                       prows.push_back(q);
                     }
                 if (!complete) erows.push_back(r);
               }
               put(f, T::episodes, std::move(erows));
               put(f, T::placed_for_adoption, std::move(prows));
               return f;
             }});

  // 553 (placement order, LS E1) and 555 (freeing order, D1, to 2023/24): the order is granted
  // but there is no date of the decision to place for adoption: a decision of the child's without
  // DATE_PLACED is flagged, or the episode when the child has no decision at all.
  auto order_without_decision = [&r](std::string_view code, std::string_view ls) {
    add_rule(r, code, 0, {{}, [ls](const Run& in) {
               Flags f;
               const Tab e = tab(in, T::episodes), p = tab(in, T::placed_for_adoption);
               if (!e) return f;
               const auto& decisions = by_child(p);
               std::vector<size_t> erows, prows;
               for (size_t r = 0; r < e.rows(); ++r) {
                 if (e(r, "LS") != ls) continue;
                 const auto it = decisions.find(e(r, "CHILD"));
                 if (it == decisions.end()) {
                   erows.push_back(r);
                   continue;
                 }
                 for (size_t q : it->second)
                   if (p(q, "DATE_PLACED").empty()) prows.push_back(q);
               }
               put(f, T::episodes, std::move(erows));
               put(f, T::placed_for_adoption, std::move(prows));
               return f;
             }});
  };
  order_without_decision("553", "E1");
  order_without_decision("555", "D1");

  // 558: an adopted child (episode REC E11/E12) whose latest decision to place for adoption has
  // a DATE_PLACED_CEASED: adoption means the decision was not reversed. The episode is flagged.
  add_rule(r, "558", 0, {{}, [](const Run& in) {
             Flags f;
             const Tab e = tab(in, T::episodes), p = tab(in, T::placed_for_adoption);
             if (!e || !p) return f;
             const auto latest = latest_decisions(p);
             std::vector<size_t> rows;
             for (size_t r = 0; r < e.rows(); ++r) {
               if (e(r, "REC") != "E11" && e(r, "REC") != "E12") continue;
               const auto it = latest.find(e(r, "CHILD"));
               if (it != latest.end() && !p(it->second, "DATE_PLACED_CEASED").empty()) rows.push_back(r);
             }
             put(f, T::episodes, std::move(rows));
             return f;
           }});

  // 561: this year's DATE_PLACED is last year's, but last year's decision had ceased: a decision
  // made again needs its new date.
  against_last_ceased(r, "561", [](const Tab& p, size_t r, const Tab& l, size_t lr) {
    return !p(r, "DATE_PLACED").empty() && p(r, "DATE_PLACED") == l(lr, "DATE_PLACED");
  });
  // 584: last year's decision had ceased, so this year's decision is a new one and its
  // DATE_PLACED must be later than last year's (a blank or earlier date is flagged).
  against_last_ceased(r, "584", [](const Tab& p, size_t r, const Tab& l, size_t lr) {
    const auto was = l.date(lr, "DATE_PLACED");
    if (!was) return false;
    const auto is = p.date(r, "DATE_PLACED");
    return !is || *is <= *was;
  });
}

}  // namespace careflow::validate::detail
