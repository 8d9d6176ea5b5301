#include "careflow/benchmark/public_data.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdlib>

#include "careflow/benchmark/direct_measures.hpp"
#include "careflow/benchmark/published_table.hpp"
#include "careflow/io/csv.hpp"

namespace careflow::benchmark {

std::string_view marker_meaning(Marker m) {
  switch (m) {
    case Marker::value: return "value";
    case Marker::suppressed: return "suppressed";
    case Marker::not_applicable: return "not applicable";
    case Marker::not_available: return "not available";
    case Marker::negligible: return "negligible";
    case Marker::unreadable: return "unreadable";
    case Marker::low_reliability: return "low reliability";
  }
  return "?";
}

static std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

Published parse_published(std::string_view cell) {
  Published p;
  cell = trim(cell);
  // ":" is the older releases' "not available" (GSS symbols before "x"; e.g. Cornwall's 2014 referrals by source).
  if (cell.empty() || cell == ".." || cell == "." || cell == ":") { p.marker = Marker::not_available; return p; }
  if (cell == "x" || cell == "c" || cell == "X" || cell == "C") { p.marker = Marker::suppressed; return p; }
  if (cell == "z" || cell == "Z") { p.marker = Marker::not_applicable; return p; }
  if (cell == "-" || cell == "k" || cell == "K") { p.marker = Marker::negligible; return p; }
  if (cell == "u" || cell == "U") { p.marker = Marker::low_reliability; return p; }
  std::string s;
  for (char ch : cell) if (ch != ',') s += ch;  // thousands separators
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) { p.marker = Marker::unreadable; return p; }
  p.value = v;
  p.marker = Marker::value;
  return p;
}

const std::vector<BoundaryChange>& boundary_changes() {
  static const std::vector<BoundaryChange> changes = {
      {"Bournemouth, Poole and Dorset (county) became Bournemouth, Christchurch and Poole and Dorset "
       "(April 2019)", 2020, {835, 836, 837}, {838, 839}},
      {"Northamptonshire became North and West Northamptonshire (April 2021)", 2022, {928}, {940, 941}},
      {"Cumbria became Cumberland and Westmorland and Furness (April 2023)", 2024, {909}, {942, 943}},
  };
  return changes;
}

const std::vector<std::string>& code_aliases(const std::string& code) {
  static const std::map<std::string, std::vector<std::string>> aliases = {
      {"E06000060", {"E10000002"}}, {"E10000002", {"E06000060"}},   // Buckinghamshire recoded 2020
      {"E06000065", {"E10000023"}}, {"E10000023", {"E06000065"}},   // North Yorkshire 2023
      {"E06000066", {"E10000027"}}, {"E10000027", {"E06000066"}},   // Somerset 2023
      {"E08000037", {"E08000020"}}, {"E08000020", {"E08000037"}},   // Gateshead recoded 2013
      {"E06000057", {"E06000048"}}, {"E06000048", {"E06000057"}},   // Northumberland recoded 2013
      {"E06000061", {"E10000021"}}, {"E06000062", {"E10000021"}},   // Northamptonshire split
      {"E06000063", {"E10000006"}}, {"E06000064", {"E10000006"}},   // Cumbria split
  };
  static const std::vector<std::string> none;
  auto it = aliases.find(code);
  return it == aliases.end() ? none : it->second;
}

const std::vector<LaitMeasure>& lait_measures() {
  static const std::vector<LaitMeasure> m = {
      {"LACStable_2016on", "Looked after with 3 or more placements in the year (%)"},
      {"LAC_LongStable%", "Looked after in the same placement for 2 years or more (%)"},
      {"CIN", "Children in need per 10,000"},
      {"CPP_rate", "Child protection plans per 10,000"},
      {"ReReferral", "Re-referrals within 12 months (%)"},
      {"LACFinance", "Looked after: S251 weekly unit cost (GBP)"},
      {"FosteringFinance", "Fostering: S251 weekly unit cost (GBP)"},
      {"RescareFinance", "Residential care: S251 weekly unit cost (GBP)"},
      {"ChildPov", "Children under 16 in relative low income families (%)"},
      {"Work_Force_TO_Rate", "Children's social worker turnover (%)"},
  };
  return m;
}

static std::string lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

int PublicData::find_council(const std::string& q) const {
  const std::string lq = lower(trim(q));
  int number = 0;  // stays 0 for a number too large to be a DfE LA number
  if (!lq.empty() && std::all_of(lq.begin(), lq.end(), [](unsigned char c) { return std::isdigit(c); }))
    std::from_chars(lq.data(), lq.data() + lq.size(), number);
  // Latest year first, so that names and codes resolve to the current council.
  for (auto it = cla.rbegin(); it != cla.rend(); ++it) {
    if (it->level != Level::council) continue;
    if (number && it->la_number == number) return number;
    if (lower(it->ons_code) == lq || lower(it->name) == lq) return it->la_number;
  }
  return 0;
}

void PublicData::build_index() {
  council_index_.clear();
  year_index_.clear();
  for (size_t i = 0; i < cla.size(); ++i) {
    year_index_[cla[i].year].push_back(i);
    if (cla[i].level == Level::council) council_index_[{cla[i].la_number, cla[i].year}] = i;
  }
}

const AreaYear* PublicData::council_year(int la, int year) const {
  auto it = council_index_.find({la, year});
  return it == council_index_.end() ? nullptr : &cla[it->second];
}
const AreaYear* PublicData::national_year(int year) const {
  if (auto it = year_index_.find(year); it != year_index_.end())
    for (size_t i : it->second)
      if (cla[i].level == Level::national) return &cla[i];
  return nullptr;
}
const AreaYear* PublicData::region_year(const std::string& region, int year) const {
  const std::string l = lower(region);
  if (auto it = year_index_.find(year); it != year_index_.end())
    for (size_t i : it->second)
      if (cla[i].level == Level::regional && lower(cla[i].name) == l) return &cla[i];
  return nullptr;
}
std::vector<const AreaYear*> PublicData::councils_in(int year) const {
  std::vector<const AreaYear*> out;
  if (auto it = year_index_.find(year); it != year_index_.end())
    for (size_t i : it->second)
      if (cla[i].level == Level::council && cla[i].reports()) out.push_back(&cla[i]);
  return out;
}
std::optional<double> PublicData::deprivation(const std::map<std::string, double>& m,
                                              const std::string& code) const {
  if (auto it = m.find(code); it != m.end()) return it->second;
  for (auto& a : code_aliases(code))
    if (auto it = m.find(a); it != m.end()) return it->second;
  return std::nullopt;
}
std::optional<double> PublicData::low_income(const std::string& code, int fy) const {
  if (auto it = low_income_0_19.find({code, fy}); it != low_income_0_19.end()) return it->second;
  for (auto& a : code_aliases(code))
    if (auto it = low_income_0_19.find({a, fy}); it != low_income_0_19.end()) return it->second;
  return std::nullopt;
}

namespace detail {

std::optional<CsvTable> open_published(const PublishedFileReader& read, const char* rel, PublicData& d) {
  auto f = read(rel);
  if (!f.table) d.missing.push_back(std::move(f.problem));
  return std::move(f.table);
}

std::string_view text(const CsvTable& t, size_t row, int c) {
  return c < 0 || static_cast<size_t>(c) >= t.cols() ? std::string_view() : t.cell(row, static_cast<size_t>(c));
}

Published published(const CsvTable& t, size_t row, int c) {
  return c < 0 || static_cast<size_t>(c) >= t.cols() ? Published{} : parse_published(t.cell(row, static_cast<size_t>(c)));
}

std::optional<int> whole_number(const Published& p) {
  // Also refuses NaN and infinities: converting those (or anything beyond an int) is undefined.
  if (!p.has() || !(p.value >= INT_MIN && p.value <= INT_MAX) || p.value != std::trunc(p.value)) return std::nullopt;
  return static_cast<int>(p.value);
}

std::optional<int> year_number(const Published& p) {
  const auto y = whole_number(p);
  return y && *y >= 1990 && *y <= 2100 ? y : std::nullopt;
}

bool has_columns(const CsvTable& t, const char* rel, std::initializer_list<std::pair<int, std::string_view>> needed,
                 PublicData& d) {
  for (const auto& [c, name] : needed)
    if (c < 0 || static_cast<size_t>(c) >= t.cols()) {
      d.problems.push_back(fmt::format("{}: no column {}; the file was not used", rel, name));
      return false;
    }
  return true;
}

}  // namespace detail

namespace {
using detail::has_columns;
using detail::published;
using detail::text;
using detail::whole_number;
using detail::year_number;

int col(const CsvTable& t, std::string_view prefix) {
  for (size_t i = 0; i < t.columns.size(); ++i)
    if (std::string_view(t.columns[i]).substr(0, prefix.size()) == prefix) return static_cast<int>(i);
  return -1;
}

// The two digits at `pos` as a number ("2021/22 (p)" -> 22 at 5), if they are digits.
std::optional<int> two_digits(std::string_view s, size_t pos) {
  if (s.size() < pos + 2 || !std::isdigit(static_cast<unsigned char>(s[pos])) ||
      !std::isdigit(static_cast<unsigned char>(s[pos + 1])))
    return std::nullopt;
  return (s[pos] - '0') * 10 + (s[pos + 1] - '0');
}
}  // namespace

PublicData load_public_data(const PublishedFileReader& read, LoadOptions options) {
  PublicData d;
  auto open_published = [&](const char* rel, PublicData& into) { return detail::open_published(read, rel, into); };
  if (auto t = open_published(kClaSeries, d)) {
    const int cy = col(*t, "year"), cl = col(*t, "geographic_level"), cn = col(*t, "old_la_code"),
              cc = col(*t, "new_la_code"), cname = col(*t, "la_name"), cs = col(*t, "cla_at_31_march"),
              cst = col(*t, "cla_started"), cce = col(*t, "cla_ceased"), cp = col(*t, "population_0_17"),
              cr = col(*t, "rate_per_10000"), csrc = col(*t, "source");
    if (has_columns(*t, kClaSeries, {{cy, "year"}, {cl, "geographic_level"}, {cn, "old_la_code"}, {cc, "new_la_code"},
                                     {cname, "la_name"}, {cs, "cla_at_31_march"}}, d)) {
      d.cla.reserve(t->rows());
      for (size_t i = 0; i < t->rows(); ++i) {
        AreaYear a;
        const auto year = year_number(published(*t, i, cy));
        const auto lv = text(*t, i, cl);
        a.level = lv == "National" ? Level::national : lv == "Regional" ? Level::regional : Level::council;
        const auto la = whole_number(published(*t, i, cn));
        if (!year || (a.level == Level::council && !la)) {
          d.problems.push_back(fmt::format("{} line {}: no {}; the row was not used", kClaSeries, t->line(i),
                                           year ? "DfE LA number (old_la_code)" : "year from 1990 to 2100"));
          continue;
        }
        a.year = *year;
        if (a.level == Level::council) a.la_number = *la;
        a.ons_code = std::string(text(*t, i, cc));
        a.name = std::string(text(*t, i, cname));
        a.stock = published(*t, i, cs);
        a.starters = published(*t, i, cst);
        a.ceasers = published(*t, i, cce);
        a.population = published(*t, i, cp);
        a.rate = published(*t, i, cr);
        a.source = std::string(text(*t, i, csrc));
        for (auto* p : {&a.stock, &a.starters, &a.ceasers, &a.population, &a.rate})
          if (p->marker == Marker::unreadable)
            d.problems.push_back(fmt::format("{} line {}: unreadable value", kClaSeries, t->line(i)));
        d.cla.push_back(std::move(a));
      }
    }
    d.build_index();
  }
  auto iod = [&](const char* rel, std::map<std::string, double>& out) {
    if (auto t = open_published(rel, d)) {
      const char* name = rel == kIdaci2019 ? "IDACI - Average score" : "IMD - Average score";
      const int c = col(*t, name);
      if (!has_columns(*t, rel, {{c, name}}, d)) return;
      for (size_t i = 0; i < t->rows(); ++i)
        if (auto p = published(*t, i, c); p.has()) out[std::string(text(*t, i, 0))] = p.value;
    }
  };
  iod(kIdaci2019, d.idaci_score_2019);
  iod(kImd2019, d.imd_score_2019);
  if (auto t = open_published(kLowIncome, d); t && has_columns(*t, kLowIncome, {{2, "children (the third)"}}, d)) {
    for (size_t i = 0; i < t->rows(); ++i) {
      const auto end = two_digits(text(*t, i, 1), 5);  // "2021/22 (p)": the year ends in 2022
      if (!end) continue;
      if (auto p = published(*t, i, 2); p.has()) d.low_income_0_19[{std::string(text(*t, i, 0)), 2000 + *end}] = p.value;
    }
  }
  auto neighbours = [&](const char* rel, std::map<int, std::vector<int>>& out, std::string_view sn_prefix) {
    if (auto t = open_published(rel, d)) {
      for (size_t i = 0; i < t->rows(); ++i) {
        const auto la = whole_number(published(*t, i, 0));
        if (!la) continue;
        std::vector<int> sns;
        for (int k = 1; k <= 10; ++k) {
          const int c = t->find_column(fmt::format("{}{}", sn_prefix, k));
          if (const auto sn = whole_number(published(*t, i, c))) sns.push_back(*sn);
        }
        out[*la] = sns;
      }
    }
  };
  neighbours(kNeighbours2025, d.neighbours_2025, "SN_");
  neighbours(kNeighbours2021, d.neighbours_2021, "SN");
  if (auto t = open_published(kLaList, d); t && has_columns(*t, kLaList, {{2, "Region (the third)"}}, d))
    for (size_t i = 0; i < t->rows(); ++i)
      if (const auto la = whole_number(published(*t, i, 0))) d.region_of[*la] = std::string(text(*t, i, 2));
  if (!options.lait) {
  } else if (auto t = open_published(kLait, d); t && has_columns(*t, kLait, {{5, "value (the sixth)"}}, d)) {
    std::map<std::string, std::string, std::less<>> wanted;
    for (auto& m : lait_measures()) wanted[m.code] = m.code;
    for (size_t i = 0; i < t->rows(); ++i) {
      auto it = wanted.find(text(*t, i, 0));
      if (it == wanted.end()) continue;
      const auto y = text(*t, i, 1);  // "2025" or "2024-25 (OT)"
      std::optional<int> year;
      if (y.size() >= 7 && y[4] == '-') {
        if (const auto end = two_digits(y, 5)) year = 2000 + *end;
      } else if (const auto p = year_number(parse_published(y.substr(0, 4)))) {
        year = *p;
      }
      const auto la = whole_number(published(*t, i, 2));
      if (!year || !*year || !la) continue;
      auto v = published(*t, i, 5);
      if (v.marker == Marker::unreadable)
        d.problems.push_back(fmt::format("{} line {}: unreadable value", kLait, t->line(i)));
      d.lait[it->second][{*la, *year}] = v;
    }
  }
  if (auto t = open_published(kOfsted, d); t && has_columns(*t, kOfsted, {{1, "Local authority area code (the second)"}}, d)) {
    const int c = col(*t, "Overall effectiveness");
    for (size_t i = 0; i < t->rows(); ++i) d.ofsted_overall[std::string(text(*t, i, 1))] = std::string(text(*t, i, c));
  }
  if (options.direct) load_direct_measures(read, d);  // after region_of: S251 regional sums need it
  return d;
}

}  // namespace careflow::benchmark
