// The child's identifiers, characteristics and disabilities (ChildIdentifiers,
// ChildCharacteristics, Disabilities) and the Header: UPN syntax, identifiers, births, deaths,
// gender or sex, ethnicity, disabilities, and the reference date.
#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>
#include <string>

#include "careflow/validate/cin_rule_support.hpp"

namespace careflow::validate::cin_detail {

namespace {

using CiTab = Tab<CI::Column>;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

// The UPN check letters (DfE's table: 0 = A ... 22 = Z, without I, O and S).
constexpr std::string_view kCheckLetters = "ABCDEFGHJKLMNPQRTUVWXYZ";

// The 13th character: a digit, or a letter of the check-letter alphabet (a temporary UPN).
bool valid_last_character(char c) { return is_digit(c) || kCheckLetters.find(c) != std::string_view::npos; }

// A well-formed UPN: a letter, eleven digits, then a digit or a check-alphabet letter.
bool upn_shaped(std::string_view u) {
  if (u.size() != 13 || !is_upper(u[0])) return false;
  for (size_t i = 1; i < 12; ++i)
    if (!is_digit(u[i])) return false;
  return valid_last_character(u[12]);
}

// DfE's check letter: characters 2 to 13 weighted 2 to 13, summed, modulo 23; a letter as the
// 13th character counts as its place in the check-letter alphabet. None when a character cannot
// be weighed (the syntax rules 1540 and 1550 report those).
std::optional<char> upn_check_letter(std::string_view u) {
  if (u.size() != 13) return std::nullopt;
  int sum = 0;
  for (size_t i = 1; i < 13; ++i) {
    int v;
    if (is_digit(u[i])) v = u[i] - '0';
    else if (i == 12 && kCheckLetters.find(u[i]) != std::string_view::npos) v = static_cast<int>(kCheckLetters.find(u[i]));
    else return std::nullopt;
    sum += v * static_cast<int>(i + 1);
  }
  return kCheckLetters[static_cast<size_t>(sum % 23)];
}

// DfE's list of LA codes valid as characters 2-4 of a UPN (post-April 1998 LA codes and the
// recognised "pseudo LA" codes), as the rule's specification gives it; 942 and 943 are added
// from 2023/24.
bool upn_la_code(std::string_view code, int version_year) {
  if (code.size() != 3 || !std::all_of(code.begin(), code.end(), is_digit)) return false;
  const int n = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  static constexpr std::pair<int, int> kRanges[] = {
      {1, 5},     {201, 213}, {301, 320}, {330, 336}, {340, 344}, {350, 359}, {370, 373}, {380, 384}, {390, 394},
      {420, 420}, {660, 681}, {701, 708}, {800, 803}, {805, 808}, {810, 813}, {815, 816}, {820, 823}, {825, 826},
      {830, 831}, {835, 839}, {840, 841}, {845, 846}, {850, 852}, {855, 857}, {860, 861}, {865, 896}, {908, 909},
      {916, 916}, {919, 919}, {921, 921}, {925, 926}, {928, 929}, {931, 931}, {933, 933}, {935, 938}, {940, 941}};
  for (const auto& [lo, hi] : kRanges)
    if (n >= lo && n <= hi) return true;
  return version_year >= 2024 && (n == 942 || n == 943);
}

// An unborn child: an expected date of birth and no date of birth.
bool unborn(const CiTab& t, size_t r) { return t.blank(r, CI::PersonBirthDate) && !t.blank(r, CI::ExpectedPersonBirthDate); }

// Whether a value appears in more than one row (blank values are never repeats).
template <class Column>
CinFlags repeated_values(const Run& run, Column c) {
  FlagSet f;
  const Tab<Column> t(run);
  std::vector<std::pair<std::string_view, size_t>> values;
  for (size_t r = 0; r < t.rows(); ++r)
    if (!t.blank(r, c)) values.emplace_back(t(r, c), r);
  std::sort(values.begin(), values.end());
  for (size_t i = 0; i < values.size();) {
    size_t j = i + 1;
    while (j < values.size() && values[j].first == values[i].first) ++j;
    if (j - i > 1)
      for (size_t k = i; k < j; ++k) f.add(t, values[k].second);
    i = j;
  }
  return f.done();
}

// 2886Q: children (not unborn) whose gender or sex is not recorded, as a share of all born
// children. DfE's query: more than 2%. (The reference compares the text codes with the number 0,
// so never fires on a real return; careflow follows DfE.)
CinFlags no_sex_recorded(const Run& run, CI::Column column, bool (*recorded)(std::string_view)) {
  FlagSet f;
  const CiTab t(run);
  size_t born = 0, missing = 0;
  for (size_t r = 0; r < t.rows(); ++r) {
    if (unborn(t, r)) continue;
    ++born;
    missing += !recorded(t(r, column));
  }
  if (born > 0 && missing * 100 > born * 2) f.return_level();
  return f.done();
}

}  // namespace

void cin_child_identifier_rules(Rules& r) {
  // ---- Header ----
  add_rule(r, "100", 0, [](const Run& run) {
    // The reference date is 31 March of the collection year: the Header's Year when it states
    // one, else the year being validated.
    FlagSet f;
    const Tab<HD::Column> h(run);
    for (size_t k = 0; k < h.rows(); ++k) {
      int year = run.in->year.end_year;
      const std::string_view y = h(k, HD::Year);
      if (y.size() == 4 && std::all_of(y.begin(), y.end(), is_digit)) year = std::stoi(std::string(y));
      const auto d = h.date(k, HD::ReferenceDate);
      if (!d || *d != Date::from_ymd(year, 3, 31)) f.add(h, k);
    }
    return f.done();
  });

  // ---- UPN ----
  add_row_rule<CI::Column>(r, "1510", 0, [](const CiTab& t, size_t k, const Run&) {
    const std::string_view u = t(k, CI::UPN);
    const auto check = upn_check_letter(u);
    return check && u[0] != *check;
  });
  add_rule(r, "1520", 0, [](const Run& run) { return repeated_values(run, CI::UPN); });
  for (const int v : {2023, 2024})
    add_row_rule<CI::Column>(r, "1530", v, [v](const CiTab& t, size_t k, const Run&) {
      // Checked on 13-character UPNs, whose characters 2-4 are where the LA code is.
      const std::string_view u = t(k, CI::UPN);
      return u.size() == 13 && !upn_la_code(u.substr(1, 3), v);
    });
  add_row_rule<CI::Column>(r, "1540", 0, [](const CiTab& t, size_t k, const Run&) {
    const std::string_view u = t(k, CI::UPN);
    if (u.empty()) return false;
    if (u.size() < 12) return true;  // characters 5-12 are not all there, so not all numeric
    return !std::all_of(u.begin() + 4, u.begin() + 12, is_digit);
  });
  add_row_rule<CI::Column>(r, "1550", 0, [](const CiTab& t, size_t k, const Run&) {
    const std::string_view u = t(k, CI::UPN);
    return u.size() == 13 && !valid_last_character(u[12]);
  });
  add_row_rule<CI::Column>(r, "1560Q", 0, [](const CiTab& t, size_t k, const Run&) {
    const std::string_view u = t(k, CI::FormerUPN);
    return !u.empty() && !upn_shaped(u);
  });

  // ---- LA child identifier ----
  add_row_rule<CI::Column>(r, "8500", 0, [](const CiTab& t, size_t k, const Run&) { return t.blank(k, CI::LAchildID); });
  add_rule(r, "8510", 0, [](const Run& run) { return repeated_values(run, CI::LAchildID); });
  add_row_rule<CI::Column>(r, "1570", 0, [](const CiTab& t, size_t k, const Run&) { return t(k, CI::LAchildID).size() > 20; });
  add_row_rule<CI::Column>(r, "1580", 0, [](const CiTab& t, size_t k, const Run&) {
    const std::string_view id = t(k, CI::LAchildID);
    return !std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
  });
  add_rule(r, "8590", 0, [](const Run& run) {
    // A child with no CINdetails module (only when the return has the CINdetails module at all).
    FlagSet f;
    const CiTab t(run);
    if (!run.table(T::cin_details)) return f.done();
    for (size_t k = 0; k < t.rows(); ++k)
      if (!t.same_child(T::cin_details, k)) f.add(t, k);
    return f.done();
  });

  // ---- Birth and death ----
  add_row_rule<CI::Column>(r, "8520", 0, [](const CiTab& t, size_t k, const Run& run) {
    const auto dob = t.date(k, CI::PersonBirthDate);
    return dob && *dob > run.reference;
  });
  add_row_rule<CI::Column>(r, "8525Q", 0, [](const CiTab& t, size_t k, const Run&) {
    return t.blank(k, CI::PersonBirthDate) == t.blank(k, CI::ExpectedPersonBirthDate);
  });
  add_row_rule<CI::Column>(r, "8530Q", 0, [](const CiTab& t, size_t k, const Run& run) {
    // March to December of the year the census ends.
    const auto due = t.date(k, CI::ExpectedPersonBirthDate);
    const int y = run.reference.year();
    return due && (*due < Date::from_ymd(y, 3, 1) || *due > Date::from_ymd(y, 12, 31));
  });
  add_row_rule<CI::Column>(r, "8535Q", 0, [](const CiTab& t, size_t k, const Run&) {
    // A date of death with no date of birth to be after is queried too.
    const auto death = t.date(k, CI::PersonDeathDate);
    if (!death) return false;
    const auto dob = t.date(k, CI::PersonBirthDate);
    return !dob || *death < *dob;
  });
  add_row_rule<CI::Column>(r, "8545Q", 0, [](const CiTab& t, size_t k, const Run& run) {
    const auto death = t.date(k, CI::PersonDeathDate);
    return death && !run.in_census(*death);
  });
  add_rule(r, "8775Q", 0, [](const Run& run) {
    // Over 25 at the end of an episode (its closure, or the reference date when it is open).
    FlagSet f;
    const CiTab ci(run);
    const Tab<CD::Column> cd(run);
    for (size_t k = 0; k < ci.rows(); ++k) {
      const auto dob = ci.date(k, CI::PersonBirthDate);
      if (!dob) continue;
      const auto* eps = ci.same_child(T::cin_details, k);
      if (!eps) continue;
      for (size_t e : *eps) {
        const Date end = cd.blank(e, CD::CINclosureDate) ? run.reference : cd.date(e, CD::CINclosureDate).value_or(run.reference);
        if (birthday(*dob, 25) < end) {
          f.add(ci, k);
          f.add(cd, e);
        }
      }
    }
    return f.done();
  });

  // ---- Gender (to 2023/24) and sex (from 2024/25) ----
  add_row_rule<CI::Column>(r, "4180", 2023, [](const CiTab& t, size_t k, const Run&) {
    return !known(CodeList::gender_current, t(k, CI::GenderCurrent));
  });
  add_row_rule<CI::Column>(r, "4180", 2025, [](const CiTab& t, size_t k, const Run&) {
    return !known(CodeList::sex, t(k, CI::Sex));
  });
  add_row_rule<CI::Column>(r, "8750", 2023, [](const CiTab& t, size_t k, const Run&) {
    return unborn(t, k) && t(k, CI::GenderCurrent) != "0";
  });
  add_row_rule<CI::Column>(r, "8750", 2025, [](const CiTab& t, size_t k, const Run&) {
    return unborn(t, k) && t(k, CI::Sex) != "U";
  });
  add_rule(r, "2886Q", 2023, [](const Run& run) {
    // 0 is "not recorded"; 1, 2 and 9 (indeterminate) are recorded.
    return no_sex_recorded(run, CI::GenderCurrent, [](std::string_view g) { return g == "1" || g == "2" || g == "9"; });
  });
  add_rule(r, "2886Q", 2025, [](const Run& run) {
    return no_sex_recorded(run, CI::Sex, [](std::string_view s) { return s == "M" || s == "F"; });
  });

  // ---- UPN unknown ----
  // 8770Q: a child of school age with a referral that went on to further action needs a UPN or
  // a reason other than UN1 (not of school age) or UN7 (referral with no further action).
  // 2022/23-2023/24: six or older at the reference date. From 2024/25: of school age, i.e. born
  // before 1 September six years before the reference date's year (in year 1 or above).
  for (const int v : {2023, 2025})
    add_rule(r, "8770Q", v, [v](const Run& run) {
      FlagSet f;
      const CiTab ci(run);
      const Tab<CD::Column> cd(run);
      for (size_t k = 0; k < ci.rows(); ++k) {
        if (!ci.blank(k, CI::UPN)) continue;
        const std::string_view why = ci(k, CI::UPNunknown);
        if (why == "UN2" || why == "UN3" || why == "UN4" || why == "UN5" || why == "UN6") continue;
        const auto dob = ci.date(k, CI::PersonBirthDate);
        if (!dob) continue;
        const bool school_age = v == 2023 ? birthday(*dob, 6) <= run.reference
                                          : *dob < Date::from_ymd(run.reference.year() - 6, 9, 1);
        if (!school_age) continue;
        const auto* eps = ci.same_child(T::cin_details, k);
        if (!eps) continue;
        if (std::any_of(eps->begin(), eps->end(), [&](size_t e) { return is_false(cd(e, CD::ReferralNFA)); }))
          f.add(ci, k);
      }
      return f.done();
    });
  add_rule(r, "8772", 0, [](const Run& run) {
    // UN7 (referral with no further action) while some episode is not flagged as one.
    FlagSet f;
    const CiTab ci(run);
    const Tab<CD::Column> cd(run);
    for (size_t k = 0; k < ci.rows(); ++k) {
      if (ci(k, CI::UPNunknown) != "UN7") continue;
      const auto* eps = ci.same_child(T::cin_details, k);
      if (!eps) continue;
      for (size_t e : *eps)
        if (!is_true(cd(e, CD::ReferralNFA))) {
          f.add(ci, k);
          f.add(cd, e);
        }
    }
    return f.done();
  });

  // ---- Ethnicity ----
  add_row_rule<CC::Column>(r, "4220", 0, [](const Tab<CC::Column>& t, size_t k, const Run&) {
    return !known(CodeList::ethnicity, t(k, CC::Ethnicity));
  });

  // ---- Disabilities ----
  add_rule(r, "8540", 0, [](const Run& run) {
    // A born child with a referral that went on to further action must have its disabilities
    // recorded with valid codes (NONE for none). Flags the child, its missing or invalid codes
    // and its episodes that went on to further action.
    FlagSet f;
    const CiTab ci(run);
    const Tab<DI::Column> di(run);
    const Tab<CD::Column> cd(run);
    if (!di) return f.done();
    for (size_t k = 0; k < ci.rows(); ++k) {
      if (ci.blank(k, CI::PersonBirthDate)) continue;
      const auto* eps = ci.same_child(T::cin_details, k);
      if (!eps) continue;
      std::vector<size_t> further;
      for (size_t e : *eps)
        if (is_false(cd(e, CD::ReferralNFA))) further.push_back(e);
      if (further.empty()) continue;
      const auto* ds = ci.same_child(T::disabilities, k);
      std::vector<size_t> bad;
      if (ds)
        for (size_t d : *ds)
          if (!known(CodeList::disability, di(d, DI::Disability))) bad.push_back(d);
      if (ds && bad.empty()) continue;
      f.add(ci, k);
      for (size_t e : further) f.add(cd, e);
      for (size_t d : bad) f.add(di, d);
    }
    return f.done();
  });
  add_rule(r, "8790", 0, [](const Run& run) {
    // NONE beside another code: the other codes are flagged.
    FlagSet f;
    const Tab<DI::Column> di(run);
    for (const auto& rows : groups(run, T::disabilities, GroupBy::child).rows) {
      const bool none = std::any_of(rows.begin(), rows.end(), [&](size_t d) { return di(d, DI::Disability) == "NONE"; });
      if (!none) continue;
      for (size_t d : rows)
        if (!di.blank(d, DI::Disability) && di(d, DI::Disability) != "NONE") f.add(di, d);
    }
    return f.done();
  });
  add_rule(r, "8794", 0, [](const Run& run) {
    FlagSet f;
    const Tab<DI::Column> di(run);
    for (const auto& rows : groups(run, T::disabilities, GroupBy::child).rows) {
      std::map<std::string_view, std::vector<size_t>> by_code;
      for (size_t d : rows)
        if (!di.blank(d, DI::Disability)) by_code[di(d, DI::Disability)].push_back(d);
      for (const auto& [code, ds] : by_code)
        if (ds.size() > 1)
          for (size_t d : ds) f.add(di, d);
    }
    return f.done();
  });
  add_rule(r, "2887Q", 0, [](const Run& run) {
    // Fewer than 8 of DfE's disability codes (other than NONE) used in the whole return.
    FlagSet f;
    const Tab<DI::Column> di(run);
    if (!di) return f.done();
    std::set<std::string_view> used;
    for (size_t d = 0; d < di.rows(); ++d)
      if (known(CodeList::disability, di(d, DI::Disability)) && di(d, DI::Disability) != "NONE") used.insert(di(d, DI::Disability));
    if (used.size() < 8) f.return_level();
    return f.done();
  });
  add_rule(r, "2888Q", 0, [](const Run& run) {
    // No child in the return has more than one disability code.
    FlagSet f;
    const Tab<DI::Column> di(run);
    bool any = false, several = false;
    for (const auto& rows : groups(run, T::disabilities, GroupBy::child).rows) {
      std::set<std::string_view> codes;
      for (size_t d : rows)
        if (!di.blank(d, DI::Disability)) codes.insert(di(d, DI::Disability));
      any |= !codes.empty();
      several |= codes.size() > 1;
    }
    if (any && !several) f.return_level();
    return f.done();
  });

  // ---- Death and later activity (the child's identifiers against the modules after it) ----
  add_rule(r, "8555Q", 0, [](const Run& run) {
    FlagSet f;
    const CiTab ci(run);
    const Tab<CD::Column> cd(run);
    for (size_t k = 0; k < ci.rows(); ++k) {
      const auto death = ci.date(k, CI::PersonDeathDate);
      if (!death) continue;
      if (const auto* eps = ci.same_child(T::cin_details, k))
        for (size_t e : *eps)
          if (const auto ref = cd.date(e, CD::CINreferralDate); ref && *ref > *death) {
            f.add(ci, k);
            f.add(cd, e);
          }
    }
    return f.done();
  });
  add_rule(r, "8585Q", 0, [](const Run& run) {
    // Closed because the child died (RC2), with no date of death.
    FlagSet f;
    const CiTab ci(run);
    const Tab<CD::Column> cd(run);
    for (size_t k = 0; k < ci.rows(); ++k) {
      if (!ci.blank(k, CI::PersonDeathDate)) continue;
      if (const auto* eps = ci.same_child(T::cin_details, k))
        for (size_t e : *eps)
          if (cd(e, CD::ReasonForClosure) == "RC2") {
            f.add(ci, k);
            f.add(cd, e);
          }
    }
    return f.done();
  });
}

}  // namespace careflow::validate::cin_detail
