#include "careflow/analyse/edge_of_care.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

namespace careflow::analyse {

Interval wilson_interval(double x, double n, double z) {
  if (!(n > 0)) return {0, 1};
  const double p = std::clamp(x / n, 0.0, 1.0), z2 = z * z;
  const double denom = 1 + z2 / n;
  const double centre = (p + z2 / (2 * n)) / denom;
  const double half = z / denom * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

Interval newcombe_difference(double p1, Interval i1, double p2, Interval i2) {
  const double d = p1 - p2;
  return {d - std::sqrt((p1 - i1.lower) * (p1 - i1.lower) + (i2.upper - p2) * (i2.upper - p2)),
          d + std::sqrt((i1.upper - p1) * (i1.upper - p1) + (p2 - i2.lower) * (p2 - i2.lower))};
}

Date months_after(Date d, int months) {
  const auto [y, m, day] = d.ymd();
  const int total = y * 12 + (m - 1) + months;
  const int ty = total / 12, tm = total % 12 + 1;
  return Date::from_ymd(ty, tm, std::min(day, days_in_month(ty, tm)));
}

std::string_view label(EdgeOfCareMeasure m) {
  switch (m) {
    case EdgeOfCareMeasure::out_of_care: return "Out of care throughout";
    case EdgeOfCareMeasure::became_looked_after: return "Became looked after";
    case EdgeOfCareMeasure::protection_plan: return "Child protection plan started";
    case EdgeOfCareMeasure::case_closed: return "Case closed";
  }
  return "";
}

namespace {

constexpr int32_t kNo903 = -1;

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// What careflow knows of one CIN child, found once.
struct Person {
  const cin::CinChild* cin = nullptr;
  int32_t h = kNo903;  // its 903 child, or kNo903
  std::optional<Date> dob;
};

class Facts {
 public:
  explicit Facts(const History& h) : h_(h) {}

  // Looked after at the end of day d (short breaks are not care here, as in DfE's counts).
  bool looked_after_on(const Person& p, Date d) const {
    if (p.h == kNo903) return false;
    for (const auto& pc : h_.periods_of(static_cast<ChildIndex>(p.h)))
      if (!pc.short_breaks && pc.start <= d && (pc.is_open() || pc.end > d)) return true;
    return false;
  }
  // A period of care began in (from, to].
  bool entered_care(const Person& p, Date from, Date to) const {
    if (p.h == kNo903) return false;
    for (const auto& pc : h_.periods_of(static_cast<ChildIndex>(p.h)))
      if (!pc.short_breaks && pc.start > from && pc.start <= to) return true;
    return false;
  }

 private:
  const History& h_;
};

bool open_on(const cin::EpisodeOfNeed& e, Date d) { return e.referral <= d && (e.is_open() || e.closure > d); }

// The episode open at the end of day d (the latest referred, if several), or none.
const cin::EpisodeOfNeed* episode_open_on(const cin::CinChild& c, Date d) {
  const cin::EpisodeOfNeed* found = nullptr;
  for (const auto& e : c.episodes)
    if (open_on(e, d)) found = &e;
  return found;
}
bool referred_by(const cin::CinChild& c, Date d) {
  return std::any_of(c.episodes.begin(), c.episodes.end(), [d](const auto& e) { return e.referral <= d; });
}
bool on_protection_plan(const cin::CinChild& c, Date d) {
  for (const auto& e : c.episodes)
    for (const auto& p : e.protection_plans)
      if (p.start <= d && (p.is_open() || p.end > d)) return true;
  return false;
}
bool protection_plan_started(const cin::CinChild& c, Date from, Date to) {
  for (const auto& e : c.episodes)
    for (const auto& p : e.protection_plans)
      if (p.start > from && p.start <= to) return true;
  return false;
}
// An episode closed in (from, to] and none is open at the end of `to`.
bool case_closed(const cin::CinChild& c, Date from, Date to) {
  bool closed = false;
  for (const auto& e : c.episodes) {
    if (open_on(e, to)) return false;
    closed |= !e.is_open() && e.closure > from && e.closure <= to;
  }
  return closed;
}

// The matching cell on a date: age band (or unborn), need (the open episode's primary need code,
// or "closed" for a child referred before with nothing open), and on a CP plan or not. None when
// the child had not been referred by then (nobody comparable is known to the council on that date).
std::optional<std::string> cell_on(const Person& p, Date d) {
  if (!p.dob || !referred_by(*p.cin, d)) return std::nullopt;
  const int band = *p.dob > d ? -1 : static_cast<int>(age_band(age_on(*p.dob, d)));
  const cin::EpisodeOfNeed* e = episode_open_on(*p.cin, d);
  const std::string need = e ? "open " + upper(e->primary_need) : std::string("closed");
  return fmt::format("{}|{}|{}", band, need, on_protection_plan(*p.cin, d) ? 1 : 0);
}

bool outcome(EdgeOfCareMeasure m, const Person& p, const Facts& f, Date from, Date to) {
  switch (m) {
    case EdgeOfCareMeasure::out_of_care: return !f.entered_care(p, from, to);
    case EdgeOfCareMeasure::became_looked_after: return f.entered_care(p, from, to);
    case EdgeOfCareMeasure::protection_plan: return protection_plan_started(*p.cin, from, to);
    case EdgeOfCareMeasure::case_closed: return case_closed(*p.cin, from, to);
  }
  return false;
}

}  // namespace

EdgeOfCareEvaluation evaluate_edge_of_care(const History& history, const cin::Timeline& cin,
                                           const std::vector<SupportedChild>& children,
                                           const EdgeOfCareSettings& settings) {
  EdgeOfCareEvaluation ev;
  ev.horizons = settings.horizons_months;
  ev.counts.listed = children.size();
  if (!history.years.empty() && !cin.years.empty()) {
    ev.span_start = std::max(history.data_start(), cin.data_start());
    ev.span_end = std::min(history.data_end(), cin.data_end());
  }
  const bool overlap = !history.years.empty() && !cin.years.empty() && ev.span_start <= ev.span_end;

  std::unordered_map<std::string, ChildIndex> by_903_id;
  for (ChildIndex c = 0; c < history.children.size(); ++c) by_903_id.emplace(upper(history.children[c].id), c);
  std::vector<Person> people(cin.children.size());
  std::unordered_map<std::string, uint32_t> by_cin_id;
  for (uint32_t i = 0; i < cin.children.size(); ++i) {
    Person& p = people[i];
    p.cin = &cin.children[i];
    const std::string key = upper(p.cin->id);
    by_cin_id.emplace(key, i);
    if (const auto it = by_903_id.find(key); it != by_903_id.end()) p.h = static_cast<int32_t>(it->second);
    p.dob = p.cin->dob;
    if (!p.dob && p.h != kNo903 && history.children[p.h].dob_known) p.dob = history.children[p.h].dob;
  }
  std::unordered_set<std::string> listed;
  for (const auto& c : children) listed.insert(upper(c.id));
  std::vector<bool> is_listed(people.size(), false);
  for (uint32_t i = 0; i < people.size(); ++i) is_listed[i] = listed.count(upper(people[i].cin->id)) > 0;
  const Facts facts(history);

  struct Case {
    const Person* person;
    Date start;
    std::vector<uint32_t> controls;
    bool support_ended;
  };
  std::vector<Case> cases;
  for (const auto& c : children) {
    const cin::CinChild* found = cin.find(c.id);
    uint32_t index = 0;
    if (found) {
      index = static_cast<uint32_t>(found - cin.children.data());
    } else if (const auto it = by_cin_id.find(upper(c.id)); it != by_cin_id.end()) {
      index = it->second;
      found = &cin.children[index];
    }
    if (!found) {
      if (by_903_id.count(upper(c.id))) {
        ++ev.counts.not_in_cin;
      } else {
        ++ev.counts.not_found;
        ev.not_found_lines.push_back(c.line);
      }
      continue;
    }
    const Person& p = people[index];
    if (!p.dob) { ++ev.counts.dob_unknown; continue; }
    if (!overlap || c.start < ev.span_start || c.start > ev.span_end) { ++ev.counts.start_outside_data; continue; }
    if (facts.looked_after_on(p, c.start)) { ++ev.counts.looked_after_at_start; continue; }
    if (*p.dob <= c.start && age_on(*p.dob, c.start) >= 18) { ++ev.counts.aged_18_or_over; continue; }
    ++ev.counts.evaluated;
    ev.counts.support_ended += c.end.has_value();
    cases.push_back({&p, c.start, {}, c.end.has_value()});
  }

  // Comparison children: every child of the census not in the list who, on the supported child's
  // start date, was in the same cell, under 18 and not looked after. All of them, not a sample:
  // nothing random, and the most precise comparison the data allow.
  std::unordered_set<uint32_t> all_controls;
  for (auto& k : cases) {
    const auto cell = cell_on(*k.person, k.start);
    if (!cell) continue;
    for (uint32_t j = 0; j < people.size(); ++j) {
      const Person& q = people[j];
      if (is_listed[j] || !q.dob || (*q.dob <= k.start && age_on(*q.dob, k.start) >= 18)) continue;
      if (facts.looked_after_on(q, k.start)) continue;
      const auto qc = cell_on(q, k.start);
      if (qc && *qc == *cell) k.controls.push_back(j);
    }
    if (!k.controls.empty()) all_controls.insert(k.controls.begin(), k.controls.end());
  }
  for (const auto& k : cases) (k.controls.empty() ? ev.counts.unmatched : ev.counts.matched) += 1;
  ev.counts.comparison_children = all_controls.size();

  for (const int months : ev.horizons) {
    for (int mi = 0; mi < kEdgeOfCareMeasures; ++mi) {
      const auto m = static_cast<EdgeOfCareMeasure>(mi);
      EdgeOfCareFigure f;
      f.months = months;
      f.measure = m;
      double weighted = 0, sum_w2 = 0;
      std::unordered_set<uint32_t> comparison, comparison_with;
      for (const auto& k : cases) {
        const Date to = months_after(k.start, months);
        if (to > ev.span_end) continue;  // censored: the data do not reach this far
        const bool y = outcome(m, *k.person, facts, k.start, to);
        ++f.all_followed_up;
        f.all_with_outcome += y;
        if (k.controls.empty()) continue;
        ++f.matched_followed_up;
        f.matched_with_outcome += y;
        const double w = 1.0 / static_cast<double>(k.controls.size());
        sum_w2 += w;  // k controls of weight 1/k: sum of squares 1/k
        for (const uint32_t j : k.controls) {
          const bool yc = outcome(m, people[j], facts, k.start, to);
          weighted += yc * w;
          comparison.insert(j);
          if (yc) comparison_with.insert(j);
        }
      }
      f.all_interval = wilson_interval(f.all_with_outcome, f.all_followed_up);
      f.matched_interval = wilson_interval(f.matched_with_outcome, f.matched_followed_up);
      f.comparison_children = comparison.size();
      f.comparison_children_with_outcome = comparison_with.size();
      if (f.matched_followed_up > 0) {
        const double n = static_cast<double>(f.matched_followed_up);
        f.comparison_proportion = weighted / n;
        // Kish's effective size, but never more than the distinct children behind it: a child
        // compared with several supported children adds no independent information.
        f.comparison_effective_n = std::min(n * n / sum_w2, static_cast<double>(comparison.size()));
        f.comparison_interval = wilson_interval(f.comparison_proportion * f.comparison_effective_n, f.comparison_effective_n);
        f.difference = f.matched_proportion() - f.comparison_proportion;
        f.difference_interval =
            newcombe_difference(f.matched_proportion(), f.matched_interval, f.comparison_proportion, f.comparison_interval);
      }
      ev.figures.push_back(f);
    }
  }
  return ev;
}

// ---- Tables ---------------------------------------------------------------------------------

namespace {

Cell pct(double p, bool defined) { return defined ? Cell{100 * p} : Cell{}; }

}  // namespace

EdgeOfCareTables edge_of_care_tables(const EdgeOfCareEvaluation& e) {
  EdgeOfCareTables out;
  const EdgeOfCareCounts& n = e.counts;
  const std::string span = e.span_start <= e.span_end && e.span_end != Date()
                               ? fmt::format("{} to {}", e.span_start.to_iso(), e.span_end.to_iso())
                               : std::string("none");

  // 1. Who was evaluated, and who was not and why.
  OutputTable who;
  who.id = "edge_of_care_children";
  who.title = "Edge-of-care evaluation: the children in the list";
  who.notes = fmt::format(
      "Children of the list, and why any were not evaluated. The data both collections cover: {}. A child is "
      "followed up for a horizon when the data reach that many months past its start date; the others are "
      "censored, not counted as either outcome. See docs/edge-of-care.md.",
      span);
  who.add_column("children", "Children").add_column("count", "Number");
  auto row = [&](std::string text, size_t v) {
    who.add_row({Cell{std::move(text)}, Cell{static_cast<double>(v)}});
    return who.rows.size() - 1;
  };
  // The list's own size is not published (the user has it; the terminal shows it): beside the
  // reasons it would reveal a single child left out, and through it every figure of the tables.
  row("Not evaluated: not found in either collection", n.not_found);
  row("Not evaluated: in the 903 only (not in the CIN census: need unknown)", n.not_in_cin);
  row("Not evaluated: date of birth unknown", n.dob_unknown);
  row("Not evaluated: start date outside the span both collections cover", n.start_outside_data);
  row("Not evaluated: already looked after on the start date", n.looked_after_at_start);
  row("Not evaluated: aged 18 or over on the start date", n.aged_18_or_over);
  const size_t r_ev = row("Evaluated", n.evaluated);
  const size_t r_m = row("Evaluated, with comparison children", n.matched);
  const size_t r_um = row("Evaluated, no comparison child alike on the start date", n.unmatched);
  row("Comparison children (distinct)", n.comparison_children);
  row("Evaluated, support ended (end date given)", n.support_ended);
  auto ref = [](const std::string& t, size_t r, size_t c) { return CellRef{t, r, c}; };
  out.relations.push_back({Relation::Kind::sum, {ref(who.id, r_ev, 1), ref(who.id, r_m, 1), ref(who.id, r_um, 1)}});
  std::vector<std::pair<size_t, size_t>> followed_rows;  // (followed up, censored) by horizon
  for (const int months : e.horizons) {
    size_t followed = 0;
    for (const auto& f : e.figures)
      if (f.months == months) followed = f.all_followed_up;
    const size_t rf = row(fmt::format("Evaluated, followed up {} months", months), followed);
    const size_t rc = row(fmt::format("Evaluated, censored at {} months (the data end sooner)", months), n.evaluated - followed);
    out.relations.push_back({Relation::Kind::sum, {ref(who.id, r_ev, 1), ref(who.id, rf, 1), ref(who.id, rc, 1)}});
    followed_rows.push_back({rf, rc});
  }

  // 2. What happened next to every child evaluated.
  OutputTable all;
  all.id = "edge_of_care_outcomes";
  all.title = "Edge-of-care evaluation: what happened next to the children supported";
  all.notes =
      "Of the children evaluated and followed up for the horizon, from their start date: out of care throughout "
      "(no period of care began; short breaks are not care), became looked after (a period of care began), a "
      "child protection plan started, the case closed (a CIN episode closed and none was open at the horizon's "
      "end). Percentages with Wilson 95% intervals. Children not followed up that long are censored.";
  all.add_column("months", "Months after the start")
      .add_column("outcome", "Outcome")
      .add_column("followed_up", "Children followed up")
      .add_column("children", "Children with the outcome")
      .add_column("percent", "%", 1)
      .add_column("lower_95", "95% interval: lower", 1)
      .add_column("upper_95", "95% interval: upper", 1);

  // 3. The matched comparison.
  OutputTable cmp;
  cmp.id = "edge_of_care_comparison";
  cmp.title = "Edge-of-care evaluation: the children supported against children alike who were not";
  cmp.notes =
      "Supported children with at least one comparison child, against their comparison children: every child of "
      "the council's CIN census not in the list who, on the supported child's start date, was in the same age band, "
      "had the same need (the primary need code of the open CIN episode, or no open episode), the same child "
      "protection status (on a plan or not), was under 18 and was not looked after, followed up from that same date. "
      "Each supported child's k comparison children weigh 1/k each, so the comparison group has the supported "
      "children's own mix; a child may be a comparison child for several supported children. Wilson 95% intervals "
      "(the comparison's on its effective size, (sum of weights)^2 / sum of squared weights); the difference, in "
      "percentage points, with Newcombe's hybrid score interval. Matching makes the groups alike on these three "
      "things only: other differences (why a child was chosen for the service) remain.";
  cmp.add_column("months", "Months after the start")
      .add_column("outcome", "Outcome")
      .add_column("supported_followed_up", "Supported children followed up")
      .add_column("supported_children", "Supported children with the outcome")
      .add_column("supported_percent", "Supported: %", 1)
      .add_column("supported_lower_95", "Supported: 95% lower", 1)
      .add_column("supported_upper_95", "Supported: 95% upper", 1)
      .add_column("comparison_children", "Comparison children")
      .add_column("comparison_with_outcome", "Comparison children with the outcome")
      .add_column("comparison_effective_n", "Comparison: effective size", 1)
      .add_column("comparison_percent", "Comparison: % (weighted)", 1)
      .add_column("comparison_lower_95", "Comparison: 95% lower", 1)
      .add_column("comparison_upper_95", "Comparison: 95% upper", 1)
      .add_column("difference_points", "Difference (percentage points)", 1)
      .add_column("difference_lower_95", "Difference: 95% lower", 1)
      .add_column("difference_upper_95", "Difference: 95% upper", 1);

  std::vector<size_t> first_row_of_horizon;
  for (size_t i = 0; i < e.figures.size(); ++i) {
    const auto& f = e.figures[i];
    const bool a = f.all_followed_up > 0, m = f.matched_followed_up > 0;
    all.add_row({Cell{double(f.months)}, Cell{std::string(label(f.measure))}, Cell{double(f.all_followed_up)},
                 Cell{double(f.all_with_outcome)}, pct(f.all_proportion(), a), pct(f.all_interval.lower, a),
                 pct(f.all_interval.upper, a)});
    cmp.add_row({Cell{double(f.months)}, Cell{std::string(label(f.measure))}, Cell{double(f.matched_followed_up)},
                 Cell{double(f.matched_with_outcome)}, pct(f.matched_proportion(), m), pct(f.matched_interval.lower, m),
                 pct(f.matched_interval.upper, m), Cell{double(f.comparison_children)},
                 Cell{double(f.comparison_children_with_outcome)}, m ? Cell{f.comparison_effective_n} : Cell{},
                 pct(f.comparison_proportion, m), pct(f.comparison_interval.lower, m), pct(f.comparison_interval.upper, m),
                 pct(f.difference, m), pct(f.difference_interval.lower, m), pct(f.difference_interval.upper, m)});
  }
  // Relations among the rows: at each horizon the same children are followed up for every
  // outcome, and "out of care throughout" and "became looked after" are complements.
  for (size_t i = 0; i < e.figures.size(); ++i) {
    const auto& f = e.figures[i];
    if (f.measure != EdgeOfCareMeasure::out_of_care) continue;
    size_t became = i;
    for (size_t j = 0; j < e.figures.size(); ++j)
      if (e.figures[j].months == f.months && e.figures[j].measure == EdgeOfCareMeasure::became_looked_after) became = j;
    for (size_t j = 0; j < e.figures.size(); ++j)
      if (j != i && e.figures[j].months == f.months) {
        out.relations.push_back({Relation::Kind::equal, {ref(all.id, i, 2), ref(all.id, j, 2)}});
        out.relations.push_back({Relation::Kind::equal, {ref(cmp.id, i, 2), ref(cmp.id, j, 2)}});
      }
    // The matched children are those followed up when none of them is censored (a relation
    // that holds for these data only, declared when it holds).
    if (f.matched_followed_up == n.matched)
      out.relations.push_back({Relation::Kind::equal, {ref(who.id, r_m, 1), ref(cmp.id, i, 2)}});
    for (size_t h = 0; h < e.horizons.size(); ++h)
      if (e.horizons[h] == f.months)
        out.relations.push_back({Relation::Kind::equal, {ref(who.id, followed_rows[h].first, 1), ref(all.id, i, 2)}});
    if (became == i) continue;
    out.relations.push_back({Relation::Kind::sum, {ref(all.id, i, 2), ref(all.id, i, 3), ref(all.id, became, 3)}});
    out.relations.push_back({Relation::Kind::sum, {ref(cmp.id, i, 2), ref(cmp.id, i, 3), ref(cmp.id, became, 3)}});
    // The comparison's weighted percentages of the two are 100 apart: each tells the other.
    for (const auto& [from, to] : {std::pair{i, became}, std::pair{became, i}})
      for (const size_t c : {10, 11, 12, 13, 14, 15})
        if (std::holds_alternative<double>(cmp.rows[from][c]))
          out.relations.push_back({Relation::Kind::depends, {ref(cmp.id, from, c), ref(cmp.id, to, 8)}});
  }

  out.tables = {std::move(who), std::move(all), std::move(cmp)};
  out.specs.push_back(DisclosureSpec{.count_columns = {1}});
  out.specs.push_back(DisclosureSpec{.count_columns = {2, 3},
                                     .derived = {{5, 3}, {6, 3}, {5, 2}, {6, 2}},
                                     .ratios = {RatioColumn{.column = 4, .numerator = 3, .denominator = 2}}});
  out.specs.push_back(DisclosureSpec{
      .count_columns = {2, 3, 7, 8},
      .derived = {{5, 3}, {6, 3}, {5, 2}, {6, 2}, {9, 7}, {10, 8}, {10, 7}, {11, 8}, {11, 7}, {12, 8}, {12, 7},
                  {13, 3}, {13, 8}, {14, 3}, {14, 8}, {15, 3}, {15, 8}, {13, 2}, {14, 2}, {15, 2}},
      .ratios = {RatioColumn{.column = 4, .numerator = 3, .denominator = 2}}});
  return out;
}

}  // namespace careflow::analyse
