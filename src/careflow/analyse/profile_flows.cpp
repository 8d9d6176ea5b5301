// Profile at 31 March and flows (starters, ceasers, net change).
#include <fmt/format.h>

#include <cmath>

#include "careflow/analyse/context.hpp"

// g++ 12 reports -Wmaybe-uninitialized inside std::variant when a Cell holding a string is
// copied out of a braced row; the cells are initialised (a known false positive, GCC PR 107138).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace careflow::analyse::detail {
namespace {

int ethnic_group(CodeIndex e) {
  const auto c = codes::ethnic.code(e);
  if (c.empty()) return 6;
  if (c == "REFU" || c == "NOBT") return 5;
  switch (c[0]) {
    case 'W': return 0;
    case 'M': return 1;
    case 'A': return 2;
    case 'B': return 3;
    default: return 4;  // CHNE, OOTH: "Other ethnic group" as DfE now groups them
  }
}

int code_category(const CodeList& list, CodeIndex i) { return i == kNoCode ? static_cast<int>(list.size()) : i; }

std::vector<std::string> cease_group_labels() {
  std::vector<std::string> v;
  for (int g = 0; g < kCeaseGroupCount; ++g) v.emplace_back(label(static_cast<CeaseGroup>(g)));
  v.emplace_back("Reason not recorded");
  return v;
}
int cease_category(CodeIndex rec) {
  const auto g = cease_group(rec);
  return g ? static_cast<int>(*g) : kCeaseGroupCount;
}

// Duration bands at exit.
const std::vector<std::string> kDurationBands = {"Under 1 year", "1 to under 2 years", "2 to under 5 years",
                                                 "5 to under 10 years", "10 years or more"};
int duration_band(Date start, Date end) {
  // Whole years between the dates, as ages are counted.
  const int years = age_on(start, end);
  if (years < 1) return 0;
  if (years < 2) return 1;
  if (years < 5) return 2;
  if (years < 10) return 3;
  return 4;
}

}  // namespace

// Many categories (single years of age) make a tangle of lines: show the latest year as bars.
void latest_year_bars(const Context& cx, Table& t) {
  t.chart = Chart::bars;
  t.series = {cx.years.size()};
}

void profile(Context& cx, Assessment& a) {
  const History& h = cx.h;
  // Number and rate.
  {
    Table t = make_table(
        "profile", "looked_after_at_31_march", "Children looked after at 31 March: number and rate per 10,000 children",
        "Looked after at the end of 31 March (a child who ceased that day is not counted); short-break-only periods "
        "excluded. 'Published by DfE' is the council's own figure in DfE's statistics, to reconcile against (from "
        "the returns as DfE finally held them; differences point to records changed or lost since). Rate per 10,000 children aged 0-17 using the ONS mid-year estimate of the year before, as DfE does. "
        "England: DfE 'Children looked after in England' (combined time series).",
        {{"year", "Year"},
         {"looked_after", "Looked after"},
         {"population_0_17", "Population 0-17 (mid-year before)"},
         {"rate_per_10000", "Rate per 10,000", 1},
         {"england_rate_per_10000", "England rate per 10,000", 0},
         {"england_looked_after", "England looked after"},
         {"published_looked_after", "Published by DfE for the council"}});
    add_year_rows(cx, t, [&](const CollectionYear& y, size_t, std::vector<Cell>& row) {
      const double n = static_cast<double>(cx.stock(cx.year_end(y)).size());
      row.push_back(n);
      auto pop = cx.population.find(y.end_year - 1);
      if (pop != cx.population.end() && cx.o.filter.empty()) {
        row.push_back(pop->second);
        row.push_back(n / pop->second * 10000.0);
      } else {
        row.push_back(std::monostate{});
        row.push_back(std::monostate{});
      }
      auto e = cx.england.find(y.end_year);
      if (e != cx.england.end() && e->second.looked_after > 0) {
        row.push_back(e->second.rate > 0 ? Cell{e->second.rate} : Cell{});
        row.push_back(e->second.looked_after);
      } else {
        row.push_back(std::monostate{});
        row.push_back(std::monostate{});
      }
      auto pub = cx.published.find(y.end_year);
      row.push_back(pub != cx.published.end() && pub->second.looked_after > 0 && cx.o.filter.empty()
                        ? Cell{pub->second.looked_after} : Cell{});
    });
    set_counts(t, {.columns = {1}, .ratios = {{.column = 3, .numerator = 1, .denominator = 2, .scale = 10000}}});
    if (cx.population.empty()) set_chart(t, Chart::year_lines, {1}, "children");
    else set_chart(t, Chart::year_lines, {3, 4}, "per 10,000 children");
    // Key messages: change over the span, and the rate against England.
    const auto& rows = t.table.rows;
    if (rows.size() >= 2) {
      const double first = std::get<double>(rows.front()[1]), last = std::get<double>(rows.back()[1]);
      if (first >= 10 && last >= 10) {
        const double pct = 100.0 * (last - first) / first;
        a.messages.push_back({"profile",
                              fmt::format("The number of children looked after at 31 March went from {:.0f} in {} to {:.0f} in "
                                          "{} ({:+.0f}%).",
                                          first, cx.years.front().label(), last, cx.years.back().label(), pct),
                              10 + std::fabs(pct), {first, last}});
      }
    }
    if (!rows.empty() && std::holds_alternative<double>(rows.back()[3]) && std::holds_alternative<double>(rows.back()[4]) &&
        std::get<double>(rows.back()[1]) >= 10) {
      const double r = std::get<double>(rows.back()[3]), e = std::get<double>(rows.back()[4]);
      a.messages.push_back({"profile",
                            fmt::format("In {} the council looked after {:.0f} children per 10,000, against {:.0f} in England "
                                        "({:+.0f}%).",
                                        cx.years.back().label(), r, e, 100.0 * (r - e) / e),
                            20 + std::fabs(100.0 * (r - e) / e), {std::get<double>(rows.back()[1])}});
    }
    a.tables.push_back(std::move(t));
  }

  const auto stock_table = [&](std::string id, std::string title, std::string notes, std::vector<std::string> cats,
                               const std::function<int(ChildIndex, Date)>& classify, bool keep_empty = false) {
    auto t = by_year(cx, std::move(id), std::move(title), std::move(notes), "profile", cats,
                     [&](const CollectionYear& y, std::vector<double>& counts) {
                       const Date d = cx.year_end(y);
                       for (ChildIndex c : cx.stock(d)) {
                         const int k = classify(c, d);
                         if (k >= 0) counts[static_cast<size_t>(k)] += 1;
                       }
                     },
                     keep_empty);
    a.tables.push_back(std::move(t));
  };
  stock_table("at_31_march_by_sex", "Children looked after at 31 March, by sex", "Sex from the latest return's Header.",
              {"Male", "Female", "Not known"}, [&](ChildIndex c, Date) {
                return h.children[c].is_male() ? 0 : h.children[c].is_female() ? 1 : 2;
              });
  stock_table("at_31_march_by_age_band", "Children looked after at 31 March, by age band",
              "Age in completed years at 31 March; DfE age bands.", age_band_labels(),
              [&](ChildIndex c, Date d) { return age_band_category(h.age_on(c, d)); }, true);
  stock_table("at_31_march_by_age", "Children looked after at 31 March, by single year of age",
              "Age in completed years at 31 March.", single_age_labels(),
              [&](ChildIndex c, Date d) { return single_age_category(h.age_on(c, d)); });
  latest_year_bars(cx, a.tables.back());
  stock_table("at_31_march_by_ethnicity", "Children looked after at 31 March, by ethnic group",
              "DfE major ethnic groups from the Header's ETHNIC code; Chinese is in 'Other ethnic group'.",
              {"White", "Mixed or multiple ethnic groups", "Asian or Asian British", "Black, African, Caribbean or Black British",
               "Other ethnic group", "Refused or information not yet obtained", "Missing"},
              [&](ChildIndex c, Date) { return ethnic_group(h.children[c].ethnicity); });
  stock_table("at_31_march_by_uasc", "Children looked after at 31 March: unaccompanied asylum-seeking children",
              "UASC on the date: in the UASC table and its status not ceased (DUC) by then.",
              {"Unaccompanied asylum-seeking", "Not UASC"}, [&](ChildIndex c, Date d) {
                const Child& ch = h.children[c];
                return ch.uasc && (ch.uasc_ceased.is_open() || ch.uasc_ceased > d) ? 0 : 1;
              }, true);
  stock_table("at_31_march_by_need", "Children looked after at 31 March, by category of need",
              "CIN code of the episode in force at 31 March.", code_labels(codes::category_of_need),
              [&](ChildIndex c, Date d) {
                const Episode* e = h.episode_on(c, d);
                return code_category(codes::category_of_need, e ? e->need : kNoCode);
              });
  stock_table("at_31_march_by_legal_status", "Children looked after at 31 March, by legal status",
              "Legal status of the episode in force at 31 March.", code_labels(codes::legal_status),
              [&](ChildIndex c, Date d) {
                const Episode* e = h.episode_on(c, d);
                return code_category(codes::legal_status, e ? e->legal_status : kNoCode);
              });
  stock_table("at_31_march_by_placement", "Children looked after at 31 March, by placement type",
              "Placement type of the episode in force at 31 March, in DfE's publication groups.", placement_group_labels(),
              [&](ChildIndex c, Date d) {
                const Episode* e = h.episode_on(c, d);
                return static_cast<int>(placement_group(e ? e->placement_type : kNoCode));
              });
  stock_table("at_31_march_by_provider", "Children looked after at 31 March, by placement provider",
              "PLACE_PROVIDER of the episode in force at 31 March.", code_labels(codes::placement_provider),
              [&](ChildIndex c, Date d) {
                const Episode* e = h.episode_on(c, d);
                return code_category(codes::placement_provider, e ? e->provider : kNoCode);
              });
  location(cx, a);

  // Largest change in a category's share between the first and last year.
  if (cx.years.size() >= 2) {
    double best = 0;
    std::string text;
    std::vector<double> best_counts;
    for (const auto& t : a.tables) {
      if (t.section != "profile" || t.chart != Chart::category_lines || !t.total_row) continue;
      const auto& total = t.table.rows[*t.total_row];
      const size_t last = cx.years.size();
      const double t0 = std::get<double>(total[1]), t1 = std::get<double>(total[last]);
      if (t0 < 10 || t1 < 10) continue;
      for (size_t r = 0; r < *t.total_row; ++r) {
        const double v0 = std::get<double>(t.table.rows[r][1]), v1 = std::get<double>(t.table.rows[r][last]);
        if (v0 <= 5 || v1 <= 5) continue;  // never a message about a small number
        const double change = 100.0 * (v1 / t1 - v0 / t0);
        if (std::fabs(change) > std::fabs(best)) {
          best = change;
          best_counts = {v0, v1};
          text = fmt::format("{}: the share '{}' changed from {:.0f}% in {} to {:.0f}% in {} ({:+.0f} points).", t.table.title,
                             std::get<std::string>(t.table.rows[r][0]), 100.0 * v0 / t0, cx.years.front().label(),
                             100.0 * v1 / t1, cx.years.back().label(), change);
        }
      }
    }
    if (!text.empty()) a.messages.push_back({"profile", text, 5 + std::fabs(best), best_counts});
  }
}

void flows(Context& cx, Assessment& a) {
  const History& h = cx.h;
  {
    Table t = make_table(
        "flows", "flows_by_year", "Children looked after during the year, starters and ceasers",
        "Starters and ceasers are periods of care starting / ending between 1 April and 31 March (a child can start "
        "twice). An 18th-birthday exit is a period that ended on or after the child's 18th birthday. Net change = "
        "starters - ceasers (the change in the number looked after from 31 March to 31 March, when no filter is "
        "applied); starters minus ceasers other than 18th-birthday exits = starters - (ceasers - 18th-birthday "
        "exits): what the change would have been had no one left at 18.",
        {{"year", "Year"},
         {"during_year", "Looked after during the year"},
         {"at_start", "Looked after at 1 April (end of 31 March before)"},
         {"started", "Started"},
         {"ceased", "Ceased"},
         {"started_per_month", "Started per month", 1},
         {"ceased_per_month", "Ceased per month", 1},
         {"ceased_at_18", "Ceased at 18th birthday or later"},
         {"net_change", "Net change"},
         {"net_change_excl_18", "Starters minus ceasers other than 18th-birthday exits"},
         {"england_started_per_10000", "England starters per 10,000", 1},
         {"started_per_10000", "Starters per 10,000", 1}});
    add_year_rows(cx, t, [&](const CollectionYear& y, size_t, std::vector<Cell>& row) {
      const Date from = y.start(), to = cx.year_end(y);
      std::vector<char> seen(h.children.size(), 0);
      double during = 0;
      for (const auto& p : h.periods) {
        if (p.short_breaks || p.start > to || (!p.is_open() && p.end < from) || seen[p.child]) continue;
        const Date on = p.start > from ? p.start : from;
        if (!cx.keep(p.child, on)) continue;
        seen[p.child] = 1;
        during += 1;
      }
      const auto st = cx.starters(from, to), ce = cx.ceasers(from, to);
      double at18 = 0;
      for (uint32_t p : ce) at18 += is_eighteenth_birthday_exit(h, h.periods[p]);
      const double ns = static_cast<double>(st.size()), nc = static_cast<double>(ce.size());
      const double months = (to - from + 1) / 30.4375;
      row.insert(row.end(), {during, static_cast<double>(cx.stock(from - 1).size()), ns, nc, ns / months, nc / months,
                             at18, ns - nc, ns - (nc - at18)});
      auto e = cx.england.find(y.end_year);
      if (e != cx.england.end() && e->second.population > 0 && e->second.started > 0)
        row.push_back(e->second.started / e->second.population * 10000.0);
      else
        row.push_back(std::monostate{});
      auto pop = cx.population.find(y.end_year - 1);
      row.push_back(pop != cx.population.end() && cx.o.filter.empty() ? Cell{ns / pop->second * 10000.0} : Cell{});
    });
    // Per month and per 10,000 divide by numbers a reader knows (the months in the year, the
    // published population); the net changes are linear in the counts (a relation of each row).
    set_counts(t, {.columns = {1, 2, 3, 4, 7},
                   .ratios = {{.column = 5, .numerator = 3, .scale = 1},
                              {.column = 6, .numerator = 4, .scale = 1},
                              {.column = 11, .numerator = 3, .scale = 10000}},
                   .row_relations = {{{3, 4, 8}, {1, -1, -1}}, {{3, 4, 7, 9}, {1, -1, 1, -1}}}});
    set_chart(t, Chart::year_lines, {3, 4, 9}, "children");
    const auto& last = t.table.rows.back();
    const double ns = std::get<double>(last[3]), nc = std::get<double>(last[4]), at18 = std::get<double>(last[7]);
    // The change stated is that of the number looked after (31 March to 31 March), which is what
    // a reader takes "care grew" to mean; starters minus ceasers equals it only when every child
    // counted is counted on both dates (not with a filter such as an age band). Without the
    // 18th-birthday exits the number would have been higher by exactly those children.
    const double before = std::get<double>(last[2]),
                 after = static_cast<double>(cx.stock(cx.year_end(cx.years.back())).size());
    const auto change = [](double d, bool past) {
      if (d == 0) return std::string(past ? "did not change" : "not changed");
      return fmt::format("{} by {:.0f}", d > 0 ? (past ? "rose" : "risen") : (past ? "fell" : "fallen"), std::fabs(d));
    };
    if (ns >= 10 && nc >= 10)
      a.messages.push_back(
          {"flows",
           fmt::format("In {} {:.0f} children started and {:.0f} ceased to be looked after; {:.0f} of the ceasers left "
                       "at 18 or over. The number looked after {}, from {:.0f} to {:.0f}; without the {:.0f} who left "
                       "at 18 or over it would have {}.",
                       cx.years.back().label(), ns, nc, at18, change(after - before, true), before, after, at18,
                       change(after - before + at18, false)),
           15, {ns, nc, at18, before, after}});
    if (std::holds_alternative<double>(last[10]) && std::holds_alternative<double>(last[11]) && ns >= 10) {
      const double e = std::get<double>(last[10]), r = std::get<double>(last[11]);
      a.messages.push_back({"flows",
                            fmt::format("Children started to be looked after at {:.1f} per 10,000 in {}, against {:.1f} in "
                                        "England ({:+.0f}%).",
                                        r, cx.years.back().label(), e, 100.0 * (r - e) / e),
                            10 + std::fabs(100.0 * (r - e) / e), {ns}});
    }
    a.tables.push_back(std::move(t));
  }

  // Periods starting (or ending) in each year, by the category `classify` gives them.
  using Periods = std::vector<uint32_t> (Context::*)(Date, Date) const;
  const auto periods_table = [&](Periods periods, std::string id, std::string title, std::string notes,
                                 std::vector<std::string> cats, const std::function<int(const PeriodOfCare&)>& classify,
                                 bool keep_empty = false) {
    a.tables.push_back(by_year(cx, std::move(id), std::move(title), std::move(notes), "flows", cats,
                               [&](const CollectionYear& y, std::vector<double>& counts) {
                                 for (uint32_t p : (cx.*periods)(y.start(), cx.year_end(y))) {
                                   const int k = classify(h.periods[p]);
                                   if (k >= 0) counts[static_cast<size_t>(k)] += 1;
                                 }
                               },
                               keep_empty));
  };
  const auto starters_table = [&](auto&&... args) { periods_table(&Context::starters, args...); };
  const auto ceasers_table = [&](auto&&... args) { periods_table(&Context::ceasers, args...); };
  const auto first_episode = [&](const PeriodOfCare& p) -> const Episode& { return h.episodes[p.first_episode]; };
  starters_table("starters_by_age", "Children who started to be looked after, by age at starting",
                 "Age in completed years on the day the period of care started.", single_age_labels(),
                 [&](const PeriodOfCare& p) { return single_age_category(h.age_on(p.child, p.start)); });
  latest_year_bars(cx, a.tables.back());
  starters_table("starters_by_age_band", "Children who started to be looked after, by age band", "Age at starting.",
                 age_band_labels(),
                 [&](const PeriodOfCare& p) { return age_band_category(h.age_on(p.child, p.start)); }, true);
  starters_table("starters_by_legal_status", "Children who started to be looked after, by legal status at starting",
                 "Legal status of the period's first episode.", code_labels(codes::legal_status),
                 [&](const PeriodOfCare& p) { return code_category(codes::legal_status, first_episode(p).legal_status); });
  starters_table("starters_by_need", "Children who started to be looked after, by category of need",
                 "Category of need of the period's first episode.", code_labels(codes::category_of_need),
                 [&](const PeriodOfCare& p) { return code_category(codes::category_of_need, first_episode(p).need); });
  starters_table("starters_by_first_placement", "Children who started to be looked after, by first placement",
                 "Placement type of the period's first episode, in DfE groups.", placement_group_labels(),
                 [&](const PeriodOfCare& p) { return static_cast<int>(placement_group(first_episode(p).placement_type)); });
  ceasers_table("ceasers_by_age_band", "Children who ceased to be looked after, by age band", "Age on the day care ended.",
                age_band_labels(),
                [&](const PeriodOfCare& p) { return age_band_category(h.age_on(p.child, p.end)); }, true);
  ceasers_table("ceasers_by_age", "Children who ceased to be looked after, by age", "Age on the day care ended.",
                single_age_labels(), [&](const PeriodOfCare& p) { return single_age_category(h.age_on(p.child, p.end)); });
  latest_year_bars(cx, a.tables.back());
  ceasers_table("ceasers_by_reason", "Children who ceased to be looked after, by reason",
                "Reason episode ceased (REC) of the period's last episode, in DfE's publication groups.", cease_group_labels(),
                [&](const PeriodOfCare& p) { return cease_category(p.reason_ceased); });
  // England's shares by reason for the latest year DfE has published up to the span's end.
  {
    Table& t = a.tables.back();
    auto e = cx.england_ceased_by_reason.upper_bound(cx.years.back().end_year);
    if (e != cx.england_ceased_by_reason.begin() && (--e)->second.size() == kCeaseGroupCount + 1 &&
        e->second[kCeaseGroupCount] > 0) {
      const auto& eng = e->second;
      t.table.add_column("england_percent", fmt::format("England % {}", CollectionYear{e->first}.label()), 0);
      const size_t latest = cx.years.size(), pct = latest + 1;
      const double total = std::get<double>(t.table.rows[*t.total_row][latest]);
      double best = 0;
      std::string text;
      double best_n = 0;
      for (auto& row : t.table.rows) {
        // A copy: the row grows below, which may move its cells.
        const std::string name = std::get<std::string>(row[0]);
        int g = 0;
        for (; g < kCeaseGroupCount; ++g)
          if (label(static_cast<CeaseGroup>(g)) == name) break;
        if (name == "Total") {
          row.push_back(100.0);
          continue;
        }
        if (g == kCeaseGroupCount) {
          row.push_back(std::monostate{});
          continue;
        }
        const double ep = 100.0 * eng[static_cast<size_t>(g)] / eng[kCeaseGroupCount];
        row.push_back(ep);
        const double n = std::get<double>(row[latest]);
        if (total >= 20 && n > 5 && std::holds_alternative<double>(row[pct]) &&
            std::fabs(std::get<double>(row[pct]) - ep) > std::fabs(best)) {
          best = std::get<double>(row[pct]) - ep;
          best_n = n;
          text = fmt::format("Of the children who ceased to be looked after in {}, {:.0f}% left by '{}', against {:.0f}% in "
                             "England ({}).",
                             cx.years.back().label(), std::get<double>(row[pct]), name, ep, CollectionYear{e->first}.label());
        }
      }
      // Rows whose category is absent from the council's data are not listed, so add none: the
      // comparison is for the reasons the council has.
      t.table.notes += " England: DfE 'Children looked after in England', reasons ceased (national).";
      if (!text.empty()) a.messages.push_back({"flows", text, 5 + std::fabs(best), {best_n}});
    }
  }
  // A period that began before the first return held, with its start unknown, lasted at least
  // as long as it looks (from its first episode held): its band is known only when that is
  // already the top one. The others are counted apart rather than as if they began with the returns.
  const int kTopBand = static_cast<int>(kDurationBands.size()) - 1, kLengthUnknown = kTopBand + 1;
  const std::string length_unknown = "Began before " + cx.first_return() + ": length not known";
  auto duration_bands = kDurationBands;
  duration_bands.push_back(length_unknown);
  ceasers_table("ceasers_by_duration", "Children who ceased to be looked after, by time in care",
                "Length of the period of care that ended, in whole years from start to end.", duration_bands,
                [&](const PeriodOfCare& p) {
                  const int band = duration_band(p.start, p.end);
                  return h.start_known(p) || band == kTopBand ? band : kLengthUnknown;
                }, true);
  {
    Table& t = a.tables.back();
    std::vector<char> unknown(cx.years.size(), 0);
    for (size_t yi = 0; yi < cx.years.size(); ++yi)  // every band is a row (keep_empty): the row is kLengthUnknown
      unknown[yi] = std::get<double>(t.table.rows[static_cast<size_t>(kLengthUnknown)][yi + 1]) > 0;
    drop_row_if_empty(cx, t, length_unknown);
    state_reliability(cx, t, "Time in care at leaving",
                      fmt::format("Counted apart as '{}' (a period that began before then at a date the returns do not "
                                  "show, and is not already 10 years or more from its first episode held)",
                                  length_unknown),
                      unknown);
  }
  // Whether a period lasted under a year is unknown when it began before the first return held,
  // its start unknown, and it looks shorter than a year: such a year is left blank.
  std::vector<char> short_stay_unknown(cx.years.size(), 0);
  for (size_t yi = 0; yi < cx.years.size(); ++yi)
    for (uint32_t pi : cx.ceasers(cx.years[yi].start(), cx.year_end(cx.years[yi]))) {
      const PeriodOfCare& p = h.periods[pi];
      if (!h.start_known(p) && duration_band(p.start, p.end) == 0) short_stay_unknown[yi] = 1;
    }
  const auto short_stay_reliability = [&](const std::string& measure) {
    Table& t = a.tables.back();
    for (size_t yi = 0; yi < cx.years.size(); ++yi)
      if (short_stay_unknown[yi]) blank_year_column(cx, t, yi);
    state_reliability(cx, t, measure,
                      "Left blank where a leaver's period began before " + cx.first_return() +
                          " at a date the returns do not show, so whether it lasted under a year is not known",
                      short_stay_unknown);
  };
  ceasers_table("short_stay_leavers_by_age_band", "Children who left care within a year of starting, by age band",
                "Periods of care that ended less than one year after they started; age on leaving.", age_band_labels(),
                [&](const PeriodOfCare& p) {
                  return duration_band(p.start, p.end) != 0 ? -1 : age_band_category(h.age_on(p.child, p.end));
                }, true);
  short_stay_reliability("Left care within a year of starting, by age");
  ceasers_table("short_stay_leavers_by_destination", "Children who left care within a year of starting, by reason",
                "Periods of care that ended less than one year after they started, by reason ceased (DfE groups).",
                cease_group_labels(), [&](const PeriodOfCare& p) {
                  return duration_band(p.start, p.end) != 0 ? -1 : cease_category(p.reason_ceased);
                });
  short_stay_reliability("Left care within a year of starting, by reason");

  // Starters against leavers by age band, latest year.
  {
    const auto& y = cx.years.back();
    Table t = make_table("flows", "starters_vs_leavers_by_age_band", "Starters and leavers by age band, " + y.label(),
                         "Age at starting (starters) and at leaving (leavers). Net = starters - leavers.",
                         {{"age_band", "Age band"}, {"started", "Started"}, {"ceased", "Ceased"}, {"net", "Net change"}});
    std::vector<double> s(kAgeBandCount + 1, 0), c(kAgeBandCount + 1, 0);
    for (uint32_t p : cx.starters(y.start(), cx.year_end(y))) {
      const int age = h.age_on(h.periods[p].child, h.periods[p].start);
      s[age < 0 ? kAgeBandCount : static_cast<int>(age_band(age))] += 1;
    }
    for (uint32_t p : cx.ceasers(y.start(), cx.year_end(y))) {
      const int age = h.age_on(h.periods[p].child, h.periods[p].end);
      c[age < 0 ? kAgeBandCount : static_cast<int>(age_band(age))] += 1;
    }
    double ts = 0, tc = 0;
    for (int b = 0; b <= kAgeBandCount; ++b) {
      ts += s[b];
      tc += c[b];
      if (b == kAgeBandCount && s[b] == 0 && c[b] == 0) continue;
      t.table.add_row({b == kAgeBandCount ? std::string(kAgeNotKnown) : std::string(label(static_cast<AgeBand>(b))), s[b],
                       c[b], s[b] - c[b]});
    }
    t.table.add_row({std::string("Total"), ts, tc, ts - tc});
    set_counts(t, {.columns = {1, 2},
                   .last_row_is_total = true,
                   .row_relations = {{{1, 2, 3}, {1, -1, -1}}}});
    set_chart(t, Chart::bars, {1, 2}, "children");
    a.tables.push_back(std::move(t));
  }

  // Entry cohorts: when today's children entered care.
  {
    Table t = make_table("flows", "entry_cohorts",
                         "Children looked after on " + cx.ref.to_string() + ", by year their current period of care began",
                         "Collection year in which the current period of care started.",
                         {{"entry_year", "Entered care in"}, {"children", "Children"}, {"percent", "%", 1}});
    const auto stock = cx.stock(cx.ref);
    std::map<int, double> by;
    // A period that began before the first return held at a date the returns do not show is
    // counted apart: the year of its first episode held is only the latest it can have begun.
    double recent = 0, year_unknown = 0;
    bool recent_known = true;
    const Date three_years = birthday(cx.ref, -3) ;
    for (ChildIndex c : stock) {
      const PeriodOfCare* p = h.period_on(c, cx.ref);
      if (!p) continue;
      if (h.start_known(*p)) {
        by[collection_year_of(p->start).end_year] += 1;
        recent += p->start > three_years;
      } else {
        year_unknown += 1;
        recent_known &= p->start <= three_years;  // began on or before that, so not in the last three years
      }
    }
    const double total = static_cast<double>(stock.size());
    for (auto it = by.rbegin(); it != by.rend(); ++it)
      t.table.add_row({CollectionYear{it->first}.label(), it->second, total ? 100.0 * it->second / total : Cell{}});
    if (year_unknown > 0)
      t.table.add_row({"Before " + cx.first_return() + " (year not known)", year_unknown, 100.0 * year_unknown / total});
    t.table.add_row({std::string("Total"), total, total ? Cell{100.0} : Cell{}});
    set_counts(t, {.columns = {1},
                   .last_row_is_total = true,
                   .ratios = {{.column = 2, .numerator = 1, .denominator = 1, .denominator_row = t.table.rows.size() - 1}}});
    set_chart(t, Chart::bars, {1}, "children");
    t.table.notes += fmt::format(" A period that began before {} at a date the returns do not show (its first episode "
                                 "held is not RNE S) is counted as 'Before {} (year not known)'.",
                                 cx.first_return(), cx.first_return());
    cx.reliability.push_back(
        {"When today's children entered care", t.table.id, "every year",
         year_unknown > 0 ? fmt::format("counted apart as 'Before {} (year not known)'", cx.first_return())
                          : std::string("none in the years analysed")});
    if (total >= 10 && recent_known)
      a.messages.push_back({"flows",
                            fmt::format("{:.0f}% of the children looked after on {} entered care in the last three years.",
                                        100.0 * recent / total, cx.ref.to_string()),
                            8, {recent, total - recent}});
    a.tables.push_back(std::move(t));
  }
}

}  // namespace careflow::analyse::detail
