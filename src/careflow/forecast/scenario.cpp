#include "careflow/forecast/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>


namespace careflow::forecast {

double CostSettings::inflation_factor(Date day, Date forecast_start) const {
  if (inflation == 0.0) return 1.0;
  const int years = financial_year_of(day) - financial_year_of(forecast_start + 1);
  return std::pow(1.0 + inflation, std::max(0, years));
}

namespace {
std::optional<LegalGroup> legal_group_from_name(std::string_view n) {
  for (int g = 0; g < kLegalGroupCount; ++g)
    if (legal_group_name(static_cast<LegalGroup>(g)) == n) return static_cast<LegalGroup>(g);
  return std::nullopt;
}

std::optional<Kind> kind_from_name(std::string_view n) {
  for (int k = 0; k < kKindCount; ++k)
    if (kind_name(static_cast<Kind>(k)) == n) return static_cast<Kind>(k);
  return std::nullopt;
}

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n\"");
  const auto e = s.find_last_not_of(" \t\r\n\"");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}
}  // namespace

namespace {
// A folder opens as a stream on Linux and reads as empty: say what it is instead.
bool is_folder(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}
}  // namespace

std::optional<std::string> load_unit_costs_csv(const std::string& path, CostSettings& costs) {
  if (is_folder(path)) return fmt::format("cannot read unit costs '{}': it is a folder, not a file", path);
  std::ifstream in(path);
  if (!in) return fmt::format("cannot read unit costs '{}'", path);
  std::string line;
  int n = 0, line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const auto comma = line.find(',');
    if (comma == std::string::npos) continue;
    const std::string k = trim(line.substr(0, comma)), v = trim(line.substr(comma + 1));
    if (line_no == 1 && k == "kind") continue;
    const auto kind = kind_from_name(k);
    if (!kind) return fmt::format("{}:{}: unknown placement kind '{}'", path, line_no, k);
    try {
      costs.weekly[static_cast<size_t>(*kind)] = std::stod(v);
    } catch (...) {
      return fmt::format("{}:{}: '{}' is not a number", path, line_no, v);
    }
    ++n;
  }
  if (n == 0) return fmt::format("{}: no unit costs found (expected rows kind,weekly_cost)", path);
  costs.illustrative = false;
  return std::nullopt;
}

bool Scenario::is_baseline() const {
  return entry_changes.empty() && return_home_factor == 1.0 && shifts.empty() && population_growth == 0.0 &&
         reentry_factor == 1.0 && (!legal_change || legal_change->factor == 1.0);
}

double Scenario::entry_multiplier(int age, Date day, Date forecast_start) const {
  double m = 1.0;
  for (const auto& c : entry_changes)
    if (age >= c.age_from && age <= c.age_to && day >= c.from) m *= c.factor;
  if (population_growth != 0.0) m *= std::pow(1.0 + population_growth, (day - forecast_start) / 365.25);
  return m;
}

double Scenario::shifted(const MixShift& s, Date day) const {
  if (day < s.from) return 0.0;
  if (day >= s.to || s.to <= s.from) return s.children;
  return s.children * static_cast<double>(day - s.from) / static_cast<double>(s.to - s.from);
}

namespace {
std::optional<Date> get_date(const toml::node* n) {
  if (!n) return std::nullopt;
  if (auto d = n->as_date()) {
    const auto v = d->get();
    return Date::from_ymd(v.year, v.month, v.day);
  }
  if (auto s = n->value<std::string>()) {
    const auto p = parse_date(*s);
    if (p) return p.date;
  }
  return std::nullopt;
}
}  // namespace

std::optional<std::string> parse_scenario_toml(const std::string& text, Scenario& out) {
  toml::table t;
  try {
    t = toml::parse(text);
  } catch (const toml::parse_error& e) {
    return fmt::format("scenario: {} (line {})", e.description(), e.source().begin.line);
  }
  if (auto v = t["name"].value<std::string>()) out.name = *v;
  if (auto v = t["description"].value<std::string>()) out.description = *v;
  if (auto v = t["population_growth"].value<double>()) out.population_growth = *v;
  if (auto* arr = t["entries"].as_array()) {
    for (auto& node : *arr) {
      auto* e = node.as_table();
      if (!e) return "scenario: [[entries]] must be tables";
      EntryChange c;
      if (auto* ages = (*e)["ages"].as_array(); ages && ages->size() == 2) {
        c.age_from = static_cast<int>(ages->get(0)->value<int64_t>().value_or(0));
        c.age_to = static_cast<int>(ages->get(1)->value<int64_t>().value_or(17));
      }
      if (auto f = (*e)["factor"].value<double>()) c.factor = *f;
      else if (auto ch = (*e)["change"].value<double>()) c.factor = 1.0 + *ch;
      else return "scenario: [[entries]] needs factor or change";
      if (c.factor < 0) return "scenario: an entry factor cannot be negative";
      const auto from = get_date((*e)["from"].node());
      if (!from) return "scenario: [[entries]] needs a from date (YYYY-MM-DD)";
      c.from = *from;
      out.entry_changes.push_back(c);
    }
  }
  if (auto* rh = t["return_home"].as_table()) {
    if (auto f = (*rh)["factor"].value<double>()) out.return_home_factor = *f;
    if (auto w = (*rh)["within_days"].value<int64_t>()) out.return_home_days = static_cast<int>(*w);
    if (auto d = get_date((*rh)["from"].node())) out.return_home_from = *d;
    if (out.return_home_factor < 0) return "scenario: return_home.factor cannot be negative";
  }
  if (auto* re = t["reentry"].as_table()) {
    if (auto f = (*re)["factor"].value<double>()) out.reentry_factor = *f;
    else if (auto ch = (*re)["change"].value<double>()) out.reentry_factor = 1.0 + *ch;
    else return "scenario: [reentry] needs factor or change";
    if (out.reentry_factor < 0) return "scenario: reentry.factor cannot be negative";
    const std::string after = (*re)["after"].value<std::string>().value_or("any");
    if (after == "home") out.reentry_after = LeftHow::home;
    else if (after == "other") out.reentry_after = LeftHow::other;
    else if (after == "any") out.reentry_after = LeftHow::any;
    else return fmt::format("scenario: reentry.after must be home, other or any, not '{}'", after);
    if (auto d = get_date((*re)["from"].node())) out.reentry_from = *d;
    else if ((*re)["from"].node()) return "scenario: reentry.from is not a date (YYYY-MM-DD)";
  }
  if (auto* ls = t["legal_status"].as_table()) {
    LegalChangeLever l;
    const auto fg = legal_group_from_name((*ls)["from_group"].value<std::string>().value_or(""));
    if (!fg) return "scenario: [legal_status] needs from_group (interim_care_order, full_care_order, placement_order, section_20, detained, youth_justice, other)";
    l.from_group = *fg;
    const std::string to = (*ls)["to_group"].value<std::string>().value_or("any");
    if (to == "any") l.to_group.reset();
    else if (const auto tg = legal_group_from_name(to)) l.to_group = *tg;
    else return fmt::format("scenario: unknown legal status group '{}' in [legal_status] to_group", to);
    if (l.to_group && *l.to_group == l.from_group) return "scenario: [legal_status] from_group and to_group must differ";
    if (auto f = (*ls)["factor"].value<double>()) l.factor = *f;
    else if (auto ch = (*ls)["change"].value<double>()) l.factor = 1.0 + *ch;
    else return "scenario: [legal_status] needs factor or change";
    if (l.factor < 0) return "scenario: legal_status.factor cannot be negative";
    if (auto d = get_date((*ls)["from"].node())) l.from = *d;
    else if ((*ls)["from"].node()) return "scenario: legal_status.from is not a date (YYYY-MM-DD)";
    out.legal_change = l;
  }
  if (auto* arr = t["shift"].as_array()) {
    for (auto& node : *arr) {
      auto* s = node.as_table();
      if (!s) return "scenario: [[shift]] must be tables";
      MixShift m;
      const auto fk = kind_from_name((*s)["from_kind"].value<std::string>().value_or(""));
      const auto tk = kind_from_name((*s)["to_kind"].value<std::string>().value_or(""));
      if (!fk || !tk) return "scenario: [[shift]] needs from_kind and to_kind (e.g. foster_ifa, foster_in_house)";
      m.from_kind = *fk;
      m.to_kind = *tk;
      m.children = (*s)["children"].value<double>().value_or(0);
      const auto a = get_date((*s)["start"].node()), b = get_date((*s)["end"].node());
      if (!a || !b) return "scenario: [[shift]] needs start and end dates";
      m.from = *a;
      m.to = *b;
      out.shifts.push_back(m);
    }
  }
  if (auto* c = t["costs"].as_table()) {
    if (auto v = (*c)["inflation"].value<double>()) out.costs.inflation = *v;
    if (auto* w = (*c)["weekly"].as_table()) {
      for (auto& [key, val] : *w) {
        const auto k = kind_from_name(key.str());
        if (!k) return fmt::format("scenario: unknown placement kind '{}' in [costs.weekly]", key.str());
        if (auto x = val.value<double>()) out.costs.weekly[static_cast<size_t>(*k)] = *x;
        out.costs.illustrative = false;
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> load_scenario_toml(const std::string& path, Scenario& out) {
  if (is_folder(path)) return fmt::format("cannot read scenario '{}': it is a folder, not a file", path);
  std::ifstream in(path);
  if (!in) return fmt::format("cannot read scenario '{}'", path);
  std::stringstream ss;
  ss << in.rdbuf();
  if (out.name == "baseline") out.name = std::filesystem::path(path).stem().string();
  auto err = parse_scenario_toml(ss.str(), out);
  if (err) return err;
  // unit_costs_csv is resolved relative to the scenario file.
  const toml::table t = toml::parse(ss.str());
  if (auto f = t["costs"]["unit_costs_csv"].value<std::string>()) {
    auto p = std::filesystem::path(*f);
    if (p.is_relative()) p = std::filesystem::path(path).parent_path() / p;
    if (auto e = load_unit_costs_csv(p.string(), out.costs)) return e;
  }
  return std::nullopt;
}

}  // namespace careflow::forecast
