#include "careflow/io/unit_costs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "careflow/io/csv.hpp"

namespace careflow {
namespace {

bool same_text(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lo = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lo(a[i]) != lo(b[i])) return false;
  }
  return true;
}

std::optional<DemandCategory> category_named(std::string_view k) {
  for (int c = 0; c < kDemandCategoryCount; ++c) {
    const auto cat = static_cast<DemandCategory>(c);
    if (same_text(k, demand_category_name(cat)) || same_text(k, demand_category_label(cat))) return cat;
  }
  return std::nullopt;
}

// The categories a row of the report's old format sets: a PLACE code's, under an in-house and an
// external provider; or, for a needs-assessment placement group, those of every code in it.
std::vector<DemandCategory> categories_of_old_row(std::string_view k) {
  std::vector<DemandCategory> out;
  const auto add = [&](CodeIndex place) {
    for (const char* pr : {"PR1", "PR4"}) {
      const auto c = demand_category(place, codes::placement_provider.find(pr));
      if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
    }
  };
  if (const CodeIndex code = codes::placement_type.find(k); code != kNoCode) {
    add(code);
    return out;
  }
  const auto& groups = groupings::needs_assessment_placement();
  for (uint8_t g = 0; g < groups.size(); ++g)
    if (same_text(k, groups.label(g)))
      for (const auto& a : groups.assignments())
        if (a.group == g) add(codes::placement_type.find(a.code));
  return out;
}

std::string category_names() {
  std::string s;
  for (int c = 0; c < kDemandCategoryCount; ++c) {
    if (c) s += ", ";
    s += demand_category_name(static_cast<DemandCategory>(c));
  }
  return s;
}

}  // namespace

std::optional<std::string> read_unit_costs(const std::string& path, UnitCosts& costs) {
  std::string bytes;
  if (!read_file(path, bytes)) return fmt::format("cannot read unit costs '{}': {}", path, why_unreadable(path));
  return parse_unit_costs(bytes, path, costs);
}

std::optional<std::string> parse_unit_costs(std::string_view bytes, const std::string& path, UnitCosts& costs) {
  auto r = parse_csv(bytes, path);
  if (!r.readable) return fmt::format("{}: no header row (expected placement_category,weekly_cost)", path);
  const auto& t = r.table;
  enum class Format { current, forecast_kind, report_group } format = Format::current;
  int kc = t.find_column("placement_category");
  if (kc < 0 && (kc = t.find_column("kind")) >= 0) format = Format::forecast_kind;
  if (kc < 0 && ((kc = t.find_column("placement_group")) >= 0 || (kc = t.find_column("placement_type")) >= 0))
    format = Format::report_group;
  const int wc = t.find_column("weekly_cost");
  if (kc < 0 || wc < 0)
    return fmt::format("{}:1: needs the columns placement_category and weekly_cost (a row per placement category: {})",
                       path, category_names());
  if (r.records_rejected > 0)
    return fmt::format("{}: {} row(s) do not have as many fields as the header", path, r.records_rejected);
  const std::string key_column = t.columns[static_cast<size_t>(kc)];
  std::array<uint32_t, kDemandCategoryCount> set_on{};  // line that set each category, 0 = none
  std::array<double, kDemandCategoryCount> weekly = costs.weekly;
  for (size_t i = 0; i < t.rows(); ++i) {
    const uint32_t line = t.line(i);
    const std::string_view k = t.cell(i, static_cast<size_t>(kc)), v = t.cell(i, static_cast<size_t>(wc));
    const auto cost = parse_number_cell(v);
    if (!cost || !std::isfinite(*cost) || *cost < 0)
      return fmt::format("{}:{}: column weekly_cost: '{}' is not a weekly cost in pounds", path, line, v);
    std::vector<DemandCategory> cats;
    if (format == Format::report_group) {
      cats = categories_of_old_row(k);
    } else if (const auto c = category_named(k)) {
      cats.push_back(*c);
    }
    if (cats.empty())
      return fmt::format("{}:{}: column {}: unknown placement category '{}' (one of: {})", path, line, key_column, k,
                         category_names());
    for (const auto c : cats) {
      const auto ci = static_cast<size_t>(c);
      if (set_on[ci] && weekly[ci] != *cost)
        return fmt::format("{}:{}: sets {} to {}, but line {} set it to {}: give one cost per placement category "
                           "(columns placement_category,weekly_cost; docs/groupings.md)",
                           path, line, demand_category_name(c), *cost, set_on[ci], weekly[ci]);
      weekly[ci] = *cost;
      set_on[ci] = line;
    }
  }
  if (std::all_of(set_on.begin(), set_on.end(), [](uint32_t l) { return l == 0; }))
    return fmt::format("{}: no unit costs found (expected rows placement_category,weekly_cost)", path);
  if (format == Format::forecast_kind)
    costs.warnings.push_back(fmt::format("Unit costs file {}: column 'kind' is the old name of placement_category; "
                                         "read as placement_category (docs/groupings.md).", path));
  if (format == Format::report_group)
    costs.warnings.push_back(fmt::format(
        "Unit costs file {}: column '{}' is the report's old format (placement groups or PLACE codes); each row's cost "
        "was used for every placement category its codes fall in. Give placement_category,weekly_cost instead "
        "(docs/groupings.md).", path, key_column));
  costs.weekly = weekly;
  for (size_t c = 0; c < set_on.size(); ++c) costs.given[c] = costs.given[c] || set_on[c] != 0;
  costs.source = path;
  return std::nullopt;
}

}  // namespace careflow
