// Rules added for issue #3 that are not about UASC status or adoption decisions: the reason for
// a new episode against what changed, temporary placements, own provision out of area,
// previous permanence, care leavers in foyers, and missing periods and DoLOs against the periods
// of care. Written from DfE's messages; where the reference differs,
// docs/validation-deviations.md says why.
#include <algorithm>
#include <cctype>
#include <string>
#include <tuple>

#include "careflow/core/la_codes.hpp"
#include "careflow/io/postcodes.hpp"
#include "careflow/validate/more_rules.hpp"

namespace careflow::validate::detail {

namespace {

using T = Table;

bool temporary(std::string_view place) {
  return place == "T0" || place == "T1" || place == "T2" || place == "T3" || place == "T4";
}

// Flags Episodes rows by a test over each child's episodes in DECOM order (episodes whose DECOM
// is not a valid date have no place in the order and are not compared).
using SequenceTest = std::function<void(const Tab&, const std::vector<std::pair<Date, size_t>>&, std::vector<size_t>&)>;
void episode_sequence_rule(Rules& r, std::string_view code, int version, SequenceTest test) {
  add_table_rule(r, code, version, {}, T::episodes, [test = std::move(test)](const Tab& e, const Run&) -> Rows {
    Rows rows;
    for (const auto& [child, rs] : by_child(e)) test(e, episodes_in_order(e, rs), rows);
    return rows;
  });
}

// 434-436: an episode against the child's previous one: did the legal status change, and did the
// placement (PLACE, PL_POST, URN, PLACE_PROVIDER; blank equals blank)?
void reason_for_new_episode(Rules& r, std::string_view code, std::vector<std::string_view> reasons,
                            std::function<bool(bool ls_changed, bool placement_changed)> wrong) {
  episode_sequence_rule(r, code, 0, [reasons = std::move(reasons), wrong = std::move(wrong)](
                                     const Tab& e, const auto& eps, std::vector<size_t>& rows) {
    for (size_t i = 1; i < eps.size(); ++i) {
      const size_t r = eps[i].second, p = eps[i - 1].second;
      if (std::find(reasons.begin(), reasons.end(), e(r, "RNE")) == reasons.end()) continue;
      bool placement_changed = false;
      for (auto c : {"PLACE", "PL_POST", "URN", "PLACE_PROVIDER"}) placement_changed |= e(r, c) != e(p, c);
      if (wrong(e(r, "LS") != e(p, "LS"), placement_changed)) rows.push_back(r);
    }
  });
}

// A child's periods of care from its episodes in DECOM order: an episode starting after the
// previous one ended begins a new period. `end` is unset while the period is open.
struct Period {
  Date start;
  std::optional<Date> end;
  size_t first_row;  // the episode that started it
};
std::vector<Period> periods_of_care(const Tab& e, const std::vector<std::pair<Date, size_t>>& eps) {
  std::vector<Period> out;
  for (const auto& [decom, r] : eps) {
    const auto dec = e.date(r, "DEC");
    const bool open = e(r, "DEC").empty();
    if (out.empty() || (out.back().end && decom > *out.back().end)) {
      out.push_back({decom, open ? std::nullopt : dec, r});
      continue;
    }
    // Contiguous or overlapping: the period runs to the later end (open if any episode is open).
    auto& p = out.back();
    if (open) p.end.reset();
    else if (p.end && dec && *dec > *p.end) p.end = dec;
  }
  // An episode with a DEC that is not a valid date leaves its period's end unknown: treated as
  // open, so nothing is flagged on a guess.
  return out;
}

// DATE_PERM: d/m/yyyy where the day, the month or every part may be ZZ (not known); nullopt when
// not of that form. `known_date` takes an unknown day or month as the first, and is unset when
// the year is not known.
struct PermDate {
  std::optional<Date> known_date;
};
std::optional<PermDate> date_perm(std::string_view v) {
  if (v == "ZZ/ZZ/ZZZZ") return PermDate{};
  const size_t a = v.find('/'), b = a == std::string_view::npos ? a : v.find('/', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  std::string day(v.substr(0, a)), month(v.substr(a + 1, b - a - 1));
  const std::string_view year = v.substr(b + 1);
  if (day == "ZZ") day = "1";
  if (month == "ZZ") month = "1";
  const auto d = return_date(day + "/" + month + "/" + std::string(year));
  if (!d) return std::nullopt;
  return PermDate{d};
}

// 577, 707: a record (missing period, DoLO) with no end date, for a child whose period of care
// ended on or after the record started: the child ceased to be looked after while it was open.
void open_after_care_ended(Rules& r, std::string_view code, Table t, std::string_view start_col, std::string_view end_col) {
  add_table_rule(r, code, 0, {}, t, [=](const Tab& x, const Run& in) -> Rows {
    const Tab e = tab(in, T::episodes);
    if (!e) return {};
    const auto& eps_by_child = by_child(e);
    Rows rows;
    for (size_t r = 0; r < x.rows(); ++r) {
      const auto start = x.date(r, start_col);
      if (!start || !x(r, end_col).empty()) continue;
      const auto it = eps_by_child.find(x(r, "CHILD"));
      if (it == eps_by_child.end()) continue;
      for (const auto& p : periods_of_care(e, episodes_in_order(e, it->second)))
        if (p.end && *p.end >= *start) {
          rows.push_back(r);
          break;
        }
    }
    return rows;
  });
}

// 576, 706: last year's open record (no end date) has no record this year with the same start.
void open_last_year_not_carried(Rules& r, std::string_view code, Table t, std::string_view start_col, std::string_view end_col) {
  add_table_rule(r, code, 0, {.last_year = true}, t, [=](const Tab& x, const Run& in) -> Rows {
    const Tab l = last_tab(in, t);
    if (!l) return {};
    const auto& now = by_child(x);
    Rows rows;
    for (size_t r = 0; r < l.rows(); ++r) {
      if (!l(r, end_col).empty()) continue;
      const auto it = now.find(l(r, "CHILD"));
      if (it == now.end()) continue;  // the child is not in this year's table
      bool carried = false;
      for (size_t q : it->second) carried |= x(q, start_col) == l(r, start_col);
      // The record at the start of this year (earliest start; the first row
      // if none has a valid one) should have carried the open one on.
      if (carried) continue;
      size_t first = it->second.front();
      std::optional<Date> first_start;
      for (size_t q : it->second)
        if (const auto d = x.date(q, start_col); d && (!first_start || *d < *first_start)) {
          first = q;
          first_start = d;
        }
      rows.push_back(first);
    }
    return rows;
  });
}

// The length in days of the union of the intervals [start, end), within [from, to).
int covered_days(std::vector<std::pair<Date, Date>> spans, Date from, Date to) {
  for (auto& [a, b] : spans) {
    a = std::max(a, from);
    b = std::min(b, to);
  }
  std::erase_if(spans, [](const auto& s) { return s.second <= s.first; });
  std::sort(spans.begin(), spans.end());
  int days = 0;
  std::optional<std::pair<Date, Date>> run;
  for (const auto& s : spans) {
    if (run && s.first <= run->second) {
      run->second = std::max(run->second, s.second);
      continue;
    }
    if (run) days += run->second - run->first;
    run = s;
  }
  if (run) days += run->second - run->first;
  return days;
}

// A young person's episodes from this year's and last year's returns, for 1001: the same episode
// (same DECOM) in both is taken once, the copy with a DEC first, then this year's.
struct LoadedEpisode {
  Date start, end;  // end: DEC; for an episode without one, the next episode's start, or 31 March
  bool short_break;  // V3/V4: does not count as care for the leaving-care tests
  bool adopted;      // REC E11/E12
};
std::vector<LoadedEpisode> episodes_both_years(const Tab& e, const Tab& l, std::string_view child, Date year_end) {
  struct Raw {
    Date start;
    std::optional<Date> dec;
    std::string_view ls, rec;
  };
  std::vector<Raw> raw;
  auto add = [&raw](const Tab& t, size_t r) {
    const auto start = t.date(r, "DECOM");
    if (!start) return;
    Raw x{*start, t.date(r, "DEC"), t(r, "LS"), t(r, "REC")};
    for (auto& y : raw)
      if (y.start == x.start) {
        if (!y.dec && x.dec) y = x;
        return;
      }
    raw.push_back(x);
  };
  for (const Tab* t : {&e, &l}) {
    if (!*t) continue;
    const auto& bc = by_child(*t);
    if (const auto it = bc.find(child); it != bc.end())
      for (size_t r : it->second) add(*t, r);
  }
  std::stable_sort(raw.begin(), raw.end(), [](const Raw& a, const Raw& b) { return a.start < b.start; });
  std::vector<LoadedEpisode> out;
  for (size_t i = 0; i < raw.size(); ++i) {
    Date end = raw[i].dec ? *raw[i].dec : i + 1 < raw.size() ? raw[i + 1].start : std::max(year_end, raw[i].start);
    out.push_back({raw[i].start, std::max(end, raw[i].start), raw[i].ls == "V3" || raw[i].ls == "V4",
                   raw[i].rec == "E11" || raw[i].rec == "E12"});
  }
  return out;
}

}  // namespace

void register_other_rules(Rules& r) {
  // 380: a temporary placement (T0-T4) must be a change of placement and carer (RNE P or B), not
  // the start of a period of care (S) or a change that keeps the carer or the placement.
  add_row_rule(r, "380", 0, T::episodes, [](const Row& r) {
    return temporary(r["PLACE"]) && r["RNE"] != "P" && r["RNE"] != "B";
  });

  reason_for_new_episode(r, "434", {"L"}, [](bool ls, bool placement) { return !ls || placement; });
  reason_for_new_episode(r, "435", {"P", "T"}, [](bool ls, bool placement) { return ls || !placement; });
  reason_for_new_episode(r, "436", {"B", "U"}, [](bool ls, bool placement) { return !ls || !placement; });

  // 383: after a temporary placement the child returns to the placement before it: the next
  // episode is a change of placement (RNE P) back to the same PLACE (from 2025/26 also the same
  // PL_POST). The episode that does not return is flagged.
  for (const int version : {2023, 2026})
    episode_sequence_rule(r, "383", version, [version](const Tab& e, const auto& eps, std::vector<size_t>& rows) {
      for (size_t i = 1; i + 1 < eps.size(); ++i) {
        const size_t before = eps[i - 1].second, tmp = eps[i].second, after = eps[i + 1].second;
        if (!temporary(e(tmp, "PLACE"))) continue;
        const bool returned = e(after, "RNE") == "P" && e(after, "PLACE") == e(before, "PLACE") &&
                              (version < 2026 || e(after, "PL_POST") == e(before, "PL_POST"));
        if (!returned) rows.push_back(after);
      }
    });

  // 1015: own provision (PR1) but the placement's LA (derived PL_LA) is not this council; not
  // checked for foster or adoption placements (which may be outside the area by design), short
  // breaks, or episodes without LS or PLACE. Not run without --la.
  add_table_rule(r, "1015", 0, {.postcodes = true, .council = true}, T::episodes, [](const Tab& e, const Run& in) -> Rows {
    if (!in.derived || in.la.empty()) return {};
    // The return upper-cases codes; --la may be given in either case.
    auto same_la = [&in](std::string_view pl_la) {
      return std::equal(pl_la.begin(), pl_la.end(), in.la.begin(), in.la.end(), [](char a, char b) {
        return std::toupper(static_cast<unsigned char>(a)) == std::toupper(static_cast<unsigned char>(b));
      });
    };
    static const std::vector<std::string_view> kExempt = {"A3", "A4", "A5", "A6", "U1", "U2",
                                                          "U3", "U4", "U5", "U6"};
    Rows rows;
    for (size_t r = 0; r < e.rows() && r < in.derived->pl_la.size(); ++r) {
      const auto place = e(r, "PLACE"), ls = e(r, "LS");
      if (e(r, "PLACE_PROVIDER") != "PR1" || place.empty() || ls.empty() || ls == "V3" || ls == "V4") continue;
      if (std::find(kExempt.begin(), kExempt.end(), place) != kExempt.end()) continue;
      if (!same_la(in.derived->pl_la[r])) rows.push_back(r);
    }
    return rows;
  });

  // 392c: HOME_POST or PL_POST given but not a postcode of the ONS directory. It needs the
  // directory itself (ValidationInput::postcodes, which the CLI passes with the derived fields);
  // given only derived fields there is nothing to look postcodes up in, and nothing is flagged.
  add_table_rule(r, "392c", 0, {.postcodes = true}, T::episodes, [](const Tab& e, const Run& in) -> Rows {
    if (!in.postcodes) return {};
    Rows rows;
    for (size_t r = 0; r < e.rows(); ++r)
      for (auto c : {"HOME_POST", "PL_POST"})
        if (!e(r, c).empty() && !in.postcodes->find(e(r, c))) {
          rows.push_back(r);
          break;
        }
    return rows;
  });

  // 208: this year's UPN disagrees with last year's for the same child. Not a disagreement:
  // nothing recorded last year (blank); UN1 (not yet of school age) becoming UN2-UN5; an
  // unknown code (UN1-UN5) becoming a real UPN. Blank in both years is 442's business.
  add_table_rule(r, "208", 0, {.last_year = true}, T::header, [](const Tab& h, const Run& in) -> Rows {
    const Tab l = last_tab(in, T::header);
    if (!l) return {};
    const auto& last_rows = first_row_by_child(l);
    auto unknown = [](std::string_view u) { return u.size() == 3 && u.substr(0, 2) == "UN" && u[2] >= '1' && u[2] <= '5'; };
    Rows rows;
    for (size_t r = 0; r < h.rows(); ++r) {
      const auto it = last_rows.find(h(r, "CHILD"));
      if (it == last_rows.end()) continue;
      const std::string_view was = l(it->second, "UPN"), is = h(r, "UPN");
      if (was.empty() || was == is) continue;
      if (was == "UN1" && unknown(is)) continue;
      if (unknown(was) && !is.empty() && !unknown(is)) continue;
      rows.push_back(r);
    }
    return rows;
  });

  // 633: LA_PERM, when given, is a 3-digit English LA code or 999 (unknown), WAL, SCO, NUK, NIR.
  add_row_rule(r, "633", 0, T::previous_permanence,
               [](const Row& r) { return !r.blank("LA_PERM") && !la_perm_valid(r["LA_PERM"]); });

  // 347 (from 2023/24): a care leaver under 18 living in a foyer (ACCOM T1/T2; the digit says
  // whether the accommodation is suitable), by age at the start of the collection year.
  add_row_rule(r, "347", 0, T::oc3, [](const Row& r) {
    const auto acc = r["ACCOM"];
    if (acc.empty() || acc[0] != 'T') return false;
    const auto dob = r.date("DOB");
    return dob && age_on(*dob, r.in.year.start()) < 18;
  });

  // 632: DATE_PERM is not a date (d/m/yyyy, where the day, the month or all three parts may be
  // ZZ, not known) or is not before the start of the child's current period of care. Both the
  // PrevPerm row and the episode starting that period are flagged.
  add_rule(r, "632", 0, {{}, [](const Run& in) {
             Flags f;
             const Tab p = tab(in, T::previous_permanence), e = tab(in, T::episodes);
             if (!p) return f;
             const auto& eps_by_child = by_child(e);
             std::vector<size_t> prows, erows;
             for (size_t r = 0; r < p.rows(); ++r) {
               const auto v = p(r, "DATE_PERM");
               if (v.empty()) continue;
               const auto perm = date_perm(v);
               const auto it = eps_by_child.find(p(r, "CHILD"));
               std::optional<Period> current;
               if (it != eps_by_child.end()) {
                 const auto periods = periods_of_care(e, episodes_in_order(e, it->second));
                 if (!periods.empty()) current = periods.back();
               }
               const bool bad = !perm || (perm->known_date && current && *perm->known_date >= current->start);
               if (!bad) continue;
               prows.push_back(r);
               if (current) erows.push_back(current->first_row);
             }
             put(f, T::previous_permanence, std::move(prows));
             put(f, T::episodes, std::move(erows));
             return f;
           }});

  // 218: a placement in England (derived PL_LA not Welsh, Scottish, Northern Irish or outside
  // the UK: CON, NUK, or an ONS code starting W, S or N) of a type that needs a registered
  // provider, open or ended after 31 March 2015, with no URN. The exempt types change by year.
  auto outside_england = [](std::string_view la) {
    return !la.empty() && (la[0] == 'W' || la[0] == 'S' || la[0] == 'N' || la[0] == 'C');
  };
  const std::vector<std::pair<int, std::vector<std::string_view>>> kUrnExempt = {
      {2023, {"H5", "P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"}},
      {2025, {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"}},
      {2026, {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"}}};
  for (const auto& [version, exempt] : kUrnExempt)
    add_table_rule(r, "218", version, {.postcodes = true}, T::episodes, [exempt = exempt, outside_england](const Tab& e, const Run& in) -> Rows {
      if (!in.derived) return {};
      const Date since = Date::from_ymd(2015, 3, 31);
      Rows rows;
      for (size_t r = 0; r < e.rows() && r < in.derived->pl_la.size(); ++r) {
        if (!e(r, "URN").empty() || outside_england(in.derived->pl_la[r])) continue;
        if (std::find(exempt.begin(), exempt.end(), e(r, "PLACE")) != exempt.end()) continue;
        const auto dec = e.date(r, "DEC");
        if (e(r, "DEC").empty() || (dec && *dec > since)) rows.push_back(r);
      }
      return rows;
    });
  // 230 (2023/24): an H5 placement in England open on or after 28 October 2023 (open, or ended
  // after it) with no URN (blank, or XXXXXXX, the placeholder for an unregistered setting).
  add_table_rule(r, "230", 0, {.postcodes = true}, T::episodes, [outside_england](const Tab& e, const Run& in) -> Rows {
    if (!in.derived) return {};
    const Date from = Date::from_ymd(2023, 10, 28);
    Rows rows;
    for (size_t r = 0; r < e.rows() && r < in.derived->pl_la.size(); ++r) {
      if (e(r, "PLACE") != "H5" || outside_england(in.derived->pl_la[r])) continue;
      if (!e(r, "URN").empty() && e(r, "URN") != "XXXXXXX") continue;
      const auto dec = e.date(r, "DEC");
      if (e(r, "DEC").empty() || (dec && *dec > from)) rows.push_back(r);
    }
    return rows;
  });

  // SW07STG2 from 2024/25: SW_DEC before the start of the social worker reporting period (which
  // from 2024/25 begins a year before the collection year) or after the collection year.
  add_row_rule(r, "SW07STG2", 2025, T::sw_episodes, [](const Row& r) {
    const auto d = r.date("SW_DEC");
    return d && (*d < CollectionYear{r.year - 1}.start() || *d > r.in.year.end());
  });
  // 702 (2026/27): a DoLO ending before it started.
  add_row_rule(r, "702", 0, T::dolo, [](const Row& r) {
    const auto start = r.date("DOLO_START"), end = r.date("DOLO_END");
    return start && end && *end < *start;
  });

  // 1010: a child with care leaver data (an OC3 row) whose latest episode last year was still
  // open at its end, yet with no episode this year: the open episode cannot have ended.
  add_table_rule(r, "1010", 0, {.last_year = true}, T::oc3, [](const Tab& o, const Run& in) -> Rows {
    const Tab l = last_tab(in, T::episodes);
    if (!l) return {};
    const auto& now = by_child(tab(in, T::episodes));
    const auto& before = by_child(l);
    Rows rows;
    for (size_t r = 0; r < o.rows(); ++r) {
      const auto child = o(r, "CHILD");
      const auto it = before.find(child);
      if (now.count(child) || it == before.end()) continue;
      const auto eps = episodes_in_order(l, it->second);
      if (!eps.empty() && l(eps.back().second, "DEC").empty()) rows.push_back(r);
    }
    return rows;
  });

  // ---- Mothers and care leavers ----
  // 165: MOTHER, when given, must be 0 or 1, and must not be given for a boy; for a girl looked
  // after during the year (an episode other than a V3/V4 short break open at some time between
  // 1 April and 31 March) it must be given. SEX is read in both codings, 1/2 (to 2023/24) and M/F
  // (from 2024/25), so the boy and girl checks work in every year (the reference tests 1/2 only).
  // The Header row is flagged, with the child's OC3 rows: the rule reads the care leaver items.
  add_rule(r, "165", 0, {{}, [](const Run& in) {
             Flags f;
             const Tab h = tab(in, T::header), e = tab(in, T::episodes), o = tab(in, T::oc3);
             if (!h) return f;
             ChildMap<bool> looked_after(e.rows());
             for (size_t r = 0; r < e.rows(); ++r) {
               if (e(r, "LS") == "V3" || e(r, "LS") == "V4") continue;
               const auto decom = e.date(r, "DECOM"), dec = e.date(r, "DEC");
               if (decom && *decom <= in.year.end() && (e(r, "DEC").empty() || (dec && *dec >= in.year.start())))
                 looked_after.try_emplace(e(r, "CHILD"), true);
             }
             const auto& oc3_rows = by_child(o);
             std::vector<size_t> hrows, orows;
             for (size_t r = 0; r < h.rows(); ++r) {
               const auto mother = h(r, "MOTHER"), sex = h(r, "SEX");
               const bool male = sex == "1" || sex == "M", female = sex == "2" || sex == "F";
               const bool wrong = mother.empty() ? female && looked_after.count(h(r, "CHILD"))
                                                 : male || (mother != "0" && mother != "1");
               if (!wrong) continue;
               hrows.push_back(r);
               if (const auto it = oc3_rows.find(h(r, "CHILD")); it != oc3_rows.end())
                 orows.insert(orows.end(), it->second.begin(), it->second.end());
             }
             put(f, T::header, std::move(hrows));
             put(f, T::oc3, std::move(orows));
             return f;
           }});

  // 1001: care leaver data (an OC3 row) for a young person who, on the episodes recorded, is not
  // a relevant or former relevant child: looked after (V3/V4 short breaks do not count) for at
  // least 13 weeks (91 days) in all since the 14th birthday, and on the 16th birthday or later
  // (the day an episode ended counts: a child leaving care on its 16th birthday was looked after
  // at 16).
  // careflow sees two returns, this year's and last year's, so care before 1 April of last year
  // is known only for the episodes those returns still hold; an episode that ended before then
  // is not in them. That unseen time (since the 14th birthday, before last year's return began,
  // not covered by a loaded episode) is counted as if the young person had been looked after
  // throughout it, so a young person is flagged only when even that could not make them a
  // relevant child (for most care leavers over 17 the 13 weeks cannot be disproved; being looked
  // after at 16 or over can be, for those who turned 16 within the two years). A young person
  // whose latest episode ended in adoption (REC E11/E12) is flagged too. Without a date of birth
  // (this year's Header, else the OC3 row's) nothing is flagged.
  add_table_rule(r, "1001", 0, {.last_year = true}, T::oc3, [](const Tab& o, const Run& in) -> Rows {
    const Tab e = tab(in, T::episodes), l = last_tab(in, T::episodes), h = tab(in, T::header);
    if (!l) return {};
    const auto& header_rows = first_row_by_child(h);
    const Date seen_from = CollectionYear{in.year.end_year - 1}.start();
    Rows rows;
    for (size_t r = 0; r < o.rows(); ++r) {
      const auto child = o(r, "CHILD");
      std::optional<Date> dob;
      if (const auto it = header_rows.find(child); it != header_rows.end()) dob = h.date(it->second, "DOB");
      if (!dob) dob = o.date(r, "DOB");
      if (!dob) continue;
      const auto eps = episodes_both_years(e, l, child, in.year.end());
      if (!eps.empty() && eps.back().adopted) {
        rows.push_back(r);
        continue;
      }
      std::vector<std::pair<Date, Date>> care, seen;
      for (const auto& ep : eps) {  // the day care ended counts as a day looked after
        seen.emplace_back(ep.start, ep.end + 1);
        if (!ep.short_break) care.emplace_back(ep.start, ep.end + 1);
      }
      auto best_case = [&](Date from) {  // days looked after since `from`, at most
        const int unseen = from < seen_from ? (seen_from - from) - covered_days(seen, from, seen_from) : 0;
        return covered_days(care, from, Date::open()) + unseen;
      };
      if (best_case(birthday(*dob, 14)) < 91 || best_case(birthday(*dob, 16)) < 1) rows.push_back(r);
    }
    return rows;
  });

  // ---- Social worker episodes ----
  // SW01STG1 (2023/24): a child looked after on 31 March (an episode other than a V3/V4 short
  // break open then) with no social worker episode at all: that episode is flagged.
  add_table_rule(r, "SW01STG1", 0, {}, T::episodes, [](const Tab& e, const Run& in) -> Rows {
    const Tab sw = tab(in, T::sw_episodes);
    const auto& with_sw = by_child(sw);
    const Date end = in.year.end();
    Rows rows;
    for (size_t r = 0; r < e.rows(); ++r) {
      if (e(r, "LS") == "V3" || e(r, "LS") == "V4" || with_sw.count(e(r, "CHILD"))) continue;
      const auto decom = e.date(r, "DECOM"), dec = e.date(r, "DEC");
      // A DECOM that is not a date (flagged by 141) does not hide an open episode.
      if ((!decom || *decom <= end) && (e(r, "DEC").empty() || (dec && *dec > end))) rows.push_back(r);
    }
    return rows;
  });
  // SW10STG2: a social worker episode starting before the previous one (in SW_DECOM, then SW_DEC,
  // order) ended. From 2024/25 DfE allows 7 days' overlap and exempts SW_REASON FCONTA.
  for (const int version : {2024, 2025})
    add_table_rule(r, "SW10STG2", version, {}, T::sw_episodes, [version](const Tab& sw, const Run&) -> Rows {
      Rows rows;
      for (const auto& [child, rs] : by_child(sw)) {
        std::vector<std::tuple<Date, Date, size_t>> eps;  // start, end (or start), row
        for (size_t r : rs)
          if (const auto d = sw.date(r, "SW_DECOM")) eps.emplace_back(*d, sw.date(r, "SW_DEC").value_or(*d), r);
        std::stable_sort(eps.begin(), eps.end(), [](const auto& a, const auto& b) {
          return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
        });
        for (size_t i = 1; i < eps.size(); ++i) {
          const size_t r = std::get<2>(eps[i]), p = std::get<2>(eps[i - 1]);
          if (sw(p, "SW_DEC").empty()) continue;  // no end date to start before
          const int tolerance = version >= 2025 ? 7 : 0;
          if (version >= 2025 && sw(r, "SW_REASON") == "FCONTA") continue;
          if (std::get<0>(eps[i]) < std::get<1>(eps[i - 1]) - tolerance) rows.push_back(r);
        }
      }
      return rows;
    });

  // SW11aSTG2 (2023/24), SW11bSTG2: a social worker episode that ended before 31 March with no
  // subsequent episode (another of the child's starting on or after that end). SW11b takes the
  // episodes ending in the last five days before 31 March, SW11a those ending earlier. The
  // episode that ended is flagged. A child whose episodes show it had ceased to be looked after
  // by then (no episode other than a V3/V4 short break still open after that day) needs no
  // further social worker, so is not flagged; a child with no episodes in the return is.
  auto ended_without_successor = [&r](std::string_view code, bool last_five_days) {
    add_table_rule(r, code, 0, {}, T::sw_episodes, [last_five_days](const Tab& sw, const Run& in) -> Rows {
      const Tab e = tab(in, T::episodes);
      const Date end = in.year.end();
      const auto& eps_by_child = by_child(e);
      auto left_care_by = [&](std::string_view child, Date day) {
        const auto it = eps_by_child.find(child);
        if (it == eps_by_child.end()) return false;
        for (size_t r : it->second) {
          if (e(r, "LS") == "V3" || e(r, "LS") == "V4") continue;
          const auto decom = e.date(r, "DECOM"), dec = e.date(r, "DEC");
          if ((!decom || *decom <= end) && (!dec || *dec > day)) return false;  // looked after after it
        }
        return true;
      };
      Rows rows;
      for (const auto& [child, rs] : by_child(sw))
        for (size_t r : rs) {
          const auto dec = sw.date(r, "SW_DEC");
          if (!dec || *dec >= end || (*dec >= end - 5) != last_five_days) continue;
          bool followed = false;
          for (size_t q : rs)
            if (const auto start = sw.date(q, "SW_DECOM"); q != r && start && *start >= *dec) followed = true;
          if (!followed && !left_care_by(child, *dec)) rows.push_back(r);
        }
      return rows;
    });
  };
  ended_without_successor("SW11aSTG2", false);
  ended_without_successor("SW11bSTG2", true);

  // SW12STG2 (both versions; DfE's message is the same): a child looked after on 31 March (an
  // episode other than a V3/V4 short break open then) must have social worker episodes for the
  // whole year, including time not looked after: the earliest must start on or before 1 April
  // (or the child's birth, when later). A first contact or re-referral in the year (SW_REASON
  // FCONTA, which SW10 also treats as a start) begins the child's history, so then it need only
  // start by the time the child's care in the year began. That episode is flagged when it starts
  // later; a child with no social worker episode at all has its open episodes flagged. Gaps
  // between episodes are SW10/SW11's business. Nothing is checked without the social worker
  // episodes table.
  add_rule(r, "SW12STG2", 0, {{}, [](const Run& in) {
             Flags f;
             const Tab e = tab(in, T::episodes), sw = tab(in, T::sw_episodes), h = tab(in, T::header);
             if (!e || !sw) return f;
             const auto& sw_rows = by_child(sw);
             const auto& header_rows = first_row_by_child(h);
             const Date start = in.year.start(), end = in.year.end();
             std::vector<size_t> erows, swrows;
             for (const auto& [child, rs] : by_child(e)) {
               std::vector<size_t> open_at_end;
               std::optional<Date> care_began;  // the earliest start of care open in the year
               for (size_t r : rs) {
                 if (e(r, "LS") == "V3" || e(r, "LS") == "V4") continue;
                 const auto decom = e.date(r, "DECOM"), dec = e.date(r, "DEC");
                 if (!decom || *decom > end) continue;
                 const bool open = e(r, "DEC").empty();
                 if (open || (dec && *dec > end)) open_at_end.push_back(r);
                 if ((open || (dec && *dec >= start)) && (!care_began || *decom < *care_began)) care_began = decom;
               }
               if (open_at_end.empty()) continue;
               const auto it = sw_rows.find(child);
               if (it == sw_rows.end()) {
                 erows.insert(erows.end(), open_at_end.begin(), open_at_end.end());
                 continue;
               }
               std::optional<std::pair<Date, size_t>> earliest;
               for (size_t q : it->second)
                 if (const auto d = sw.date(q, "SW_DECOM"); d && (!earliest || *d < earliest->first)) earliest = {{*d, q}};
               if (!earliest) continue;  // no valid SW_DECOM (SW04's business): nothing to compare
               Date from = start;
               if (const auto hr = header_rows.find(child); hr != header_rows.end())
                 if (const auto dob = h.date(hr->second, "DOB"); dob && *dob > from) from = *dob;
               if (sw(earliest->second, "SW_REASON") == "FCONTA" && care_began && *care_began > from) from = *care_began;
               if (earliest->first > from) swrows.push_back(earliest->second);
             }
             put(f, T::episodes, std::move(erows));
             put(f, T::sw_episodes, std::move(swrows));
             return f;
           }});

  // ---- The OC2 cohort (looked after continuously for 12 months at 31 March) ----
  // 157: SDQ1 ("under 4 or over 16") given as the reason for no SDQ score for a child in the
  // cohort who was at least 4 at the start of the year and at most 16 at its end.
  // 186: no SDQ score, and no reason for none, for such a child (4 or over at the start, under 17
  // at the end). 197B: neither a score nor a reason for a child aged 4 or 17 at 31 March.
  // `to_31_march`: see twelve_month_cohort. 186 takes the child looked after at 31 March, as
  // DfE's message says (and the reference's fixture agrees); 157 and 197B keep the reference's
  // count of care ending on 30 March, which their fixtures need.
  auto oc2_cohort_rule = [&r](std::string_view code, bool to_31_march, std::function<bool(const Row&)> test) {
    add_table_rule(r, code, 0, {}, T::oc2, [test = std::move(test), to_31_march](const Tab& o, const Run& in) -> Rows {
      if (!tab(in, T::episodes)) return {};
      const auto& cohort = twelve_month_cohort(in, to_31_march);
      Rows rows;
      for (size_t r = 0; r < o.rows(); ++r)
        if (cohort.count(o(r, "CHILD")) && test(Row{o, r, in.year.end_year, in})) rows.push_back(r);
      return rows;
    });
  };
  auto ages = [](const Row& r) -> std::optional<std::pair<int, int>> {
    const auto dob = r.date("DOB");
    if (!dob) return std::nullopt;
    return std::pair{age_on(*dob, r.in.year.start()), age_on(*dob, r.in.year.end())};
  };
  oc2_cohort_rule("157", false, [ages](const Row& r) {
    const auto a = ages(r);
    return r["SDQ_REASON"] == "SDQ1" && r.blank("SDQ_SCORE") && a && a->first >= 4 && a->second <= 16;
  });
  oc2_cohort_rule("186", true, [ages](const Row& r) {
    const auto a = ages(r);
    return r.blank("SDQ_SCORE") && r.blank("SDQ_REASON") && a && a->first >= 4 && a->second < 17;
  });
  oc2_cohort_rule("197B", false, [ages](const Row& r) {
    const auto a = ages(r);
    return r.blank("SDQ_SCORE") && r.blank("SDQ_REASON") && a && (a->second == 4 || a->second == 17);
  });

  // 187: a child in the cohort with adoption (AD1) or care leaver (OC3) items completed. The
  // cohort is looked after at 31 March (DfE: "looked after continuously for 12 months at 31
  // March"): a child adopted on 30 or 31 March is not in it, and has its AD1 data.
  add_rule(r, "187", 0, {{}, [](const Run& in) {
             Flags f;
             if (!tab(in, T::episodes)) return f;
             const auto& cohort = twelve_month_cohort(in, true);
             auto flag_given = [&](Table t, std::vector<std::string_view> items) {
               const Tab x = tab(in, t);
               Rows rows;
               for (size_t r = 0; r < x.rows(); ++r) {
                 if (!cohort.count(x(r, "CHILD"))) continue;
                 bool given = false;
                 for (auto c : items) given |= !x(r, c).empty();
                 if (given) rows.push_back(r);
               }
               put(f, t, std::move(rows));
             };
             flag_given(T::ad1, {"DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"});
             flag_given(T::oc3, {"IN_TOUCH", "ACTIV", "ACCOM"});
             return f;
           }});

  // 191: a child in the cohort with IMMUNISATIONS, TEETH_CHECK, HEALTH_ASSESSMENT or
  // SUBSTANCE_MISUSE blank (the OC2 row is flagged) or with no OC2 row at all (the child's latest
  // episode is flagged). The cohort is looked after at 31 March, as for 187.
  add_rule(r, "191", 0, {{}, [](const Run& in) {
             Flags f;
             const Tab o = tab(in, T::oc2), e = tab(in, T::episodes);
             if (!e) return f;
             const auto& cohort = twelve_month_cohort(in, true);
             std::vector<size_t> orows, erows;
             for (size_t r = 0; r < o.rows(); ++r) {
               if (!cohort.count(o(r, "CHILD"))) continue;
               bool blank = false;
               for (auto c : {"IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE"}) blank |= o(r, c).empty();
               if (blank) orows.push_back(r);
             }
             const auto& with_oc2 = by_child(o);
             for (const auto& [child, rs] : by_child(e)) {
               if (!cohort.count(child) || with_oc2.count(child)) continue;
               const auto eps = episodes_in_order(e, rs);
               if (!eps.empty()) erows.push_back(eps.back().second);
             }
             put(f, T::oc2, std::move(orows));
             put(f, T::episodes, std::move(erows));
             return f;
           }});

  open_after_care_ended(r, "577", T::missing, "MIS_START", "MIS_END");
  open_after_care_ended(r, "707", T::dolo, "DOLO_START", "DOLO_END");
  open_last_year_not_carried(r, "576", T::missing, "MIS_START", "MIS_END");
  open_last_year_not_carried(r, "706", T::dolo, "DOLO_START", "DOLO_END");

  // 578: a missing period starting after the child ceased to be looked after: after the end of a
  // period of care and within no period of care.
  add_table_rule(r, "578", 0, {}, T::missing, [](const Tab& m, const Run& in) -> Rows {
    const Tab e = tab(in, T::episodes);
    if (!e) return {};
    const auto& eps_by_child = by_child(e);
    Rows rows;
    for (size_t r = 0; r < m.rows(); ++r) {
      const auto start = m.date(r, "MIS_START");
      const auto it = eps_by_child.find(m(r, "CHILD"));
      if (!start || it == eps_by_child.end()) continue;
      bool within = false, after_end = false;
      for (const auto& p : periods_of_care(e, episodes_in_order(e, it->second))) {
        within |= p.start <= *start && (!p.end || *start <= *p.end);
        after_end |= p.end && *start > *p.end;
      }
      if (after_end && !within) rows.push_back(r);
    }
    return rows;
  });
}

}  // namespace careflow::validate::detail
