// Relations between the needs assessment's tables: where the same children are counted in more
// than one table, and how. Disclosure control (report/disclosure) withholds a figure wherever it
// appears, and the relations are published beside the tables (relations.json) for an auditor.
//
// Each relation here is true by definition (the auditor test checks every one on fifty synthetic
// councils); the few that hold only for some data (the stock-flow identity, which a filter judged
// on different dates breaks) are declared only when they hold, since a reader who sees them hold
// can use them.
#include <fmt/format.h>

#include <cmath>
#include <map>

#include "careflow/analyse/context.hpp"

namespace careflow::analyse::detail {
namespace {

// Figures by collection end year.
using ByYear = std::map<int, CellRef>;

// A provider's row label, as the provider tables write it ("PR0 Parent(s) or ...").
std::string provider_label(std::string_view code) {
  const CodeIndex i = codes::placement_provider.find(code);
  return i == kNoCode ? std::string(code) : fmt::format("{} {}", code, codes::placement_provider.label(i));
}

class Relate {
 public:
  Relate(const Context& cx, Assessment& a) : cx_(cx), a_(a) {}

  const OutputTable* table(const std::string& id) const {
    for (const auto& t : a_.tables)
      if (t.table.id == id) return &t.table;
    return nullptr;
  }
  static std::optional<size_t> row_labelled(const OutputTable& t, const std::string& label) {
    for (size_t r = 0; r < t.rows.size(); ++r)
      if (const auto* s = std::get_if<std::string>(&t.rows[r][0]); s && *s == label) return r;
    return std::nullopt;
  }
  static std::optional<size_t> column_named(const OutputTable& t, const std::string& name) {
    for (size_t c = 0; c < t.columns.size(); ++c)
      if (t.columns[c].name == name) return c;
    return std::nullopt;
  }
  double value(const CellRef& c) const {
    const auto* t = table(c.table);
    const double* d = std::get_if<double>(&t->rows[c.row][c.column]);
    return d ? *d : std::nan("");
  }

  // A row of a by-year table (categories down, years across): its cell in each year.
  ByYear row(const std::string& id, const std::string& label) const {
    ByYear out;
    const auto* t = table(id);
    if (!t) return out;
    const auto r = row_labelled(*t, label);
    if (!r) return out;
    for (const auto& y : cx_.years)
      if (const auto c = column_named(*t, year_column(y))) out[y.end_year] = {id, *r, *c};
    return out;
  }
  ByYear total(const std::string& id) const { return row(id, "Total"); }
  // A column of a table with a row per year.
  ByYear column(const std::string& id, const std::string& name) const {
    ByYear out;
    const auto* t = table(id);
    if (!t) return out;
    const auto c = column_named(*t, name);
    if (!c) return out;
    for (const auto& y : cx_.years)
      if (const auto r = row_labelled(*t, y.label())) out[y.end_year] = {id, *r, *c};
    return out;
  }

  void same(const CellRef& a, const CellRef& b) { a_.relations.push_back({Relation::Kind::equal, {a, b}}); }
  void same(const ByYear& a, const ByYear& b) {
    for (const auto& [y, c] : a)
      if (const auto it = b.find(y); it != b.end()) same(c, it->second);
  }
  // For figures that are the same by a rule the data may break (a validation rule, a repair):
  // declared where they agree, since a reader who knows the rule takes them as one.
  void same_where_equal(const CellRef& a, const CellRef& b) {
    if (value(a) == value(b)) same(a, b);
  }
  void same_where_equal(const ByYear& a, const ByYear& b) {
    for (const auto& [y, c] : a)
      if (const auto it = b.find(y); it != b.end()) same_where_equal(c, it->second);
  }
  void sum(const CellRef& total, const std::vector<CellRef>& parts) {
    if (parts.empty()) return;
    Relation r{Relation::Kind::sum, {total}};
    r.cells.insert(r.cells.end(), parts.begin(), parts.end());
    a_.relations.push_back(std::move(r));
  }

  // Age bands are sums of single years of age: band table row b = the single-age rows in b.
  void age_bands(const std::string& single, const std::string& bands) {
    const auto ages = single_age_labels();
    for (int b = 0; b < kAgeBandCount; ++b) {
      const auto band_row = row(bands, std::string(label(static_cast<AgeBand>(b))));
      std::vector<ByYear> parts;
      for (int age = 0; age <= 18; ++age)
        if (age_band(age) == static_cast<AgeBand>(b)) parts.push_back(row(single, ages[static_cast<size_t>(age)]));
      for (const auto& [y, cell] : band_row) {
        std::vector<CellRef> in;
        for (const auto& p : parts)
          if (const auto it = p.find(y); it != p.end()) in.push_back(it->second);
        // No single-age row at all: they are all zero (rows of zeros are left out), and so is
        // the band (it is a published 0 or the row would not be there with a value).
        if (!in.empty()) sum(cell, in);
      }
    }
    same(row(single, kAgeNotKnown), row(bands, kAgeNotKnown));
  }

  void run() {
    const ByYear stock = column("looked_after_at_31_march", "looked_after");
    for (const char* id : {"at_31_march_by_sex", "at_31_march_by_age_band", "at_31_march_by_age", "at_31_march_by_ethnicity",
                           "at_31_march_by_uasc", "at_31_march_by_need", "at_31_march_by_legal_status",
                           "at_31_march_by_placement", "at_31_march_by_provider", "at_31_march_by_location",
                           "at_31_march_by_distance"})
      same(stock, total(id));
    same(stock, column("placement_stability", "looked_after"));
    age_bands("at_31_march_by_age", "at_31_march_by_age_band");
    age_bands("starters_by_age", "starters_by_age_band");
    age_bands("ceasers_by_age", "ceasers_by_age_band");

    const ByYear started = column("flows_by_year", "started"), ceased = column("flows_by_year", "ceased");
    for (const char* id :
         {"starters_by_age", "starters_by_age_band", "starters_by_legal_status", "starters_by_need", "starters_by_first_placement"})
      same(started, total(id));
    for (const char* id : {"ceasers_by_age", "ceasers_by_age_band", "ceasers_by_reason", "ceasers_by_duration"})
      same(ceased, total(id));
    // An 18th-birthday exit is a ceaser aged 18 or over on the day care ended.
    same(column("flows_by_year", "ceased_at_18"), row("ceasers_by_age", "18 and over"));
    // Leavers within a year of starting: ceasers whose time in care was under 1 year.
    const ByYear short_stay = row("ceasers_by_duration", "Under 1 year");
    same(short_stay, total("short_stay_leavers_by_destination"));
    same(short_stay, total("short_stay_leavers_by_age_band"));
    // A ceaser under 1 was in care under a year (unless care began before birth: bad data).
    const std::string under_1(label(AgeBand::under_1));
    same_where_equal(row("ceasers_by_age_band", under_1), row("short_stay_leavers_by_age_band", under_1));

    // Starters and leavers by age band in the latest year: the by-year tables' latest column.
    if (const auto* t = table("starters_vs_leavers_by_age_band"); t && !cx_.years.empty()) {
      const int last = cx_.years.back().end_year;
      for (size_t r = 0; r < t->rows.size(); ++r) {
        const auto* label = std::get_if<std::string>(&t->rows[r][0]);
        if (!label) continue;
        for (auto [col, id] : {std::pair{"started", "starters_by_age_band"}, {"ceased", "ceasers_by_age_band"}}) {
          const auto c = column_named(*t, col);
          const auto other = row(id, *label);
          if (c && other.count(last)) same(CellRef{t->id, r, *c}, other.at(last));
        }
      }
    }

    // The stock at the start of a year is the stock at the end of the one before; and the stock
    // at the end is that at the start plus starters minus ceasers (periods of care: a child has
    // one at a time), which a filter judged on different days can break: declared when it holds.
    const ByYear at_start = column("flows_by_year", "at_start");
    for (const auto& [y, c] : at_start) {
      if (const auto prev = stock.find(y - 1); prev != stock.end()) same(c, prev->second);
      if (!stock.count(y) || !started.count(y) || !ceased.count(y)) continue;
      const CellRef s = stock.at(y), st = started.at(y), ce = ceased.at(y);
      if (value(c) + value(st) - value(ce) == value(s))
        a_.relations.push_back({Relation::Kind::linear, {c, st, ce, s}, {1, 1, -1, -1}});
    }

    // Permanence: the ceasers by reason, and adoptions by age band.
    for (auto [col, g] : {std::pair{"adopted", CeaseGroup::adopted}, {"sgo", CeaseGroup::special_guardianship},
                          {"cao", CeaseGroup::residence_order}})
      same(column("permanence_by_year", col), row("ceasers_by_reason", std::string(label(g))));
    same(column("permanence_by_year", "adopted"), total("adoptions_by_age_band"));
    same(column("permanence_by_year", "adopted_under_1"), row("adoptions_by_age_band", std::string(label(AgeBand::under_1))));
    // Placed with parents (P1 alone is DfE's group "Placed with parents"), whose provider is the
    // parents (PR0) by DfE's rules.
    const std::string parents(label(PlacementGroup::placed_with_parents));
    const ByYear p1 = row("at_31_march_by_placement", parents);
    same(p1, total("placed_with_parents_by_need"));
    same(p1, total("placed_with_parents_by_age_band"));
    const std::string pr0 = provider_label("PR0");
    same_where_equal(p1, row("at_31_march_by_provider", pr0));

    // Today's children by the year they entered: the stock on the reference date.
    if (!cx_.years.empty() && cx_.year_end(cx_.years.back()) == cx_.ref)
      if (const auto* t = table("entry_cohorts"); t && !t->rows.empty() && stock.count(cx_.years.back().end_year))
        same(CellRef{t->id, t->rows.size() - 1, 1}, stock.at(cx_.years.back().end_year));

    // Placement lengths: by type and by provider are two breakdowns of the same placements; PR0
    // (parents) is P1's provider. Placements open on the reference date are those of the
    // children looked after on it (one each), by type and by provider as at 31 March -- which
    // overlapping placements in a faulty return can break: declared where they agree.
    const auto* by_type = table("placement_length_by_type");
    const auto* by_provider = table("placement_length_by_provider");
    for (const char* col : {"ended", "open"}) {
      if (!by_type || !by_provider) break;
      const auto a = column_named(*by_type, col), b = column_named(*by_provider, col);
      const auto ta = row_labelled(*by_type, "Total"), tb = row_labelled(*by_provider, "Total");
      if (a && b && ta && tb) same(CellRef{by_type->id, *ta, *a}, CellRef{by_provider->id, *tb, *b});
      const auto pa = row_labelled(*by_type, parents), pb = row_labelled(*by_provider, pr0);
      if (a && b && pa && pb) same_where_equal(CellRef{by_type->id, *pa, *a}, CellRef{by_provider->id, *pb, *b});
    }
    if (!cx_.years.empty() && cx_.year_end(cx_.years.back()) == cx_.ref) {
      const int last = cx_.years.back().end_year;
      for (auto [t, by] : {std::pair{by_type, "at_31_march_by_placement"}, {by_provider, "at_31_march_by_provider"}}) {
        if (!t) continue;
        const auto open = column_named(*t, "open");
        for (size_t r = 0; open && r < t->rows.size(); ++r)
          if (const auto* label = std::get_if<std::string>(&t->rows[r][0]))
            if (const auto there = row(by, *label); there.count(last)) same_where_equal(CellRef{t->id, r, *open}, there.at(last));
      }
    }

    // The Kaplan-Meier table counts the periods starting in the span: each age group's are its
    // starters over the years (declared where they agree: a span with a year missing breaks it).
    if (const auto* km = table("time_in_care_kaplan_meier")) {
      for (size_t r = 0; r < km->rows.size(); ++r) {
        const auto* label = std::get_if<std::string>(&km->rows[r][0]);
        if (!label) continue;
        const ByYear by = *label == "All ages" ? started : row("starters_by_age_band", *label);
        std::vector<CellRef> parts;
        double total = 0;
        for (const auto& [y, c] : by) parts.push_back(c), total += value(c);
        const CellRef periods{km->id, r, 1};
        if (!parts.empty() && total == value(periods)) sum(periods, parts);
      }
    }

    // Kaplan-Meier curves rest on each group's periods as the table's quartiles do.
    if (const auto* km = table("time_in_care_kaplan_meier"))
      if (const auto* curve = table("time_in_care_curve"))
        for (int g = 0; g <= kAgeBandCount; ++g) {
          const std::string label = g == kAgeBandCount ? "All ages" : std::string(careflow::label(static_cast<AgeBand>(g)));
          const auto r = row_labelled(*km, label);
          const auto col = column_named(*curve, g == kAgeBandCount ? "all" : fmt::format("band{}", g));
          if (!r || !col) continue;
          for (size_t cr = 0; cr < curve->rows.size(); ++cr)
            if (std::holds_alternative<double>(curve->rows[cr][*col]))
              a_.relations.push_back({Relation::Kind::depends, {{curve->id, cr, *col}, {km->id, *r, 1}}});
        }
  }

 private:
  const Context& cx_;
  Assessment& a_;
};

}  // namespace

void relate_tables(const Context& cx, Assessment& a) { Relate(cx, a).run(); }

}  // namespace careflow::analyse::detail
