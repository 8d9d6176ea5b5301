// Rules on a child's UASC status (Header.UASC: is, or was, an unaccompanied asylum-seeking child)
// and the date it ceased (UASC.DUC), this year against last year, and the postcode-derived
// distance, which UASC children do not have. Written from DfE's messages; where the reference
// differs, docs/validation-deviations.md says why.
#include <charconv>
#include <string>

#include "careflow/validate/more_rules.hpp"

namespace careflow::validate::detail {

std::unordered_set<std::string_view> uasc_children(const Run& in, bool last_year) {
  std::unordered_set<std::string_view> out;
  const Tab h = last_year ? last_tab(in, Table::header) : tab(in, Table::header);
  const auto* stated = last_year ? in.header_uasc_last : in.header_uasc;
  if (h && stated) {
    for (size_t r = 0; r < h.rows() && r < stated->size(); ++r)
      if ((*stated)[r] == "1") out.insert(h(r, "CHILD"));
    return out;
  }
  const Tab u = last_year ? last_tab(in, Table::uasc) : tab(in, Table::uasc);
  for (size_t r = 0; r < u.rows(); ++r) out.insert(u(r, "CHILD"));
  return out;
}

namespace {

using T = Table;

bool short_break(const Tab& e, size_t r) { return e(r, "LS") == "V3" || e(r, "LS") == "V4"; }

// UASC now or in last year's return: "formerly UASC" as far as the data loaded can tell (DfE also
// looks two years back, which no return given to careflow holds: the messages warn of it).
std::unordered_set<std::string_view> ever_uasc(const Run& in) {
  auto s = uasc_children(in, false);
  for (auto c : uasc_children(in, true)) s.insert(c);
  return s;
}

// Episodes flagged by a test on the episode, whether the child is (or was) UASC and its derived
// fields (none when `needs_postcodes` is false).
void episode_uasc_rule(Rules& r, std::string_view code, bool needs_postcodes,
                       std::function<bool(const Tab&, size_t, bool uasc, const DerivedEpisodeFields*)> test) {
  add_rule(r, code, 0, {{.postcodes = needs_postcodes}, [=](const Run& in) {
                       Flags f;
                       const Tab e = tab(in, T::episodes);
                       if (!e || (needs_postcodes && !in.derived)) return f;
                       const auto uasc = ever_uasc(in);
                       const size_t n = needs_postcodes ? std::min(e.rows(), in.derived->pl_distance.size()) : e.rows();
                       std::vector<size_t> rows;
                       for (size_t r = 0; r < n; ++r)
                         if (test(e, r, uasc.count(e(r, "CHILD")) > 0, in.derived)) rows.push_back(r);
                       put(f, T::episodes, std::move(rows));
                       return f;
                     }});
}

// A distance as the return holds it (miles, one decimal place); nullopt when not a number.
std::optional<double> miles(const std::string& s) {
  double v = 0;
  const char* end = s.data() + s.size();
  const auto res = std::from_chars(s.data(), end, v);
  if (s.empty() || res.ec != std::errc() || res.ptr != end) return std::nullopt;
  return v;
}

// One year's UASC rows by child (first row) and DUC text.
struct UascYear {
  Tab u;
  std::unordered_map<std::string_view, size_t> row;
  std::string_view duc(std::string_view child) const {
    const auto it = row.find(child);
    return it == row.end() ? std::string_view() : u(it->second, "DUC");
  }
  std::optional<Date> duc_date(std::string_view child) const {
    const auto it = row.find(child);
    return it == row.end() ? std::nullopt : u.date(it->second, "DUC");
  }
};
UascYear uasc_year(const Tab& u) {
  UascYear y{u, {}};
  for (size_t r = 0; r < u.rows(); ++r) y.row.emplace(u(r, "CHILD"), r);
  return y;
}

// 205A-C: a test on each child of this year's return (Header and UASC tables) given its status in
// both years and both years' UASC rows; the child's UASC and Header rows are flagged.
using StatusTest = std::function<bool(std::string_view child, bool now, bool last, const UascYear& u,
                                      const UascYear& l, const Run& in)>;
void status_rule(Rules& r, std::string_view code, StatusTest test) {
  add_rule(r, code, 0, {{.last_year = true}, [test = std::move(test)](const Run& in) {
                       Flags f;
                       const Tab h = tab(in, T::header), u = tab(in, T::uasc);
                       if (!h && !u) return f;
                       const auto now = uasc_children(in, false), last = uasc_children(in, true);
                       const UascYear uy = uasc_year(u), ly = uasc_year(last_tab(in, T::uasc));
                       std::unordered_set<std::string_view> failed;
                       auto check = [&](std::string_view child) {
                         if (test(child, now.count(child) > 0, last.count(child) > 0, uy, ly, in)) failed.insert(child);
                       };
                       for (size_t r = 0; r < h.rows(); ++r) check(h(r, "CHILD"));
                       for (size_t r = 0; r < u.rows(); ++r) check(u(r, "CHILD"));
                       std::vector<size_t> hrows, urows;
                       for (size_t r = 0; r < h.rows(); ++r)
                         if (failed.count(h(r, "CHILD"))) hrows.push_back(r);
                       for (size_t r = 0; r < u.rows(); ++r)
                         if (failed.count(u(r, "CHILD"))) urows.push_back(r);
                       put(f, T::header, std::move(hrows));
                       put(f, T::uasc, std::move(urows));
                       return f;
                     }});
}

}  // namespace

void register_uasc_rules(Rules& r) {
  // 164: PL_DISTANCE not a distance of 0.0-999.9 miles, for a child never UASC, not on a short break.
  episode_uasc_rule(r, "164", true, [](const Tab& e, size_t r, bool uasc, const DerivedEpisodeFields* d) {
    if (uasc || short_break(e, r) || d->pl_distance[r].empty()) return false;
    const auto m = miles(d->pl_distance[r]);
    return !m || *m < 0.0 || *m > 999.9;
  });
  // 392a: no distance for a looked-after child (not a short break) never UASC.
  episode_uasc_rule(r, "392a", true, [](const Tab& e, size_t r, bool uasc, const DerivedEpisodeFields* d) {
    return !uasc && !short_break(e, r) && d->pl_distance[r].empty();
  });
  // 392b: HOME_POST or PL_POST missing for a looked-after child never UASC.
  episode_uasc_rule(r, "392b", false, [](const Tab& e, size_t r, bool uasc, const DerivedEpisodeFields*) {
    return !uasc && !short_break(e, r) && (e(r, "HOME_POST").empty() || e(r, "PL_POST").empty());
  });
  // 406: a distance recorded for a child who is, or was, UASC.
  episode_uasc_rule(r, "406", true, [](const Tab&, size_t r, bool uasc, const DerivedEpisodeFields* d) {
    return uasc && !d->pl_distance[r].empty();
  });

  // 303: DUC given but the child's Header.UASC is not 1 (only a stated Header.UASC can disagree:
  // one derived from the UASC table is 1 for every child in it).
  add_rule(r, "303", 0, {{}, [](const Run& in) {
             Flags f;
             const Tab h = tab(in, T::header), u = tab(in, T::uasc);
             if (!u) return f;
             const auto uasc = uasc_children(in, false);
             std::unordered_set<std::string_view> failed;
             std::vector<size_t> urows, hrows;
             for (size_t r = 0; r < u.rows(); ++r)
               if (!u(r, "DUC").empty() && !uasc.count(u(r, "CHILD"))) {
                 urows.push_back(r);
                 failed.insert(u(r, "CHILD"));
               }
             for (size_t r = 0; r < h.rows(); ++r)
               if (failed.count(h(r, "CHILD"))) hrows.push_back(r);
             put(f, T::uasc, std::move(urows));
             put(f, T::header, std::move(hrows));
             return f;
           }});

  // 105: a stated Header.UASC (an XML return's) that is not 0 or 1, blank included. One derived
  // from the UASC table (a CSV return) is always valid, so nothing is flagged then.
  add_rule(r, "105", 0, {{}, [](const Run& in) {
             Flags f;
             const Tab h = tab(in, T::header);
             if (!h || !in.header_uasc) return f;
             std::vector<size_t> rows;
             for (size_t r = 0; r < h.rows() && r < in.header_uasc->size(); ++r)
               if ((*in.header_uasc)[r] != "0" && (*in.header_uasc)[r] != "1") rows.push_back(r);
             put(f, T::header, std::move(rows));
             return f;
           }});

  // 231 (query, from 2024/25): a UASC child under 11 at the end of the collection year.
  add_rule(r, "231", 0, {{}, [](const Run& in) {
             Flags f;
             const Tab h = tab(in, T::header);
             if (!h) return f;
             const auto uasc = uasc_children(in, false);
             std::vector<size_t> rows;
             for (size_t r = 0; r < h.rows(); ++r) {
               const auto dob = h.date(r, "DOB");
               if (dob && uasc.count(h(r, "CHILD")) && age_on(*dob, in.year.end()) < 11) rows.push_back(r);
             }
             put(f, T::header, std::move(rows));
             return f;
           }});

  // 205A: UASC last year, not this year: the status must have ceased during last year (last
  // year's DUC within it) and this year's return should hold no DUC.
  status_rule(r, "205A", [](std::string_view child, bool now, bool last, const UascYear& u, const UascYear& l,
                         const Run& in) {
    if (now || !last) return false;
    const CollectionYear prev{in.year.end_year - 1};
    const auto was = l.duc_date(child);
    return !u.duc(child).empty() || !was || *was < prev.start() || *was > prev.end();
  });
  // 205B: UASC both years: this year's DUC is last year's (the status, or its expected end, is
  // unchanged) or falls within this year (it ceased this year).
  status_rule(r, "205B", [](std::string_view child, bool now, bool last, const UascYear& u, const UascYear& l,
                         const Run& in) {
    if (!now || !last) return false;
    if (u.duc(child) == l.duc(child)) return false;
    const auto d = u.duc_date(child);
    return !d || *d < in.year.start() || *d > in.year.end();
  });
  // 205C: never UASC in either year, yet a DUC is given in one of them.
  status_rule(r, "205C", [](std::string_view child, bool now, bool last, const UascYear& u, const UascYear& l,
                         const Run&) {
    return !now && !last && (!u.duc(child).empty() || !l.duc(child).empty());
  });

  // 205D: UASC this year, but last year's return holds the child as not UASC. Header.UASC is the
  // flag, so its rows are flagged (the UASC rows when there is no Header).
  add_rule(r, "205D", 0, {{.last_year = true}, [](const Run& in) {
             Flags f;
             const Tab h = tab(in, T::header), u = tab(in, T::uasc);
             const Tab lh = last_tab(in, T::header), lu = last_tab(in, T::uasc);
             const auto now = uasc_children(in, false), last = uasc_children(in, true);
             // Children in last year's return (its Header, or its UASC table without one).
             std::unordered_set<std::string_view> known_last;
             const Tab& lt = lh ? lh : lu;
             for (size_t r = 0; r < lt.rows(); ++r) known_last.insert(lt(r, "CHILD"));
             auto fails = [&](std::string_view c) { return now.count(c) && known_last.count(c) && !last.count(c); };
             const Tab& t = h ? h : u;
             std::vector<size_t> rows;
             for (size_t r = 0; r < t.rows(); ++r)
               if (fails(t(r, "CHILD"))) rows.push_back(r);
             put(f, h ? T::header : T::uasc, std::move(rows));
             return f;
           }});
}

void register_more_rules(Rules& r) {
  register_uasc_rules(r);
  register_adoption_rules(r);
  register_other_rules(r);
}

}  // namespace careflow::validate::detail
