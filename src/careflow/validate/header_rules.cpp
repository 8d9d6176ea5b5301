// Rules on the Header: the child's sex, date of birth, ethnicity and UPN, mothers (MOTHER,
// MC_DOB), and the Header against last year's. Written from DfE's messages; where the reference
// differs, docs/validation-deviations.md says why.
#include <unordered_map>
#include <unordered_set>

#include "careflow/validate/child_history.hpp"
#include "careflow/validate/ssda903_rules.hpp"

namespace careflow::validate::detail {

namespace {

// 168: a UPN is a letter (not I, O or S) and 12 digits, or 11 digits and a letter; or one of
// the codes for a UPN not known (UN1-UN5).
bool upn_not_valid(const HeaderRow& r) {
  const std::string_view u = r[H::UPN];
  if (codes::upn_unknown.find(u) != kNoCode) return false;
  if (u.size() != 13) return true;
  auto digits = [&](size_t from, size_t to) {
    return std::all_of(u.begin() + static_cast<long>(from), u.begin() + static_cast<long>(to),
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  auto letter = [](char c) { return c >= 'A' && c <= 'Z'; };
  if (!letter(u[0]) || u[0] == 'I' || u[0] == 'O' || u[0] == 'S') return true;
  return !(digits(1, 13) || (digits(1, 12) && letter(u[12])));
}

// 174: a boy (SEX 1 to 2023/24, M from 2024/25) with a child's date of birth.
bool boy_with_child_dob_2023(const HeaderRow& r) { return r[H::SEX] == "1" && !r.blank(H::MC_DOB); }
bool boy_with_child_dob_2025(const HeaderRow& r) { return r[H::SEX] == "M" && !r.blank(H::MC_DOB); }
// 232: sex not known (U).
bool sex_not_known(const HeaderRow& r) { return r[H::SEX] == "U"; }
// 611: a mother with no child's date of birth.
bool mother_without_child_dob(const HeaderRow& r) { return r[H::MOTHER] == "1" && r.blank(H::MC_DOB); }
// 612: a girl (SEX 2 to 2023/24, F from 2024/25) with a child's date of birth but not a mother.
bool child_dob_but_not_mother_2023(const HeaderRow& r) {
  return r[H::SEX] == "2" && !r.blank(H::MC_DOB) && r[H::MOTHER] != "1";
}
bool child_dob_but_not_mother_2025(const HeaderRow& r) {
  return r[H::SEX] == "F" && !r.blank(H::MC_DOB) && r[H::MOTHER] != "1";
}
// 620: a mother under 11 at the start of the year.
bool mother_under_11(const HeaderRow& r) {
  const auto a = age_at(r, H::DOB, r.in.year.start());
  return r[H::MOTHER] == "1" && a && *a < 11;
}
// 621: a mother's child born on or before her own birth.
bool child_born_before_mother(const HeaderRow& r) {
  const auto dob = r.date(H::DOB), mc = r.date(H::MC_DOB);
  return dob && mc && *mc <= *dob;
}
// 351: 25 or over before the start of the year.
bool over_25(const HeaderRow& r) {
  const auto dob = r.date(H::DOB);
  return dob && birthday(*dob, 25) < r.in.year.start();
}
// 209: UPN UN1 ('not of school age') for a child of school age (5 by 31 August before the year).
bool school_age_with_un1(const HeaderRow& r) {
  const auto dob = r.date(H::DOB);
  const Date aug31 = Date::from_ymd(r.in.year.end_year - 2, 8, 31);
  return r[H::UPN] == "UN1" && dob && age_on(*dob, aug31) >= 5;
}

// 210: UPN UN4 ('newly looked after') but looked after since before 24 March.
Flags un4_but_looked_after_before_24_march(const Run& in) {
  Flags f;
  const Header h = tab<T::header>(in);
  const Episodes e = tab<T::episodes>(in);
  if (!h || !e) return f;
  const auto& ec = by_child(e);
  const Date cutoff = Date::from_ymd(in.year.end_year, 3, 24);
  std::vector<size_t> hrows, erows;
  for (size_t r = 0; r < h.rows(); ++r) {
    if (h(r, H::UPN) != "UN4") continue;
    const auto it = ec.find(h(r, H::CHILD));
    if (it == ec.end()) continue;
    const auto& eps = episodes_in_order(e, it->first);
    if (!eps.empty() && eps.front().first < cutoff) {
      hrows.push_back(r);
      erows.push_back(eps.back().second);
    }
  }
  put(f, T::header, std::move(hrows));
  put(f, T::episodes, std::move(erows));
  return f;
}

// 442: UPN blank for a child with an episode that is not a short break (V3/V4).
Rows upn_blank_for_looked_after_child(const Header& h, const Run& in) {
  const Episodes e = tab<T::episodes>(in);
  if (!e) return {};
  std::unordered_set<std::string_view> looked_after;
  for (size_t r = 0; r < e.rows(); ++r)
    if (e(r, E::LS) != "V3" && e(r, E::LS) != "V4") looked_after.insert(e(r, E::CHILD));
  Rows rows;
  for (size_t r = 0; r < h.rows(); ++r)
    if (h.blank(r, H::UPN) && looked_after.count(h(r, H::CHILD))) rows.push_back(r);
  return rows;
}

// 444: the same real UPN (not UN1-UN5) for more than one Header row.
Rows upn_shared_by_children(const Header& h, const Run&) {
  std::unordered_map<std::string_view, std::vector<size_t>> by_upn;
  for (size_t r = 0; r < h.rows(); ++r) {
    const auto u = h(r, H::UPN);
    if (!u.empty() && codes::upn_unknown.find(u) == kNoCode) by_upn[u].push_back(r);
  }
  Rows rows;
  for (const auto& [u, rs] : by_upn)
    if (rs.size() > 1) rows.insert(rows.end(), rs.begin(), rs.end());
  return rows;
}

// 202-204: a Header field differs from last year's Header.
TableCheck<T::header> differs_from_last_year(H::Column field) {
  return [field](const Header& h, const Run& in) -> Rows {
    const Header l = last_tab<T::header>(in);
    if (!l) return {};
    const auto& lr = first_row_in(l, h);
    Rows rows;
    for (size_t r = 0; r < h.rows(); ++r) {
      if (lr[r] == kNoRow) continue;
      std::string_view was = l(lr[r], field), is = h(r, field);
      // SEX changed from 1/2 to M/F/U in 2024/25: compare 1 as M and 2 as F,
      // so a child recorded 1 in 2023/24 and M in 2024/25 is not flagged.
      if (field == H::SEX) {
        auto norm = [](std::string_view s) -> std::string_view {
          return s == "1" ? "M" : s == "2" ? "F" : s;
        };
        was = norm(was);
        is = norm(is);
      }
      if (was != is) rows.push_back(r);
    }
    return rows;
  };
}

// Header against last year's Header, per child in both (and, with `needs_episode`, with an
// episode this year).
using AgainstLastYear = bool (*)(const Header& h, size_t r, const Header& l, size_t q, const Run& in);
TableCheck<T::header> against_last_header(AgainstLastYear test, bool needs_episode) {
  return [test, needs_episode](const Header& h, const Run& in) -> Rows {
    const Header l = last_tab<T::header>(in);
    const Episodes e = tab<T::episodes>(in);
    if (!l || (needs_episode && !e)) return {};
    const auto& lr = first_row_in(l, h);
    const std::vector<size_t>* er = needs_episode ? &first_row_in(e, h) : nullptr;
    Rows rows;
    for (size_t r = 0; r < h.rows(); ++r) {
      if (lr[r] == kNoRow || (er && (*er)[r] == kNoRow)) continue;
      if (test(h, r, l, lr[r], in)) rows.push_back(r);
    }
    return rows;
  };
}
// 207: a mother last year is no longer recorded as one (children with episodes).
bool no_longer_a_mother(const Header& h, size_t r, const Header& l, size_t q, const Run&) {
  return l(q, H::MOTHER) == "1" && h(r, H::MOTHER) != "1";
}
// 624: MC_DOB differs from the one recorded last year.
bool child_dob_changed(const Header& h, size_t r, const Header& l, size_t q, const Run&) {
  return !l.blank(q, H::MC_DOB) && h(r, H::MC_DOB) != l(q, H::MC_DOB);
}
// 626: a mother with a first child born before this year, but not a mother last year.
bool mother_before_the_year_but_not_last_year(const Header& h, size_t r, const Header& l, size_t q, const Run& in) {
  const auto mc = h.date(r, H::MC_DOB);
  return h(r, H::MOTHER) == "1" && mc && *mc < in.year.start() && l(q, H::MOTHER) != "1";
}

// 208: this year's UPN disagrees with last year's for the same child. Not a disagreement:
// nothing recorded last year (blank); UN1 (not yet of school age) becoming UN2-UN5; an
// unknown code (UN1-UN5) becoming a real UPN. Blank in both years is 442's business.
Rows upn_differs_from_last_year(const Header& h, const Run& in) {
  const Header l = last_tab<T::header>(in);
  if (!l) return {};
  const auto& last_rows = first_row_by_child(l);
  auto unknown = [](std::string_view u) { return u.size() == 3 && u.substr(0, 2) == "UN" && u[2] >= '1' && u[2] <= '5'; };
  Rows rows;
  for (size_t r = 0; r < h.rows(); ++r) {
    const auto it = last_rows.find(h(r, H::CHILD));
    if (it == last_rows.end()) continue;
    const std::string_view was = l(it->second, H::UPN), is = h(r, H::UPN);
    if (was.empty() || was == is) continue;
    if (was == "UN1" && unknown(is)) continue;
    if (unknown(was) && !is.empty() && !unknown(is)) continue;
    rows.push_back(r);
  }
  return rows;
}

// 393: a looked-after girl (an episode other than V3/V4) with MOTHER blank. Girls are SEX 2, and
// from 2024/25 also F.
TableCheck<T::header> girl_looked_after_without_mother_status(std::vector<std::string_view> female) {
  return [female = std::move(female)](const Header& h, const Run& in) -> Rows {
    const Episodes e = tab<T::episodes>(in);
    if (!e) return {};
    ChildMap<bool> looked_after;
    for (size_t r = 0; r < e.rows(); ++r)
      if (e(r, E::LS) != "V3" && e(r, E::LS) != "V4") looked_after.try_emplace(e(r, E::CHILD), true);
    Rows rows;
    for (size_t r = 0; r < h.rows(); ++r)
      if (one_of(h(r, H::SEX), female) && h.blank(r, H::MOTHER) && looked_after.count(h(r, H::CHILD)))
        rows.push_back(r);
    return rows;
  };
}

// 607: a girl who ceased to be looked after in the year (REC other than X1, not V3/V4) with
// MOTHER blank: her Header row and those episodes.
Rules::Check girl_left_care_without_mother_status(std::vector<std::string_view> female) {
  return [female = std::move(female)](const Run& in) {
    Flags f;
    const Header h = tab<T::header>(in);
    const Episodes e = tab<T::episodes>(in);
    if (!h || !e) return f;
    const auto& ec = by_child(e);
    std::vector<size_t> hrows, erows;
    for (size_t r = 0; r < h.rows(); ++r) {
      if (!one_of(h(r, H::SEX), female) || !h.blank(r, H::MOTHER)) continue;
      const auto it = ec.find(h(r, H::CHILD));
      if (it == ec.end()) continue;
      bool any = false;
      for (size_t q : it->second) {
        const auto dec = e.date(q, E::DEC);
        const auto rec = e(q, E::REC);
        if (dec && *dec >= in.year.start() && *dec <= in.year.end() && !rec.empty() && rec != "X1" &&
            e(q, E::LS) != "V3" && e(q, E::LS) != "V4") {
          erows.push_back(q);
          any = true;
        }
      }
      if (any) hrows.push_back(r);
    }
    put(f, T::header, std::move(hrows));
    put(f, T::episodes, std::move(erows));
    return f;
  };
}

// 625: MC_DOB after the year end or after the child's last episode ended.
Flags child_born_after_care_ended(const Run& in) {
  Flags f;
  const Header h = tab<T::header>(in);
  const Episodes e = tab<T::episodes>(in);
  if (!h || !e) return f;
  const auto& ec = by_child(e);
  std::vector<size_t> hrows, erows;
  for (size_t r = 0; r < h.rows(); ++r) {
    const auto mc = h.date(r, H::MC_DOB);
    const auto it = ec.find(h(r, H::CHILD));
    if (!mc || it == ec.end()) continue;
    std::optional<std::pair<Date, size_t>> last;
    for (size_t q : it->second)
      if (const auto d = e.date(q, E::DEC); d && (!last || *d >= last->first)) last = {{*d, q}};
    if (!last) continue;
    if (*mc > in.year.end() || *mc > last->first) {
      hrows.push_back(r);
      erows.push_back(last->second);
    }
  }
  put(f, T::header, std::move(hrows));
  put(f, T::episodes, std::move(erows));
  return f;
}

// 628: MOTHER completed for a care leaver (OC3 data) with no episodes this year.
Rows mother_status_for_care_leaver(const Header& h, const Run& in) {
  const Episodes e = tab<T::episodes>(in);
  const Oc3 o = tab<T::oc3>(in);
  if (!e || !o) return {};
  const auto& ec = by_child(e);
  std::unordered_set<std::string_view> leavers;
  for (size_t r = 0; r < o.rows(); ++r)
    if (any_given(o, r, kOc3Items)) leavers.insert(o(r, O3::CHILD));
  Rows rows;
  for (size_t r = 0; r < h.rows(); ++r)
    if (!h.blank(r, H::MOTHER) && leavers.count(h(r, H::CHILD)) && !ec.count(h(r, H::CHILD))) rows.push_back(r);
  return rows;
}

// 165: MOTHER, when given, must be 0 or 1, and must not be given for a boy; for a girl looked
// after during the year (an episode other than a V3/V4 short break open at some time between
// 1 April and 31 March) it must be given. SEX is read in both codings, 1/2 (to 2023/24) and M/F
// (from 2024/25), so the boy and girl checks work in every year (the reference tests 1/2 only).
// The Header row is flagged, with the child's OC3 rows: the rule reads the care leaver items.
Flags mother_status_not_valid(const Run& in) {
  Flags f;
  const Header h = tab<T::header>(in);
  const Episodes e = tab<T::episodes>(in);
  const Oc3 o = tab<T::oc3>(in);
  if (!h) return f;
  ChildMap<bool> looked_after(e.rows());
  for (size_t r = 0; r < e.rows(); ++r) {
    if (e(r, E::LS) == "V3" || e(r, E::LS) == "V4") continue;
    const auto decom = e.date(r, E::DECOM), dec = e.date(r, E::DEC);
    if (decom && *decom <= in.year.end() && (e.blank(r, E::DEC) || (dec && *dec >= in.year.start())))
      looked_after.try_emplace(e(r, E::CHILD), true);
  }
  const auto& oc3_rows = by_child(o);
  std::vector<size_t> hrows, orows;
  for (size_t r = 0; r < h.rows(); ++r) {
    const auto mother = h(r, H::MOTHER), sex = h(r, H::SEX);
    const bool male = sex == "1" || sex == "M", female = sex == "2" || sex == "F";
    const bool wrong = mother.empty() ? female && looked_after.count(h(r, H::CHILD))
                                      : male || (mother != "0" && mother != "1");
    if (!wrong) continue;
    hrows.push_back(r);
    if (const auto it = oc3_rows.find(h(r, H::CHILD)); it != oc3_rows.end())
      orows.insert(orows.end(), it->second.begin(), it->second.end());
  }
  put(f, T::header, std::move(hrows));
  put(f, T::oc3, std::move(orows));
  return f;
}

}  // namespace

void header_rules(Rules& r) {
  add_row_rule(r, "101", 0, code_in(H::SEX, codes::sex, false));
  add_row_rule(r, "102", 0, bad_date(H::DOB, true));
  add_row_rule(r, "103", 0, code_in(H::ETHNIC, codes::ethnic, false));
  add_row_rule(r, "168", 0, upn_not_valid);
  add_row_rule(r, "171", 0, bad_date(H::MC_DOB, false));
  add_row_rule(r, "174", 2023, boy_with_child_dob_2023);
  add_row_rule(r, "174", 2025, boy_with_child_dob_2025);
  add_row_rule(r, "232", 0, sex_not_known);
  add_row_rule(r, "301", 0, after_collection_end(H::DOB));
  add_row_rule(r, "351", 0, over_25);
  add_row_rule(r, "611", 0, mother_without_child_dob);
  add_row_rule(r, "612", 2023, child_dob_but_not_mother_2023);
  add_row_rule(r, "612", 2025, child_dob_but_not_mother_2025);
  add_row_rule(r, "620", 0, mother_under_11);
  add_row_rule(r, "621", 0, child_born_before_mother);
  add_row_rule(r, "209", 0, school_age_with_un1);
  add_rule(r, "210", 0, {}, un4_but_looked_after_before_24_march);
  add_table_rule(r, "442", 0, {}, upn_blank_for_looked_after_child);
  add_table_rule(r, "444", 0, {}, upn_shared_by_children);
  add_table_rule(r, "202", 0, {.last_year = true}, differs_from_last_year(H::SEX));
  add_table_rule(r, "203", 0, {.last_year = true}, differs_from_last_year(H::DOB));
  add_table_rule(r, "204", 0, {.last_year = true}, differs_from_last_year(H::ETHNIC));
  add_table_rule(r, "207", 0, {.last_year = true}, against_last_header(no_longer_a_mother, true));
  add_table_rule(r, "624", 0, {.last_year = true}, against_last_header(child_dob_changed, false));
  add_table_rule(r, "626", 0, {.last_year = true}, against_last_header(mother_before_the_year_but_not_last_year, false));
  add_table_rule(r, "208", 0, {.last_year = true}, upn_differs_from_last_year);
  add_table_rule(r, "393", 2023, {}, girl_looked_after_without_mother_status({"2"}));
  add_table_rule(r, "393", 2025, {}, girl_looked_after_without_mother_status({"2", "F"}));
  add_rule(r, "607", 2023, {}, girl_left_care_without_mother_status({"2"}));
  add_rule(r, "607", 2025, {}, girl_left_care_without_mother_status({"2", "F"}));
  add_rule(r, "625", 0, {}, child_born_after_care_ended);
  add_table_rule(r, "628", 0, {}, mother_status_for_care_leaver);
  add_rule(r, "165", 0, {}, mother_status_not_valid);
}

}  // namespace careflow::validate::detail
