// Rules over a child's sequence of episodes or other dated records (how long a legal status or
// short break lasted, repeated temporary placements, overlapping missing periods, the first
// episode's reason), and the rules that check episodes against the Ofsted provider list the
// user supplies (219-229, 1008) or the postcode-derived fields (411). Written from DfE's
// messages (see docs/validate.md); where the reference differs, docs/validation-deviations.md.
#include <algorithm>
#include <cctype>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "careflow/io/csv.hpp"
#include "careflow/validate/rule_support.hpp"

namespace careflow::validate::detail {

namespace {


// A child's rows with a valid date in `column`, in date order (ties in row order).
std::vector<std::pair<Date, size_t>> in_order(const Tab& t, const std::vector<size_t>& rows,
                                              std::string_view column) {
  std::vector<std::pair<Date, size_t>> out;
  for (size_t r : rows)
    if (const auto d = t.date(r, column)) out.emplace_back(*d, r);
  std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.first < b.first; });
  return out;
}

// 361-364: a legal status held for more than `max_days`, counting a run of contiguous episodes
// with that status (each starting the day the previous ended) as one; an open episode runs to
// the end of the collection year. Every episode of an over-long run is flagged.
void legal_status_too_long(Rules& r, std::string_view code, std::string_view ls, int max_days) {
  add_table_rule(r, code, 0, {}, Table::episodes, [ls, max_days](const Tab& e, const Run& in) -> Rows {
    Rows rows;
    for (const auto& [child, rs] : by_child(e)) {
      std::vector<size_t> mine;
      for (size_t r : rs)
        if (e(r, "LS") == ls) mine.push_back(r);
      const auto eps = in_order(e, mine, "DECOM");
      for (size_t i = 0; i < eps.size();) {
        std::vector<size_t> run{eps[i].second};
        const Date start = eps[i].first;
        std::optional<Date> end = e(eps[i].second, "DEC").empty()
                                      ? std::optional<Date>(in.year.end())
                                      : e.date(eps[i].second, "DEC");
        size_t j = i + 1;
        while (j < eps.size() && end && *end == eps[j].first) {
          run.push_back(eps[j].second);
          end = e(eps[j].second, "DEC").empty() ? std::optional<Date>(in.year.end())
                                                 : e.date(eps[j].second, "DEC");
          ++j;
        }
        if (end && *end - start > max_days) rows.insert(rows.end(), run.begin(), run.end());
        i = j;
      }
    }
    return rows;
  });
}


// The latest registration end of a URN, if its registration has ended (no row without an end).
std::optional<Date> registration_end(const ProviderInfo::Provider& p) {
  if (p.reg_end_blank) return std::nullopt;
  std::optional<Date> last;
  for (const auto& d : p.reg_end)
    if (d && (!last || *d > *last)) last = d;
  return last;
}

// 227/228: the episode at a URN whose Ofsted registration had ended by `when` (the episode's
// start, or its end, an open one at the year end).
void registration_ended(Rules& r, std::string_view code, bool at_start) {
  add_table_rule(r, code, 0, {.providers = true}, Table::episodes, [at_start](const Tab& e, const Run& in) -> Rows {
    if (!in.providers) return {};
    Rows rows;
    for (size_t r = 0; r < e.rows(); ++r) {
      const auto* p = in.providers->find(e(r, "URN"));
      if (!p) continue;
      const auto ended = registration_end(*p);
      if (!ended) continue;
      if (at_start) {
        const auto start = e.date(r, "DECOM");
        if (start && *ended <= *start) rows.push_back(r);
      } else {
        const auto stop = e(r, "DEC").empty() ? std::optional<Date>(in.year.end()) : e.date(r, "DEC");
        if (stop && *ended < *stop) rows.push_back(r);
      }
    }
    return rows;
  });
}

// Each child's date of birth from the Header (children whose DOB is not a valid date are absent).
// Shared by the rules of a run.
const ChildMap<Date>& dob_by_child(const Tab& h) {
  return shared<ChildMap<Date>>(h.cache, "dob_by_child", h.t, [&h] {
    ChildMap<Date> dob(h.rows());
    for (size_t r = 0; r < h.rows(); ++r)
      if (const auto d = h.date(r, "DOB")) dob.emplace(h(r, "CHILD"), *d);
    return dob;
  });
}

}  // namespace

void register_sequence_rules(Rules& r) {
  using T = Table;
  registration_ended(r, "227", true);
  // 411: PL_LOCATION (IN/OUT, derived) disagrees with whether PL_LA (derived) is this council.
  add_table_rule(r, "411", 0, {.postcodes = true, .council = true}, T::episodes, [](const Tab& e, const Run& in) -> Rows {
    if (!in.derived || in.la.empty()) return {};
    auto upper = [](std::string_view v) {
      std::string s(v);
      for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return s;
    };
    const std::string la = upper(in.la);
    Rows rows;
    const size_t n = std::min<size_t>(e.rows(), std::min(in.derived->pl_la.size(), in.derived->pl_location.size()));
    for (size_t r = 0; r < n; ++r) {
      const std::string pl_la = upper(in.derived->pl_la[r]), loc = upper(in.derived->pl_location[r]);
      if (pl_la.empty() || loc.empty()) continue;
      if ((pl_la == la && loc == "OUT") || (pl_la != la && loc == "IN")) rows.push_back(r);
    }
    return rows;
  });
  // 221: PL_POST is not the URN's registered postcode, for placements in registered settings
  // (children's homes, residential schools, secure units; plus H5 in 2023/24, K3 from 2024/25).
  for (auto [version, types] : {std::pair{2023, std::vector<std::string_view>{"K1", "K2", "R3", "S1"}},
                                std::pair{2024, std::vector<std::string_view>{"K1", "K2", "R3", "S1", "H5"}},
                                std::pair{2025, std::vector<std::string_view>{"K1", "K2", "K3", "R3", "S1"}}})
    add_table_rule(r, "221", version, {.providers = true}, T::episodes, [types = types](const Tab& e, const Run& in) -> Rows {
      if (!in.providers) return {};
      Rows rows;
      for (size_t r = 0; r < e.rows(); ++r) {
        const auto* p = in.providers->find(e(r, "URN"));
        if (!p || e(r, "PL_POST").empty()) continue;
        if (std::find(types.begin(), types.end(), e(r, "PLACE")) == types.end()) continue;
        std::string post(e(r, "PL_POST"));
        post.erase(std::remove(post.begin(), post.end(), ' '), post.end());
        if (std::find(p->postcodes.begin(), p->postcodes.end(), post) == p->postcodes.end()) rows.push_back(r);
      }
      return rows;
    });
  // 229: PR1 (the council's own provision) at a provider whose postcode lies in another LA, or
  // PR2 (another LA's) at one in this council's area (LA_CODE_INFERRED against --la).
  add_table_rule(r, "229", 0, {.providers = true, .council = true}, T::episodes, [](const Tab& e, const Run& in) -> Rows {
    if (!in.providers || in.la.empty()) return {};  // without --la nothing to compare
    std::string la = in.la;
    for (auto& c : la) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    Rows rows;
    for (size_t r = 0; r < e.rows(); ++r) {
      const auto* p = in.providers->find(e(r, "URN"));
      if (!p) continue;
      const bool ours = std::find(p->la_codes.begin(), p->la_codes.end(), la) != p->la_codes.end();
      if ((e(r, "PLACE_PROVIDER") == "PR1" && !ours) || (e(r, "PLACE_PROVIDER") == "PR2" && ours)) rows.push_back(r);
    }
    return rows;
  });
  // 219/224: the episode's PLACE / PLACE_PROVIDER is not among those the URN is registered for.
  for (auto [code, column, places] : {std::tuple{"219", "PLACE", true}, std::tuple{"224", "PLACE_PROVIDER", false}})
    add_table_rule(r, code, 0, {.providers = true}, T::episodes, [column = std::string_view(column), places = places](const Tab& e, const Run& in) -> Rows {
      if (!in.providers) return {};
      Rows rows;
      for (size_t r = 0; r < e.rows(); ++r) {
        const auto* p = in.providers->find(e(r, "URN"));
        if (!p || e(r, column).empty()) continue;  // a blank code is other rules' business
        const auto& codes = places ? p->place_codes : p->provider_codes;
        if (std::find(codes.begin(), codes.end(), e(r, column)) == codes.end()) rows.push_back(r);
      }
      return rows;
    });
  registration_ended(r, "228", false);
  // 1008: a URN not in the Ofsted provider lists (XXXXXXX, the placeholder, is accepted).
  add_table_rule(r, "1008", 0, {.providers = true}, T::episodes, [](const Tab& e, const Run& in) -> Rows {
    if (!in.providers) return {};
    Rows rows;
    for (size_t r = 0; r < e.rows(); ++r) {
      const auto urn = e(r, "URN");
      if (!urn.empty() && urn != "XXXXXXX" && !in.providers->find(urn)) rows.push_back(r);
    }
    return rows;
  });
  legal_status_too_long(r, "361", "L1", 3);   // police protection: 72 hours
  legal_status_too_long(r, "362", "L2", 21);  // emergency protection order
  legal_status_too_long(r, "363", "L3", 7);   // child assessment order
  legal_status_too_long(r, "364", "J2", 21);  // PACE accommodation

  // 357: the child's first episode in the return starts in the year (so no episode before it
  // is open at the start) yet its reason for new episode is not S (a new period of care).
  add_table_rule(r, "357", 0, {}, T::episodes, [](const Tab& e, const Run& in) -> Rows {
    Rows rows;
    for (const auto& [child, rs] : by_child(e)) {
      const auto eps = in_order(e, rs, "DECOM");
      if (!eps.empty() && eps.front().first >= in.year.start() && e(eps.front().second, "RNE") != "S")
        rows.push_back(eps.front().second);
    }
    return rows;
  });

  // 365: one short break (V3) of more than 17 days; an open one runs to the year end.
  add_row_rule(r, "365", 0, T::episodes, [](const Row& r) {
    if (r["LS"] != "V3") return false;
    const auto start = r.date("DECOM");
    const auto end = r.blank("DEC") ? std::optional<Date>(r.in.year.end()) : r.date("DEC");
    return start && end && *end - *start > 17;
  });

  // 367: short breaks (V3) adding up to more than 75 days within the collection year. A break
  // still open (DEC blank) runs to 31 March, as for 365: its days so far are respite care. Every
  // V3 episode with days in the year is flagged (one with none, ended before the year or ending
  // before it started, adds nothing and is not).
  add_table_rule(r, "367", 0, {}, T::episodes, [](const Tab& e, const Run& in) -> Rows {
    Rows rows;
    for (const auto& [child, rs] : by_child(e)) {
      long days = 0;
      std::vector<size_t> mine;
      for (size_t r : rs) {
        if (e(r, "LS") != "V3") continue;
        const auto a = e.date(r, "DECOM");
        const auto b = e(r, "DEC").empty() ? std::optional<Date>(in.year.end()) : e.date(r, "DEC");
        if (!a || !b) continue;
        const int in_year = std::min(*b, in.year.end()) - std::max(*a, in.year.start());
        if (in_year <= 0) continue;
        mine.push_back(r);
        days += in_year;
      }
      if (days > 75) rows.insert(rows.end(), mine.begin(), mine.end());
    }
    return rows;
  });

  // 374: residential employment (P3) for a child under 14 at the episode's start.
  add_table_rule(r, "374", 0, {}, T::episodes, [](const Tab& e, const Run& in) -> Rows {
    const Tab h = tab(in, T::header);
    if (!h) return {};
    const auto& dob = dob_by_child(h);
    Rows rows;
    for (size_t r = 0; r < e.rows(); ++r) {
      if (e(r, "PLACE") != "P3") continue;
      const auto it = dob.find(e(r, "CHILD"));
      const auto start = e.date(r, "DECOM");
      if (it != dob.end() && start && age_on(it->second, *start) < 14) rows.push_back(r);
    }
    return rows;
  });

  // 377: more than two T3 (foster carer's holiday) placements in the year: all are flagged.
  add_table_rule(r, "377", 0, {}, T::episodes, [](const Tab& e, const Run&) -> Rows {
    Rows rows;
    for (const auto& [child, rs] : by_child(e)) {
      std::vector<size_t> t3;
      for (size_t r : rs)
        if (e(r, "PLACE") == "T3") t3.push_back(r);
      if (t3.size() > 2) rows.insert(rows.end(), t3.begin(), t3.end());
    }
    return rows;
  });

  // 184: decision to place for adoption before the child was born.
  add_table_rule(r, "184", 0, {}, T::placed_for_adoption, [](const Tab& p, const Run& in) -> Rows {
    const Tab h = tab(in, T::header);
    if (!h) return {};
    const auto& dob = dob_by_child(h);
    Rows rows;
    for (size_t r = 0; r < p.rows(); ++r) {
      const auto it = dob.find(p(r, "CHILD"));
      const auto d = p.date(r, "DATE_PLACED");
      if (it != dob.end() && d && *d < it->second) rows.push_back(r);
    }
    return rows;
  });

  // 574: a missing period starting while the previous one is open, or before it ended (a period
  // may start on the day the previous ended). The new period, which "cannot start", is flagged.
  add_table_rule(r, "574", 0, {}, T::missing, [](const Tab& m, const Run&) -> Rows {
    Rows rows;
    for (const auto& [child, rs] : by_child(m)) {
      const auto ps = in_order(m, rs, "MIS_START");
      for (size_t i = 1; i < ps.size(); ++i) {
        const size_t prev = ps[i - 1].second;
        const auto prev_end = m.date(prev, "MIS_END");
        if (m(prev, "MIS_END").empty() || (prev_end && *prev_end > ps[i].first)) {
          rows.push_back(ps[i].second);
        }
      }
    }
    return rows;
  });

}

}  // namespace careflow::validate::detail

namespace careflow::validate {

namespace {
std::string upper_trim(std::string_view v) {
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
  std::string s(v);
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

std::optional<ProviderInfo> read_provider_info(const std::string& path, ProblemLog& problems) {
  return provider_info_from_csv(read_csv(path), path, problems);
}

std::optional<ProviderInfo> provider_info_from_csv(const CsvReadResult& csv, const std::string& path,
                                                   ProblemLog& problems) {
  const int urn = csv.table.find_column("URN"), end = csv.table.find_column("REG_END");
  const int places = csv.table.find_column("PLACE_CODES"), prov = csv.table.find_column("PROVIDER_CODES");
  auto add_codes = [&](size_t r, int c, std::vector<std::string>& into) {
    if (c < 0) return;
    const std::string list = upper_trim(csv.table.cell(r, static_cast<size_t>(c)));
    size_t from = 0;
    while (from <= list.size()) {
      const size_t comma = std::min(list.find(',', from), list.size());
      std::string code = upper_trim(std::string_view(list).substr(from, comma - from));
      if (!code.empty() && std::find(into.begin(), into.end(), code) == into.end()) into.push_back(code);
      from = comma + 1;
    }
  };
  if (!csv.readable) {
    problems.append(csv.problems);  // why: a folder, no such file, an empty file...
    problems.add({Severity::error, path, 0, "", "provider-list",
                  "the Ofsted provider list cannot be read; the provider-list rules were not run"});
    return std::nullopt;
  }
  if (urn < 0) {
    problems.add({Severity::error, path, 1, "URN", "provider-list",
                  "the Ofsted provider list has no URN column; the provider-list rules were not run"});
    return std::nullopt;
  }
  ProviderInfo info;
  for (size_t r = 0; r < csv.table.rows(); ++r) {
    const std::string u = upper_trim(csv.table.cell(r, static_cast<size_t>(urn)));
    if (u.empty()) continue;
    auto& p = info.by_urn[u];
    const std::string e = end < 0 ? std::string() : upper_trim(csv.table.cell(r, static_cast<size_t>(end)));
    if (e.empty()) p.reg_end_blank = true;
    else p.reg_end.push_back(detail::return_date(e));
    add_codes(r, places, p.place_codes);
    auto add_text = [&](int c, std::vector<std::string>& into, bool strip_spaces) {
      if (c < 0) return;
      std::string v = upper_trim(csv.table.cell(r, static_cast<size_t>(c)));
      if (strip_spaces) v.erase(std::remove(v.begin(), v.end(), ' '), v.end());
      if (std::find(into.begin(), into.end(), v) == into.end()) into.push_back(v);
    };
    add_text(csv.table.find_column("POSTCODE"), p.postcodes, true);
    add_text(csv.table.find_column("LA_CODE_INFERRED"), p.la_codes, false);
    add_codes(r, prov, p.provider_codes);
  }
  return info;
}

}  // namespace careflow::validate
