// Rules on social worker episodes (SWEpisodes: the child's social worker, from when, to when
// and why the episode began): their identifiers and dates, one episode against the next, and
// the child's episodes of care. Written from DfE's messages; where the reference differs,
// docs/validation-deviations.md says why.
#include <tuple>

#include "careflow/validate/child_history.hpp"
#include "careflow/validate/ssda903_rules.hpp"

namespace careflow::validate::detail {

namespace {

// SW01aSTG1: no start date, or (before 1 April 2023) no social worker's identifier.
bool start_or_id_missing_before_2023(const SwRow& r) {
  const auto d = r.date(SW::SW_DECOM);
  if (r.blank(SW::SW_DECOM)) return true;
  return d && *d < ymd(2023, 4, 1) && r.blank(SW::SW_ID);
}
// SW01bSTG1: no start date, or (from 1 April 2023) no identifier or reason.
bool start_id_or_reason_missing_from_2023(const SwRow& r) {
  if (r.blank(SW::SW_DECOM)) return true;
  const auto d = r.date(SW::SW_DECOM);
  return d && *d >= ymd(2023, 4, 1) && (r.blank(SW::SW_ID) || r.blank(SW::SW_REASON));
}
// SW02STG1: an identifier not starting SW (or XX, not known).
bool id_not_valid(const SwRow& r) {
  const auto v = r[SW::SW_ID];
  return !v.empty() && !(v.starts_with("SW") || v.starts_with("XX"));
}
// SW03STG1: identifier, start or reason missing.
bool id_start_or_reason_missing(const SwRow& r) {
  return r.blank(SW::SW_ID) || r.blank(SW::SW_DECOM) || r.blank(SW::SW_REASON);
}
// SW04STG1, SW05STG1: a date that is not valid; parts not known may be written ZZ (ZZ/ZZ/ZZZZ,
// 01/01/ZZZZ).
RowTest<T::sw_episodes> bad_sw_date(SW::Column c) {
  return [c](const SwRow& r) {
    const auto v = r[c];
    if (v.empty() || return_date(v)) return false;
    if (v.size() != 10 || v[2] != '/' || v[5] != '/') return true;
    for (auto [b, n] : {std::pair{0, 2}, {3, 2}, {6, 4}}) {
      const auto part = v.substr(static_cast<size_t>(b), static_cast<size_t>(n));
      const bool digits = std::all_of(part.begin(), part.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
      const bool unknown = std::all_of(part.begin(), part.end(), [](char ch) { return ch == 'Z'; });
      if (!digits && !unknown) return true;
    }
    return false;
  };
}
// SW09STG2: an episode ending the day it started.
bool ended_the_day_it_started(const SwRow& r) {
  const auto a = r.date(SW::SW_DECOM), b = r.date(SW::SW_DEC);
  return a && b && *a == *b;
}
// SW13STG1 (2024/25 on): the reason is not valid; blank allowed for an episode that started
// before 1 April 2023.
bool reason_not_valid_2025(const SwRow& r) {
  if (r.blank(SW::SW_REASON)) {
    const auto d = r.date(SW::SW_DECOM);
    return !(d && *d < ymd(2023, 4, 1));
  }
  return !codes::sw_reason.valid_in(r[SW::SW_REASON], r.year);
}
// SW07STG2 from 2024/25: SW_DEC before the start of the social worker reporting period (which
// from 2024/25 begins a year before the collection year) or after the collection year.
bool end_outside_reporting_period(const SwRow& r) {
  const auto d = r.date(SW::SW_DEC);
  return d && (*d < CollectionYear{r.year - 1}.start() || *d > r.in.year.end());
}

// Social worker episodes per child in SW_DECOM order.
using SwSequenceTest = void (*)(const SwEpisodes& s, const Dated& eps, Rows& out);
TableCheck<T::sw_episodes> per_child_sw(SwSequenceTest test) {
  return [test](const SwEpisodes& s, const Run&) -> Rows {
    Rows rows;
    for (const auto& [child, rs] : by_child(s)) test(s, in_date_order(s, rs, SW::SW_DECOM), rows);
    return rows;
  };
}
// SW08STG2, SW14STG2 (2023/24 wording): an episode before the child's latest has no end date.
void open_before_latest(const SwEpisodes& s, const Dated& eps, Rows& out) {
  for (size_t i = 0; i + 1 < eps.size(); ++i)
    if (eps[i].first != eps.back().first && s.blank(eps[i].second, SW::SW_DEC)) out.push_back(eps[i].second);
}
// SW17STG2: the latest social worker episode has ended (none open at 31 March).
void latest_has_ended(const SwEpisodes& s, const Dated& eps, Rows& out) {
  if (!eps.empty() && !s.blank(eps.back().second, SW::SW_DEC)) out.push_back(eps.back().second);
}

// SW01STG1 (2023/24): a child looked after on 31 March (an episode other than a V3/V4 short
// break open then) with no social worker episode at all: that episode is flagged.
Rows looked_after_without_social_worker(const Episodes& e, const Run& in) {
  const SwEpisodes sw = tab<T::sw_episodes>(in);
  const auto& with_sw = by_child(sw);
  const Date end = in.year.end();
  Rows rows;
  for (size_t r = 0; r < e.rows(); ++r) {
    if (short_break(e(r, E::LS)) || with_sw.count(e(r, E::CHILD))) continue;
    const auto decom = e.date(r, E::DECOM), dec = e.date(r, E::DEC);
    // A DECOM that is not a date (flagged by 141) does not hide an open episode.
    if ((!decom || *decom <= end) && (e.blank(r, E::DEC) || (dec && *dec > end))) rows.push_back(r);
  }
  return rows;
}

// SW10STG2: a social worker episode starting before the previous one (in SW_DECOM, then SW_DEC,
// order) ended. From 2024/25 DfE allows 7 days' overlap and exempts SW_REASON FCONTA.
Rows starts_before_previous_ended(const SwEpisodes& sw, bool from_2025) {
  Rows rows;
  for (const auto& [child, rs] : by_child(sw)) {
    std::vector<std::tuple<Date, Date, size_t>> eps;  // start, end (or start), row
    for (size_t r : rs)
      if (const auto d = sw.date(r, SW::SW_DECOM)) eps.emplace_back(*d, sw.date(r, SW::SW_DEC).value_or(*d), r);
    std::stable_sort(eps.begin(), eps.end(), [](const auto& a, const auto& b) {
      return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
    });
    for (size_t i = 1; i < eps.size(); ++i) {
      const size_t r = std::get<2>(eps[i]), p = std::get<2>(eps[i - 1]);
      if (sw.blank(p, SW::SW_DEC)) continue;  // no end date to start before
      const int tolerance = from_2025 ? 7 : 0;
      if (from_2025 && sw(r, SW::SW_REASON) == "FCONTA") continue;
      if (std::get<0>(eps[i]) < std::get<1>(eps[i - 1]) - tolerance) rows.push_back(r);
    }
  }
  return rows;
}
Rows starts_before_previous_ended_2024(const SwEpisodes& sw, const Run&) { return starts_before_previous_ended(sw, false); }
Rows starts_before_previous_ended_2025(const SwEpisodes& sw, const Run&) { return starts_before_previous_ended(sw, true); }

// SW11aSTG2 (2023/24), SW11bSTG2: a social worker episode that ended before 31 March with no
// subsequent episode (another of the child's starting on or after that end). SW11b takes the
// episodes ending in the last five days before 31 March, SW11a those ending earlier. The
// episode that ended is flagged. A child whose episodes show it had ceased to be looked after
// by then (no episode other than a V3/V4 short break still open after that day) needs no
// further social worker, so is not flagged; a child with no episodes in the return is.
Rows ended_without_successor(const SwEpisodes& sw, const Run& in, bool last_five_days) {
  const Episodes e = tab<T::episodes>(in);
  const Date end = in.year.end();
  const auto& eps_by_child = by_child(e);
  auto left_care_by = [&](std::string_view child, Date day) {
    const auto it = eps_by_child.find(child);
    if (it == eps_by_child.end()) return false;
    for (size_t r : it->second) {
      if (short_break(e(r, E::LS))) continue;
      const auto decom = e.date(r, E::DECOM), dec = e.date(r, E::DEC);
      if ((!decom || *decom <= end) && (!dec || *dec > day)) return false;  // looked after after it
    }
    return true;
  };
  Rows rows;
  for (const auto& [child, rs] : by_child(sw))
    for (size_t r : rs) {
      const auto dec = sw.date(r, SW::SW_DEC);
      if (!dec || *dec >= end || (*dec >= end - 5) != last_five_days) continue;
      bool followed = false;
      for (size_t q : rs)
        if (const auto start = sw.date(q, SW::SW_DECOM); q != r && start && *start >= *dec) followed = true;
      if (!followed && !left_care_by(child, *dec)) rows.push_back(r);
    }
  return rows;
}
Rows ended_earlier_without_successor(const SwEpisodes& sw, const Run& in) { return ended_without_successor(sw, in, false); }
Rows ended_late_without_successor(const SwEpisodes& sw, const Run& in) { return ended_without_successor(sw, in, true); }

// SW12STG2 (both versions; DfE's message is the same): a child looked after on 31 March (an
// episode other than a V3/V4 short break open then) must have social worker episodes for the
// whole year, including time not looked after: the earliest must start on or before 1 April
// (or the child's birth, when later). A first contact or re-referral in the year (SW_REASON
// FCONTA, which SW10 also treats as a start) begins the child's history, so then it need only
// start by the time the child's care in the year began. That episode is flagged when it starts
// later; a child with no social worker episode at all has its open episodes flagged. Gaps
// between episodes are SW10/SW11's business. Nothing is checked without the social worker
// episodes table.
Flags year_not_covered(const Run& in) {
  Flags f;
  const Episodes e = tab<T::episodes>(in);
  const SwEpisodes sw = tab<T::sw_episodes>(in);
  const Header h = tab<T::header>(in);
  if (!e || !sw) return f;
  const auto& sw_rows = by_child(sw);
  const auto& header_rows = first_row_by_child(h);
  const Date start = in.year.start(), end = in.year.end();
  std::vector<size_t> erows, swrows;
  for (const auto& [child, rs] : by_child(e)) {
    std::vector<size_t> open_at_end;
    std::optional<Date> care_began;  // the earliest start of care open in the year
    for (size_t r : rs) {
      if (short_break(e(r, E::LS))) continue;
      const auto decom = e.date(r, E::DECOM), dec = e.date(r, E::DEC);
      if (!decom || *decom > end) continue;
      const bool open = e.blank(r, E::DEC);
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
      if (const auto d = sw.date(q, SW::SW_DECOM); d && (!earliest || *d < earliest->first)) earliest = {{*d, q}};
    if (!earliest) continue;  // no valid SW_DECOM (SW04's business): nothing to compare
    Date from = start;
    if (const auto hr = header_rows.find(child); hr != header_rows.end())
      if (const auto dob = h.date(hr->second, H::DOB); dob && *dob > from) from = *dob;
    if (sw(earliest->second, SW::SW_REASON) == "FCONTA" && care_began && *care_began > from) from = *care_began;
    if (earliest->first > from) swrows.push_back(earliest->second);
  }
  put(f, T::episodes, std::move(erows));
  put(f, T::sw_episodes, std::move(swrows));
  return f;
}

}  // namespace

void social_worker_rules(Rules& r) {
  add_row_rule(r, "SW01aSTG1", 0, start_or_id_missing_before_2023);
  add_row_rule(r, "SW01bSTG1", 0, start_id_or_reason_missing_from_2023);
  add_row_rule(r, "SW02STG1", 0, id_not_valid);
  add_row_rule(r, "SW03STG1", 0, id_start_or_reason_missing);
  add_row_rule(r, "SW04STG1", 0, bad_sw_date(SW::SW_DECOM));
  add_row_rule(r, "SW05STG1", 0, bad_sw_date(SW::SW_DEC));
  add_row_rule(r, "SW06STG2", 0, after_collection_end(SW::SW_DECOM));
  add_row_rule(r, "SW07STG2", 2024, outside_collection_year(SW::SW_DEC));
  add_row_rule(r, "SW07STG2", 2025, end_outside_reporting_period);
  add_row_rule(r, "SW09STG2", 0, ended_the_day_it_started);
  add_row_rule(r, "SW13STG1", 2024, code_in(SW::SW_REASON, codes::sw_reason, false));
  add_row_rule(r, "SW13STG1", 2025, reason_not_valid_2025);
  add_table_rule(r, "SW08STG2", 0, {}, per_child_sw(open_before_latest));
  add_table_rule(r, "SW14STG2", 0, {}, per_child_sw(open_before_latest));
  add_table_rule(r, "SW17STG2", 0, {}, per_child_sw(latest_has_ended));
  add_table_rule(r, "SW01STG1", 0, {}, looked_after_without_social_worker);
  add_table_rule(r, "SW10STG2", 2024, {}, starts_before_previous_ended_2024);
  add_table_rule(r, "SW10STG2", 2025, {}, starts_before_previous_ended_2025);
  add_table_rule(r, "SW11aSTG2", 0, {}, ended_earlier_without_successor);
  add_table_rule(r, "SW11bSTG2", 0, {}, ended_late_without_successor);
  add_rule(r, "SW12STG2", 0, {}, year_not_covered);
}

}  // namespace careflow::validate::detail
