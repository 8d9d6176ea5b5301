#include "careflow/validate/rule_support.hpp"

#include <algorithm>

namespace careflow::validate::detail {

std::optional<Date> return_date(std::string_view s) {
  int part[3] = {0, 0, 0};
  int digits[3] = {0, 0, 0};
  int k = 0;
  for (char c : s) {
    if (c == '/') {
      if (++k > 2) return std::nullopt;
    } else if (c >= '0' && c <= '9') {
      part[k] = part[k] * 10 + (c - '0');
      if (++digits[k] > 4) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  if (k != 2 || digits[0] < 1 || digits[0] > 2 || digits[1] < 1 || digits[1] > 2 || digits[2] != 4)
    return std::nullopt;
  const int d = part[0], m = part[1], y = part[2];
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return std::nullopt;
  return Date::from_ymd(y, m, d);
}

// Inside a run, a table's date columns are parsed once and shared by every rule.
TableRef table_ref(const Run& in, const ssda903::Return* ret, Table table) {
  TableRef t{ret ? ret->find(table) : nullptr, nullptr, in.cache};
  if (!t) return t;
  static const std::vector<std::string_view> kDateColumns = {
      "DOB", "MC_DOB", "DECOM", "DEC", "REVIEW", "DUC", "DATE_INT", "DATE_MATCH", "DATE_PLACED",
      "DATE_PLACED_CEASED", "DATE_PERM", "MIS_START", "MIS_END", "SW_DECOM", "SW_DEC",
      "DOLO_START", "DOLO_END"};
  t.dates = &shared<DateColumns>(t.cache, "dates", t.t, [&t, table] {
    DateColumns d;
    const auto& cols = ssda903::schema(table).columns;
    d.resize(cols.size());
    for (size_t c = 0; c < cols.size(); ++c) {
      if (std::find(kDateColumns.begin(), kDateColumns.end(), cols[c]) == kDateColumns.end()) continue;
      d[c].reserve(t.rows());
      for (size_t r = 0; r < t.rows(); ++r) d[c].push_back(return_date(t.t->cell(r, c)));
    }
    return d;
  });
  return t;
}

const ChildRows& by_child(const TableRef& t) {
  static const ChildRows kNone;
  if (!t) return kNone;
  return shared<ChildRows>(t.cache, "by_child", t.t, [&t] {
    ChildRows m(t.rows() / 2);
    // Each child's rows are counted first so that its list is allocated once, at its size,
    // rather than grown (and copied, and freed) row by row.
    std::vector<uint32_t> child_of(t.rows());
    std::vector<uint32_t> count;
    for (size_t r = 0; r < t.rows(); ++r) {
      const auto [it, fresh] = m.try_emplace(t.child(r));
      child_of[r] = static_cast<uint32_t>(it - m.begin());
      if (fresh) count.push_back(0);
      ++count[child_of[r]];
    }
    for (size_t k = 0; k < count.size(); ++k) (m.begin() + k)->second.reserve(count[k]);
    for (size_t r = 0; r < t.rows(); ++r) (m.begin() + child_of[r])->second.push_back(r);
    return m;
  });
}

const ChildMap<size_t>& first_row_by_child(const TableRef& t) {
  static const ChildMap<size_t> kNone;
  if (!t) return kNone;
  return shared<ChildMap<size_t>>(t.cache, "first_row_by_child", t.t, [&t] {
    ChildMap<size_t> m(t.rows());
    for (size_t r = 0; r < t.rows(); ++r) m.try_emplace(t.child(r), r);
    return m;
  });
}

void put(Flags& f, Table t, std::vector<size_t> rows) {
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  if (rows.empty()) return;
  auto& dst = f[t];
  dst.insert(dst.end(), rows.begin(), rows.end());
  std::sort(dst.begin(), dst.end());
  dst.erase(std::unique(dst.begin(), dst.end()), dst.end());
}

}  // namespace careflow::validate::detail
