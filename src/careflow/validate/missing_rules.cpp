// Rules on periods when a child was missing or away from placement without authorisation
// (Missing): their dates and type, one against another, and against the child's episodes and
// periods of care. Written from DfE's messages; where the reference differs,
// docs/validation-deviations.md says why.
#include "careflow/validate/child_history.hpp"
#include "careflow/validate/ssda903_rules.hpp"

namespace careflow::validate::detail {

namespace {

// 564-566: a type without a start; a start or an end without a type.
bool type_without_start(const MissingRow& r) { return !r.blank(M::MISSING) && r.blank(M::MIS_START); }
bool start_without_type(const MissingRow& r) { return !r.blank(M::MIS_START) && r.blank(M::MISSING); }
bool end_without_type(const MissingRow& r) { return !r.blank(M::MIS_END) && r.blank(M::MISSING); }

// 574: a missing period starting while the previous one is open, or before it ended (a period
// may start on the day the previous ended). The new period, which "cannot start", is flagged.
Rows overlaps_previous(const Missing& m, const Run&) {
  Rows rows;
  for (const auto& [child, rs] : by_child(m)) {
    const auto ps = in_date_order(m, rs, M::MIS_START);
    for (size_t i = 1; i < ps.size(); ++i) {
      const size_t prev = ps[i - 1].second;
      const auto prev_end = m.date(prev, M::MIS_END);
      if (m.blank(prev, M::MIS_END) || (prev_end && *prev_end > ps[i].first)) rows.push_back(ps[i].second);
    }
  }
  return rows;
}

// 575: an open missing period (no MIS_END) started in a placement that has ended. DfE's text is
// about the placement: an episode that ends with a change of legal status only (the next
// episode starts that day with RNE L) leaves the child where it was, so the placement goes on
// into that episode; it ends when an episode of the chain ends otherwise (a move, RNE P, T, B
// or U next, or care ending). The reference flags the end of any episode.
Rows open_after_placement_ended(const Missing& m, const Run& in) {
  const Episodes e = tab<T::episodes>(in);
  if (!e) return {};
  Rows rows;
  for (size_t mr = 0; mr < m.rows(); ++mr) {
    const auto start = m.date(mr, M::MIS_START);
    if (!start || !m.blank(mr, M::MIS_END)) continue;
    const auto& eps = episodes_in_order(e, m(mr, M::CHILD));
    bool ended = false;
    for (size_t j = 0; j < eps.size() && !ended; ++j) {
      const auto dec = e.date(eps[j].second, E::DEC);
      if (eps[j].first > *start || (dec && *dec < *start) || (!dec && !e.blank(eps[j].second, E::DEC))) continue;
      size_t k = j;
      for (auto end = dec; end && k + 1 < eps.size() && eps[k + 1].first == *end && e(eps[k + 1].second, E::RNE) == "L";)
        end = e.date(eps[++k].second, E::DEC);
      ended = e.date(eps[k].second, E::DEC).has_value();
    }
    if (ended) rows.push_back(mr);
  }
  return rows;
}

// Missing periods against the child's episodes (in row order): `test` adds the rows of `flagged`
// to flag.
using AgainstEpisodes = void (*)(const Missing& m, size_t mr, const Episodes& e, const std::vector<size_t>& eps,
                                 Rows& out);
Rules::Check against_episodes(Table flagged, AgainstEpisodes test) {
  return [flagged, test](const Run& in) {
    Flags f;
    const Missing m = tab<T::missing>(in);
    const Episodes e = tab<T::episodes>(in);
    if (!m || !e) return f;
    const auto& ec = by_child(e);
    Rows rows;
    for (size_t r = 0; r < m.rows(); ++r) {
      const auto it = ec.find(m(r, M::CHILD));
      if (it != ec.end()) test(m, r, e, it->second, rows);
    }
    put(f, flagged, std::move(rows));
    return f;
  };
}
// 581: a missing period starts when the child was not looked after (in no episode).
void starts_when_not_looked_after(const Missing& m, size_t mr, const Episodes& e, const std::vector<size_t>& eps,
                                  Rows& out) {
  const auto start = m.date(mr, M::MIS_START);
  if (!start) return;
  for (size_t r : eps) {
    const auto a = e.date(r, E::DECOM), b = e.date(r, E::DEC);
    if (a && *a <= *start && (!b || *start <= *b)) return;
  }
  out.push_back(mr);
}
// 580: a missing period ends the day the child ceased to be looked after (an episode ends
// with a REC other than X1, the continuation code), and REC is not E8. An episode ending X1
// on that day is not the end of care: the child is looked after in the next one.
void missing_when_care_ended(const Missing& m, size_t mr, const Episodes& e, const std::vector<size_t>& eps,
                             Rows& out) {
  const auto end = m.date(mr, M::MIS_END);
  if (!end) return;
  for (size_t r : eps)
    if (const auto dec = e.date(r, E::DEC); dec && *dec == *end && e(r, E::REC) != "E8" && e(r, E::REC) != "X1")
      out.push_back(r);
}

// 578: a missing period starting after the child ceased to be looked after: after the end of a
// period of care and within no period of care.
Rows starts_after_care_ended(const Missing& m, const Run& in) {
  const Episodes e = tab<T::episodes>(in);
  if (!e) return {};
  const auto& eps_by_child = by_child(e);
  Rows rows;
  for (size_t r = 0; r < m.rows(); ++r) {
    const auto start = m.date(r, M::MIS_START);
    const auto it = eps_by_child.find(m(r, M::CHILD));
    if (!start || it == eps_by_child.end()) continue;
    bool within = false, after_end = false;
    for (const auto& p : periods_of_care(e, episodes_in_order(e, it->second))) {
      within |= p.start <= *start && (!p.end || *start <= *p.end);
      after_end |= p.end && *start > *p.end;
    }
    if (after_end && !within) rows.push_back(r);
  }
  return rows;
}

}  // namespace

void missing_rules(Rules& r) {
  add_row_rule(r, "1004", 0, bad_date(M::MIS_START, true));
  add_row_rule(r, "1005", 0, bad_date(M::MIS_END, false));
  add_row_rule(r, "1006", 0, code_in(M::MISSING, codes::missing_type, true));
  add_row_rule(r, "564", 0, type_without_start);
  add_row_rule(r, "565", 0, start_without_type);
  add_row_rule(r, "566", 0, end_without_type);
  add_row_rule(r, "567", 0, before(M::MIS_END, M::MIS_START));
  add_row_rule(r, "570", 0, after_collection_end(M::MIS_START));
  add_row_rule(r, "571", 0, outside_collection_year(M::MIS_END));
  add_row_rule(r, "586", 0, before(M::MIS_START, M::DOB));
  add_table_rule(r, "574", 0, {}, overlaps_previous);
  add_table_rule(r, "575", 0, {}, open_after_placement_ended);
  add_rule(r, "581", 0, {}, against_episodes(T::missing, starts_when_not_looked_after));
  add_rule(r, "580", 0, {}, against_episodes(T::episodes, missing_when_care_ended));
  add_table_rule(r, "578", 0, {}, starts_after_care_ended);
  add_table_rule(r, "577", 0, {}, open_after_care_ended(M::MIS_START, M::MIS_END));
  add_table_rule(r, "576", 0, {.last_year = true}, open_last_year_not_carried(M::MIS_START, M::MIS_END));
}

}  // namespace careflow::validate::detail
