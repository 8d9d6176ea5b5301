#include "careflow/report/disclosure.hpp"

#include <algorithm>

namespace careflow::report {
namespace {

bool is_number(const Cell& c) { return std::holds_alternative<double>(c); }
bool is_suppressed(const Cell& c) { return std::holds_alternative<Suppressed>(c); }

// One linear relation "members sum to total": if exactly one member (total included) is
// withheld, the reader can recover it, so withhold one more.
struct Group {
  std::vector<std::pair<size_t, size_t>> members;  // (row, column); the total is last
};

}  // namespace

DisclosureResult suppress(OutputTable& t, const DisclosureSpec& spec) {
  DisclosureResult result;
  const auto is_count_col = [&](size_t c) {
    return std::find(spec.count_columns.begin(), spec.count_columns.end(), c) != spec.count_columns.end() ||
           (spec.total_column && *spec.total_column == c);
  };
  // Primary: every count cell (totals included) from 1 to threshold.
  for (auto& row : t.rows)
    for (size_t c = 0; c < row.size(); ++c) {
      if (!is_count_col(c) || !is_number(row[c])) continue;
      const double v = std::get<double>(row[c]);
      if (v >= 1 && v <= spec.threshold) {
        row[c] = Suppressed{};
        ++result.primary;
      }
    }

  // The relations the table declares.
  std::vector<Group> groups;
  if (spec.total_row && *spec.total_row < t.rows.size()) {
    for (size_t c : spec.count_columns) {
      Group g;
      for (size_t r = 0; r < t.rows.size(); ++r)
        if (r != *spec.total_row) g.members.push_back({r, c});
      g.members.push_back({*spec.total_row, c});
      groups.push_back(std::move(g));
    }
    if (spec.total_column) {  // the grand total relates the column totals too
      Group g;
      for (size_t r = 0; r < t.rows.size(); ++r)
        if (r != *spec.total_row) g.members.push_back({r, *spec.total_column});
      g.members.push_back({*spec.total_row, *spec.total_column});
      groups.push_back(std::move(g));
    }
  }
  for (const auto& [rows, total] : spec.row_groups) {
    if (total >= t.rows.size()) continue;
    for (size_t c : spec.count_columns) {
      Group g;
      for (size_t r : rows)
        if (r < t.rows.size() && r != total) g.members.push_back({r, c});
      g.members.push_back({total, c});
      groups.push_back(std::move(g));
    }
  }
  if (spec.total_column) {
    for (size_t r = 0; r < t.rows.size(); ++r) {
      Group g;
      for (size_t c : spec.count_columns) g.members.push_back({r, c});
      g.members.push_back({r, *spec.total_column});
      groups.push_back(std::move(g));
    }
  }

  // Secondary: repeat until no relation has exactly one withheld member.
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& g : groups) {
      size_t withheld = 0;
      for (auto [r, c] : g.members) withheld += is_suppressed(t.rows[r][c]);
      if (withheld != 1) continue;
      // The smallest visible non-total member; prefer non-zero counts (withholding a zero
      // beside a small count protects less, since zeros are often guessable).
      std::optional<std::pair<size_t, size_t>> best;
      double best_v = 0;
      bool best_zero = true;
      for (size_t i = 0; i + 1 < g.members.size(); ++i) {
        auto [r, c] = g.members[i];
        if (!is_number(t.rows[r][c])) continue;
        const double v = std::get<double>(t.rows[r][c]);
        const bool zero = v == 0;
        if (!best || (best_zero && !zero) || (best_zero == zero && v < best_v)) {
          best = {r, c};
          best_v = v;
          best_zero = zero;
        }
      }
      if (!best) {  // nothing but the total is left to withhold
        auto [r, c] = g.members.back();
        if (is_number(t.rows[r][c])) best = {r, c};
      }
      if (best) {
        t.rows[best->first][best->second] = Suppressed{};
        ++result.secondary;
        changed = true;
      }
    }
  }

  // Derived values of withheld counts.
  for (auto& row : t.rows)
    for (auto [dc, cc] : spec.derived)
      if (dc < row.size() && cc < row.size() && is_suppressed(row[cc]) && !is_suppressed(row[dc])) {
        row[dc] = Suppressed{};
        ++result.derived;
      }
  return result;
}

}  // namespace careflow::report
