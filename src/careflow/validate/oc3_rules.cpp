// Rules on care leavers (OC3: whether the council is in touch with the young person, their
// activity and accommodation around their 17th to 21st birthdays) against their episodes of care
// this year and last, and other tables of a care leaver with no episode this year. Written from
// DfE's messages; where the reference differs, docs/validation-deviations.md says why.
#include <unordered_set>

#include "careflow/validate/child_history.hpp"
#include "careflow/validate/ssda903_rules.hpp"

namespace careflow::validate::detail {

namespace {

// 344: died or returned home (DIED, RHOM), yet an activity or accommodation other than 0.
bool activity_after_death_or_return_home(const Oc3Row& r) {
  return one_of(r[O3::IN_TOUCH], {"DIED", "RHOM"}) && (r[O3::ACTIV] != "0" || r[O3::ACCOM] != "0");
}
// 345: in touch (YES), yet activity or accommodation 0 (not known).
bool in_touch_but_not_known(const Oc3Row& r) {
  return r[O3::IN_TOUCH] == "YES" && (r[O3::ACTIV] == "0" || r[O3::ACCOM] == "0");
}
// 391: care leaver data for a young person under 17 at 31 March or over 21 at 1 April.
bool care_leaver_outside_17_to_21(const Oc3Row& r) {
  if (r.blank(O3::IN_TOUCH) && r.blank(O3::ACTIV) && r.blank(O3::ACCOM)) return false;
  const auto dob = r.date(O3::DOB);
  if (!dob) return false;
  return age_on(*dob, r.in.year.end()) < 17 || age_on(*dob, r.in.year.start()) > 21;
}
// 347 (from 2023/24): a care leaver under 18 living in a foyer (ACCOM T1/T2; the digit says
// whether the accommodation is suitable), by age at the start of the collection year.
bool in_a_foyer_under_18(const Oc3Row& r) {
  const auto acc = r[O3::ACCOM];
  if (acc.empty() || acc[0] != 'T') return false;
  const auto dob = r.date(O3::DOB);
  return dob && age_on(*dob, r.in.year.start()) < 18;
}

// 3001: a care leaver turning 17 in the year living with former foster carers (Z1/Z2).
Rows with_former_foster_carers_at_17(const Oc3& o, const Run& in) {
  const Header h = tab<T::header>(in);
  if (!h) return {};
  const auto& hr = first_row_by_child(h);
  Rows rows;
  for (size_t r = 0; r < o.rows(); ++r) {
    const auto it = hr.find(o(r, O3::CHILD));
    if (it == hr.end() || (o(r, O3::ACCOM) != "Z1" && o(r, O3::ACCOM) != "Z2")) continue;
    const auto dob = h.date(it->second, H::DOB);
    if (!dob) continue;
    const Date b17 = birthday(*dob, 17);
    if (b17 >= in.year.start() && b17 <= in.year.end()) rows.push_back(r);
  }
  return rows;
}

// 1011: the final episode ended with care transferred to another LA (E3), yet OC3 data.
Rows care_transferred_to_another_la(const Oc3& o, const Run& in) {
  const Episodes e = tab<T::episodes>(in);
  if (!e) return {};
  std::unordered_set<std::string_view> transferred;
  for (const auto& [child, rs] : by_child(e)) {
    const auto& eps = episodes_in_order(e, child);
    if (!eps.empty() && e(eps.back().second, E::REC) == "E3") transferred.insert(child);
  }
  Rows rows;
  for (size_t r = 0; r < o.rows(); ++r)
    if (transferred.count(o(r, O3::CHILD)) && any_given(o, r, kOc3Items)) rows.push_back(r);
  return rows;
}

// OC3 rows (with any item given) of young people matching a test over their episodes this year
// and last. The episodes are indexed by child once per run (a scan per OC3 row made the
// national benchmark quadratic).
struct Oc3Episodes {
  Episodes e, el;
  const ChildRows* now = nullptr;
  const ChildRows* last = nullptr;
  static const std::vector<size_t>& of(const ChildRows* m, std::string_view child) {
    static const std::vector<size_t> none;
    const auto it = m->find(child);
    return it == m->end() ? none : it->second;
  }
};
using Oc3Test = bool (*)(std::string_view child, const Oc3& o, size_t r, const Oc3Episodes& x, const Run& in);
TableCheck<T::oc3> with_episodes(Oc3Test test) {
  return [test](const Oc3& o, const Run& in) -> Rows {
    Oc3Episodes x{tab<T::episodes>(in), last_tab<T::episodes>(in)};
    x.now = &by_child(x.e);
    x.last = &by_child(x.el);
    Rows rows;
    for (size_t r = 0; r < o.rows(); ++r)
      if (test(o(r, O3::CHILD), o, r, x, in)) rows.push_back(r);
    return rows;
  };
}
// 1000: died in care (REC E2) this year or last (last year's return used when given).
bool died_in_care(std::string_view child, const Oc3&, size_t, const Oc3Episodes& x, const Run&) {
  for (size_t r : x.of(x.now, child))
    if (x.e(r, E::REC) == "E2") return true;
  for (size_t r : x.of(x.last, child))
    if (x.el(r, E::REC) == "E2") return true;
  return false;
}
// 1002: care leaver data for a young person with no previous episodes of care. DfE checks the
// whole history it holds; careflow sees two returns, and a care leaver who left care before
// last year (most of those aged 18-21) has an episode in neither. What the two returns do
// show: such a young person was a care leaver last year too (a 17th-21st birthday then, care
// ended before it), and last year's OC3 row was accepted only with previous episodes. So a
// row is flagged when the child has no episode this year or last and no OC3 row last year:
// only then is the lack of previous episodes shown, not merely unseen. (The reference flags
// every care leaver without an episode in the two years, about 120 a council.)
bool no_previous_episodes(std::string_view child, const Oc3&, size_t, const Oc3Episodes& x, const Run& in) {
  if (!x.of(x.now, child).empty() || !x.of(x.last, child).empty()) return false;
  const Oc3 last_oc3 = last_tab<T::oc3>(in);
  return !last_oc3 || !by_child(last_oc3).contains(child);
}
// The 17th and 18th birthdays that fall in the collection year.
std::vector<Date> birthdays_in_year(Date dob, const Run& in) {
  std::vector<Date> out;
  for (int age : {17, 18})
    if (const Date b = birthday(dob, age); b >= in.year.start() && b <= in.year.end()) out.push_back(b);
  return out;
}
// 1007: still looked after (in an episode) on the 17th or 18th birthday in the year.
bool looked_after_on_17th_or_18th_birthday(std::string_view child, const Oc3& o, size_t r, const Oc3Episodes& x,
                                           const Run& in) {
  const auto dob = o.date(r, O3::DOB);
  if (!dob || !any_given(o, r, kOc3Items)) return false;
  const Episodes& e = x.e;
  for (const Date b : birthdays_in_year(*dob, in))
    for (size_t q : x.of(x.now, child)) {
      const auto s = e.date(q, E::DECOM), d = e.date(q, E::DEC);
      if (s && *s <= b && (e.blank(q, E::DEC) || (d && *d > b))) return true;
    }
  return false;
}
// 1016: left care in the year on or after the 17th or 18th birthday in the year.
bool left_care_after_17th_or_18th_birthday(std::string_view child, const Oc3& o, size_t r, const Oc3Episodes& x,
                                           const Run& in) {
  const auto dob = o.date(r, O3::DOB);
  if (!dob || !any_given(o, r, kOc3Items)) return false;
  const Episodes& e = x.e;
  for (const Date b : birthdays_in_year(*dob, in))
    for (size_t q : x.of(x.now, child))
      if (const auto d = e.date(q, E::DEC); d && *d >= b && *d <= in.year.end()) return true;
  return false;
}

// 1010: a child with care leaver data (an OC3 row) whose latest episode last year was still
// open at its end, yet with no episode this year: the open episode cannot have ended.
Rows open_last_year_no_episode_now(const Oc3& o, const Run& in) {
  const Episodes l = last_tab<T::episodes>(in);
  if (!l) return {};
  const auto& now = by_child(tab<T::episodes>(in));
  const auto& before = by_child(l);
  Rows rows;
  for (size_t r = 0; r < o.rows(); ++r) {
    const auto child = o(r, O3::CHILD);
    const auto it = before.find(child);
    if (now.count(child) || it == before.end()) continue;
    const auto eps = episodes_in_order(l, it->second);
    if (!eps.empty() && l.blank(eps.back().second, E::DEC)) rows.push_back(r);
  }
  return rows;
}

// 348: reported as died last year (IN_TOUCH DIED) but not this year.
Rows died_last_year_not_now(const Oc3& o, const Run& in) {
  const Oc3 l = last_tab<T::oc3>(in);
  if (!l) return {};
  std::unordered_set<std::string_view> died;
  for (size_t r = 0; r < l.rows(); ++r)
    if (l(r, O3::IN_TOUCH) == "DIED") died.insert(l(r, O3::CHILD));
  Rows rows;
  for (size_t r = 0; r < o.rows(); ++r)
    if (died.count(o(r, O3::CHILD)) && o(r, O3::IN_TOUCH) != "DIED") rows.push_back(r);
  return rows;
}

// 215: care leaver items and OC2 items for the same child (both rows flagged).
bool care_leaver_and_oc2_items(const Oc3& o3, size_t r, const Oc2& o2, size_t q) {
  return any_given(o3, r, kOc3Items) && any_given(o2, q, kOc2Items);
}

// 1012: a child with no episodes this year has rows in other tables.
Flags other_data_without_episodes(const Run& in) {
  Flags f;
  const Episodes e = tab<T::episodes>(in);
  if (!e) return f;
  const auto& ec = by_child(e);
  auto flag = [&](const TableRef& x, Table t) {
    Rows rows;
    for (size_t r = 0; r < x.rows(); ++r)
      if (!ec.count(x.child(r))) rows.push_back(r);
    put(f, t, std::move(rows));
  };
  flag(tab<T::placed_for_adoption>(in), T::placed_for_adoption);
  flag(tab<T::missing>(in), T::missing);
  flag(tab<T::reviews>(in), T::reviews);
  flag(tab<T::ad1>(in), T::ad1);
  flag(tab<T::previous_permanence>(in), T::previous_permanence);
  flag(tab<T::oc2>(in), T::oc2);
  return f;
}

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
// A young person's episodes from this year's and last year's returns: the same episode (same
// DECOM) in both is taken once, the copy with a DEC first, then this year's.
struct LoadedEpisode {
  Date start, end;   // end: DEC; for an episode without one, the next episode's start, or 31 March
  bool short_break;  // V3/V4: does not count as care for the leaving-care tests
  bool adopted;      // REC E11/E12
};
std::vector<LoadedEpisode> episodes_both_years(const Episodes& e, const Episodes& l, std::string_view child, Date year_end) {
  struct Raw {
    Date start;
    std::optional<Date> dec;
    std::string_view ls, rec;
  };
  std::vector<Raw> raw;
  auto add = [&raw](const Episodes& t, size_t r) {
    const auto start = t.date(r, E::DECOM);
    if (!start) return;
    Raw x{*start, t.date(r, E::DEC), t(r, E::LS), t(r, E::REC)};
    for (auto& y : raw)
      if (y.start == x.start) {
        if (!y.dec && x.dec) y = x;
        return;
      }
    raw.push_back(x);
  };
  for (const Episodes* t : {&e, &l}) {
    if (!*t) continue;
    const auto& bc = by_child(*t);
    if (const auto it = bc.find(child); it != bc.end())
      for (size_t r : it->second) add(*t, r);
  }
  std::stable_sort(raw.begin(), raw.end(), [](const Raw& a, const Raw& b) { return a.start < b.start; });
  std::vector<LoadedEpisode> out;
  for (size_t i = 0; i < raw.size(); ++i) {
    Date end = raw[i].dec ? *raw[i].dec : i + 1 < raw.size() ? raw[i + 1].start : std::max(year_end, raw[i].start);
    out.push_back({raw[i].start, std::max(end, raw[i].start), short_break(raw[i].ls),
                   raw[i].rec == "E11" || raw[i].rec == "E12"});
  }
  return out;
}
Rows not_a_relevant_child(const Oc3& o, const Run& in) {
  const Episodes e = tab<T::episodes>(in), l = last_tab<T::episodes>(in);
  const Header h = tab<T::header>(in);
  if (!l) return {};
  const auto& header_rows = first_row_by_child(h);
  const Date seen_from = CollectionYear{in.year.end_year - 1}.start();
  Rows rows;
  for (size_t r = 0; r < o.rows(); ++r) {
    const auto child = o(r, O3::CHILD);
    std::optional<Date> dob;
    if (const auto it = header_rows.find(child); it != header_rows.end()) dob = h.date(it->second, H::DOB);
    if (!dob) dob = o.date(r, O3::DOB);
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
}

}  // namespace

void oc3_rules(Rules& r) {
  add_row_rule(r, "131", 0, code_in(O3::IN_TOUCH, codes::in_touch, true));
  add_row_rule(r, "132", 0, code_in(O3::ACTIV, codes::activity, true));
  add_row_rule(r, "133", 0, code_in(O3::ACCOM, codes::accommodation, true));
  add_row_rule(r, "153", 0, all_or_none(kOc3Items));
  add_row_rule(r, "344", 0, activity_after_death_or_return_home);
  add_row_rule(r, "345", 0, in_touch_but_not_known);
  add_row_rule(r, "391", 0, care_leaver_outside_17_to_21);
  add_row_rule(r, "347", 0, in_a_foyer_under_18);
  add_table_rule(r, "3001", 0, {}, with_former_foster_carers_at_17);
  add_table_rule(r, "1011", 0, {}, care_transferred_to_another_la);
  add_table_rule(r, "1000", 0, {}, with_episodes(died_in_care));
  add_table_rule(r, "1002", 0, {.last_year = true}, with_episodes(no_previous_episodes));
  add_table_rule(r, "1007", 0, {}, with_episodes(looked_after_on_17th_or_18th_birthday));
  add_table_rule(r, "1016", 0, {}, with_episodes(left_care_after_17th_or_18th_birthday));
  add_table_rule(r, "1001", 0, {.last_year = true}, not_a_relevant_child);
  add_table_rule(r, "1010", 0, {.last_year = true}, open_last_year_no_episode_now);
  add_table_rule(r, "348", 0, {.last_year = true}, died_last_year_not_now);
  add_rule(r, "215", 0, {}, pair_rule(care_leaver_and_oc2_items));
  add_rule(r, "1012", 0, {}, other_data_without_episodes);
}

}  // namespace careflow::validate::detail
