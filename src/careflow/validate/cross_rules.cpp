// Rules that join tables by child: the tool's internal consistency checks (INTnn), ages at an
// episode's events (DOB from Header), and comparisons with last year's return.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "careflow/validate/more_rules.hpp"
#include "careflow/validate/rule_support.hpp"

namespace careflow::validate::detail {

namespace {

using Set = std::vector<std::string_view>;
bool in(std::string_view v, const Set& s) { return std::find(s.begin(), s.end(), v) != s.end(); }
bool one_of(std::string_view v, const Set& s) { return in(v, s); }

// Child -> first Header row.
const ChildMap<size_t>& header_rows(const Tab& h) { return first_row_by_child(h); }

// For each row of `from`, the first row of `to` with the same child (kNoRow: none). Some forty
// rules join a table to Header row by row; the join is made once per run, not once per rule.
constexpr size_t kNoRow = static_cast<size_t>(-1);
const std::vector<size_t>& first_row_in(const Tab& to, const Tab& from) {
  const std::string name = fmt::format("first_row_in {}", static_cast<const void*>(to.t));
  return shared<std::vector<size_t>>(from.cache, name, from.t, [&] {
    const auto& first = first_row_by_child(to);
    const size_t c = col(from.table, "CHILD");
    std::vector<size_t> join(from.rows(), kNoRow);
    for (size_t r = 0; r < from.rows(); ++r) {
      const auto it = first.find(from.t->cell(r, c));
      if (it != first.end()) join[r] = it->second;
    }
    return join;
  });
}

// INT01-09: a child in table `t` who is not in Header.
void child_not_in_header(Rules& r, std::string_view code, Table t) {
  add_table_rule(r, code, 0, {}, t, [](const Tab& x, const Run& in) -> Rows {
    const Tab h = tab(in, Table::header);
    if (!h) return {};
    const auto& hr = first_row_in(h, x);
    Rows rows;
    for (size_t r = 0; r < x.rows(); ++r)
      if (hr[r] == kNoRow) rows.push_back(r);
    return rows;
  });
}

// INT11-21: a field differs from Header's for the same child (both tables flagged).
void differs_from_header(Rules& r, std::string_view code, Table t, std::string_view field) {
  add_rule(r, code, 0, {{}, [t, field](const Run& in) {
                       Flags f;
                       const Tab h = tab(in, Table::header), x = tab(in, t);
                       if (!h || !x) return f;
                       const auto& hr = first_row_in(h, x);
                       std::vector<size_t> hrows, xrows;
                       for (size_t r = 0; r < x.rows(); ++r) {
                         if (hr[r] == kNoRow) continue;
                         if (h(hr[r], field) != x(r, field)) {
                           hrows.push_back(hr[r]);
                           xrows.push_back(r);
                         }
                       }
                       (void)hrows;  // the reference highlights only the other table's row
                       put(f, t, std::move(xrows));
                       return f;
                     }});
}

// INT31-36: a child appears more than once in a one-row-per-child table.
void duplicate_child(Rules& r, std::string_view code, Table t) {
  add_table_rule(r, code, 0, {}, t, [](const Tab& x, const Run&) -> Rows {
    Rows rows;
    for (const auto& [child, rs] : by_child(x))
      if (rs.size() > 1) rows.insert(rows.end(), rs.begin(), rs.end());
    return rows;
  });
}

// Episodes joined to the child's Header DOB: flags episodes where `test(episode row, dob)`.
using EpisodeAgeTest = std::function<bool(const Tab& e, size_t r, Date dob, const Run&)>;
void episode_with_dob(Rules& r, std::string_view code, int version, EpisodeAgeTest test, bool flag_header = false) {
  add_rule(r, code, version, {{}, [test = std::move(test), flag_header](const Run& in) {
                             Flags f;
                             const Tab h = tab(in, Table::header), e = tab(in, Table::episodes);
                             if (!h || !e) return f;
                             const auto& hr = first_row_in(h, e);
                             std::vector<size_t> rows, hrows;
                             for (size_t r = 0; r < e.rows(); ++r) {
                               if (hr[r] == kNoRow) continue;
                               const auto dob = h.date(hr[r], "DOB");
                               if (dob && test(e, r, *dob, in)) {
                                 rows.push_back(r);
                                 hrows.push_back(hr[r]);
                               }
                             }
                             put(f, Table::episodes, std::move(rows));
                             if (flag_header) put(f, Table::header, std::move(hrows));
                             return f;
                           }});
}

// Age at an episode date column below/above a limit, for episodes matching `pred`.
EpisodeAgeTest age_at_episode(std::string_view date_col, std::function<bool(int)> age_test,
                              std::function<bool(const Tab&, size_t)> pred) {
  return [=](const Tab& e, size_t r, Date dob, const Run&) {
    if (!pred(e, r)) return false;
    const auto d = e.date(r, date_col);
    return d && age_test(age_on(dob, *d));
  };
}

// 202-204: a Header field differs from last year's Header.
void differs_from_last_year(Rules& r, std::string_view code, std::string_view field) {
  add_table_rule(r, code, 0, {.last_year = true}, Table::header, [field](const Tab& h, const Run& in) -> Rows {
    const Tab l = last_tab(in, Table::header);
    if (!l) return {};
    const auto& lr = first_row_in(l, h);
    Rows rows;
    for (size_t r = 0; r < h.rows(); ++r) {
      if (lr[r] == kNoRow) continue;
      std::string_view was = l(lr[r], field), is = h(r, field);
      // SEX changed from 1/2 to M/F/U in 2024/25: compare 1 as M and 2 as F,
      // so a child recorded 1 in 2023/24 and M in 2024/25 is not flagged.
      if (field == "SEX") {
        auto norm = [](std::string_view s) -> std::string_view {
          return s == "1" ? "M" : s == "2" ? "F" : s;
        };
        was = norm(was);
        is = norm(is);
      }
      if (was != is) rows.push_back(r);
    }
    return rows;
  });
}


// A child's episodes with a valid DECOM, in date order (ties in row order).
// Each child's open final episode in last year's return (the latest DECOM among episodes with
// no DEC): this year's first episode must carry on from it (502, 503x, 452).
// Shared by the rules of a run (eleven rules compare against it).
const ChildMap<std::pair<Date, size_t>>& last_open_final_episodes(const Tab& l) {
  return shared<ChildMap<std::pair<Date, size_t>>>(l.cache, "last_open_final_episodes", l.t, [&l] {
    ChildMap<std::pair<Date, size_t>> open_final;
    for (size_t r = 0; r < l.rows(); ++r) {
      if (!l(r, "DEC").empty()) continue;
      const auto d = l.date(r, "DECOM");
      if (!d) continue;
      auto [it, inserted] = open_final.try_emplace(l(r, "CHILD"), *d, r);
      if (!inserted && *d >= it->second.first) it->second = {*d, r};
    }
    return open_final;
  });
}

}  // namespace (shared with more_rules.hpp)
std::vector<std::pair<Date, size_t>> episodes_in_order(const Tab& e, const std::vector<size_t>& rows) {
  std::vector<std::pair<Date, size_t>> out;
  for (size_t r : rows)
    if (const auto d = e.date(r, "DECOM")) out.emplace_back(*d, r);
  std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.first < b.first; });
  return out;
}
namespace {

// Every child's episodes in date order (children as in by_child): sorted once per run for every
// rule that needs them.
using EpisodesByChild = ChildMap<std::vector<std::pair<Date, size_t>>>;
const EpisodesByChild& episodes_by_child_in_order(const Tab& e) {
  return shared<EpisodesByChild>(e.cache, "episodes_in_order", e.t, [&e] {
    const ChildRows& bc = by_child(e);
    EpisodesByChild m(bc.size());
    for (const auto& [c, rs] : bc) m.try_emplace(c, episodes_in_order(e, rs));
    return m;
  });
}
const std::vector<std::pair<Date, size_t>>& episodes_in_order(const Tab& e, std::string_view child) {
  const EpisodesByChild& all = episodes_by_child_in_order(e);
  static const std::vector<std::pair<Date, size_t>> kNone;
  const auto it = all.find(child);
  return it == all.end() ? kNone : it->second;
}

// Flags Episodes rows by a per-child test over the child's episodes in date order.
void per_child_episodes(Rules& r, std::string_view code,
                        std::function<void(const Tab&, const std::vector<std::pair<Date, size_t>>&,
                                           std::vector<size_t>&)> test) {
  add_table_rule(r, code, 0, {}, Table::episodes, [test = std::move(test)](const Tab& e, const Run&) -> Rows {
    Rows rows;
    for (const auto& [child, eps] : episodes_by_child_in_order(e)) test(e, eps, rows);
    return rows;
  });
}

bool any_given(const Tab& t, size_t r, const Set& cols) {
  for (auto c : cols)
    if (!t(r, c).empty()) return true;
  return false;
}
const Set kOc3Items = {"IN_TOUCH", "ACTIV", "ACCOM"};
const Set kAd1Items = {"DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"};
const Set kOc2Items = {"CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
                       "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"};


// Children looked after continuously for at least 12 months at 31 March (the OC2 cohort): a
// chain of contiguous episodes (each starting the day the previous ended), not short breaks
// (V3/V4), from on or before 1 April of the year to 31 March. Shared by the OC2 rules of a run.
// `to_31_march`: the child is looked after at 31 March, as DfE's messages say: the episode is
// still open (DEC blank; the return leaves it blank for care going on past 31 March, so care
// that ceased on 31 March itself has ended). Without it care ending on 30 March or later
// counts, as the reference's helper has it: the fixtures of 157, 185, 190, 197B, 198 and
// 543-546 need that (docs/validate.md).
}  // namespace (shared with more_rules.hpp)
const ChildMap<bool>& twelve_month_cohort(const Run& in, bool to_31_march) {
  const Tab e = tab(in, Table::episodes);
  return shared<ChildMap<bool>>(in.cache, to_31_march ? "twelve_month_cohort_31" : "twelve_month_cohort", e.t, [&in, &e, to_31_march] {
    ChildMap<bool> out;
    const Date start = in.year.start(), end = in.year.end();
    const Date reaches = to_31_march ? end + 1 : end - 1;
    for (const auto& [child, rs] : by_child(e)) {
      std::vector<size_t> kept;
      for (size_t r : rs)
        if (e(r, "LS") != "V3" && e(r, "LS") != "V4") kept.push_back(r);
      const auto eps = episodes_in_order(e, kept);
      // The episode covering 31 March, then back through contiguous ones. Only the child's last
      // episode can be open: an earlier one without a DEC (blank or unreadable; 142, 147 and
      // 148 flag it) ended on a day the return does not say, no later than the next began, so it
      // is taken as running on to it. A missing date is no evidence of a break: without this one
      // blank DEC inside a long period made a child looked after for years look newly looked after.
      const int last = static_cast<int>(eps.size()) - 1;
      auto dec_of = [&](int k) { return e.date(eps[static_cast<size_t>(k)].second, "DEC"); };
      int i = last;
      for (; i >= 0; --i) {
        const size_t r = eps[static_cast<size_t>(i)].second;
        const auto dec = dec_of(i);
        const bool open = i == last && e(r, "DEC").empty();
        if (eps[static_cast<size_t>(i)].first <= end && (open || (dec && *dec >= reaches))) break;
      }
      if (i < 0) continue;
      while (i > 0) {
        const auto prev_end = dec_of(i - 1);
        if (prev_end && *prev_end != eps[static_cast<size_t>(i)].first) break;
        --i;
      }
      if (eps[static_cast<size_t>(i)].first <= start) out.try_emplace(child, true);
    }
    return out;
  });
}
namespace {

}  // namespace

void register_cross_table_rules(Rules& r) {
  using T = Table;
  child_not_in_header(r, "INT01", T::ad1);
  child_not_in_header(r, "INT02", T::placed_for_adoption);
  child_not_in_header(r, "INT03", T::episodes);
  child_not_in_header(r, "INT04", T::missing);
  child_not_in_header(r, "INT05", T::oc2);
  child_not_in_header(r, "INT06", T::oc3);
  child_not_in_header(r, "INT07", T::previous_permanence);
  child_not_in_header(r, "INT08", T::reviews);
  child_not_in_header(r, "INT09", T::uasc);
  differs_from_header(r, "INT11", T::ad1, "DOB");
  differs_from_header(r, "INT12", T::placed_for_adoption, "DOB");
  differs_from_header(r, "INT13", T::missing, "DOB");
  differs_from_header(r, "INT14", T::oc2, "DOB");
  differs_from_header(r, "INT15", T::oc3, "DOB");
  differs_from_header(r, "INT16", T::previous_permanence, "DOB");
  differs_from_header(r, "INT17", T::reviews, "DOB");
  differs_from_header(r, "INT18", T::uasc, "DOB");
  differs_from_header(r, "INT21", T::uasc, "SEX");
  duplicate_child(r, "INT31", T::ad1);
  duplicate_child(r, "INT32", T::header);
  duplicate_child(r, "INT33", T::oc2);
  duplicate_child(r, "INT34", T::oc3);
  duplicate_child(r, "INT35", T::previous_permanence);
  duplicate_child(r, "INT36", T::uasc);

  differs_from_last_year(r, "202", "SEX");
  differs_from_last_year(r, "203", "DOB");
  differs_from_last_year(r, "204", "ETHNIC");

  // EPI: a Header child with no episodes and no care leaver (OC3) row. Care leavers aged 17-21
  // who left care before this year have a Header row and an OC3 row and no episode: a normal
  // part of every return (about 170 a council), which DfE checks against the history it holds.
  // A return without an Episodes table has no episodes: every other Header child is flagged.
  add_table_rule(r, "EPI", 0, {}, T::header, [](const Tab& h, const Run& in) -> Rows {
    const Tab e = tab(in, T::episodes), o = tab(in, T::oc3);
    static const ChildRows kNone;
    const ChildRows& ec = e ? by_child(e) : kNone;
    const ChildRows& oc = o ? by_child(o) : kNone;
    Rows rows;
    for (size_t r = 0; r < h.rows(); ++r)
      if (!ec.count(h(r, "CHILD")) && !oc.count(h(r, "CHILD"))) rows.push_back(r);
    return rows;
  });

  auto any = [](const Tab&, size_t) { return true; };
  episode_with_dob(r, "352", 0, age_at_episode("DECOM", [](int a) { return a >= 18; },
                                            [](const Tab& e, size_t r) { return e(r, "RNE") == "S"; }));
  episode_with_dob(r, "358", 0, age_at_episode("DECOM", [](int a) { return a < 10; }, [](const Tab& e, size_t r) {
                     return in(e(r, "LS"), {"J1", "J2", "J3"});
                   }), true);
  episode_with_dob(r, "372", 0, age_at_episode("DECOM", [](int a) { return a < 10; },
                                            [](const Tab& e, size_t r) { return e(r, "PLACE") == "R5"; }));
  episode_with_dob(r, "373", 0, age_at_episode("DECOM", [](int a) { return a < 4; },
                                            [](const Tab& e, size_t r) { return e(r, "PLACE") == "S1"; }));
  episode_with_dob(r, "386", 0, age_at_episode("DEC", [](int a) { return a >= 18; }, [](const Tab& e, size_t r) {
                     return in(e(r, "REC"), {"E11", "E12"});
                   }));
  episode_with_dob(r, "387", 0, age_at_episode("DEC", [](int a) { return a < 14; }, [](const Tab& e, size_t r) {
                     return in(e(r, "REC"), {"E5", "E6"});
                   }));
  episode_with_dob(r, "389", 0, age_at_episode("DEC", [](int a) { return a < 16; },
                                            [](const Tab& e, size_t r) { return e(r, "REC") == "E7"; }));
  episode_with_dob(r, "407", 0, age_at_episode("DEC", [](int a) { return a >= 18; }, [](const Tab& e, size_t r) {
                     return in(e(r, "REC"), {"E45", "E46", "E47", "E48"});
                   }), true);
  episode_with_dob(r, "460", 0, age_at_episode("DEC", [](int a) { return a < 18; },
                                            [](const Tab& e, size_t r) { return e(r, "REC") == "E17"; }));
  (void)any;

  // 142: only a child's latest episode may be open (DEC and REC missing).
  per_child_episodes(r, "142", [](const Tab& e, const auto& eps, std::vector<size_t>& out) {
    for (size_t i = 0; i + 1 < eps.size(); ++i) {
      if (eps[i].first == eps.back().first) break;  // ties with the latest count as latest
      const size_t r = eps[i].second;
      if (e(r, "DEC").empty() || e(r, "REC").empty()) out.push_back(r);
    }
  });
  // 501: an episode starts before the previous one ended.
  per_child_episodes(r, "501", [](const Tab& e, const auto& eps, std::vector<size_t>& out) {
    for (size_t i = 1; i < eps.size(); ++i) {
      // An episode left open (blank DEC) has not ended, so any episode after it started before
      // its end (this catches a duplicated open episode; the reference does not flag it).
      const size_t prev = eps[i - 1].second;
      const auto prev_end = e.date(prev, "DEC");
      if ((prev_end && eps[i].first < *prev_end) || e(prev, "DEC").empty()) out.push_back(eps[i].second);
    }
  });
  // 437: died (E2) or aged 18+ (E15), yet later episodes follow.
  per_child_episodes(r, "437", [](const Tab& e, const auto& eps, std::vector<size_t>& out) {
    for (size_t i = 0; i + 1 < eps.size(); ++i)
      if (in(e(eps[i].second, "REC"), {"E2", "E15"}) && eps.back().first > eps[i].first)
        out.push_back(eps[i].second);
  });
  // 302: the child's first episode starts before their DOB (both rows flagged).
  add_rule(r, "302", 0, {{}, [](const Run& in) {
             Flags f;
             const Tab h = tab(in, T::header), e = tab(in, T::episodes);
             if (!h || !e) return f;
             const auto& hr = header_rows(h);
             std::vector<size_t> erows, hrows;
             for (const auto& [child, rs] : by_child(e)) {
               const auto& eps = episodes_in_order(e, child);
               const auto it = hr.find(child);
               if (eps.empty() || it == hr.end()) continue;
               const auto dob = h.date(it->second, "DOB");
               if (dob && eps.front().first < *dob) {
                 erows.push_back(eps.front().second);
                 hrows.push_back(it->second);
               }
             }
             put(f, T::episodes, std::move(erows));
             put(f, T::header, std::move(hrows));
             return f;
           }});
  // 1012: a child with no episodes this year has rows in other tables.
  add_rule(r, "1012", 0, {{}, [](const Run& in) {
             Flags f;
             const Tab e = tab(in, T::episodes);
             if (!e) return f;
             const auto& ec = by_child(e);
             for (T t : {T::placed_for_adoption, T::missing, T::reviews, T::ad1, T::previous_permanence, T::oc2}) {
               const Tab x = tab(in, t);
               Rows rows;
               for (size_t r = 0; r < x.rows(); ++r)
                 if (!ec.count(x(r, "CHILD"))) rows.push_back(r);
               put(f, t, std::move(rows));
             }
             return f;
           }});
  // 134: adoption data for a child with care-leaver data.
  add_table_rule(r, "134", 0, {}, T::ad1, [](const Tab& a, const Run& in) -> Rows {
    const Tab o = tab(in, T::oc3);
    if (!o) return {};
    std::unordered_set<std::string_view> leavers;
    for (size_t r = 0; r < o.rows(); ++r)
      if (any_given(o, r, kOc3Items)) leavers.insert(o(r, "CHILD"));
    Rows rows;
    for (size_t r = 0; r < a.rows(); ++r)
      if (leavers.count(a(r, "CHILD")) && any_given(a, r, kAd1Items)) rows.push_back(r);
    return rows;
  });

  // 431: a new period of care (RNE S) starts the day the previous episode ended.
  per_child_episodes(r, "431", [](const Tab& e, const auto& eps, std::vector<size_t>& out) {
    for (size_t i = 1; i < eps.size(); ++i) {
      const auto prev_end = e.date(eps[i - 1].second, "DEC");
      if (e(eps[i].second, "RNE") == "S" && prev_end && *prev_end == eps[i].first) out.push_back(eps[i].second);
    }
  });
  // 432: the previous episode ended care (REC other than X1) but this one is not RNE S.
  per_child_episodes(r, "432", [](const Tab& e, const auto& eps, std::vector<size_t>& out) {
    for (size_t i = 1; i < eps.size(); ++i) {
      const auto rec = e(eps[i - 1].second, "REC");
      if (!rec.empty() && rec != "X1" && e(eps[i].second, "RNE") != "S") out.push_back(eps[i].second);
    }
  });
  // 433: a continuation episode (RNE not S) does not start the day the previous one ended.
  per_child_episodes(r, "433", [](const Tab& e, const auto& eps, std::vector<size_t>& out) {
    for (size_t i = 1; i < eps.size(); ++i) {
      const auto prev_end = e.date(eps[i - 1].second, "DEC");
      const auto rne = e(eps[i].second, "RNE");
      if (!rne.empty() && rne != "S" && prev_end && *prev_end != eps[i].first) out.push_back(eps[i].second);
    }
  });
  // 504: CIN changes within a period of care (episodes joined by REC X1 and DEC = next DECOM).
  per_child_episodes(r, "504", [](const Tab& e, const auto& eps, std::vector<size_t>& out) {
    std::string_view start_cin;
    for (size_t i = 0; i < eps.size(); ++i) {
      const size_t r = eps[i].second;
      bool continues = false;
      if (i > 0) {
        const size_t p = eps[i - 1].second;
        const auto prev_end = e.date(p, "DEC");
        continues = e(p, "REC") == "X1" && prev_end && *prev_end == eps[i].first;
      }
      if (continues && e(r, "CIN") != start_cin) out.push_back(r);
      if (!continues) start_cin = e(r, "CIN");
    }
  });
  // 442: UPN blank for a child with an episode that is not a short break (V3/V4).
  add_table_rule(r, "442", 0, {}, T::header, [](const Tab& h, const Run& in) -> Rows {
    const Tab e = tab(in, T::episodes);
    if (!e) return {};
    std::unordered_set<std::string_view> looked_after;
    for (size_t r = 0; r < e.rows(); ++r)
      if (e(r, "LS") != "V3" && e(r, "LS") != "V4") looked_after.insert(e(r, "CHILD"));
    Rows rows;
    for (size_t r = 0; r < h.rows(); ++r)
      if (h(r, "UPN").empty() && looked_after.count(h(r, "CHILD"))) rows.push_back(r);
    return rows;
  });
  // 444: the same real UPN (not UN1-UN5) for more than one Header row.
  add_table_rule(r, "444", 0, {}, T::header, [](const Tab& h, const Run&) -> Rows {
    std::unordered_map<std::string_view, std::vector<size_t>> by_upn;
    for (size_t r = 0; r < h.rows(); ++r) {
      const auto u = h(r, "UPN");
      if (!u.empty() && codes::upn_unknown.find(u) == kNoCode) by_upn[u].push_back(r);
    }
    Rows rows;
    for (const auto& [u, rs] : by_upn)
      if (rs.size() > 1) rows.insert(rows.end(), rs.begin(), rs.end());
    return rows;
  });
  // Pairs of rows of two tables for the same child, flagged in both when `test` holds.
  auto pair_rule = [&r](std::string_view code, T ta, T tb, std::function<bool(const Tab&, size_t, const Tab&, size_t)> test) {
    add_rule(r, code, 0, {{}, [=](const Run& in) {
               Flags f;
               const Tab a = tab(in, ta), b = tab(in, tb);
               if (!a || !b) return f;
               const auto& bc = by_child(b);
               std::vector<size_t> ra, rb;
               for (size_t r = 0; r < a.rows(); ++r) {
                 const auto it = bc.find(a(r, "CHILD"));
                 if (it == bc.end()) continue;
                 for (size_t q : it->second)
                   if (test(a, r, b, q)) {
                     ra.push_back(r);
                     rb.push_back(q);
                   }
               }
               put(f, ta, std::move(ra));
               put(f, tb, std::move(rb));
               return f;
             }});
  };
  pair_rule("523", T::placed_for_adoption, T::ad1, [](const Tab& p, size_t r, const Tab& a, size_t q) {
    const auto placed = p.date(r, "DATE_PLACED"), interest = a.date(q, "DATE_INT");
    return placed && interest && *placed != *interest;
  });
  pair_rule("525", T::placed_for_adoption, T::ad1, [](const Tab& p, size_t r, const Tab& a, size_t q) {
    return !p(r, "DATE_PLACED_CEASED").empty() && any_given(a, q, kAd1Items);
  });
  pair_rule("215", T::oc3, T::oc2, [](const Tab& o3, size_t r, const Tab& o2, size_t q) {
    return any_given(o3, r, kOc3Items) && any_given(o2, q, kOc2Items);
  });

  // Per child: rows of one table ordered by a date column (valid dates only).
  auto ordered = [](const Tab& t, const std::vector<size_t>& rows, std::string_view column) {
    std::vector<std::pair<Date, size_t>> out;
    for (size_t r : rows)
      if (const auto d = t.date(r, column)) out.emplace_back(*d, r);
    std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.first < b.first; });
    return out;
  };
  // 579: a decision to place for adoption starts while the previous one is open or not ceased.
  add_table_rule(r, "579", 0, {}, T::placed_for_adoption, [ordered](const Tab& p, const Run&) -> Rows {
    Rows rows;
    for (const auto& [child, rs] : by_child(p)) {
      const auto ds = ordered(p, rs, "DATE_PLACED");
      for (size_t i = 1; i < ds.size(); ++i) {
        const auto ceased = p.date(ds[i - 1].second, "DATE_PLACED_CEASED");
        if (!ceased || ds[i].first < *ceased) rows.push_back(ds[i].second);
      }
    }
    return rows;
  });
  // 583: several decisions, and one before the latest has not been ceased.
  add_table_rule(r, "583", 0, {}, T::placed_for_adoption, [ordered](const Tab& p, const Run&) -> Rows {
    Rows rows;
    for (const auto& [child, rs] : by_child(p)) {
      const auto ds = ordered(p, rs, "DATE_PLACED");
      for (size_t i = 0; i + 1 < ds.size(); ++i)
        if (p(ds[i].second, "DATE_PLACED_CEASED").empty()) rows.push_back(ds[i].second);
    }
    return rows;
  });
  // A date in another table compared with the child's earliest or latest RNE S episode.
  auto vs_care_start = [ordered, &r](std::string_view code, T other, std::string_view column, bool latest) {
    add_rule(r, code, 0, {{}, [=](const Run& in) {
               Flags f;
               const Tab e = tab(in, T::episodes), x = tab(in, other);
               if (!e || !x) return f;
               std::unordered_map<std::string_view, std::vector<size_t>> starts;
               for (size_t r = 0; r < e.rows(); ++r)
                 if (e(r, "RNE") == "S") starts[e(r, "CHILD")].push_back(r);
               std::vector<size_t> erows, xrows;
               for (size_t r = 0; r < x.rows(); ++r) {
                 const auto it = starts.find(x(r, "CHILD"));
                 const auto d = x.date(r, column);
                 if (it == starts.end() || !d) continue;
                 const auto ds = ordered(e, it->second, "DECOM");
                 if (ds.empty()) continue;
                 const auto& s = latest ? ds.back() : ds.front();
                 if (*d < s.first) {
                   erows.push_back(s.second);
                   xrows.push_back(r);
                 }
               }
               put(f, T::episodes, std::move(erows));
               put(f, other, std::move(xrows));
               return f;
             }});
  };
  vs_care_start("1003", T::placed_for_adoption, "DATE_PLACED", false);
  vs_care_start("334", T::ad1, "DATE_INT", true);
  // 521: DATE_INT after the start of a placed-for-adoption episode (A3-A6).
  pair_rule("521", T::episodes, T::ad1, [](const Tab& e, size_t r, const Tab& a, size_t q) {
    const auto decom = e.date(r, "DECOM"), di = a.date(q, "DATE_INT");
    const auto pl = e(r, "PLACE");
    return (pl == "A3" || pl == "A4" || pl == "A5" || pl == "A6") && decom && di && *di > *decom;
  });
  // 582: adopted (E11/E12) on the day of matching.
  add_table_rule(r, "582", 0, {}, T::episodes, [](const Tab& e, const Run& in) -> Rows {
    const Tab a = tab(in, T::ad1);
    if (!a) return {};
    const auto& ac = by_child(a);
    Rows rows;
    for (size_t r = 0; r < e.rows(); ++r) {
      const auto rec = e(r, "REC");
      const auto dec = e.date(r, "DEC");
      const auto it = ac.find(e(r, "CHILD"));
      if ((rec != "E11" && rec != "E12") || !dec || it == ac.end()) continue;
      for (size_t q : it->second)
        if (const auto m = a.date(q, "DATE_MATCH"); m && *m == *dec) rows.push_back(r);
    }
    return rows;
  });
  // Missing periods against the child's episodes.
  auto missing_vs_episodes = [&r](std::string_view code, T flag_table,
                                std::function<void(const Tab& m, size_t mr, const Tab& e,
                                                   const std::vector<size_t>& eps, std::vector<size_t>& out)> test) {
    add_rule(r, code, 0, {{}, [=](const Run& in) {
               Flags f;
               const Tab m = tab(in, T::missing), e = tab(in, T::episodes);
               if (!m || !e) return f;
               const auto& ec = by_child(e);
               Rows rows;
               for (size_t r = 0; r < m.rows(); ++r) {
                 const auto it = ec.find(m(r, "CHILD"));
                 if (it != ec.end()) test(m, r, e, it->second, rows);
               }
               put(f, flag_table, std::move(rows));
               return f;
             }});
  };
  // 575: an open missing period (no MIS_END) started in a placement that has ended. DfE's text is
  // about the placement: an episode that ends with a change of legal status only (the next
  // episode starts that day with RNE L) leaves the child where it was, so the placement goes on
  // into that episode; it ends when an episode of the chain ends otherwise (a move, RNE P, T, B
  // or U next, or care ending). The reference flags the end of any episode.
  add_table_rule(r, "575", 0, {}, T::missing, [](const Tab& m, const Run& in) -> Rows {
    const Tab e = tab(in, T::episodes);
    if (!e) return {};
    Rows rows;
    for (size_t mr = 0; mr < m.rows(); ++mr) {
      const auto start = m.date(mr, "MIS_START");
      if (!start || !m(mr, "MIS_END").empty()) continue;
      const auto& eps = episodes_in_order(e, m(mr, "CHILD"));
      bool ended = false;
      for (size_t j = 0; j < eps.size() && !ended; ++j) {
        const auto dec = e.date(eps[j].second, "DEC");
        if (eps[j].first > *start || (dec && *dec < *start) || (!dec && !e(eps[j].second, "DEC").empty())) continue;
        size_t k = j;
        for (auto end = dec; end && k + 1 < eps.size() && eps[k + 1].first == *end &&
                             e(eps[k + 1].second, "RNE") == "L";)
          end = e.date(eps[++k].second, "DEC");
        ended = e.date(eps[k].second, "DEC").has_value();
      }
      if (ended) rows.push_back(mr);
    }
    return rows;
  });
  // 581: a missing period starts when the child was not looked after (in no episode).
  missing_vs_episodes("581", T::missing, [](const Tab& m, size_t mr, const Tab& e, const std::vector<size_t>& eps,
                                            std::vector<size_t>& out) {
    const auto start = m.date(mr, "MIS_START");
    if (!start) return;
    for (size_t r : eps) {
      const auto a = e.date(r, "DECOM"), b = e.date(r, "DEC");
      if (a && *a <= *start && (!b || *start <= *b)) return;
    }
    out.push_back(mr);
  });
  // 580: a missing period ends the day the child ceased to be looked after (an episode ends
  // with a REC other than X1, the continuation code), and REC is not E8. An episode ending X1
  // on that day is not the end of care: the child is looked after in the next one.
  missing_vs_episodes("580", T::episodes, [](const Tab& m, size_t mr, const Tab& e, const std::vector<size_t>& eps,
                                             std::vector<size_t>& out) {
    const auto end = m.date(mr, "MIS_END");
    if (!end) return;
    for (size_t r : eps)
      if (const auto dec = e.date(r, "DEC"); dec && *dec == *end && e(r, "REC") != "E8" && e(r, "REC") != "X1")
        out.push_back(r);
  });

  // 426: V3 and V4 for the same child in the year: every short-break episode is flagged.
  add_table_rule(r, "426", 0, {}, T::episodes, [](const Tab& e, const Run&) -> Rows {
    Rows rows;
    for (const auto& [child, rs] : by_child(e)) {
      bool v3 = false, v4 = false;
      for (size_t r : rs) {
        v3 |= e(r, "LS") == "V3";
        v4 |= e(r, "LS") == "V4";
      }
      if (v3 && v4)
        for (size_t r : rs)
          if (e(r, "LS") == "V3" || e(r, "LS") == "V4") rows.push_back(r);
    }
    return rows;
  });
  // 3001: a care leaver turning 17 in the year living with former foster carers (Z1/Z2).
  add_table_rule(r, "3001", 0, {}, T::oc3, [](const Tab& o, const Run& in) -> Rows {
    const Tab h = tab(in, T::header);
    if (!h) return {};
    const auto& hr = header_rows(h);
    Rows rows;
    for (size_t r = 0; r < o.rows(); ++r) {
      const auto it = hr.find(o(r, "CHILD"));
      if (it == hr.end() || (o(r, "ACCOM") != "Z1" && o(r, "ACCOM") != "Z2")) continue;
      const auto dob = h.date(it->second, "DOB");
      if (!dob) continue;
      const Date b17 = birthday(*dob, 17);
      if (b17 >= in.year.start() && b17 <= in.year.end()) rows.push_back(r);
    }
    return rows;
  });
  // 1011: the final episode ended with care transferred to another LA (E3), yet OC3 data.
  add_table_rule(r, "1011", 0, {}, T::oc3, [](const Tab& o, const Run& in) -> Rows {
    const Tab e = tab(in, T::episodes);
    if (!e) return {};
    std::unordered_set<std::string_view> transferred;
    for (const auto& [child, rs] : by_child(e)) {
      const auto& eps = episodes_in_order(e, child);
      if (!eps.empty() && e(eps.back().second, "REC") == "E3") transferred.insert(child);
    }
    Rows rows;
    for (size_t r = 0; r < o.rows(); ++r)
      if (transferred.count(o(r, "CHILD")) && any_given(o, r, kOc3Items)) rows.push_back(r);
    return rows;
  });
  // 1014: UASC data for a care leaver none of whose episodes falls in the year.
  add_rule(r, "1014", 0, {{}, [](const Run& in) {
             Flags f;
             const Tab e = tab(in, T::episodes), o = tab(in, T::oc3), u = tab(in, T::uasc);
             if (!e || !o || !u) return f;
             std::unordered_set<std::string_view> not_in_year;
             for (const auto& [child, rs] : by_child(e)) {
               bool in_year = false;
               for (size_t r : rs) {
                 const auto dec = e.date(r, "DEC");
                 const auto decom = e.date(r, "DECOM");
                 in_year |= (!dec || *dec >= in.year.start()) && (!decom || *decom <= in.year.end());
               }
               if (!in_year) not_in_year.insert(child);
             }
             std::unordered_set<std::string_view> leavers;
             std::vector<size_t> orows, urows;
             for (size_t r = 0; r < o.rows(); ++r)
               if (not_in_year.count(o(r, "CHILD")) && any_given(o, r, kOc3Items)) leavers.insert(o(r, "CHILD"));
             for (size_t r = 0; r < u.rows(); ++r)
               if (leavers.count(u(r, "CHILD"))) urows.push_back(r);
             std::unordered_set<std::string_view> with_uasc;
             for (size_t r : urows) with_uasc.insert(u(r, "CHILD"));
             for (size_t r = 0; r < o.rows(); ++r)
               if (with_uasc.count(o(r, "CHILD")) && any_given(o, r, kOc3Items)) orows.push_back(r);
             put(f, T::uasc, std::move(urows));
             put(f, T::oc3, std::move(orows));
             return f;
           }});
  // Social-worker episodes per child in SW_DECOM order.
  auto per_child_sw = [ordered, &r](std::string_view code, std::function<void(const Tab&, const std::vector<std::pair<Date, size_t>>&, std::vector<size_t>&)> test) {
    add_table_rule(r, code, 0, {}, T::sw_episodes, [=](const Tab& s, const Run&) -> Rows {
      Rows rows;
      for (const auto& [child, rs] : by_child(s)) test(s, ordered(s, rs, "SW_DECOM"), rows);
      return rows;
    });
  };
  // SW08: a social-worker episode before the child's latest has no end date.
  per_child_sw("SW08STG2", [](const Tab& s, const auto& eps, std::vector<size_t>& out) {
    for (size_t i = 0; i + 1 < eps.size(); ++i)
      if (eps[i].first != eps.back().first && s(eps[i].second, "SW_DEC").empty()) out.push_back(eps[i].second);
  });
  // SW17: the latest social-worker episode has ended (none open at 31 March).
  per_child_sw("SW17STG2", [](const Tab& s, const auto& eps, std::vector<size_t>& out) {
    if (!eps.empty() && !s(eps.back().second, "SW_DEC").empty()) out.push_back(eps.back().second);
  });
  // 705: a DoLO starts while the previous one (in the order recorded) is open, or before it.
  add_table_rule(r, "705", 0, {}, T::dolo, [](const Tab& d, const Run&) -> Rows {
    Rows rows;
    for (const auto& [child, rs] : by_child(d))
      for (size_t i = 1; i < rs.size(); ++i) {
        const auto start = d.date(rs[i], "DOLO_START");
        const auto prev_start = d.date(rs[i - 1], "DOLO_START");
        const auto prev_end = d.date(rs[i - 1], "DOLO_END");
        if (!start) continue;
        if (!prev_end || *start < *prev_end || (prev_start && *start < *prev_start)) rows.push_back(rs[i]);
      }
    return rows;
  });

  // ---- Comparisons with last year's return ----
  // 502, 503A-F: this year's first episode against last year's open final episode (the latest
  // DECOM among last year's episodes with no DEC).
  auto vs_last_open = [&r](std::string_view code, int version, std::string_view field,
                         std::function<bool(std::string_view now, std::string_view last)> differs) {
    add_table_rule(r, code, version, {.last_year = true}, T::episodes, [=](const Tab& e, const Run& in) -> Rows {
      const Tab l = last_tab(in, T::episodes);
      if (!l) return {};
      const auto& open_final = last_open_final_episodes(l);
      Rows rows;
      for (const auto& [child, eps] : episodes_by_child_in_order(e)) {
        const auto it = open_final.find(child);
        if (it == open_final.end() || eps.empty()) continue;
        const size_t first = eps.front().second;
        if (differs(e(first, field), l(it->second.second, field))) rows.push_back(first);
      }
      return rows;
    });
  };
  auto text_differs = [](std::string_view a, std::string_view b) { return a != b; };
  vs_last_open("502", 0, "DECOM", [](std::string_view a, std::string_view b) {
    const auto x = return_date(a), y = return_date(b);
    return x && y ? *x != *y : a != b;
  });
  vs_last_open("503A", 0, "RNE", text_differs);
  vs_last_open("503B", 0, "LS", text_differs);
  vs_last_open("503C", 0, "CIN", text_differs);
  vs_last_open("503D", 2023, "PLACE", text_differs);
  vs_last_open("503D", 2025, "PLACE", [](std::string_view now, std::string_view last) {
    return now != last && !(last == "H5" && now == "K3");  // H5 became K3 in 2024/25
  });
  vs_last_open("503D", 2026, "PLACE", [](std::string_view now, std::string_view last) {
    return now != last && !(last == "Z1" && (now == "Z11" || now == "Z12" || now == "Z13" || now == "Z14"));
  });
  vs_last_open("503E", 0, "PLACE_PROVIDER", text_differs);
  vs_last_open("503F", 0, "URN", text_differs);

  // Header against last year's Header, per child in both.
  auto vs_last_header = [&r](std::string_view code, std::function<bool(const Tab& h, size_t r, const Tab& l, size_t q, const Run&)> test, bool needs_episode) {
    add_table_rule(r, code, 0, {.last_year = true}, T::header, [=](const Tab& h, const Run& in) -> Rows {
      const Tab l = last_tab(in, T::header), e = tab(in, T::episodes);
      if (!l || (needs_episode && !e)) return {};
      const auto& lr = first_row_in(l, h);
      const std::vector<size_t>* er = needs_episode ? &first_row_in(e, h) : nullptr;
      Rows rows;
      for (size_t r = 0; r < h.rows(); ++r) {
        if (lr[r] == kNoRow || (er && (*er)[r] == kNoRow)) continue;
        if (test(h, r, l, lr[r], in)) rows.push_back(r);
      }
      return rows;
    });
  };
  // 207: a mother last year is no longer recorded as one (children with episodes).
  vs_last_header("207", [](const Tab& h, size_t r, const Tab& l, size_t q, const Run&) {
    return l(q, "MOTHER") == "1" && h(r, "MOTHER") != "1";
  }, true);
  // 624: MC_DOB differs from the one recorded last year.
  vs_last_header("624", [](const Tab& h, size_t r, const Tab& l, size_t q, const Run&) {
    return !l(q, "MC_DOB").empty() && h(r, "MC_DOB") != l(q, "MC_DOB");
  }, false);
  // 626: a mother with a first child born before this year, but not a mother last year.
  vs_last_header("626", [](const Tab& h, size_t r, const Tab& l, size_t q, const Run& in) {
    const auto mc = h.date(r, "MC_DOB");
    return h(r, "MOTHER") == "1" && mc && *mc < in.year.start() && l(q, "MOTHER") != "1";
  }, false);

  // NoE and 562: episodes starting before this year, against last year's episodes.
  auto before_year_vs_last = [&r](std::string_view code, bool child_in_last) {
    add_table_rule(r, code, 0, {.last_year = true}, T::episodes, [=](const Tab& e, const Run& in) -> Rows {
      const Tab l = last_tab(in, T::episodes);
      if (!l) return {};
      const auto& lc = by_child(l);
      Rows rows;
      for (size_t r = 0; r < e.rows(); ++r) {
        const auto d = e.date(r, "DECOM");
        if (!d || *d >= in.year.start()) continue;
        const auto it = lc.find(e(r, "CHILD"));
        if (!child_in_last) {
          if (it == lc.end()) rows.push_back(r);
          continue;
        }
        if (it == lc.end()) continue;
        bool found = false;
        for (size_t q : it->second) {
          const auto ld = l.date(q, "DECOM");
          found |= ld && *ld == *d;
        }
        if (!found) rows.push_back(r);
      }
      return rows;
    });
  };
  before_year_vs_last("NoE", false);
  before_year_vs_last("562", true);

  // 359 needs the child's age: replace the row rule's test with one that joins Header.
  episode_with_dob(r, "359", 0, [](const Tab& e, size_t r, Date dob, const Run& in) {
    return e(r, "DEC").empty() && age_on(dob, in.year.end()) >= 18 && !(e(r, "LS") == "V2" && e(r, "PLACE") == "K2");
  });
  // 371: semi-independent (H5) / supported (K3) accommodation below the minimum age at DECOM.
  episode_with_dob(r, "371", 2023, age_at_episode("DECOM", [](int a) { return a < 14; },
                                               [](const Tab& e, size_t r) { return e(r, "PLACE") == "H5"; }));
  episode_with_dob(r, "371", 2024, age_at_episode("DECOM", [](int a) { return a < 16; },
                                               [](const Tab& e, size_t r) { return e(r, "PLACE") == "H5"; }));
  episode_with_dob(r, "371", 2025, age_at_episode("DECOM", [](int a) { return a < 16; }, [](const Tab& e, size_t r) {
                     return e(r, "PLACE") == "H5" || e(r, "PLACE") == "K3";
                   }));
  // 226: REASON_PLACE_CHANGE on a temporary placement, or on the episode just before one.
  auto rpc_on_temporary = [](Set temporary) {
    return [temporary](const Tab& e, const std::vector<std::pair<Date, size_t>>& eps, std::vector<size_t>& out) {
      for (size_t i = 0; i < eps.size(); ++i) {
        const size_t r = eps[i].second;
        if (!in(e(r, "PLACE"), temporary)) continue;
        if (!e(r, "REASON_PLACE_CHANGE").empty() || (i > 0 && !e(eps[i - 1].second, "REASON_PLACE_CHANGE").empty()))
          out.push_back(r);
      }
    };
  };
  per_child_episodes(r, "226", rpc_on_temporary({"T0", "T1", "T2", "T3", "T4"}));
  // 225: a placement change (next RNE P/B/T/U, neither placement temporary) with no reason.
  per_child_episodes(r, "225", [](const Tab& e, const auto& eps, std::vector<size_t>& out) {
    const Set temporary = {"T0", "T1", "T2", "T3", "T4"};
    for (size_t i = 0; i + 1 < eps.size(); ++i) {
      const size_t r = eps[i].second, n = eps[i + 1].second;
      if (e(r, "REC") == "X1" && e(r, "REASON_PLACE_CHANGE").empty() && !in(e(r, "PLACE"), temporary) &&
          in(e(n, "RNE"), {"P", "B", "T", "U"}) && !in(e(n, "PLACE"), temporary))
        out.push_back(r);
    }
  });
  // 209: UPN UN1 ('not of school age') for a child of school age (5 by 31 August before the year).
  add_row_rule(r, "209", 0, T::header, [](const Row& r) {
    const auto dob = r.date("DOB");
    const Date aug31 = Date::from_ymd(r.in.year.end_year - 2, 8, 31);
    return r["UPN"] == "UN1" && dob && age_on(*dob, aug31) >= 5;
  });
  // 210: UPN UN4 ('newly looked after') but looked after since before 24 March.
  add_rule(r, "210", 0, {{}, [](const Run& in) {
             Flags f;
             const Tab h = tab(in, T::header), e = tab(in, T::episodes);
             if (!h || !e) return f;
             const auto& ec = by_child(e);
             const Date cutoff = Date::from_ymd(in.year.end_year, 3, 24);
             std::vector<size_t> hrows, erows;
             for (size_t r = 0; r < h.rows(); ++r) {
               if (h(r, "UPN") != "UN4") continue;
               const auto it = ec.find(h(r, "CHILD"));
               if (it == ec.end()) continue;
               const auto& eps = episodes_in_order(e, it->first);
               if (!eps.empty() && eps.front().first < cutoff) {
                 hrows.push_back(r);
                 erows.push_back(eps.back().second);
               }
             }
             put(f, T::header, std::move(hrows));
             put(f, T::episodes, std::move(erows));
             return f;
           }});
  // OC3 rows (with any item given) of children matching a test over their episodes. The
  // episodes of this year and last are indexed by child once per run (a scan per OC3 row made
  // the national benchmark quadratic).
  struct Oc3Episodes {
    Tab e, el;
    const ChildRows* now = nullptr;
    const ChildRows* last = nullptr;
    const std::vector<size_t>& of(const ChildRows* m, std::string_view child) const {
      static const std::vector<size_t> none;
      if (!m) return none;
      const auto it = m->find(child);
      return it == m->end() ? none : it->second;
    }
  };
  auto oc3_where = [&r](std::string_view code, Needs needs,
                      std::function<bool(std::string_view child, const Tab& o, size_t r, const Oc3Episodes& x,
                                         const Run& in)> test) {
    add_table_rule(r, code, 0, needs, T::oc3, [=](const Tab& o, const Run& in) -> Rows {
      Oc3Episodes x{tab(in, T::episodes), last_tab(in, T::episodes)};
      if (x.e) x.now = &by_child(x.e);
      if (x.el) x.last = &by_child(x.el);
      Rows rows;
      for (size_t r = 0; r < o.rows(); ++r)
        if (test(o(r, "CHILD"), o, r, x, in)) rows.push_back(r);
      return rows;
    });
  };
  // 1000: died in care (REC E2) this year or last (last year's return used when given).
  oc3_where("1000", {}, [](std::string_view child, const Tab&, size_t, const Oc3Episodes& x, const Run&) {
    for (size_t r : x.of(x.now, child))
      if (x.e(r, "REC") == "E2") return true;
    for (size_t r : x.of(x.last, child))
      if (x.el(r, "REC") == "E2") return true;
    return false;
  });
  // 1002: care leaver data for a young person with no previous episodes of care. DfE checks the
  // whole history it holds; careflow sees two returns, and a care leaver who left care before
  // last year (most of those aged 18-21) has an episode in neither. What the two returns do
  // show: such a young person was a care leaver last year too (a 17th-21st birthday then, care
  // ended before it), and last year's OC3 row was accepted only with previous episodes. So a
  // row is flagged when the child has no episode this year or last and no OC3 row last year:
  // only then is the lack of previous episodes shown, not merely unseen. (The reference flags
  // every care leaver without an episode in the two years, about 120 a council.)
  oc3_where("1002", {.last_year = true}, [](std::string_view child, const Tab&, size_t, const Oc3Episodes& x, const Run& in) {
    if (!x.of(x.now, child).empty() || !x.of(x.last, child).empty()) return false;
    const Tab last_oc3 = last_tab(in, T::oc3);
    return !last_oc3 || !by_child(last_oc3).contains(child);
  });
  // The 17th and 18th birthdays that fall in the collection year.
  auto birthdays_in_year = [](Date dob, const Run& in) {
    std::vector<Date> out;
    for (int age : {17, 18})
      if (const Date b = birthday(dob, age); b >= in.year.start() && b <= in.year.end()) out.push_back(b);
    return out;
  };
  // 1007: still looked after (in an episode) on the 17th or 18th birthday in the year.
  oc3_where("1007", {}, [birthdays_in_year](std::string_view child, const Tab& o, size_t r, const Oc3Episodes& x, const Run& in) {
    const auto dob = o.date(r, "DOB");
    if (!dob || !any_given(o, r, kOc3Items)) return false;
    const Tab& e = x.e;
    for (const Date b : birthdays_in_year(*dob, in))
      for (size_t q : x.of(x.now, child)) {
        const auto s = e.date(q, "DECOM"), d = e.date(q, "DEC");
        if (s && *s <= b && (e(q, "DEC").empty() || (d && *d > b))) return true;
      }
    return false;
  });
  // 1016: left care in the year on or after the 17th or 18th birthday in the year.
  oc3_where("1016", {}, [birthdays_in_year](std::string_view child, const Tab& o, size_t r, const Oc3Episodes& x, const Run& in) {
    const auto dob = o.date(r, "DOB");
    if (!dob || !any_given(o, r, kOc3Items)) return false;
    const Tab& e = x.e;
    for (const Date b : birthdays_in_year(*dob, in))
      for (size_t q : x.of(x.now, child))
        if (const auto d = e.date(q, "DEC"); d && *d >= b && *d <= in.year.end()) return true;
    return false;
  });

  // ---- The OC2 cohort: looked after continuously for 12 months at 31 March ----
  auto oc2_rule = [&r](std::string_view code, std::function<bool(const Tab& o, size_t r, bool in_cohort, const Run& in)> test) {
    add_table_rule(r, code, 0, {}, T::oc2, [=](const Tab& o, const Run& in) -> Rows {
      const Tab e = tab(in, T::episodes);
      if (!e) return {};
      const auto& cohort = twelve_month_cohort(in, false);
      Rows rows;
      for (size_t r = 0; r < o.rows(); ++r)
        if (test(o, r, cohort.count(o(r, "CHILD")) > 0, in)) rows.push_back(r);
      return rows;
    });
  };
  auto age_at_end = [](const Tab& o, size_t r, const Run& in) -> std::optional<int> {
    const auto dob = o.date(r, "DOB");
    if (!dob) return std::nullopt;
    return age_on(*dob, in.year.end());
  };
  oc2_rule("190", [](const Tab& o, size_t r, bool c, const Run&) { return !c && any_given(o, r, kOc2Items); });
  oc2_rule("185", [](const Tab& o, size_t r, bool c, const Run&) { return !c && !o(r, "SDQ_SCORE").empty(); });
  oc2_rule("198", [](const Tab& o, size_t r, bool c, const Run&) { return !c && !o(r, "SDQ_REASON").empty(); });
  oc2_rule("543", [age_at_end](const Tab& o, size_t r, bool c, const Run& in) {
    const auto a = age_at_end(o, r, in);
    return c && a && *a >= 10 && o(r, "CONVICTED").empty();
  });
  oc2_rule("545", [age_at_end](const Tab& o, size_t r, bool c, const Run& in) {
    const auto a = age_at_end(o, r, in);
    return c && a && *a < 5 && o(r, "HEALTH_CHECK").empty();
  });
  oc2_rule("546", [age_at_end](const Tab& o, size_t r, bool c, const Run& in) {
    const auto a = age_at_end(o, r, in);
    return c && a && *a >= 5 && !o(r, "HEALTH_CHECK").empty();
  });

  // ---- Mothers ----
  // 393: a looked-after girl (an episode other than V3/V4) with MOTHER blank.
  auto mother_blank = [&r](std::string_view code, int version, Set female) {
    add_table_rule(r, code, version, {}, T::header, [female](const Tab& h, const Run& in) -> Rows {
      const Tab e = tab(in, T::episodes);
      if (!e) return {};
      ChildMap<bool> looked_after;
      for (size_t r = 0; r < e.rows(); ++r)
        if (e(r, "LS") != "V3" && e(r, "LS") != "V4") looked_after.try_emplace(e(r, "CHILD"), true);
      Rows rows;
      for (size_t r = 0; r < h.rows(); ++r)
        if (one_of(h(r, "SEX"), female) && h(r, "MOTHER").empty() && looked_after.count(h(r, "CHILD")))
          rows.push_back(r);
      return rows;
    });
  };
  mother_blank("393", 2023, {"2"});
  mother_blank("393", 2025, {"2", "F"});
  // 607: a girl who ceased to be looked after in the year (REC other than X1, not V3/V4) with
  // MOTHER blank: her Header row and those episodes.
  auto ceased_mother_blank = [&r](std::string_view code, int version, Set female) {
    add_rule(r, code, version, {{}, [female](const Run& in) {
               Flags f;
               const Tab h = tab(in, T::header), e = tab(in, T::episodes);
               if (!h || !e) return f;
               const auto& ec = by_child(e);
               std::vector<size_t> hrows, erows;
               for (size_t r = 0; r < h.rows(); ++r) {
                 if (!one_of(h(r, "SEX"), female) || !h(r, "MOTHER").empty()) continue;
                 const auto it = ec.find(h(r, "CHILD"));
                 if (it == ec.end()) continue;
                 bool any = false;
                 for (size_t q : it->second) {
                   const auto dec = e.date(q, "DEC");
                   const auto rec = e(q, "REC");
                   if (dec && *dec >= in.year.start() && *dec <= in.year.end() && !rec.empty() && rec != "X1" &&
                       e(q, "LS") != "V3" && e(q, "LS") != "V4") {
                     erows.push_back(q);
                     any = true;
                   }
                 }
                 if (any) hrows.push_back(r);
               }
               put(f, T::header, std::move(hrows));
               put(f, T::episodes, std::move(erows));
               return f;
             }});
  };
  ceased_mother_blank("607", 2023, {"2"});
  ceased_mother_blank("607", 2025, {"2", "F"});
  // 625: MC_DOB after the year end or after the child's last episode ended.
  add_rule(r, "625", 0, {{}, [](const Run& in) {
             Flags f;
             const Tab h = tab(in, T::header), e = tab(in, T::episodes);
             if (!h || !e) return f;
             const auto& ec = by_child(e);
             std::vector<size_t> hrows, erows;
             for (size_t r = 0; r < h.rows(); ++r) {
               const auto mc = h.date(r, "MC_DOB");
               const auto it = ec.find(h(r, "CHILD"));
               if (!mc || it == ec.end()) continue;
               std::optional<std::pair<Date, size_t>> last;
               for (size_t q : it->second)
                 if (const auto d = e.date(q, "DEC"); d && (!last || *d >= last->first)) last = {{*d, q}};
               if (!last) continue;
               if (*mc > in.year.end() || *mc > last->first) {
                 hrows.push_back(r);
                 erows.push_back(last->second);
               }
             }
             put(f, T::header, std::move(hrows));
             put(f, T::episodes, std::move(erows));
             return f;
           }});
  // 628: MOTHER completed for a care leaver (OC3 data) with no episodes this year.
  add_table_rule(r, "628", 0, {}, T::header, [](const Tab& h, const Run& in) -> Rows {
    const Tab e = tab(in, T::episodes), o = tab(in, T::oc3);
    if (!e || !o) return {};
    const auto& ec = by_child(e);
    std::unordered_set<std::string_view> leavers;
    for (size_t r = 0; r < o.rows(); ++r)
      if (any_given(o, r, kOc3Items)) leavers.insert(o(r, "CHILD"));
    Rows rows;
    for (size_t r = 0; r < h.rows(); ++r)
      if (!h(r, "MOTHER").empty() && leavers.count(h(r, "CHILD")) && !ec.count(h(r, "CHILD")))
        rows.push_back(r);
    return rows;
  });

  // ---- Adoption ----
  auto adopted_in_year = [](const Tab& e, size_t r, const Run& in) {
    const auto dec = e.date(r, "DEC");
    const auto rec = e(r, "REC");
    return (rec == "E11" || rec == "E12") && dec && *dec >= in.year.start() && *dec <= in.year.end();
  };
  // 601: adopted in the year, with AD1 items left blank: the AD1 row and the adoption episodes.
  add_rule(r, "601", 0, {{}, [adopted_in_year](const Run& in) {
             Flags f;
             const Tab e = tab(in, T::episodes), a = tab(in, T::ad1);
             if (!e || !a) return f;
             const auto& ec = by_child(e);
             std::vector<size_t> arows, erows;
             for (size_t r = 0; r < a.rows(); ++r) {
               bool blank = false;
               for (auto c : kAd1Items) blank |= a(r, c).empty();
               const auto it = ec.find(a(r, "CHILD"));
               if (!blank || it == ec.end()) continue;
               bool any = false;
               for (size_t q : it->second)
                 if (adopted_in_year(e, q, in)) {
                   erows.push_back(q);
                   any = true;
                 }
               if (any) arows.push_back(r);
             }
             put(f, T::ad1, std::move(arows));
             put(f, T::episodes, std::move(erows));
             return f;
           }});
  // 602: AD1 data for a child not adopted in the year.
  add_table_rule(r, "602", 0, {}, T::ad1, [adopted_in_year](const Tab& a, const Run& in) -> Rows {
    const Tab e = tab(in, T::episodes);
    if (!e) return {};
    std::unordered_set<std::string_view> adopted;
    for (size_t r = 0; r < e.rows(); ++r)
      if (adopted_in_year(e, r, in)) adopted.insert(e(r, "CHILD"));
    Rows rows;
    for (size_t r = 0; r < a.rows(); ++r)
      if (any_given(a, r, kAd1Items) && !adopted.count(a(r, "CHILD"))) rows.push_back(r);
    return rows;
  });
  // 331: DATE_MATCH after the start of the episode that ended in adoption.
  pair_rule("331", T::episodes, T::ad1, [](const Tab& e, size_t r, const Tab& a, size_t q) {
    const auto decom = e.date(r, "DECOM"), match = a.date(q, "DATE_MATCH");
    return (e(r, "REC") == "E11" || e(r, "REC") == "E12") && decom && match && *match > *decom;
  });
  // 335: FOSTER_CARE contradicts the child's last placement (0 with A2/A3/A5, 1 with A1/A4/A6).
  add_rule(r, "335", 0, {{}, [](const Run& in) {
             Flags f;
             const Tab e = tab(in, T::episodes), a = tab(in, T::ad1);
             if (!e || !a) return f;
             const auto& ec = by_child(e);
             std::vector<size_t> arows, erows;
             for (size_t r = 0; r < a.rows(); ++r) {
               const auto it = ec.find(a(r, "CHILD"));
               if (it == ec.end()) continue;
               const auto& eps = episodes_in_order(e, it->first);
               const size_t last = eps.empty() ? it->second.back() : eps.back().second;
               const auto place = e(last, "PLACE");
               const auto fc = a(r, "FOSTER_CARE");
               if ((fc == "0" && one_of(place, {"A2", "A3", "A5"})) || (fc == "1" && one_of(place, {"A1", "A4", "A6"}))) {
                 arows.push_back(r);
                 erows.push_back(last);
               }
             }
             put(f, T::ad1, std::move(arows));
             put(f, T::episodes, std::move(erows));
             return f;
           }});
  // 559: a decision dated before this year that last year's return does not hold.
  add_table_rule(r, "559", 0, {.last_year = true}, T::placed_for_adoption, [](const Tab& p, const Run& in) -> Rows {
    const Tab l = last_tab(in, T::placed_for_adoption);
    if (!l) return {};
    const auto& lc = by_child(l);
    Rows rows;
    for (size_t r = 0; r < p.rows(); ++r) {
      const auto d = p.date(r, "DATE_PLACED");
      if (!d || *d >= in.year.start()) continue;
      bool found = false;
      if (const auto it = lc.find(p(r, "CHILD")); it != lc.end())
        for (size_t q : it->second) found |= l.date(q, "DATE_PLACED") == d;
      if (!found) rows.push_back(r);
    }
    return rows;
  });
  // 560: last year's decision was open, but this year's DATE_PLACED differs from it.
  add_table_rule(r, "560", 0, {.last_year = true}, T::placed_for_adoption, [](const Tab& p, const Run& in) -> Rows {
    const Tab l = last_tab(in, T::placed_for_adoption);
    if (!l) return {};
    const auto& lc = by_child(l);
    Rows rows;
    for (size_t r = 0; r < p.rows(); ++r) {
      const auto it = lc.find(p(r, "CHILD"));
      if (it == lc.end()) continue;
      for (size_t q : it->second)
        if (l(q, "DATE_PLACED_CEASED").empty() && !l(q, "DATE_PLACED").empty() &&
            l(q, "DATE_PLACED") != p(r, "DATE_PLACED")) {
          rows.push_back(r);
          break;
        }
    }
    return rows;
  });

  // 370: independent living (P2) below the minimum age at DECOM (15 in 2022/23, 16 in 2023/24).
  episode_with_dob(r, "370", 2023, age_at_episode("DECOM", [](int a) { return a < 15; },
                                               [](const Tab& e, size_t r) { return e(r, "PLACE") == "P2"; }));
  episode_with_dob(r, "370", 2024, age_at_episode("DECOM", [](int a) { return a < 16; },
                                               [](const Tab& e, size_t r) { return e(r, "PLACE") == "P2"; }));
  // SW14: a social-worker episode before the child's latest has no end date (2023/24 wording).
  per_child_sw("SW14STG2", [](const Tab& s, const auto& eps, std::vector<size_t>& out) {
    for (size_t i = 0; i + 1 < eps.size(); ++i)
      if (eps[i].first != eps.back().first && s(eps[i].second, "SW_DEC").empty()) out.push_back(eps[i].second);
  });
  // 348: reported as died last year (IN_TOUCH DIED) but not this year.
  add_table_rule(r, "348", 0, {.last_year = true}, T::oc3, [](const Tab& o, const Run& in) -> Rows {
    const Tab l = last_tab(in, T::oc3);
    if (!l) return {};
    std::unordered_set<std::string_view> died;
    for (size_t r = 0; r < l.rows(); ++r)
      if (l(r, "IN_TOUCH") == "DIED") died.insert(l(r, "CHILD"));
    Rows rows;
    for (size_t r = 0; r < o.rows(); ++r)
      if (died.count(o(r, "CHILD")) && o(r, "IN_TOUCH") != "DIED") rows.push_back(r);
    return rows;
  });
  // 399: a child only ever on short breaks (V3/V4) with MOTHER or reviews completed.
  add_rule(r, "399", 0, {{}, [](const Run& in) {
             Flags f;
             const Tab h = tab(in, T::header), e = tab(in, T::episodes), rv = tab(in, T::reviews);
             if (!h || !e) return f;
             std::unordered_map<std::string_view, std::vector<size_t>> short_break_only;
             for (const auto& [child, rs] : by_child(e)) {
               bool all = true;
               for (size_t r : rs) all &= e(r, "LS") == "V3" || e(r, "LS") == "V4";
               if (all) short_break_only[child] = rs;
             }
             std::vector<size_t> hrows, erows, rrows;
             std::unordered_set<std::string_view> flagged;
             for (size_t r = 0; r < h.rows(); ++r)
               if (short_break_only.count(h(r, "CHILD")) && !h(r, "MOTHER").empty()) {
                 hrows.push_back(r);
                 flagged.insert(h(r, "CHILD"));
               }
             for (size_t r = 0; r < rv.rows(); ++r)
               if (short_break_only.count(rv(r, "CHILD")) && (!rv(r, "REVIEW").empty() || !rv(r, "REVIEW_CODE").empty())) {
                 rrows.push_back(r);
                 flagged.insert(rv(r, "CHILD"));
               }
             for (auto child : flagged) {
               const auto& rs = short_break_only[child];
               erows.insert(erows.end(), rs.begin(), rs.end());
             }
             put(f, T::header, std::move(hrows));
             put(f, T::episodes, std::move(erows));
             put(f, T::reviews, std::move(rrows));
             return f;
           }});

  // 234: a child under 10 at an episode's start whose placement changed for custody (CUSTOD).
  episode_with_dob(r, "234", 0, age_at_episode("DECOM", [](int a) { return a < 10; }, [](const Tab& e, size_t r) {
                     return e(r, "REASON_PLACE_CHANGE") == "CUSTOD";
                   }), true);
  // 336: placed for adoption with current foster carers (A3/A5, as DfE's text says) but the
  // previous episode was not a foster placement (U1-U6).
  per_child_episodes(r, "336", [](const Tab& e, const auto& eps, std::vector<size_t>& out) {
    for (size_t i = 1; i < eps.size(); ++i) {
      const auto place = e(eps[i].second, "PLACE");
      const auto prev = e(eps[i - 1].second, "PLACE");
      if ((place == "A3" || place == "A5") && !one_of(prev, {"U1", "U2", "U3", "U4", "U5", "U6"}))
        out.push_back(eps[i].second);
    }
  });
  // 551: placed for adoption (A3-A6) with no date of the decision to place.
  add_table_rule(r, "551", 0, {}, T::episodes, [](const Tab& e, const Run& in) -> Rows {
    const Tab p = tab(in, T::placed_for_adoption);
    if (!p) return {};
    std::unordered_set<std::string_view> decided;
    for (size_t r = 0; r < p.rows(); ++r)
      if (!p(r, "DATE_PLACED").empty()) decided.insert(p(r, "CHILD"));
    Rows rows;
    for (size_t r = 0; r < e.rows(); ++r)
      if (one_of(e(r, "PLACE"), {"A3", "A4", "A5", "A6"}) && !decided.count(e(r, "CHILD"))) rows.push_back(r);
    return rows;
  });
  // 552: the decision to place for adoption is dated after the adoption placement started.
  pair_rule("552", T::placed_for_adoption, T::episodes, [](const Tab& p, size_t r, const Tab& e, size_t q) {
    const auto placed = p.date(r, "DATE_PLACED"), decom = e.date(q, "DECOM");
    return one_of(e(q, "PLACE"), {"A3", "A4", "A5", "A6"}) && placed && decom && *placed > *decom;
  });
  // 709/710: placements during a DoLO (open DoLOs run to the year end).
  auto dolo_placement = [&r](std::string_view code, std::function<bool(std::string_view place)> wrong) {
    add_rule(r, code, 0, {{}, [=](const Run& in) {
               Flags f;
               const Tab d = tab(in, T::dolo), e = tab(in, T::episodes);
               if (!d || !e) return f;
               const auto& ec = by_child(e);
               std::vector<size_t> drows, erows;
               for (size_t r = 0; r < d.rows(); ++r) {
                 const auto s = d.date(r, "DOLO_START");
                 const auto it = ec.find(d(r, "CHILD"));
                 if (!s || it == ec.end()) continue;
                 const Date end = d(r, "DOLO_END").empty() ? in.year.end() + 1 : d.date(r, "DOLO_END").value_or(in.year.end() + 1);
                 // An episode runs from its DECOM up to its DEC, the day the next begins (as a
                 // DoLO up to its end): one starting the day the DoLO ended, or ending the day it
                 // began, is not in a placement during it.
                 for (size_t q : it->second) {
                   const auto a = e.date(q, "DECOM");
                   const auto b = e(q, "DEC").empty() ? std::optional<Date>(in.year.end()) : e.date(q, "DEC");
                   if (a && b && (*a < end || *a == *s) && *b > *s && wrong(e(q, "PLACE"))) {
                     drows.push_back(r);
                     erows.push_back(q);
                   }
                 }
               }
               put(f, T::dolo, std::move(drows));
               put(f, T::episodes, std::move(erows));
               return f;
             }});
  };
  dolo_placement("709", [](std::string_view p) { return p != "K2" && p != "Z12" && p != "Z13"; });
  dolo_placement("710", [](std::string_view p) { return p == "K1" || p == "P1" || p == "R5" || p == "K3"; });

  // ---- Postcode-derived fields (PL_LA, PL_LOCATION, PL_DISTANCE) ----
  using Field = std::vector<std::string> DerivedEpisodeFields::*;
  auto derived_row_rule = [&r](std::string_view code, int version,
                             std::function<bool(const Tab& e, size_t r, const DerivedEpisodeFields& d)> test,
                             bool location = false) {
    add_table_rule(r, code, version, {.postcodes = true, .location = location}, T::episodes, [=](const Tab& e, const Run& in) -> Rows {
      if (!in.derived) return {};
      Rows rows;
      for (size_t r = 0; r < e.rows() && r < in.derived->pl_la.size(); ++r)
        if (test(e, r, *in.derived)) rows.push_back(r);
      return rows;
    });
  };
  auto short_break = [](const Tab& e, size_t r) { return e(r, "LS") == "V3" || e(r, "LS") == "V4"; };
  derived_row_rule("169", 0, [short_break](const Tab& e, size_t r, const DerivedEpisodeFields& d) {
    return !short_break(e, r) && d.pl_la[r].empty();
  });
  derived_row_rule("179", 0, [short_break](const Tab& e, size_t r, const DerivedEpisodeFields& d) {
    return !short_break(e, r) && d.pl_location[r] != "IN" && d.pl_location[r] != "OUT";
  }, /*location=*/true);
  derived_row_rule("420", 0, [short_break](const Tab& e, size_t r, const DerivedEpisodeFields& d) {
    return short_break(e, r) && !d.pl_la[r].empty();
  });
  derived_row_rule("454", 0, [](const Tab&, size_t r, const DerivedEpisodeFields& d) {
    double miles = 0;
    const auto& s = d.pl_distance[r];
    if (s.empty() || std::from_chars(s.data(), s.data() + s.size(), miles).ec != std::errc()) return false;
    return miles > 350 && miles != 999.9;
  });
  // 452, 503G/H/J: the first episode's derived field against last year's open final episode.
  auto derived_vs_last_open = [&r](std::string_view code, Field field, bool location = false) {
    add_table_rule(r, code, 0, {.last_year = true, .postcodes = true, .location = location}, T::episodes, [=](const Tab& e, const Run& in) -> Rows {
      const Tab l = last_tab(in, T::episodes);
      if (!l || !in.derived || !in.derived_last) return {};
      const auto& now = (*in.derived).*field;
      const auto& last = (*in.derived_last).*field;
      const auto& open_final = last_open_final_episodes(l);
      Rows rows;
      for (const auto& [child, eps] : episodes_by_child_in_order(e)) {
        const auto it = open_final.find(child);
        if (it == open_final.end() || eps.empty()) continue;
        const size_t first = eps.front().second, prev = it->second.second;
        if (first < now.size() && prev < last.size() && now[first] != last[prev]) rows.push_back(first);
      }
      return rows;
    });
  };
  derived_vs_last_open("452", &DerivedEpisodeFields::pl_la);
  derived_vs_last_open("503G", &DerivedEpisodeFields::pl_distance);
  derived_vs_last_open("503H", &DerivedEpisodeFields::pl_la);
  derived_vs_last_open("503J", &DerivedEpisodeFields::pl_location, /*location=*/true);
  // 453: this year's first episode carries on last year's open final episode (the same RNE: the
  // episode continues, as the reference identifies it), yet its derived PL_DISTANCE differs by
  // 0.2 miles or more (DfE's message gives no tolerance; 0.2 is the reference's, above the 0.1
  // of rounding to one decimal place). Only two given distances are compared: a blank one (no
  // postcode) is 392a's business, and any change of text 503G's.
  add_table_rule(r, "453", 0, {.last_year = true, .postcodes = true}, T::episodes, [](const Tab& e, const Run& in) -> Rows {
    const Tab l = last_tab(in, T::episodes);
    if (!l || !in.derived || !in.derived_last) return {};
    auto miles = [](const std::vector<std::string>& d, size_t r) -> std::optional<double> {
      double m = 0;
      if (r >= d.size() || d[r].empty()) return std::nullopt;
      const auto& s = d[r];
      const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), m);
      if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
      return m;
    };
    const auto& open_final = last_open_final_episodes(l);
    Rows rows;
    for (const auto& [child, eps] : episodes_by_child_in_order(e)) {
      const auto it = open_final.find(child);
      if (it == open_final.end() || eps.empty()) continue;
      const size_t first = eps.front().second, prev = it->second.second;
      if (e(first, "RNE") != l(prev, "RNE")) continue;
      const auto now = miles(in.derived->pl_distance, first), last = miles(in.derived_last->pl_distance, prev);
      // 0.2 written in tenths, so that 0.2 apart is not 0.19999 in binary.
      if (now && last && std::abs(std::round(*now * 10) - std::round(*last * 10)) >= 2) rows.push_back(first);
    }
    return rows;
  });

  // 630: a child who started care (RNE S) this year with missing or incomplete previous
  // permanence (complete: Z1, or an option with its LA and date).
  add_table_rule(r, "630", 0, {}, T::episodes, [](const Tab& e, const Run& in) -> Rows {
    const Tab p = tab(in, T::previous_permanence);
    std::unordered_set<std::string_view> complete;
    for (size_t r = 0; r < p.rows(); ++r) {
      const auto opt = p(r, "PREV_PERM");
      if (opt == "Z1" || (!opt.empty() && !p(r, "LA_PERM").empty() && !p(r, "DATE_PERM").empty()))
        complete.insert(p(r, "CHILD"));
    }
    Rows rows;
    for (size_t r = 0; r < e.rows(); ++r) {
      const auto d = e.date(r, "DECOM");
      if (e(r, "RNE") == "S" && d && *d >= in.year.start() && !complete.count(e(r, "CHILD"))) rows.push_back(r);
    }
    return rows;
  });
  // 634: previous-permanence data for a child with no episode starting on or after 1 April 2016.
  add_rule(r, "634", 0, {{}, [](const Run& in) {
             Flags f;
             const Tab e = tab(in, T::episodes), p = tab(in, T::previous_permanence);
             if (!e || !p) return f;
             const auto& ec = by_child(e);
             const Date cutoff = Date::from_ymd(2016, 4, 1);
             std::vector<size_t> prows, erows;
             for (size_t r = 0; r < p.rows(); ++r) {
               if (p(r, "PREV_PERM").empty() && p(r, "LA_PERM").empty() && p(r, "DATE_PERM").empty()) continue;
               const auto it = ec.find(p(r, "CHILD"));
               if (it == ec.end()) continue;
               bool recent = false;
               for (size_t q : it->second)
                 if (const auto d = e.date(q, "DECOM"); d && *d >= cutoff) recent = true;
               if (recent) continue;
               prows.push_back(r);
               erows.insert(erows.end(), it->second.begin(), it->second.end());
             }
             put(f, T::previous_permanence, std::move(prows));
             put(f, T::episodes, std::move(erows));
             return f;
           }});
  // 199: an episode starting on or after the end of an earlier adoption (E11/E12), this year or
  // last (last year's episodes used when given).
  add_table_rule(r, "199", 0, {}, T::episodes, [](const Tab& e, const Run& in) -> Rows {
    const Tab l = last_tab(in, T::episodes);
    std::unordered_map<std::string_view, Date> adopted;  // earliest adoption end per child
    for (const Tab& t : {e, l})
      for (size_t r = 0; r < t.rows(); ++r) {
        const auto dec = t.date(r, "DEC");
        if (!dec || (t(r, "REC") != "E11" && t(r, "REC") != "E12")) continue;
        auto [it, inserted] = adopted.try_emplace(t(r, "CHILD"), *dec);
        if (!inserted && *dec < it->second) it->second = *dec;
      }
    Rows rows;
    for (size_t r = 0; r < e.rows(); ++r) {
      const auto it = adopted.find(e(r, "CHILD"));
      const auto d = e.date(r, "DECOM");
      if (it != adopted.end() && d && *d >= it->second) rows.push_back(r);
    }
    return rows;
  });

  // 554: the decision to place for adoption is dated after the placement order (LS E1) began.
  pair_rule("554", T::placed_for_adoption, T::episodes, [](const Tab& p, size_t r, const Tab& e, size_t q) {
    const auto placed = p.date(r, "DATE_PLACED"), decom = e.date(q, "DECOM");
    return e(q, "LS") == "E1" && placed && decom && *placed > *decom;
  });
  // 556: the decision is dated after the freeing order (LS D1) began (the episode is flagged).
  add_table_rule(r, "556", 0, {}, T::episodes, [](const Tab& e, const Run& in) -> Rows {
    const Tab p = tab(in, T::placed_for_adoption);
    if (!p) return {};
    const auto& pc = by_child(p);
    Rows rows;
    for (size_t r = 0; r < e.rows(); ++r) {
      const auto decom = e.date(r, "DECOM");
      const auto it = pc.find(e(r, "CHILD"));
      if (e(r, "LS") != "D1" || !decom || it == pc.end()) continue;
      for (size_t q : it->second)
        if (const auto placed = p.date(q, "DATE_PLACED"); placed && *placed > *decom) {
          rows.push_back(r);
          break;
        }
    }
    return rows;
  });

  // 388: an episode ended X1 (continuation) but no episode starts that day, or ended another
  // way yet the next episode starts that day. The child's last episode coded X1 has no
  // continuation whether or not its DEC is given (a blank DEC with a REC is also 148's); an
  // earlier one without a valid DEC cannot be checked against the next.
  per_child_episodes(r, "388", [](const Tab& e, const auto& eps, std::vector<size_t>& out) {
    for (size_t i = 0; i < eps.size(); ++i) {
      const size_t r = eps[i].second;
      const auto rec = e(r, "REC");
      const bool last = i + 1 == eps.size();
      if (rec == "X1" && last) {
        out.push_back(r);
        continue;
      }
      const auto dec = e.date(r, "DEC");
      if (!dec || rec.empty()) continue;
      const bool next_same_day = !last && eps[i + 1].first == *dec;
      if ((rec == "X1") != next_same_day) out.push_back(r);
    }
  });
}

}  // namespace careflow::validate::detail
