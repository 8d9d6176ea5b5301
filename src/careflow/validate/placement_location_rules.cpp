// Rules on where a child is placed: the postcodes (HOME_POST, PL_POST), the fields DfE derives
// from them (PL_LA, PL_LOCATION, PL_DISTANCE: derive_episode_fields), the placement against the
// council (--la), and the episode's provider against the Ofsted provider list the user supplies
// (--providers). Written from DfE's messages; where the reference differs,
// docs/validation-deviations.md says why.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

#include "careflow/io/postcodes.hpp"
#include "careflow/validate/child_history.hpp"
#include "careflow/validate/ssda903_rules.hpp"

namespace careflow::validate::detail {

namespace {

std::string upper(std::string_view v) {
  std::string s(v);
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// 392d: home and placement postcodes the same, other than placed with parents (P1).
bool home_is_placement(const EpisodeRow& r) {
  return !r.blank(E::HOME_POST) && r[E::HOME_POST] == r[E::PL_POST] && r[E::PLACE] != "P1";
}

// Episodes flagged by a test on the episode and its derived fields (postcode-derived rules).
using DerivedTest = bool (*)(const Episodes& e, size_t r, const DerivedEpisodeFields& d);
TableCheck<T::episodes> derived_row_rule(DerivedTest test) {
  return [test](const Episodes& e, const Run& in) -> Rows {
    if (!in.derived) return {};
    Rows rows;
    for (size_t r = 0; r < e.rows() && r < in.derived->pl_la.size(); ++r)
      if (test(e, r, *in.derived)) rows.push_back(r);
    return rows;
  };
}
// 169: no placement LA (PL_POST unknown or missing), not on a short break.
bool no_placement_la(const Episodes& e, size_t r, const DerivedEpisodeFields& d) {
  return !short_break(e(r, E::LS)) && d.pl_la[r].empty();
}
// 179: PL_LOCATION neither IN nor OUT, not on a short break.
bool no_placement_location(const Episodes& e, size_t r, const DerivedEpisodeFields& d) {
  return !short_break(e(r, E::LS)) && d.pl_location[r] != "IN" && d.pl_location[r] != "OUT";
}
// 420: a placement LA for a short break.
bool placement_la_for_short_break(const Episodes& e, size_t r, const DerivedEpisodeFields& d) {
  return short_break(e(r, E::LS)) && !d.pl_la[r].empty();
}
// 454: a distance over 350 miles (999.9 is the code for not known).
bool distance_over_350_miles(const Episodes&, size_t r, const DerivedEpisodeFields& d) {
  double miles = 0;
  const auto& s = d.pl_distance[r];
  if (s.empty() || std::from_chars(s.data(), s.data() + s.size(), miles).ec != std::errc()) return false;
  return miles > 350 && miles != 999.9;
}

// 452, 503G/H/J: the first episode's derived field against last year's open final episode.
using Field = std::vector<std::string> DerivedEpisodeFields::*;
TableCheck<T::episodes> derived_against_last_open_final(Field field) {
  return [field](const Episodes& e, const Run& in) -> Rows {
    const Episodes l = last_tab<T::episodes>(in);
    if (!l || !in.derived || !in.derived_last) return {};
    const auto& now = (*in.derived).*field;
    const auto& last = (*in.derived_last).*field;
    const auto& open_final = last_open_final_episodes(l);
    Rows rows;
    for (const auto& [child, eps] : episodes_by_child_in_order(e)) {
      const auto it = open_final.find(child);
      if (it == open_final.end() || eps.empty()) continue;
      const size_t first = eps.front().second, prev = it->second.second;
      if (first < now.size() && prev < last.size() && now[first] != last[prev]) rows.push_back(first);
    }
    return rows;
  };
}

// 453: this year's first episode carries on last year's open final episode (the same RNE: the
// episode continues, as the reference identifies it), yet its derived PL_DISTANCE differs by
// 0.2 miles or more (DfE's message gives no tolerance; 0.2 is the reference's, above the 0.1
// of rounding to one decimal place). Only two given distances are compared: a blank one (no
// postcode) is 392a's business, and any change of text 503G's.
Rows distance_changed_since_last_year(const Episodes& e, const Run& in) {
  const Episodes l = last_tab<T::episodes>(in);
  if (!l || !in.derived || !in.derived_last) return {};
  auto miles = [](const std::vector<std::string>& d, size_t r) -> std::optional<double> {
    double m = 0;
    if (r >= d.size() || d[r].empty()) return std::nullopt;
    const auto& s = d[r];
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), m);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return m;
  };
  const auto& open_final = last_open_final_episodes(l);
  Rows rows;
  for (const auto& [child, eps] : episodes_by_child_in_order(e)) {
    const auto it = open_final.find(child);
    if (it == open_final.end() || eps.empty()) continue;
    const size_t first = eps.front().second, prev = it->second.second;
    if (e(first, E::RNE) != l(prev, E::RNE)) continue;
    const auto now = miles(in.derived->pl_distance, first), last = miles(in.derived_last->pl_distance, prev);
    // 0.2 written in tenths, so that 0.2 apart is not 0.19999 in binary.
    if (now && last && std::abs(std::round(*now * 10) - std::round(*last * 10)) >= 2) rows.push_back(first);
  }
  return rows;
}

// 411: PL_LOCATION (IN/OUT, derived) disagrees with whether PL_LA (derived) is this council.
Rows location_disagrees_with_placement_la(const Episodes& e, const Run& in) {
  if (!in.derived || in.la.empty()) return {};
  const std::string la = upper(in.la);
  Rows rows;
  const size_t n = std::min<size_t>(e.rows(), std::min(in.derived->pl_la.size(), in.derived->pl_location.size()));
  for (size_t r = 0; r < n; ++r) {
    const std::string pl_la = upper(in.derived->pl_la[r]), loc = upper(in.derived->pl_location[r]);
    if (pl_la.empty() || loc.empty()) continue;
    if ((pl_la == la && loc == "OUT") || (pl_la != la && loc == "IN")) rows.push_back(r);
  }
  return rows;
}

// 1015: own provision (PR1) but the placement's LA (derived PL_LA) is not this council; not
// checked for foster or adoption placements (which may be outside the area by design), short
// breaks, or episodes without LS or PLACE. Not run without --la.
Rows own_provision_outside_the_council(const Episodes& e, const Run& in) {
  if (!in.derived || in.la.empty()) return {};
  // The return upper-cases codes; --la may be given in either case.
  auto same_la = [&in](std::string_view pl_la) {
    return std::equal(pl_la.begin(), pl_la.end(), in.la.begin(), in.la.end(), [](char a, char b) {
      return std::toupper(static_cast<unsigned char>(a)) == std::toupper(static_cast<unsigned char>(b));
    });
  };
  static const std::vector<std::string_view> kExempt = {"A3", "A4", "A5", "A6", "U1", "U2",
                                                        "U3", "U4", "U5", "U6"};
  Rows rows;
  for (size_t r = 0; r < e.rows() && r < in.derived->pl_la.size(); ++r) {
    const auto place = e(r, E::PLACE), ls = e(r, E::LS);
    if (e(r, E::PLACE_PROVIDER) != "PR1" || place.empty() || ls.empty() || ls == "V3" || ls == "V4") continue;
    if (std::find(kExempt.begin(), kExempt.end(), place) != kExempt.end()) continue;
    if (!same_la(in.derived->pl_la[r])) rows.push_back(r);
  }
  return rows;
}

// 392c: HOME_POST or PL_POST given but not a postcode of the ONS directory. It needs the
// directory itself (ValidationInput::postcodes, which the CLI passes with the derived fields);
// given only derived fields there is nothing to look postcodes up in, and nothing is flagged.
Rows postcode_not_known(const Episodes& e, const Run& in) {
  if (!in.postcodes) return {};
  Rows rows;
  for (size_t r = 0; r < e.rows(); ++r)
    for (auto c : {E::HOME_POST, E::PL_POST})
      if (!e.blank(r, c) && !in.postcodes->find(e(r, c))) {
        rows.push_back(r);
        break;
      }
  return rows;
}

// A placement LA outside England: Welsh, Scottish, Northern Irish (an ONS code starting W, S or
// N) or outside the UK (CON, NUK).
bool outside_england(std::string_view la) {
  return !la.empty() && (la[0] == 'W' || la[0] == 'S' || la[0] == 'N' || la[0] == 'C');
}
// 218: a placement in England of a type that needs a registered provider, open or ended after 31
// March 2015, with no URN. The exempt types change by year.
TableCheck<T::episodes> no_urn_for_registered_placement(std::vector<std::string_view> exempt) {
  return [exempt = std::move(exempt)](const Episodes& e, const Run& in) -> Rows {
    if (!in.derived) return {};
    const Date since = Date::from_ymd(2015, 3, 31);
    Rows rows;
    for (size_t r = 0; r < e.rows() && r < in.derived->pl_la.size(); ++r) {
      if (!e.blank(r, E::URN) || outside_england(in.derived->pl_la[r])) continue;
      if (std::find(exempt.begin(), exempt.end(), e(r, E::PLACE)) != exempt.end()) continue;
      const auto dec = e.date(r, E::DEC);
      if (e.blank(r, E::DEC) || (dec && *dec > since)) rows.push_back(r);
    }
    return rows;
  };
}
// 230 (2023/24): an H5 placement in England open on or after 28 October 2023 (open, or ended
// after it) with no URN (blank, or XXXXXXX, the placeholder for an unregistered setting).
Rows semi_independent_without_urn(const Episodes& e, const Run& in) {
  if (!in.derived) return {};
  const Date from = Date::from_ymd(2023, 10, 28);
  Rows rows;
  for (size_t r = 0; r < e.rows() && r < in.derived->pl_la.size(); ++r) {
    if (e(r, E::PLACE) != "H5" || outside_england(in.derived->pl_la[r])) continue;
    if (!e.blank(r, E::URN) && e(r, E::URN) != "XXXXXXX") continue;
    const auto dec = e.date(r, E::DEC);
    if (e.blank(r, E::DEC) || (dec && *dec > from)) rows.push_back(r);
  }
  return rows;
}

// ---- The Ofsted provider list ----
// The latest registration end of a URN, if its registration has ended (no row without an end).
std::optional<Date> registration_end(const ProviderInfo::Provider& p) {
  if (p.reg_end_blank) return std::nullopt;
  std::optional<Date> last;
  for (const auto& d : p.reg_end)
    if (d && (!last || *d > *last)) last = d;
  return last;
}
// 227/228: the episode at a URN whose Ofsted registration had ended by the episode's start
// (227), or before its end, an open one at the year end (228).
Rows registration_ended(const Episodes& e, const Run& in, bool at_start) {
  if (!in.providers) return {};
  Rows rows;
  for (size_t r = 0; r < e.rows(); ++r) {
    const auto* p = in.providers->find(e(r, E::URN));
    if (!p) continue;
    const auto ended = registration_end(*p);
    if (!ended) continue;
    if (at_start) {
      const auto start = e.date(r, E::DECOM);
      if (start && *ended <= *start) rows.push_back(r);
    } else {
      const auto stop = e.blank(r, E::DEC) ? std::optional<Date>(in.year.end()) : e.date(r, E::DEC);
      if (stop && *ended < *stop) rows.push_back(r);
    }
  }
  return rows;
}
Rows registration_ended_before_start(const Episodes& e, const Run& in) { return registration_ended(e, in, true); }
Rows registration_ended_before_end(const Episodes& e, const Run& in) { return registration_ended(e, in, false); }

// 221: PL_POST is not the URN's registered postcode, for placements in registered settings
// (children's homes, residential schools, secure units; plus H5 in 2023/24, K3 from 2024/25).
TableCheck<T::episodes> postcode_not_registered(std::vector<std::string_view> types) {
  return [types = std::move(types)](const Episodes& e, const Run& in) -> Rows {
    if (!in.providers) return {};
    Rows rows;
    for (size_t r = 0; r < e.rows(); ++r) {
      const auto* p = in.providers->find(e(r, E::URN));
      if (!p || e.blank(r, E::PL_POST)) continue;
      if (std::find(types.begin(), types.end(), e(r, E::PLACE)) == types.end()) continue;
      std::string post(e(r, E::PL_POST));
      post.erase(std::remove(post.begin(), post.end(), ' '), post.end());
      if (std::find(p->postcodes.begin(), p->postcodes.end(), post) == p->postcodes.end()) rows.push_back(r);
    }
    return rows;
  };
}

// 229: PR1 (the council's own provision) at a provider whose postcode lies in another LA, or
// PR2 (another LA's) at one in this council's area (LA_CODE_INFERRED against --la).
Rows provider_code_disagrees_with_provider_la(const Episodes& e, const Run& in) {
  if (!in.providers || in.la.empty()) return {};  // without --la nothing to compare
  const std::string la = upper(in.la);
  Rows rows;
  for (size_t r = 0; r < e.rows(); ++r) {
    const auto* p = in.providers->find(e(r, E::URN));
    if (!p) continue;
    const bool ours = std::find(p->la_codes.begin(), p->la_codes.end(), la) != p->la_codes.end();
    if ((e(r, E::PLACE_PROVIDER) == "PR1" && !ours) || (e(r, E::PLACE_PROVIDER) == "PR2" && ours)) rows.push_back(r);
  }
  return rows;
}

// 219/224: the episode's PLACE / PLACE_PROVIDER is not among those the URN is registered for.
Rows not_registered_for(const Episodes& e, const Run& in, E::Column column, bool places) {
  if (!in.providers) return {};
  Rows rows;
  for (size_t r = 0; r < e.rows(); ++r) {
    const auto* p = in.providers->find(e(r, E::URN));
    if (!p || e.blank(r, column)) continue;  // a blank code is other rules' business
    const auto& codes = places ? p->place_codes : p->provider_codes;
    if (std::find(codes.begin(), codes.end(), e(r, column)) == codes.end()) rows.push_back(r);
  }
  return rows;
}
Rows placement_type_not_registered(const Episodes& e, const Run& in) { return not_registered_for(e, in, E::PLACE, true); }
Rows provider_type_not_registered(const Episodes& e, const Run& in) {
  return not_registered_for(e, in, E::PLACE_PROVIDER, false);
}

// 1008: a URN not in the Ofsted provider lists (XXXXXXX, the placeholder, is accepted).
Rows urn_not_known(const Episodes& e, const Run& in) {
  if (!in.providers) return {};
  Rows rows;
  for (size_t r = 0; r < e.rows(); ++r) {
    const auto urn = e(r, E::URN);
    if (!urn.empty() && urn != "XXXXXXX" && !in.providers->find(urn)) rows.push_back(r);
  }
  return rows;
}

}  // namespace

void placement_location_rules(Rules& r) {
  add_row_rule(r, "392d", 0, home_is_placement);
  add_table_rule(r, "169", 0, {.postcodes = true}, derived_row_rule(no_placement_la));
  add_table_rule(r, "179", 0, {.postcodes = true, .location = true}, derived_row_rule(no_placement_location));
  add_table_rule(r, "420", 0, {.postcodes = true}, derived_row_rule(placement_la_for_short_break));
  add_table_rule(r, "454", 0, {.postcodes = true}, derived_row_rule(distance_over_350_miles));
  const Needs vs_last = {.last_year = true, .postcodes = true};
  add_table_rule(r, "452", 0, vs_last, derived_against_last_open_final(&DerivedEpisodeFields::pl_la));
  add_table_rule(r, "503G", 0, vs_last, derived_against_last_open_final(&DerivedEpisodeFields::pl_distance));
  add_table_rule(r, "503H", 0, vs_last, derived_against_last_open_final(&DerivedEpisodeFields::pl_la));
  add_table_rule(r, "503J", 0, {.last_year = true, .postcodes = true, .location = true},
                 derived_against_last_open_final(&DerivedEpisodeFields::pl_location));
  add_table_rule(r, "453", 0, vs_last, distance_changed_since_last_year);
  add_table_rule(r, "411", 0, {.postcodes = true, .council = true}, location_disagrees_with_placement_la);
  add_table_rule(r, "1015", 0, {.postcodes = true, .council = true}, own_provision_outside_the_council);
  add_table_rule(r, "392c", 0, {.postcodes = true}, postcode_not_known);
  add_table_rule(r, "218", 2023, {.postcodes = true},
                 no_urn_for_registered_placement({"H5", "P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"}));
  add_table_rule(r, "218", 2025, {.postcodes = true},
                 no_urn_for_registered_placement({"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"}));
  add_table_rule(r, "218", 2026, {.postcodes = true},
                 no_urn_for_registered_placement({"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"}));
  add_table_rule(r, "230", 0, {.postcodes = true}, semi_independent_without_urn);
  add_table_rule(r, "227", 0, {.providers = true}, registration_ended_before_start);
  add_table_rule(r, "228", 0, {.providers = true}, registration_ended_before_end);
  add_table_rule(r, "221", 2023, {.providers = true}, postcode_not_registered({"K1", "K2", "R3", "S1"}));
  add_table_rule(r, "221", 2024, {.providers = true}, postcode_not_registered({"K1", "K2", "R3", "S1", "H5"}));
  add_table_rule(r, "221", 2025, {.providers = true}, postcode_not_registered({"K1", "K2", "K3", "R3", "S1"}));
  add_table_rule(r, "229", 0, {.providers = true, .council = true}, provider_code_disagrees_with_provider_la);
  add_table_rule(r, "219", 0, {.providers = true}, placement_type_not_registered);
  add_table_rule(r, "224", 0, {.providers = true}, provider_type_not_registered);
  add_table_rule(r, "1008", 0, {.providers = true}, urn_not_known);
}

}  // namespace careflow::validate::detail
