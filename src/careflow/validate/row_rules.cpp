// Rules that look at one row of one table at a time, declared as data: a code, a table and a
// test built from a few combinators (code-list validity by year, date validity, fields given
// together, date order, dates against the collection year).
#include <algorithm>
#include <charconv>
#include <initializer_list>

#include "careflow/validate/rule_support.hpp"

namespace careflow::validate::detail {

namespace {

using Set = std::vector<std::string_view>;

bool in(std::string_view v, const Set& s) { return std::find(s.begin(), s.end(), v) != s.end(); }

// Flags a value not in the code list for the collection year; blank flagged unless allowed.
RowTest code_in(std::string_view c, const CodeList& list, bool blank_ok) {
  return [c, &list, blank_ok](const Row& r) {
    const auto v = r[c];
    if (v.empty()) return !blank_ok;
    return !list.valid_in(v, r.year);
  };
}
// Flags a value that is not a valid date; blank flagged only when required.
RowTest bad_date(std::string_view c, bool required) {
  return [c, required](const Row& r) {
    const auto v = r[c];
    if (v.empty()) return required;
    return !return_date(v);
  };
}
RowTest both_or_neither(std::string_view a, std::string_view b) {
  return [a, b](const Row& r) { return r.blank(a) != r.blank(b); };
}
// Some but not all of the fields given.
RowTest all_or_none(Set cols) {
  return [cols = std::move(cols)](const Row& r) {
    size_t given = 0;
    for (auto c : cols) given += !r.blank(c);
    return given != 0 && given != cols.size();
  };
}
// Both dates valid and `later` strictly before `earlier`.
RowTest before(std::string_view later, std::string_view earlier) {
  return [later, earlier](const Row& r) {
    const auto a = r.date(later), b = r.date(earlier);
    return a && b && *a < *b;
  };
}
RowTest after_collection_end(std::string_view c) {
  return [c](const Row& r) {
    const auto d = r.date(c);
    return d && *d > r.in.year.end();
  };
}
RowTest outside_collection_year(std::string_view c) {
  return [c](const Row& r) {
    const auto d = r.date(c);
    return d && (*d < r.in.year.start() || *d > r.in.year.end());
  };
}
std::optional<int> age_at(const Row& r, std::string_view dob_col, Date on) {
  const auto dob = r.date(dob_col);
  if (!dob) return std::nullopt;
  return age_on(*dob, on);
}

const Set kTemporary = {"T0", "T1", "T2", "T3", "T4"};
const Set kTemporary2026 = {"T0", "T1", "T2", "T3", "Z11", "Z12", "Z13", "Z14"};
const Set kShortBreak = {"V3", "V4"};
const Set kCouple = {"MM", "FF", "MF"};
const Set kSameSex = {"MM", "FF"};
const Set kOc2Items = {"CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
                       "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
                       "INTERVENTION_OFFERED"};
const Set kOc2Core = {"IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE"};
const Set kAd1Items = {"DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"};

bool upn_ok(std::string_view u) {
  if (codes::upn_unknown.find(u) != kNoCode) return true;
  if (u.size() != 13) return false;
  auto digits = [&](size_t from, size_t to) {
    return std::all_of(u.begin() + static_cast<long>(from), u.begin() + static_cast<long>(to),
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  auto letter = [](char c) { return c >= 'A' && c <= 'Z'; };
  if (!letter(u[0]) || u[0] == 'I' || u[0] == 'O' || u[0] == 'S') return false;
  return digits(1, 13) || (digits(1, 12) && letter(u[12]));
}

Date ymd(int y, int m, int d) { return Date::from_ymd(y, m, d); }

}  // namespace

void register_row_rules(Rules& r) {
  const Table H = Table::header, E = Table::episodes, R = Table::reviews, U = Table::uasc,
              O2 = Table::oc2, O3 = Table::oc3, A = Table::ad1, P = Table::placed_for_adoption,
              PP = Table::previous_permanence, M = Table::missing, SW = Table::sw_episodes,
              D = Table::dolo;

  // ---- Header ----
  add_row_rule(r, "101", 0, H, code_in("SEX", codes::sex, false));
  add_row_rule(r, "102", 0, H, bad_date("DOB", true));
  add_row_rule(r, "103", 0, H, code_in("ETHNIC", codes::ethnic, false));
  add_row_rule(r, "168", 0, H, [](const Row& r) { return !upn_ok(r["UPN"]); });
  add_row_rule(r, "171", 0, H, bad_date("MC_DOB", false));
  add_row_rule(r, "174", 2023, H, [](const Row& r) { return r["SEX"] == "1" && !r.blank("MC_DOB"); });
  add_row_rule(r, "174", 2025, H, [](const Row& r) { return r["SEX"] == "M" && !r.blank("MC_DOB"); });
  add_row_rule(r, "232", 0, H, [](const Row& r) { return r["SEX"] == "U"; });
  add_row_rule(r, "301", 0, H, after_collection_end("DOB"));
  add_row_rule(r, "611", 0, H, [](const Row& r) { return r["MOTHER"] == "1" && r.blank("MC_DOB"); });
  add_row_rule(r, "612", 2023, H, [](const Row& r) {
    return r["SEX"] == "2" && !r.blank("MC_DOB") && r["MOTHER"] != "1";
  });
  add_row_rule(r, "612", 2025, H, [](const Row& r) {
    return r["SEX"] == "F" && !r.blank("MC_DOB") && r["MOTHER"] != "1";
  });
  add_row_rule(r, "620", 0, H, [](const Row& r) {
    const auto a = age_at(r, "DOB", r.in.year.start());
    return r["MOTHER"] == "1" && a && *a < 11;
  });
  add_row_rule(r, "621", 0, H, [](const Row& r) {  // a mother's child born on or before her own birth
    const auto dob = r.date("DOB"), mc = r.date("MC_DOB");
    return dob && mc && *mc <= *dob;
  });

  // ---- Episodes ----
  add_row_rule(r, "141", 0, E, bad_date("DECOM", true));
  add_row_rule(r, "143", 0, E, code_in("RNE", codes::reason_new_episode, false));
  add_row_rule(r, "144", 0, E, code_in("LS", codes::legal_status, false));
  add_row_rule(r, "145", 0, E, code_in("CIN", codes::category_of_need, false));
  add_row_rule(r, "146", 0, E, code_in("PLACE", codes::placement_type, false));
  add_row_rule(r, "147", 0, E, bad_date("DEC", false));
  add_row_rule(r, "148", 0, E, both_or_neither("DEC", "REC"));
  add_row_rule(r, "149", 0, E, code_in("REC", codes::reason_episode_ceased, true));
  add_row_rule(r, "1009", 0, E, code_in("REASON_PLACE_CHANGE", codes::reason_place_change, true));
  add_row_rule(r, "213", 2023, E, [](const Row& r) { return in(r["PLACE"], kTemporary) && !r.blank("PLACE_PROVIDER"); });
  add_row_rule(r, "213", 2026, E, [](const Row& r) { return in(r["PLACE"], kTemporary2026) && !r.blank("PLACE_PROVIDER"); });
  add_row_rule(r, "214", 0, E, [](const Row& r) {
    return in(r["LS"], kShortBreak) && (!r.blank("PL_POST") || !r.blank("URN"));
  });
  add_row_rule(r, "217", 0, E, [](const Row& r) {
    const auto d = r.date("DECOM");
    return in(r["PLACE"], {"A3", "A5"}) && d && *d >= ymd(2015, 4, 1) && !in(r["RNE"], {"S", "T", "U"});
  });
  add_row_rule(r, "353", 0, E, [](const Row& r) {
    const auto d = r.date("DECOM");
    return d && *d < ymd(1991, 10, 14);
  });
  add_row_rule(r, "354", 0, E, after_collection_end("DECOM"));
  add_row_rule(r, "355", 0, E, [](const Row& r) {
    const auto a = r.date("DECOM"), b = r.date("DEC");
    return a && b && *a == *b;
  });
  add_row_rule(r, "356", 0, E, before("DEC", "DECOM"));
  add_row_rule(r, "366", 0, E, [](const Row& r) { return r["LS"] == "V3" && r["RNE"] != "S"; });
  add_row_rule(r, "378", 0, E, [](const Row& r) { return r["PLACE"] == "P1" && r["LS"] == "V2"; });
  add_row_rule(r, "381", 0, E, [](const Row& r) {
    return !r.blank("REC") && r["REC"] != "X1" && in(r["PLACE"], kTemporary);
  });
  add_row_rule(r, "382", 0, E, [](const Row& r) { return in(r["LS"], kShortBreak) && in(r["PLACE"], kTemporary); });
  add_row_rule(r, "384", 0, E, [](const Row& r) { return in(r["LS"], kShortBreak) && in(r["PLACE"], {"U1", "U4"}); });
  add_row_rule(r, "385", 0, E, after_collection_end("DEC"));
  add_row_rule(r, "390", 0, E, [](const Row& r) {
    return in(r["REC"], {"E11", "E12"}) && !in(r["PLACE"], {"A3", "A4", "A5", "A6"});
  });
  add_row_rule(r, "398", 0, E, [](const Row& r) {
    return in(r["LS"], kShortBreak) && (!r.blank("HOME_POST") || !r.blank("PL_POST"));
  });
  add_row_rule(r, "408", 0, E, [](const Row& r) { return in(r["PLACE"], {"A5", "A6"}) && r["LS"] != "E1"; });
  add_row_rule(r, "445", 0, E, [](const Row& r) {
    const auto d = r.date("DECOM");
    return r["LS"] == "D1" && d && *d > ymd(2005, 12, 31);
  });
  add_row_rule(r, "446", 0, E, [](const Row& r) {
    const auto d = r.date("DECOM");
    return r["LS"] == "E1" && d && *d < ymd(2005, 12, 1);
  });
  add_row_rule(r, "516", 0, E, [](const Row& r) {
    return in(r["REC"], {"E45", "E46"}) && !in(r["PLACE"], {"U1", "U2", "U3", "U4", "U5", "U6"});
  });
  add_row_rule(r, "527", 0, E, [](const Row& r) { return r["PLACE_PROVIDER"] == "PR1" && in(r["PLACE"], {"P1", "R2", "R5"}); });
  add_row_rule(r, "528", 0, E, [](const Row& r) { return r["PLACE_PROVIDER"] == "PR2" && in(r["PLACE"], {"P1", "R2", "R5"}); });
  add_row_rule(r, "529", 0, E, [](const Row& r) {
    return r["PLACE_PROVIDER"] == "PR3" &&
           in(r["PLACE"], {"P1", "A3", "A4", "A5", "A6", "K1", "K2", "U1", "U2", "U3", "U4", "U5", "U6"});
  });
  add_row_rule(r, "530", 0, E, [](const Row& r) { return r["PLACE_PROVIDER"] == "PR4" && r["PLACE"] == "P1"; });
  add_row_rule(r, "531", 0, E, [](const Row& r) { return r["PLACE_PROVIDER"] == "PR5" && r["PLACE"] == "P1"; });

  // ---- Reviews ----
  add_row_rule(r, "166", 0, R, bad_date("REVIEW", true));
  add_row_rule(r, "167", 0, R, [](const Row& r) {
    return !r.blank("REVIEW") && !codes::review_participation.valid_in(r["REVIEW_CODE"], r.year);
  });
  add_row_rule(r, "440", 0, R, [](const Row& r) {
    const auto rv = r.date("REVIEW");
    const auto a = rv ? age_at(r, "DOB", *rv) : std::nullopt;
    return r["REVIEW_CODE"] == "PN0" && a && *a >= 4;
  });
  add_row_rule(r, "441", 0, R, [](const Row& r) {
    const auto rv = r.date("REVIEW");
    const auto a = rv ? age_at(r, "DOB", *rv) : std::nullopt;
    return in(r["REVIEW_CODE"], {"PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"}) && a && *a < 4;
  });

  // ---- UASC ----
  add_row_rule(r, "104", 0, U, bad_date("DUC", false));
  add_row_rule(r, "304", 0, U, [](const Row& r) {
    const auto dob = r.date("DOB"), duc = r.date("DUC");
    return dob && duc && *duc > birthday(*dob, 18);
  });

  // ---- AD1 ----
  add_row_rule(r, "112", 0, A, bad_date("DATE_INT", false));
  add_row_rule(r, "113", 0, A, bad_date("DATE_MATCH", false));
  add_row_rule(r, "114", 0, A, code_in("FOSTER_CARE", codes::foster_care, true));
  add_row_rule(r, "151", 0, A, all_or_none(kAd1Items));
  add_row_rule(r, "175", 0, A, code_in("NB_ADOPTR", codes::number_of_adopters, true));
  add_row_rule(r, "176", 0, A, code_in("SEX_ADOPTR", codes::sex_of_adopters, true));
  add_row_rule(r, "177", 0, A, code_in("LS_ADOPTR", codes::legal_status_of_adopters, true));
  add_row_rule(r, "333", 0, A, [](const Row& r) {
    if (!r.blank("DATE_MATCH") && r.blank("DATE_INT")) return true;
    const auto i = r.date("DATE_INT"), m = r.date("DATE_MATCH");
    return i && m && *i > *m;
  });
  add_row_rule(r, "511", 0, A, [](const Row& r) { return r["NB_ADOPTR"] == "2" && !r.blank("SEX_ADOPTR") && !in(r["SEX_ADOPTR"], kCouple); });
  add_row_rule(r, "514", 0, A, [](const Row& r) { return r["LS_ADOPTR"] == "L0" && !in(r["SEX_ADOPTR"], {"M1", "F1"}); });
  add_row_rule(r, "517", 0, A, [](const Row& r) { return r["LS_ADOPTR"] == "L3" && r["SEX_ADOPTR"] != "MF"; });
  add_row_rule(r, "518", 0, A, [](const Row& r) { return r["LS_ADOPTR"] == "L4" && !in(r["SEX_ADOPTR"], kSameSex); });
  add_row_rule(r, "519", 0, A, [](const Row& r) { return r["LS_ADOPTR"] == "L2" && !in(r["SEX_ADOPTR"], kCouple); });
  add_row_rule(r, "520", 0, A, [](const Row& r) { return r["LS_ADOPTR"] == "L11" && in(r["SEX_ADOPTR"], kSameSex); });
  add_row_rule(r, "524", 0, A, [](const Row& r) { return r["LS_ADOPTR"] == "L12" && !in(r["SEX_ADOPTR"], kSameSex); });

  // ---- PlacedAdoption ----
  add_row_rule(r, "115", 0, P, bad_date("DATE_PLACED", true));
  add_row_rule(r, "116", 0, P, bad_date("DATE_PLACED_CEASED", false));
  add_row_rule(r, "119", 0, P, both_or_neither("DATE_PLACED_CEASED", "REASON_PLACED_CEASED"));
  add_row_rule(r, "120", 0, P, code_in("REASON_PLACED_CEASED", codes::reason_placed_ceased, true));
  add_row_rule(r, "522", 0, P, before("DATE_PLACED_CEASED", "DATE_PLACED"));
  add_row_rule(r, "563", 0, P, [](const Row& r) {
    return (!r.blank("DATE_PLACED_CEASED") || !r.blank("REASON_PLACED_CEASED")) && r.blank("DATE_PLACED");
  });

  // ---- OC2 ----
  add_row_rule(r, "158", 0, O2, [](const Row& r) {
    return r["INTERVENTION_RECEIVED"] == "1" && !r.blank("INTERVENTION_OFFERED");
  });
  add_row_rule(r, "159", 0, O2, [](const Row& r) {
    return r["SUBSTANCE_MISUSE"] == "1" && r["INTERVENTION_RECEIVED"] == "0" && r.blank("INTERVENTION_OFFERED");
  });
  add_row_rule(r, "180", 0, O2, [](const Row& r) {  // a whole number 0-40; "20.0" is a whole number
    const auto v = r["SDQ_SCORE"];
    if (v.empty()) return false;
    double x = 0;
    const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
    if (ec != std::errc() || p != v.data() + v.size()) return true;
    return x != static_cast<double>(static_cast<int>(x)) || x < 0 || x > 40;
  });
  add_row_rule(r, "181", 0, O2, [](const Row& r) {
    for (auto c : kOc2Items)
      if (!r.blank(c) && r[c] != "0" && r[c] != "1") return true;
    return false;
  });
  add_row_rule(r, "182", 0, O2, [](const Row& r) {
    bool any = false, core_blank = false;
    for (auto c : kOc2Items) any |= !r.blank(c);
    for (auto c : kOc2Core) core_blank |= r.blank(c);
    return any && core_blank;
  });
  add_row_rule(r, "188", 0, O2, [](const Row& r) {
    const auto a = age_at(r, "DOB", r.in.year.end());
    return a && *a < 4 && (!r.blank("SDQ_SCORE") || !r.blank("SDQ_REASON"));
  });
  add_row_rule(r, "189", 0, O2, [](const Row& r) {
    const auto a = age_at(r, "DOB", r.in.year.start());
    return a && *a >= 17 && (!r.blank("SDQ_SCORE") || !r.blank("SDQ_REASON"));
  });
  add_row_rule(r, "192", 0, O2, [](const Row& r) {
    return r["SUBSTANCE_MISUSE"] == "1" && r.blank("INTERVENTION_RECEIVED");
  });
  add_row_rule(r, "193", 0, O2, [](const Row& r) {
    return r["SUBSTANCE_MISUSE"] != "1" && (!r.blank("INTERVENTION_RECEIVED") || !r.blank("INTERVENTION_OFFERED"));
  });
  add_row_rule(r, "196", 0, O2, code_in("SDQ_REASON", codes::sdq_reason, true));
  add_row_rule(r, "197a", 0, O2, [](const Row& r) { return !r.blank("SDQ_SCORE") && !r.blank("SDQ_REASON"); });
  add_row_rule(r, "542", 0, O2, [](const Row& r) {
    const auto a = age_at(r, "DOB", r.in.year.end());
    return !r.blank("CONVICTED") && a && *a < 10;
  });
  add_row_rule(r, "544", 0, O2, [](const Row& r) {
    if (r.blank("CONVICTED")) return false;
    for (auto c : kOc2Core)
      if (r.blank(c)) return true;
    return false;
  });

  // ---- OC3 ----
  add_row_rule(r, "131", 0, O3, code_in("IN_TOUCH", codes::in_touch, true));
  add_row_rule(r, "132", 0, O3, code_in("ACTIV", codes::activity, true));
  add_row_rule(r, "133", 0, O3, code_in("ACCOM", codes::accommodation, true));
  add_row_rule(r, "153", 0, O3, all_or_none({"IN_TOUCH", "ACTIV", "ACCOM"}));
  add_row_rule(r, "344", 0, O3, [](const Row& r) {
    return in(r["IN_TOUCH"], {"DIED", "RHOM"}) && (r["ACTIV"] != "0" || r["ACCOM"] != "0");
  });
  add_row_rule(r, "345", 0, O3, [](const Row& r) {
    return r["IN_TOUCH"] == "YES" && (r["ACTIV"] == "0" || r["ACCOM"] == "0");
  });

  // ---- PrevPerm ----
  add_row_rule(r, "631", 0, PP, code_in("PREV_PERM", codes::previous_permanence, true));
  add_row_rule(r, "635", 0, PP, [](const Row& r) {
    return (!r.blank("LA_PERM") || !r.blank("DATE_PERM")) && (r.blank("PREV_PERM") || r["PREV_PERM"] == "Z1");
  });

  // ---- Missing ----
  add_row_rule(r, "1004", 0, M, bad_date("MIS_START", true));
  add_row_rule(r, "1005", 0, M, bad_date("MIS_END", false));
  add_row_rule(r, "1006", 0, M, code_in("MISSING", codes::missing_type, true));
  add_row_rule(r, "564", 0, M, [](const Row& r) { return !r.blank("MISSING") && r.blank("MIS_START"); });
  add_row_rule(r, "565", 0, M, [](const Row& r) { return !r.blank("MIS_START") && r.blank("MISSING"); });
  add_row_rule(r, "566", 0, M, [](const Row& r) { return !r.blank("MIS_END") && r.blank("MISSING"); });
  add_row_rule(r, "567", 0, M, before("MIS_END", "MIS_START"));
  add_row_rule(r, "570", 0, M, after_collection_end("MIS_START"));
  add_row_rule(r, "571", 0, M, outside_collection_year("MIS_END"));
  add_row_rule(r, "586", 0, M, before("MIS_START", "DOB"));

  // ---- SWEpisodes ----
  add_row_rule(r, "SW02STG1", 0, SW, [](const Row& r) {
    const auto v = r["SW_ID"];
    return !v.empty() && !(v.starts_with("SW") || v.starts_with("XX"));
  });
  add_row_rule(r, "SW06STG2", 0, SW, after_collection_end("SW_DECOM"));
  add_row_rule(r, "SW09STG2", 0, SW, [](const Row& r) {
    const auto a = r.date("SW_DECOM"), b = r.date("SW_DEC");
    return a && b && *a == *b;
  });

  // ---- DoLo ----
  add_row_rule(r, "700", 0, D, bad_date("DOLO_START", true));
  add_row_rule(r, "701", 0, D, bad_date("DOLO_END", false));
  add_row_rule(r, "703", 0, D, after_collection_end("DOLO_START"));
  add_row_rule(r, "704", 0, D, outside_collection_year("DOLO_END"));
  add_row_rule(r, "708", 0, D, [](const Row& r) {
    const auto s = r.date("DOLO_START"), dob = r.date("DOB");
    return s && dob && *s <= *dob;
  });

  add_row_rule(r, "SW01aSTG1", 0, SW, [](const Row& r) {
    const auto d = r.date("SW_DECOM");
    if (r.blank("SW_DECOM")) return true;
    return d && *d < ymd(2023, 4, 1) && r.blank("SW_ID");
  });
  add_row_rule(r, "SW01bSTG1", 0, SW, [](const Row& r) {
    if (r.blank("SW_DECOM")) return true;
    const auto d = r.date("SW_DECOM");
    return d && *d >= ymd(2023, 4, 1) && (r.blank("SW_ID") || r.blank("SW_REASON"));
  });
  add_row_rule(r, "SW13STG1", 2024, SW, code_in("SW_REASON", codes::sw_reason, false));
  add_row_rule(r, "SW13STG1", 2025, SW, [](const Row& r) {
    if (r.blank("SW_REASON")) {
      const auto d = r.date("SW_DECOM");
      return !(d && *d < ymd(2023, 4, 1));
    }
    return !codes::sw_reason.valid_in(r["SW_REASON"], r.year);
  });
  add_row_rule(r, "392d", 0, E, [](const Row& r) {
    return !r.blank("HOME_POST") && r["HOME_POST"] == r["PL_POST"] && r["PLACE"] != "P1";
  });

  // Temporary placements longer than allowed (days from DECOM to DEC).
  auto temporary_over = [](std::string_view place, int days) {
    return [place, days](const Row& r) {
      const auto a = r.date("DECOM"), b = r.date("DEC");
      return r["PLACE"] == place && a && b && (*b - *a) > days;
    };
  };
  add_row_rule(r, "375", 0, E, temporary_over("T1", 42));  // six weeks
  add_row_rule(r, "376", 0, E, temporary_over("T3", 21));  // three weeks
  add_row_rule(r, "379", 0, E, temporary_over("T4", 7));
  add_row_rule(r, "391", 0, O3, [](const Row& r) {
    if (r.blank("IN_TOUCH") && r.blank("ACTIV") && r.blank("ACCOM")) return false;
    const auto dob = r.date("DOB");
    if (!dob) return false;
    return age_on(*dob, r.in.year.end()) < 17 || age_on(*dob, r.in.year.start()) > 21;
  });

  // 178: PLACE_PROVIDER a valid code, and blank for temporary and 'other' placements.
  auto provider_rule = [](Set no_provider) {
    return [no_provider](const Row& r) {
      if (r.blank("PLACE_PROVIDER")) return false;
      return !codes::placement_provider.valid_in(r["PLACE_PROVIDER"], r.year) || in(r["PLACE"], no_provider);
    };
  };
  add_row_rule(r, "178", 2023, E, provider_rule({"T0", "T1", "T2", "T3", "T4", "Z1"}));
  add_row_rule(r, "178", 2026, E, provider_rule({"T0", "T1", "T2", "T3", "Z11", "Z12", "Z13", "Z14"}));

  add_row_rule(r, "217t", 0, E, [](const Row& r) {  // P2 still in use after 28 October 2023
    const auto d = r.date("DEC");
    return r["PLACE"] == "P2" && (r.blank("DEC") || (d && *d > ymd(2023, 10, 28)));
  });
  add_row_rule(r, "351", 0, H, [](const Row& r) {
    const auto dob = r.date("DOB");
    return dob && birthday(*dob, 25) < r.in.year.start();
  });
  // SW dates may have unknown parts written ZZ (ZZ/ZZ/ZZZZ, 01/01/ZZZZ).
  auto bad_sw_date = [](std::string_view c) {
    return [c](const Row& r) {
      const auto v = r[c];
      if (v.empty() || return_date(v)) return false;
      if (v.size() != 10 || v[2] != '/' || v[5] != '/') return true;
      for (auto [b, n] : {std::pair{0, 2}, {3, 2}, {6, 4}}) {
        const auto part = v.substr(static_cast<size_t>(b), static_cast<size_t>(n));
        const bool digits = std::all_of(part.begin(), part.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
        const bool unknown = std::all_of(part.begin(), part.end(), [](char ch) { return ch == 'Z'; });
        if (!digits && !unknown) return true;
      }
      return false;
    };
  };
  add_row_rule(r, "SW04STG1", 0, SW, bad_sw_date("SW_DECOM"));
  add_row_rule(r, "SW05STG1", 0, SW, bad_sw_date("SW_DEC"));

  add_row_rule(r, "451", 0, E, [](const Row& r) { return r["LS"] == "D1" && r.blank("DEC") && r.blank("REC"); });

  add_row_rule(r, "547", 0, O2, [](const Row& r) {
    if (r["HEALTH_CHECK"] != "1") return false;
    for (auto c : kOc2Core)
      if (r.blank(c)) return true;
    return false;
  });
  auto provider_missing = [](Set exempt) {
    return [exempt](const Row& r) { return !r.blank("PLACE") && !in(r["PLACE"], exempt) && r.blank("PLACE_PROVIDER"); };
  };
  add_row_rule(r, "526", 2023, E, provider_missing({"T0", "T1", "T2", "T3", "T4", "Z1"}));
  add_row_rule(r, "526", 2026, E, provider_missing({"T0", "T1", "T2", "T3", "Z11", "Z12", "Z13", "Z14"}));
  add_row_rule(r, "SW03STG1", 0, SW, [](const Row& r) {
    return r.blank("SW_ID") || r.blank("SW_DECOM") || r.blank("SW_REASON");
  });
  add_row_rule(r, "SW07STG2", 2024, SW, outside_collection_year("SW_DEC"));

  // 222: URN recorded for a placement type without Ofsted registration (XXXXXXX means none).
  // DfE's list by year: residential employment (P3) in every year; independent living (P2)
  // until 2023/24 (registered supported accommodation, K3, replaces it from 2024/25); H5 in
  // 2022/23 only (from 28 October 2023 it needs a URN: rules 230, 218); Z11-Z14 replace Z1 in
  // 2025/26. The types 218 exempts from needing a URN in the same year, less H5 and P2 in
  // 2023/24. Not the adoption placements (A3-A6): DfE's list leaves them out, and 218 requires
  // their URN (the adoption agency's) in England.
  auto urn_not_expected = [](Set types) {
    return [types](const Row& r) { return !r.blank("URN") && r["URN"] != "XXXXXXX" && in(r["PLACE"], types); };
  };
  add_row_rule(r, "222", 2023, E, urn_not_expected({"H5", "P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"}));
  add_row_rule(r, "222", 2024, E, urn_not_expected({"P1", "P2", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"}));
  add_row_rule(r, "222", 2025, E, urn_not_expected({"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1"}));
  add_row_rule(r, "222", 2026, E, urn_not_expected({"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"}));
  // 233: a reason for placement change on an episode that has not ceased (DEC blank).
  add_row_rule(r, "233", 0, E, [](const Row& r) { return !r.blank("REASON_PLACE_CHANGE") && r.blank("DEC"); });
  add_row_rule(r, "550", 0, E, [](const Row& r) { return r["PLACE_PROVIDER"] == "PR0" && r["PLACE"] != "P1"; });
}

}  // namespace careflow::validate::detail
