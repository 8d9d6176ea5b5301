// The front door and child protection (issue #15): the census's measures (cin_front_door.hpp)
// and the report's tables of them. One function per group of tables, each declaring what
// disclosure control must protect, as the 903's tables do; relations between the tables (the
// same referrals in three of them) are declared where the tables are made.
#include "careflow/analyse/cin_front_door.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <unordered_map>

#include "careflow/analyse/context.hpp"
#include "careflow/core/bank_holidays.hpp"

// g++ 12 false positive inside std::variant copies (see analyse.cpp).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace careflow::analyse {

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

// The last day a year's events are counted to.
Date last_day(const CollectionYear& y, Date until) { return std::min(y.end(), until); }
bool in_year(Date d, const CollectionYear& y, Date until) { return d >= y.start() && d <= last_day(y, until); }

}  // namespace

ReferralSourceGroup referral_source_group(std::string_view code) {
  const std::string c = upper(code);
  if (c.size() == 2 && c[0] == '1' && c[1] >= 'A' && c[1] <= 'D') return ReferralSourceGroup::individual;
  if (c == "2A") return ReferralSourceGroup::schools;
  if (c == "2B") return ReferralSourceGroup::education_services;
  if (c.size() == 2 && c[0] == '3' && c[1] >= 'A' && c[1] <= 'F') return ReferralSourceGroup::health_services;
  if (c == "4") return ReferralSourceGroup::housing;
  if (c.size() == 2 && c[0] == '5' && c[1] >= 'A' && c[1] <= 'D') return ReferralSourceGroup::la_services;
  if (c == "6") return ReferralSourceGroup::police;
  if (c == "7") return ReferralSourceGroup::other_legal_agency;
  if (c == "8") return ReferralSourceGroup::other;
  if (c == "9") return ReferralSourceGroup::anonymous;
  if (c == "10") return ReferralSourceGroup::unknown;
  return ReferralSourceGroup::not_recorded;
}

std::string_view label(ReferralSourceGroup g) {
  static constexpr std::string_view kLabels[kReferralSourceGroupCount] = {
      "Individual (1A-1D)",        "Schools (2A)",    "Education services (2B)", "Health services (3A-3F)",
      "Housing (4)",               "Local authority services (5A-5D)", "Police (6)",
      "Other legal agency (7)",    "Other (8)",       "Anonymous (9)",           "Unknown (10)",
      "Not recorded, or not a census code"};
  return kLabels[static_cast<size_t>(g)];
}

std::string_view c5_column(ReferralSourceGroup g) {
  static constexpr std::string_view kColumns[kReferralSourceGroupCount] = {
      "Individual", "Schools", "Education_Services", "Health_Services", "Housing", "LA_Services",
      "Police",     "Other_legal_agency", "Other", "Anonymous", "Unknown", ""};
  return kColumns[static_cast<size_t>(g)];
}

Date twelve_months_before(Date d) { return birthday(d, -1); }

std::vector<ReferralYear> referral_measures(const cin::Timeline& t, const std::vector<CollectionYear>& years,
                                            Date until) {
  std::vector<ReferralYear> out;
  // The look-back needs every referral of the twelve months before, i.e. the previous year's
  // return: a referral closed before its 31 March is in no later return.
  const Date known_from = t.data_start();
  for (const auto& y : years) {
    ReferralYear r;
    r.year = y;
    const bool lookback_known = twelve_months_before(y.start()) >= known_from &&
                                std::find(t.years.begin(), t.years.end(), CollectionYear{y.end_year - 1}) != t.years.end();
    size_t rereferrals = 0;
    for (const auto& child : t.children) {
      bool referred = false;
      for (size_t k = 0; k < child.episodes.size(); ++k) {
        const auto& e = child.episodes[k];
        if (!in_year(e.referral, y, until)) continue;
        referred = true;
        ++r.referrals;
        r.referrals_nfa += e.no_further_action;
        // As the year's return shows it: closed by its 31 March (DfE counts from that year's census).
        r.referrals_not_in_need += e.closure <= last_day(y, until) &&
                                   (upper(e.closure_reason) == "RC8" || upper(e.closure_reason) == "RC9");
        ++r.by_source[static_cast<size_t>(referral_source_group(e.source))];
        // Episodes are by referral date: the previous referral is the one before.
        if (k > 0 && child.episodes[k - 1].referral >= twelve_months_before(e.referral)) ++rereferrals;
      }
      r.children_referred += referred;
    }
    if (lookback_known) r.rereferrals = rereferrals;
    out.push_back(r);
  }
  return out;
}

// ---- Child protection plans ----------------------------------------------------------------

AbuseCategory abuse_category(std::string_view code) {
  const std::string c = upper(code);
  if (c == "NEG") return AbuseCategory::neglect;
  if (c == "PHY") return AbuseCategory::physical;
  if (c == "SAB") return AbuseCategory::sexual;
  if (c == "EMO") return AbuseCategory::emotional;
  if (c == "MUL") return AbuseCategory::multiple;
  return AbuseCategory::not_recorded;
}

std::string_view label(AbuseCategory c) {
  static constexpr std::string_view kLabels[kAbuseCategoryCount] = {
      "Neglect (NEG)", "Physical abuse (PHY)", "Sexual abuse (SAB)", "Emotional abuse (EMO)",
      "Multiple (MUL)", "Not recorded, or not a census code"};
  return kLabels[static_cast<size_t>(c)];
}

std::string_view d2_column(AbuseCategory c) {
  static constexpr std::string_view kColumns[kAbuseCategoryCount] = {
      "Neglect_Initial", "Physical_Initial", "Sexual_Initial", "Emotional_Initial", "Multiple_Initial", ""};
  return kColumns[static_cast<size_t>(c)];
}

namespace {
// `months` calendar months after `d`, the day kept or, past the month's end, its last day.
Date add_months(Date d, int months) {
  const auto [y, m, day] = d.ymd();
  const int k = (m - 1) + months;
  const int ty = y + k / 12, tm = k % 12 + 1;
  return Date::from_ymd(ty, tm, std::min(day, days_in_month(ty, tm)));
}
}  // namespace

PlanLength plan_length(Date start, Date to) {
  if (to <= add_months(start, 3)) return PlanLength::three_months_or_less;
  if (to <= add_months(start, 6)) return PlanLength::three_to_six_months;
  if (to < birthday(start, 1)) return PlanLength::six_months_to_one_year;
  if (to < birthday(start, 2)) return PlanLength::one_to_two_years;
  return PlanLength::two_years_or_more;
}

std::string_view label(PlanLength l) {
  static constexpr std::string_view kLabels[kPlanLengthCount] = {
      "3 months or less", "more than 3 months to 6 months", "more than 6 months, less than 1 year",
      "1 year to less than 2 years", "2 years or more"};
  return kLabels[static_cast<size_t>(l)];
}

std::string_view d5_percent_column(PlanLength l) {
  static constexpr std::string_view kColumns[kPlanLengthCount] = {
      "3_months_or_less_percent", "more_than_3_months_6_months_percent",
      "more_than_6_months_less_than_1_year_percent", "1_year_less_than_2_years_percent", "2_years_or_more_percent"};
  return kColumns[static_cast<size_t>(l)];
}

std::string_view label(PlanEnding e) {
  static constexpr std::string_view kLabels[kPlanEndingCount] = {
      "Became looked after", "Continued as a child in need (episode still open)",
      "Case closed: transferred to another council (RC5)",
      "Case closed: adopted, child arrangements or special guardianship order (RC1, RC3, RC4)",
      "Case closed: any other reason"};
  return kLabels[static_cast<size_t>(e)];
}

std::vector<std::optional<ChildIndex>> children_in_903(const cin::Timeline& t, const History& history) {
  std::vector<std::optional<ChildIndex>> out(t.children.size());
  if (history.children.empty()) return out;
  std::unordered_map<std::string, ChildIndex> by_id;
  for (ChildIndex c = 0; c < history.children.size(); ++c) by_id.emplace(upper(history.children[c].id), c);
  for (size_t i = 0; i < t.children.size(); ++i)
    if (const auto it = by_id.find(upper(t.children[i].id)); it != by_id.end()) out[i] = it->second;
  return out;
}

namespace {

bool became_looked_after(const History& h, ChildIndex c, Date end) {
  for (const auto& p : h.periods_of(c))
    if (!p.short_breaks && p.start <= end + kBecameLookedAfterDays && p.end > end) return true;
  return false;
}

PlanEnding ending_of(const cin::EpisodeOfNeed& e, const cin::ProtectionPlan& p, const History* h,
                     std::optional<ChildIndex> c) {
  if (h && c && became_looked_after(*h, *c, p.end)) return PlanEnding::became_looked_after;
  if (e.closure > p.end) return PlanEnding::continued_in_need;  // an open episode's closure is Date::open()
  const std::string r = upper(e.closure_reason);
  if (r == "RC5") return PlanEnding::transferred;
  if (r == "RC1" || r == "RC3" || r == "RC4") return PlanEnding::order_or_adoption;
  return PlanEnding::closed_other;
}

bool has_year(const cin::Timeline& t, int end_year) {
  return std::find(t.years.begin(), t.years.end(), CollectionYear{end_year}) != t.years.end();
}

}  // namespace

std::vector<ProtectionPlanYear> protection_plan_measures(const cin::Timeline& t,
                                                         const std::vector<CollectionYear>& years, Date until,
                                                         const History* history,
                                                         const std::vector<std::optional<ChildIndex>>* in_903) {
  std::vector<ProtectionPlanYear> out;
  const Date reviews_known_from = t.data_start();
  // Each child's plans by start, across its episodes (for the previous plan).
  std::vector<const cin::ProtectionPlan*> plans;
  for (const auto& y : years) {
    ProtectionPlanYear r;
    r.year = y;
    const Date last = last_day(y, until);
    const bool two_years_known = has_year(t, y.end_year - 1) && has_year(t, y.end_year - 2);
    size_t within = 0;
    for (size_t ci = 0; ci < t.children.size(); ++ci) {
      const auto& child = t.children[ci];
      plans.clear();
      for (const auto& e : child.episodes)
        for (const auto& p : e.protection_plans) plans.push_back(&p);
      std::sort(plans.begin(), plans.end(), [](auto* a, auto* b) { return a->start < b->start; });
      for (const auto& e : child.episodes)
        for (const auto& p : e.protection_plans) {
          if (in_year(p.start, y, until)) {
            ++r.starts;
            ++r.starts_by_category[static_cast<size_t>(abuse_category(p.initial_category))];
            if (!p.previous_plans) ++r.previous_not_recorded;
            else r.second_or_subsequent += *p.previous_plans >= 1;
            const cin::ProtectionPlan* previous = nullptr;
            for (const auto* q : plans)
              if (q->start < p.start) previous = q;
            within += previous && previous->end >= birthday(p.start, -2);
          }
          if (p.start <= last && p.end > last) {
            ++r.at_31_march;
            ++r.at_31_march_by_length[static_cast<size_t>(plan_length(p.start, last))];
          }
          if (!p.is_open() && in_year(p.end, y, until)) {
            ++r.ended;
            ++r.ended_by_length[static_cast<size_t>(plan_length(p.start, p.end))];
            const auto c = in_903 && ci < in_903->size() ? (*in_903)[ci] : std::nullopt;
            ++r.ended_by_how[static_cast<size_t>(ending_of(e, p, history, c))];
            if (p.start < reviews_known_from) {
              ++r.ended_reviews_not_known;
            } else {
              size_t before = 0;
              bool on_end = false;
              for (Date d : p.reviews) {
                before += d < p.end;
                on_end |= d == p.end;
              }
              if (before == 0 && !on_end) ++r.ended_before_first_review;
              else if (before == 0) ++r.ended_at_first_review;
              else ++r.ended_after_review;
            }
          }
        }
    }
    if (two_years_known) r.within_two_years_of_previous = within;
    out.push_back(r);
  }
  return out;
}

// ---- Section 47 enquiries and conferences ------------------------------------------------------

std::vector<Section47Year> section47_measures(const cin::Timeline& t, const std::vector<CollectionYear>& years,
                                              Date until) {
  std::vector<Section47Year> out;
  const BankHolidayTable& holidays = england_and_wales_bank_holidays();
  for (const auto& y : years) {
    Section47Year r;
    r.year = y;
    for (const auto& child : t.children) {
      bool any = false;
      for (const auto& e : child.episodes) {
        if (e.icpc && in_year(*e.icpc, y, until)) ++r.icpcs_episode_level;
        for (const auto& s : e.section47s) {
          if (s.icpc && in_year(*s.icpc, y, until)) {
            ++r.icpcs;
            if (const auto days = working_days_between(s.start, *s.icpc, holidays)) {
              ++r.icpcs_timed;
              r.icpcs_within_15_days += *days <= 15;
            } else {
              ++r.icpcs_days_not_known;
            }
          }
          if (!in_year(s.start, y, until)) continue;
          any = true;
          ++r.section47s;
          // What came of it, as far as the returns read (to `until`) show.
          if (s.icpc && *s.icpc <= until) {
            ++r.section47_to_icpc;
            r.icpc_to_plan += std::any_of(e.protection_plans.begin(), e.protection_plans.end(),
                                          [&](const cin::ProtectionPlan& p) { return p.start == *s.icpc; });
          } else if (s.icpc_not_required) {
            ++r.section47_no_icpc_needed;
          } else {
            ++r.section47_open;
          }
        }
      }
      r.children_section47 += any;
    }
    r.icpcs += r.icpcs_episode_level;
    out.push_back(r);
  }
  return out;
}

// ---- Assessments ------------------------------------------------------------------------------

size_t assessment_band(int d) {
  if (d <= 0) return 0;
  if (d <= 10) return 1;
  if (d <= 20) return 2;
  if (d <= 30) return 3;
  if (d <= 40) return 4;
  if (d <= 45) return 5;
  if (d <= 50) return 6;
  if (d <= 60) return 7;
  return 8;
}

std::string_view assessment_band_label(size_t band) {
  static constexpr std::string_view kLabels[kAssessmentBandCount] = {
      "Same day", "1-10 working days", "11-20", "21-30", "31-40", "41-45", "46-50", "51-60", "61 or more"};
  return kLabels[band];
}

std::string_view c2_column(size_t band) {
  static constexpr std::string_view kColumns[kAssessmentBandCount] = {
      "Same_day", "1-10_days", "11-20_days", "21-30_days", "31-40_days", "41-45_days", "46-50_days", "51-60_days",
      "61+_days"};
  return kColumns[band];
}

const std::vector<AssessmentFactor>& assessment_factors() {
  static const std::vector<AssessmentFactor> kFactors = {
      {"Alcohol_Misuse_child", "Alcohol misuse: child (1A)", {"1A"}},
      {"Alcohol_Misuse_parent", "Alcohol misuse: parent or carer (1B)", {"1B"}},
      {"Alcohol_Misuse_person", "Alcohol misuse: another person (1C)", {"1C"}},
      {"Drug_Misuse_child", "Drug misuse: child (2A)", {"2A"}},
      {"Drug_Misuse_parent", "Drug misuse: parent or carer (2B)", {"2B"}},
      {"Drug_Misuse_person", "Drug misuse: another person (2C)", {"2C"}},
      {"Domestic_Abuse_child", "Domestic abuse: child (3A)", {"3A"}},
      {"Domestic_Abuse_parent", "Domestic abuse: parent or carer (3B)", {"3B"}},
      {"Domestic_Abuse_person", "Domestic abuse: another person (3C)", {"3C"}},
      {"Mental_Health_child", "Mental health: child (4A)", {"4A"}},
      {"Mental_Health_parent", "Mental health: parent or carer (4B)", {"4B"}},
      {"Mental_Health_person", "Mental health: another person (4C)", {"4C"}},
      {"Learning_Disability_child", "Learning disability: child (5A)", {"5A"}},
      {"Learning_Disability_parent", "Learning disability: parent or carer (5B)", {"5B"}},
      {"Learning_Disability_person", "Learning disability: another person (5C)", {"5C"}},
      {"Physical_Disability_child", "Physical disability or illness: child (6A)", {"6A"}},
      {"Physical_Disability_parent", "Physical disability or illness: parent or carer (6B)", {"6B"}},
      {"Physical_Disability_person", "Physical disability or illness: another person (6C)", {"6C"}},
      {"Young_Carer", "Young carer (7A)", {"7A"}},
      {"Privately_fostered", "Privately fostered (8B-8F)", {"8B", "8C", "8D", "8E", "8F"}},
      {"Unaccompanied_asylum_seeker", "Unaccompanied asylum-seeking child (9A)", {"9A"}},
      {"Going_missing", "Going or being missing (10A)", {"10A"}},
      {"Child_sexual_exploitation", "Child sexual exploitation (11A)", {"11A"}},
      {"Trafficking", "Trafficking (12A)", {"12A"}},
      {"Gangs", "Gangs (13A)", {"13A"}},
      {"Socially_unacceptable_behaviour", "Socially unacceptable behaviour (14A)", {"14A"}},
      {"Self_harm", "Self-harm (15A)", {"15A"}},
      {"Neglect", "Neglect (16A)", {"16A"}},
      {"Emotional_Abuse", "Emotional abuse (17A)", {"17A"}},
      {"Physical_Abuse_unknown", "Physical abuse: not specified (18A)", {"18A"}},
      {"Physical_Abuse_child_on_child", "Physical abuse: child on child (18B)", {"18B"}},
      {"Physical_Abuse_adult_on_child", "Physical abuse: adult on child (18C)", {"18C"}},
      {"Sexual_Abuse_unknown", "Sexual abuse: not specified (19A)", {"19A"}},
      {"Sexual_Abuse_child_on_child", "Sexual abuse: child on child (19B)", {"19B"}},
      {"Sexual_Abuse_adult_on_child", "Sexual abuse: adult on child (19C)", {"19C"}},
      {"Female_Genital_Mutilation", "Female genital mutilation (22A)", {"22A"}},
      {"Faith_linked_abuse", "Abuse linked to faith or belief (23A)", {"23A"}},
      {"Child_criminal_exploitation", "Child criminal exploitation (24A)", {"24A"}},
      {"Other", "Other (20)", {"20"}},
  };
  return kFactors;
}

std::vector<AssessmentYear> assessment_measures(const cin::Timeline& t, const std::vector<CollectionYear>& years,
                                                Date until) {
  const BankHolidayTable& holidays = england_and_wales_bank_holidays();
  const auto& factors = assessment_factors();
  std::vector<AssessmentYear> out;
  std::vector<char> has(factors.size());
  for (const auto& y : years) {
    AssessmentYear r;
    r.year = y;
    r.by_factor.assign(factors.size(), {});
    for (const auto& child : t.children)
      for (const auto& e : child.episodes) {
        std::fill(has.begin(), has.end(), 0);
        bool any = false;
        std::optional<Date> latest;
        for (const auto& a : e.assessments) {
          if (!a.authorised || !in_year(*a.authorised, y, until)) continue;
          ++r.completed;
          if (const auto days = working_days_between(a.start, *a.authorised, holidays)) {
            ++r.by_band[assessment_band(*days)];
            r.within_45_days += *days <= 45;
          } else {
            ++r.days_not_known;
          }
          for (const auto& code : a.factors) {
            const std::string c = upper(code);
            for (size_t k = 0; k < factors.size(); ++k)
              for (auto fc : factors[k].codes)
                if (c == fc) has[k] = 1, any = true;
          }
          if (!latest || *a.authorised > *latest) latest = *a.authorised;
        }
        if (!any) continue;
        const int age = child.dob ? age_on(*child.dob, *latest) : -1;
        const size_t band = age < 0 ? 5 : static_cast<size_t>(age_band(age));
        ++r.episodes_with_factor[band];
        for (size_t k = 0; k < factors.size(); ++k) r.by_factor[k][band] += has[k];
      }
    out.push_back(std::move(r));
  }
  return out;
}

namespace detail {

namespace {

// When the caller gives no published CIN tables: each absent, saying so.
const EnglandCinTables& no_england_cin() {
  static const EnglandCinTables none = [] {
    EnglandCinTables t;
    auto absent = [](CinPublished& p, const char* file) {
      p.file = file;
      p.missing = std::string("needs ") + file + " from the reference data folder, and none was given";
    };
    absent(t.c1, kCinC1File), absent(t.c2, kCinC2File), absent(t.c3, kCinC3File), absent(t.c4, kCinC4File);
    absent(t.c5, kCinC5File), absent(t.d1, kCinD1File), absent(t.d2, kCinD2File), absent(t.d3, kCinD3File);
    absent(t.d4, kCinD4File), absent(t.d5, kCinD5File);
    return t;
  }();
  return none;
}

Cell cell_of(std::optional<double> v) { return v ? Cell{*v} : Cell{}; }
Cell percent(double part, double whole) { return whole > 0 ? Cell{100.0 * part / whole} : Cell{}; }

// What the section's tables share: the census, its years, the published tables, and the
// population for rates.
struct FrontDoor {
  Context& cx;
  Assessment& a;
  const cin::Timeline& cin;
  const EnglandCinTables& england;
  const std::vector<CollectionYear>& years;

  // The council's 0-17 population for a collection year: the mid-year before, as the profile's
  // rates (and DfE's) use. (--filter does not apply to the census: the rate is of every child.)
  std::optional<double> population(const CollectionYear& y) const {
    const auto it = cx.population.find(y.end_year - 1);
    return it == cx.population.end() ? std::nullopt : std::optional<double>(it->second);
  }
  std::optional<double> england_population(const CollectionYear& y) const {
    const auto it = cx.england.find(y.end_year);
    return it == cx.england.end() || it->second.population <= 0 ? std::nullopt
                                                                 : std::optional<double>(it->second.population);
  }
  // A published table that is absent is said once, in the notes at the end.
  void need(const CinPublished& t, const std::string& what) {
    if (!t.present) a.limitations.push_back(fmt::format("England figures for {}: not available ({}).", what, t.missing));
  }
  // A cell of a by-year table: (table, row of the year, column).
  static CellRef year_cell(const Table& t, size_t yi, size_t column) { return {t.table.id, yi, column}; }
};

// Referrals: number, children, rate per 10,000 against England's (C1).
void referral_tables(FrontDoor& f, const std::vector<ReferralYear>& m) {
  f.need(f.england.c1, "referrals, re-referrals and referrals with no further action (DfE table C1)");
  Table t = make_table(
      kFrontDoorSection, "cin_referrals", "Referrals to children's social care: number and rate per 10,000 children",
      "A referral is an episode of need whose referral date (CINreferralDate) falls in the year; a child referred "
      "twice counts twice, and referrals closed with no further action are included (DfE's definition, CIN census "
      "guide; careflow's cin-census-spec.md §6). Children referred: distinct children with a referral in the year. "
      "Rate per 10,000 children aged 0-17, using the ONS mid-year estimate of the year before, as the profile's rates "
      "do. England: DfE 'Children in need' table C1 (referral_count) over England's 0-17 population; blank where "
      "DfE has not published the year.",
      {{"year", "Year"},
       {"referrals", "Referrals"},
       {"children_referred", "Children referred"},
       {"population_0_17", "Population 0-17 (mid-year before)"},
       {"rate_per_10000", "Referrals per 10,000", 1},
       {"england_rate_per_10000", "England referrals per 10,000", 1},
       {"england_referrals", "England referrals"}});
  add_year_rows(f.years, t, [&](const CollectionYear& y, size_t yi, std::vector<Cell>& row) {
    const double n = double(m[yi].referrals);
    row.push_back(n);
    row.push_back(double(m[yi].children_referred));
    const auto pop = f.population(y);
    row.push_back(cell_of(pop));
    row.push_back(pop ? Cell{n / *pop * 10000.0} : Cell{});
    const auto e = f.england.c1.england(y.end_year, "referral_count");
    const auto ep = f.england_population(y);
    row.push_back(e && ep ? Cell{*e / *ep * 10000.0} : Cell{});
    row.push_back(cell_of(e));
  });
  set_counts(t, {.columns = {1, 2}, .ratios = {{.column = 4, .numerator = 1, .denominator = 3, .scale = 10000}}});
  const bool rates = std::any_of(t.table.rows.begin(), t.table.rows.end(),
                                 [](const auto& r) { return std::holds_alternative<double>(r[4]); });
  if (rates) set_chart(t, Chart::year_lines, {4, 5}, "referrals per 10,000 children");
  else set_chart(t, Chart::year_lines, {1}, "referrals");
  // Key message: the latest year's rate against England's.
  if (!t.table.rows.empty()) {
    const auto& last = t.table.rows.back();
    const double n = std::get<double>(last[1]);
    if (const double* r = std::get_if<double>(&last[4]); r && n >= 10) {
      const double* e = std::get_if<double>(&last[5]);
      f.a.messages.push_back(
          {kFrontDoorSection,
           e ? fmt::format("In {} the council received {:.0f} referrals, {:.0f} per 10,000 children, against {:.0f} in "
                           "England ({:+.0f}%).",
                           f.years.back().label(), n, *r, *e, 100.0 * (*r - *e) / *e)
             : fmt::format("In {} the council received {:.0f} referrals, {:.0f} per 10,000 children.",
                           f.years.back().label(), n, *r),
           e ? 15 + std::fabs(100.0 * (*r - *e) / *e) : 5, {n}});
    }
  }
  f.a.tables.push_back(std::move(t));
}

// What became of the referrals: re-referrals within 12 months, no further action, assessed as
// not in need (C1).
void referral_outcome_tables(FrontDoor& f, const std::vector<ReferralYear>& m) {
  Table t = make_table(
      kFrontDoorSection, "cin_referral_outcomes",
      "Referrals: re-referrals within 12 months, no further action, and children assessed as not in need",
      "Percentages of the year's referrals (DfE's definitions, cin-census-spec.md §6). Re-referral: a referral "
      "within 12 months of a previous referral of the same child, i.e. the child's previous referral was on or "
      "after the same day a year earlier (exactly twelve months counts; for 29 February, 28 February); it needs the "
      "returns of the twelve months before, so the first year read is left blank. No further action: ReferralNFA "
      "true. Assessed as not in need: the episode closed after assessment with no further action (RC8) or with a "
      "referral to early help (RC9, split from RC8 in 2022/23; both are counted so that the series stays "
      "comparable), by the year's 31 March, as that year's return shows it (DfE counts from each year's census): a referral late in the year still being assessed then is not counted. England: DfE table C1.",
      {{"year", "Year"},
       {"referrals", "Referrals"},
       {"rereferrals", "Re-referrals within 12 months"},
       {"rereferral_percent", "% re-referrals", 1},
       {"england_rereferral_percent", "England % re-referrals", 1},
       {"no_further_action", "No further action"},
       {"no_further_action_percent", "% no further action", 1},
       {"england_no_further_action_percent", "England % no further action", 1},
       {"not_in_need", "Assessed as not in need"},
       {"not_in_need_percent", "% assessed as not in need", 1},
       {"england_not_in_need_percent", "England % assessed as not in need", 1}});
  add_year_rows(f.years, t, [&](const CollectionYear& y, size_t yi, std::vector<Cell>& row) {
    const auto& r = m[yi];
    const double n = double(r.referrals);
    row.push_back(n);
    row.push_back(r.rereferrals ? Cell{double(*r.rereferrals)} : Cell{});
    row.push_back(r.rereferrals ? percent(double(*r.rereferrals), n) : Cell{});
    row.push_back(cell_of(f.england.c1.england(y.end_year, "rereferral_percent")));
    row.push_back(double(r.referrals_nfa));
    row.push_back(percent(double(r.referrals_nfa), n));
    row.push_back(cell_of(f.england.c1.england(y.end_year, "no_further_action_percent")));
    row.push_back(double(r.referrals_not_in_need));
    row.push_back(percent(double(r.referrals_not_in_need), n));
    row.push_back(cell_of(f.england.c1.england(y.end_year, "not_in_need_percent")));
  });
  set_counts(t, {.columns = {1, 2, 5, 8},
                 .ratios = {{.column = 3, .numerator = 2, .denominator = 1},
                            {.column = 6, .numerator = 5, .denominator = 1},
                            {.column = 9, .numerator = 8, .denominator = 1}}});
  set_chart(t, Chart::year_lines, {3, 4, 6, 7, 9, 10}, "% of referrals");
  if (!t.table.rows.empty()) {
    const auto& last = t.table.rows.back();
    const double* p = std::get_if<double>(&last[3]);
    const double* e = std::get_if<double>(&last[4]);
    if (p && e && m.back().rereferrals && *m.back().rereferrals >= 10)
      f.a.messages.push_back({kFrontDoorSection,
                              fmt::format("{:.1f}% of the council's referrals in {} came within 12 months of a previous "
                                          "referral of the same child, against {:.1f}% in England.",
                                          *p, f.years.back().label(), *e),
                              10 + std::fabs(*p - *e), {double(*m.back().rereferrals), double(m.back().referrals)}});
  }
  f.a.tables.push_back(std::move(t));
}

// Referrals by source (C5), the latest year's shares beside England's.
void referral_source_tables(FrontDoor& f, const std::vector<ReferralYear>& m) {
  f.need(f.england.c5, "referrals by source (DfE table C5)");
  std::vector<std::string> categories;
  for (size_t g = 0; g < kReferralSourceGroupCount; ++g) categories.emplace_back(label(ReferralSourceGroup(g)));
  Table t = by_year(
      f.years, "cin_referrals_by_source", "Referrals by source",
      "Who made the year's referrals (ReferralSource), in DfE's groups of table C5 (cin-census-spec.md §3.4). "
      "England: the share of England's referrals from each source in DfE table C5, of the latest year DfE has "
      "published up to the council's latest (named in the column).",
      kFrontDoorSection, categories,
      [&](const CollectionYear& y, std::vector<double>& counts) {
        for (size_t yi = 0; yi < f.years.size(); ++yi)
          if (f.years[yi] == y)
            for (size_t g = 0; g < kReferralSourceGroupCount; ++g) counts[g] = double(m[yi].by_source[g]);
      });
  const std::optional<int> ey = f.years.empty() ? std::nullopt : f.england.c5.latest_england_year(f.years.back().end_year);
  t.table.add_column("england_percent", ey ? fmt::format("England % {}", CollectionYear{*ey}.label()) : "England %", 1);
  const std::optional<double> england_total = ey ? f.england.c5.england(*ey, "Referrals") : std::nullopt;
  for (auto& row : t.table.rows) {
    Cell e;
    const auto* name = std::get_if<std::string>(&row[0]);
    if (name && england_total && *england_total > 0) {
      if (*name == "Total") e = 100.0;
      for (size_t g = 0; g < kReferralSourceGroupCount; ++g)
        if (*name == label(ReferralSourceGroup(g)) && !c5_column(ReferralSourceGroup(g)).empty())
          if (const auto v = f.england.c5.england(*ey, std::string(c5_column(ReferralSourceGroup(g)))))
            e = 100.0 * *v / *england_total;
    }
    row.push_back(e);
  }
  // The latest year's shares against England's, as bars.
  set_chart(t, Chart::bars, {f.years.size() + 1, f.years.size() + 2}, "% of referrals");
  f.a.tables.push_back(std::move(t));
}

// The same referrals in three tables: each year's count in cin_referrals, cin_referral_outcomes
// and the Total row of cin_referrals_by_source.
void relate_referrals(FrontDoor& f) {
  const auto find = [&](const std::string& id) -> const Table* {
    for (const auto& t : f.a.tables)
      if (t.table.id == id) return &t;
    return nullptr;
  };
  const Table* counts = find("cin_referrals");
  const Table* outcomes = find("cin_referral_outcomes");
  const Table* sources = find("cin_referrals_by_source");
  if (!counts || !outcomes || !sources || !sources->total_row) return;
  for (size_t yi = 0; yi < f.years.size(); ++yi) {
    f.a.relations.push_back({Relation::Kind::equal, {FrontDoor::year_cell(*counts, yi, 1), FrontDoor::year_cell(*outcomes, yi, 1)}});
    f.a.relations.push_back({Relation::Kind::equal, {FrontDoor::year_cell(*counts, yi, 1), {sources->table.id, *sources->total_row, yi + 1}}});
  }
}

// ---- Section 47 enquiries and conferences (item 3) ----

void section47_tables(FrontDoor& f, const std::vector<Section47Year>& m) {
  f.need(f.england.c4, "section 47 enquiries and initial child protection conferences (DfE table C4)");
  const auto england_within_15 = [&](int year) -> std::optional<double> {
    const auto a = f.england.c4.england(year, "Duration_0-10_days"), b = f.england.c4.england(year, "Duration_11-15_days"),
               c = f.england.c4.england(year, "Duration_16-20_days"), d = f.england.c4.england(year, "Duration_21+_days");
    if (!a || !b || !c || !d || *a + *b + *c + *d <= 0) return std::nullopt;
    return 100.0 * (*a + *b) / (*a + *b + *c + *d);
  };
  {
    Table t = make_table(
        kFrontDoorSection, "cin_section47_icpc", "Section 47 enquiries and initial child protection conferences",
        "Section 47 enquiries starting in the year (S47ActualStartDate) and initial child protection conferences "
        "(ICPCs) held in it: an enquiry's DateOfInitialCPC and an episode's (a conference not tied to an enquiry, "
        "e.g. a transfer-in), both counted as DfE does (cin-census-spec.md §6). Within 15 working days: of the "
        "enquiries' conferences held in the year, those held 15 working days or fewer after the enquiry's start "
        "(the strategy discussion), counting the working days after it (England and Wales bank holidays, "
        "core/bank_holidays); an episode's conferences have no start to time. Rates per 10,000 children aged 0-17 "
        "(mid-year estimate of the year before). England: DfE table C4 (within 15 days: its 0-10 and 11-15 day bands "
        "over all four).",
        {{"year", "Year"},
         {"section47s", "Section 47 enquiries"},
         {"section47s_per_10000", "Per 10,000", 1},
         {"england_section47s_per_10000", "England per 10,000", 1},
         {"children", "Children with an enquiry"},
         {"icpcs", "ICPCs held"},
         {"icpcs_per_10000", "ICPCs per 10,000", 1},
         {"england_icpcs_per_10000", "England ICPCs per 10,000", 1},
         {"icpcs_timed", "ICPCs after an enquiry"},
         {"within_15_days", "Within 15 working days"},
         {"within_15_days_percent", "% within 15 working days", 1},
         {"england_within_15_days_percent", "England % within 15 working days", 1},
         {"population_0_17", "Population 0-17 (mid-year before)"}});
    add_year_rows(f.years, t, [&](const CollectionYear& y, size_t yi, std::vector<Cell>& row) {
      const auto& r = m[yi];
      const auto pop = f.population(y);
      const auto ep = f.england_population(y);
      const auto rate = [&](double n) { return pop ? Cell{n / *pop * 10000.0} : Cell{}; };
      const auto england_rate = [&](std::optional<double> n) { return n && ep ? Cell{*n / *ep * 10000.0} : Cell{}; };
      row.push_back(double(r.section47s));
      row.push_back(rate(double(r.section47s)));
      row.push_back(england_rate(f.england.c4.england(y.end_year, "Section47")));
      row.push_back(double(r.children_section47));
      row.push_back(double(r.icpcs));
      row.push_back(rate(double(r.icpcs)));
      row.push_back(england_rate(f.england.c4.england(y.end_year, "ICPC")));
      row.push_back(double(r.icpcs_timed));
      row.push_back(double(r.icpcs_within_15_days));
      row.push_back(percent(double(r.icpcs_within_15_days), double(r.icpcs_timed)));
      row.push_back(cell_of(england_within_15(y.end_year)));
      row.push_back(cell_of(pop));
    });
    set_counts(t, {.columns = {1, 4, 5, 8, 9},
                   .ratios = {{.column = 2, .numerator = 1, .denominator = 12, .scale = 10000},
                              {.column = 6, .numerator = 5, .denominator = 12, .scale = 10000},
                              {.column = 10, .numerator = 9, .denominator = 8}}});
    if (f.population(f.years.back())) set_chart(t, Chart::year_lines, {2, 3, 6, 7}, "per 10,000 children");
    else set_chart(t, Chart::year_lines, {1, 5}, "enquiries and conferences");
    if (!t.table.rows.empty()) {
      const auto& last = t.table.rows.back();
      const double* p = std::get_if<double>(&last[10]);
      const double* e = std::get_if<double>(&last[11]);
      const double n = std::get<double>(last[8]);
      if (p && e && n >= 10)
        f.a.messages.push_back({kFrontDoorSection,
                                fmt::format("{:.1f}% of initial child protection conferences after a section 47 enquiry "
                                            "in {} were held within 15 working days of the strategy discussion, "
                                            "against {:.1f}% in England.",
                                            *p, f.years.back().label(), *e),
                                10 + std::fabs(*p - *e), {n, std::get<double>(last[9])}});
    }
    f.a.tables.push_back(std::move(t));
  }
  {
    Table t = make_table(
        kFrontDoorSection, "cin_section47_conversion",
        "From section 47 enquiry to conference to child protection plan",
        "The enquiries starting in the year, followed to what came of them as the latest return read shows: a "
        "conference held (whenever); of those, a child protection plan starting on the conference's date in the "
        "same episode (a plan starts at a conference: rule 2885); concluded with no conference needed "
        "(ICPCnotRequired); neither yet (the latest year's last weeks above all). England: ICPCs over section 47 "
        "enquiries in the same year, DfE table C4 (not the same cohort, and counting episodes' conferences too).",
        {{"year", "Year"},
         {"section47s", "Section 47 enquiries"},
         {"to_icpc", "Led to an ICPC"},
         {"to_icpc_percent", "% led to an ICPC", 1},
         {"england_icpc_per_100_section47", "England ICPCs per 100 enquiries", 1},
         {"icpc_to_plan", "ICPC led to a plan"},
         {"icpc_to_plan_percent", "% of ICPCs leading to a plan", 1},
         {"section47_to_plan_percent", "% of enquiries leading to a plan", 1},
         {"no_icpc_needed", "No conference needed"},
         {"not_yet_concluded", "Not yet concluded"}});
    add_year_rows(f.years, t, [&](const CollectionYear& y, size_t yi, std::vector<Cell>& row) {
      const auto& r = m[yi];
      const double n = double(r.section47s);
      row.push_back(n);
      row.push_back(double(r.section47_to_icpc));
      row.push_back(percent(double(r.section47_to_icpc), n));
      const auto es = f.england.c4.england(y.end_year, "Section47"), ei = f.england.c4.england(y.end_year, "ICPC");
      row.push_back(es && ei && *es > 0 ? Cell{100.0 * *ei / *es} : Cell{});
      row.push_back(double(r.icpc_to_plan));
      row.push_back(percent(double(r.icpc_to_plan), double(r.section47_to_icpc)));
      row.push_back(percent(double(r.icpc_to_plan), n));
      row.push_back(double(r.section47_no_icpc_needed));
      row.push_back(double(r.section47_open));
    });
    set_counts(t, {.columns = {1, 2, 5, 8, 9},
                   .ratios = {{.column = 3, .numerator = 2, .denominator = 1},
                              {.column = 6, .numerator = 5, .denominator = 2},
                              {.column = 7, .numerator = 5, .denominator = 1}},
                   .row_relations = {{{1, 2, 8, 9}, {1, -1, -1, -1}}}});
    set_chart(t, Chart::year_lines, {3, 4, 6, 7}, "%");
    f.a.tables.push_back(std::move(t));
  }
  // The enquiries of both tables are the same.
  const Table& a = f.a.tables[f.a.tables.size() - 2];
  const Table& b = f.a.tables.back();
  for (size_t yi = 0; yi < f.years.size(); ++yi)
    f.a.relations.push_back({Relation::Kind::equal, {FrontDoor::year_cell(a, yi, 1), FrontDoor::year_cell(b, yi, 1)}});
}

// ---- Child protection plans (item 4) ----

// A by-year table of categories with England's share of each beside the latest year's (`england`
// gives the England percentage of a category row, none when not published).
void add_england_percent(Table& t, const std::string& label, const std::function<std::optional<double>(size_t row)>& england) {
  t.table.add_column("england_percent", label, 1);
  for (size_t r = 0; r < t.table.rows.size(); ++r) t.table.rows[r].push_back(cell_of(england(r)));
}

// The row's category index (its label among `labels`), or none (the Total row).
std::optional<size_t> category_of_row(const Table& t, size_t row, const std::vector<std::string>& labels) {
  const auto* name = std::get_if<std::string>(&t.table.rows[row][0]);
  if (!name) return std::nullopt;
  for (size_t k = 0; k < labels.size(); ++k)
    if (*name == labels[k]) return k;
  return std::nullopt;
}

template <size_t N, class Label>
std::vector<std::string> labels_of(Label label_of) {
  std::vector<std::string> v;
  for (size_t k = 0; k < N; ++k) v.emplace_back(label_of(k));
  return v;
}

// Plans starting, at 31 March and ended, with rates against England's (D3 and D5 counts over
// England's 0-17 population).
void protection_plan_tables(FrontDoor& f, const std::vector<ProtectionPlanYear>& m) {
  f.need(f.england.d3, "child protection plans starting and second or subsequent plans (DfE table D3)");
  f.need(f.england.d5, "child protection plans at 31 March and their length (DfE table D5)");
  Table t = make_table(
      kFrontDoorSection, "cin_cp_plans", "Child protection plans: starting, at 31 March and ended",
      "Plans whose CPPstartDate falls in the year; plans open at the end of 31 March (started on or before it, "
      "ended after it or not yet); plans whose CPPendDate falls in the year (cin-census-spec.md §6). Rates per "
      "10,000 children aged 0-17 (mid-year estimate of the year before). England: plans starting from DfE table D3 "
      "(CPP_start) and at 31 March from D5 (CPP_At31), over England's 0-17 population; blank where DfE has not "
      "published the year.",
      {{"year", "Year"},
       {"starting", "Plans starting"},
       {"starting_per_10000", "Starting per 10,000", 1},
       {"england_starting_per_10000", "England starting per 10,000", 1},
       {"at_31_march", "Plans at 31 March"},
       {"at_31_march_per_10000", "At 31 March per 10,000", 1},
       {"england_at_31_march_per_10000", "England at 31 March per 10,000", 1},
       {"ended", "Plans ended"},
       {"population_0_17", "Population 0-17 (mid-year before)"}});
  add_year_rows(f.years, t, [&](const CollectionYear& y, size_t yi, std::vector<Cell>& row) {
    const auto& r = m[yi];
    const auto pop = f.population(y);
    const auto ep = f.england_population(y);
    const auto rate = [&](double n) { return pop ? Cell{n / *pop * 10000.0} : Cell{}; };
    const auto england_rate = [&](std::optional<double> n) { return n && ep ? Cell{*n / *ep * 10000.0} : Cell{}; };
    row.push_back(double(r.starts));
    row.push_back(rate(double(r.starts)));
    row.push_back(england_rate(f.england.d3.england(y.end_year, "CPP_start")));
    row.push_back(double(r.at_31_march));
    row.push_back(rate(double(r.at_31_march)));
    row.push_back(england_rate(f.england.d5.england(y.end_year, "CPP_At31")));
    row.push_back(double(r.ended));
    row.push_back(cell_of(pop));
  });
  set_counts(t, {.columns = {1, 4, 7},
                 .ratios = {{.column = 2, .numerator = 1, .denominator = 8, .scale = 10000},
                            {.column = 5, .numerator = 4, .denominator = 8, .scale = 10000}}});
  if (f.population(f.years.back())) set_chart(t, Chart::year_lines, {2, 3, 5, 6}, "plans per 10,000 children");
  else set_chart(t, Chart::year_lines, {1, 4}, "plans");
  if (!t.table.rows.empty()) {
    const auto& last = t.table.rows.back();
    const double* r = std::get_if<double>(&last[5]);
    const double* e = std::get_if<double>(&last[6]);
    const double n = std::get<double>(last[4]);
    if (r && e && n >= 10)
      f.a.messages.push_back({kFrontDoorSection,
                              fmt::format("At 31 March {} {:.0f} children were on child protection plans, {:.1f} per "
                                          "10,000, against {:.1f} in England ({:+.0f}%).",
                                          f.years.back().end_year, n, *r, *e, 100.0 * (*r - *e) / *e),
                              15 + std::fabs(100.0 * (*r - *e) / *e), {n}});
  }
  f.a.tables.push_back(std::move(t));
}

// Second or subsequent plans: ever (D3) and within two years of the previous one.
void repeat_plan_tables(FrontDoor& f, const std::vector<ProtectionPlanYear>& m) {
  Table t = make_table(
      kFrontDoorSection, "cin_cp_repeat_plans", "Child protection plans starting that are a second or subsequent plan",
      "Second or subsequent: a plan starting in the year whose NumberOfPreviousCPP is 1 or more (the child's plans "
      "before it, ever, in any council as the council knows: DfE's definition, table D3; cin-census-spec.md §6); "
      "plans without the number are counted apart and are in neither. Within 2 years: the child's previous plan in "
      "the returns (any episode) ended on or after the same day two years before this one started; it needs the "
      "returns of the two years before, so earlier years are left blank. England: DfE table D3 "
      "(CPP_subsequent_percent).",
      {{"year", "Year"},
       {"starting", "Plans starting"},
       {"second_or_subsequent", "Second or subsequent"},
       {"second_or_subsequent_percent", "% second or subsequent", 1},
       {"england_second_or_subsequent_percent", "England % second or subsequent", 1},
       {"previous_not_recorded", "Number of previous plans not recorded"},
       {"within_2_years", "Within 2 years of the previous plan"},
       {"within_2_years_percent", "% within 2 years", 1}});
  add_year_rows(f.years, t, [&](const CollectionYear& y, size_t yi, std::vector<Cell>& row) {
    const auto& r = m[yi];
    const double n = double(r.starts);
    row.push_back(n);
    row.push_back(double(r.second_or_subsequent));
    row.push_back(percent(double(r.second_or_subsequent), n));
    row.push_back(cell_of(f.england.d3.england(y.end_year, "CPP_subsequent_percent")));
    row.push_back(double(r.previous_not_recorded));
    row.push_back(r.within_two_years_of_previous ? Cell{double(*r.within_two_years_of_previous)} : Cell{});
    row.push_back(r.within_two_years_of_previous ? percent(double(*r.within_two_years_of_previous), n) : Cell{});
  });
  set_counts(t, {.columns = {1, 2, 5, 6},
                 .ratios = {{.column = 3, .numerator = 2, .denominator = 1}, {.column = 7, .numerator = 6, .denominator = 1}}});
  set_chart(t, Chart::year_lines, {3, 4, 7}, "% of plans starting");
  f.a.tables.push_back(std::move(t));
}

// Plans starting by initial category of abuse (D2), at 31 March and ended by length (D5), and how
// plans ended.
void plan_breakdown_tables(FrontDoor& f, const std::vector<ProtectionPlanYear>& m) {
  f.need(f.england.d2, "child protection plans by category of abuse (DfE table D2)");
  const auto year_index = [&](const CollectionYear& y) {
    return static_cast<size_t>(std::find(f.years.begin(), f.years.end(), y) - f.years.begin());
  };
  const int latest = f.years.back().end_year;
  {
    const auto labels = labels_of<kAbuseCategoryCount>([](size_t k) { return label(AbuseCategory(k)); });
    Table t = by_year(f.years, "cin_cp_by_category", "Child protection plans starting, by initial category of abuse",
                      "InitialCategoryOfAbuse of the plans starting in the year (cin-census-spec.md §3.8). England: the "
                      "share of England's plans starting in each category, DfE table D2, of the latest year DfE has "
                      "published up to the council's latest (named in the column).",
                      kFrontDoorSection, labels, [&](const CollectionYear& y, std::vector<double>& counts) {
                        for (size_t k = 0; k < kAbuseCategoryCount; ++k)
                          counts[k] = double(m[year_index(y)].starts_by_category[k]);
                      });
    const auto ey = f.england.d2.latest_england_year(latest);
    const auto total = ey ? f.england.d2.england(*ey, "CPP_start") : std::nullopt;
    add_england_percent(t, ey ? fmt::format("England % {}", CollectionYear{*ey}.label()) : "England %",
                        [&](size_t row) -> std::optional<double> {
                          if (!total || *total <= 0) return std::nullopt;
                          const auto k = category_of_row(t, row, labels);
                          if (!k) return 100.0;  // the Total row
                          const auto col = d2_column(AbuseCategory(*k));
                          const auto v = col.empty() ? std::nullopt : f.england.d2.england(*ey, std::string(col));
                          return v ? std::optional<double>(100.0 * *v / *total) : std::nullopt;
                        });
    set_chart(t, Chart::bars, {f.years.size() + 1, f.years.size() + 2}, "% of plans starting");
    f.a.tables.push_back(std::move(t));
  }
  const auto lengths = labels_of<kPlanLengthCount>([](size_t k) { return label(PlanLength(k)); });
  {
    Table t = by_year(f.years, "cin_cp_length_at_31_march", "Child protection plans at 31 March, by length",
                      "Plans open at 31 March by the time from their start to 31 March, in DfE's bands of table D5: "
                      "3 months or less (31 March at most 3 calendar months after the start), more than 3 months to 6 "
                      "months, more than 6 months but less than a year, 1 year to less than 2, 2 years or more (31 "
                      "March on or after the start's second anniversary). England: DfE table D5, of the latest year "
                      "published up to the council's latest (named in the column).",
                      kFrontDoorSection, lengths, [&](const CollectionYear& y, std::vector<double>& counts) {
                        for (size_t k = 0; k < kPlanLengthCount; ++k)
                          counts[k] = double(m[year_index(y)].at_31_march_by_length[k]);
                      }, true);
    const auto ey = f.england.d5.latest_england_year(latest);
    add_england_percent(t, ey ? fmt::format("England % {}", CollectionYear{*ey}.label()) : "England %",
                        [&](size_t row) -> std::optional<double> {
                          if (!ey) return std::nullopt;
                          const auto k = category_of_row(t, row, lengths);
                          if (!k) return f.england.d5.england(*ey, "CPP_At31") ? std::optional<double>(100.0) : std::nullopt;
                          return f.england.d5.england(*ey, std::string(d5_percent_column(PlanLength(*k))));
                        });
    set_chart(t, Chart::bars, {f.years.size() + 1, f.years.size() + 2}, "% of plans at 31 March");
    f.a.tables.push_back(std::move(t));
  }
  {
    Table t = by_year(f.years, "cin_cp_length_ended", "Child protection plans ended, by length",
                      "Plans ended in the year by the time from their start to their end, in the bands of table D5 "
                      "(see the plans at 31 March). DfE publishes no England table of plans ended by length here.",
                      kFrontDoorSection, lengths, [&](const CollectionYear& y, std::vector<double>& counts) {
                        for (size_t k = 0; k < kPlanLengthCount; ++k)
                          counts[k] = double(m[year_index(y)].ended_by_length[k]);
                      }, true);
    f.a.tables.push_back(std::move(t));
  }
  {
    const auto labels = labels_of<kPlanEndingCount>([](size_t k) { return label(PlanEnding(k)); });
    Table t = by_year(
        f.years, "cin_cp_endings", "How child protection plans ended",
        fmt::format("Plans ended in the year, by what followed on their end date. Became looked after: the child, "
                    "found in the 903 by its LAchildID, was looked after at the end of that day (short breaks "
                    "excluded) or began a period of care within {} days after it{}. Otherwise by the episode of "
                    "need: still open after that day (continued as a child in need), or closed on it, by reason of "
                    "closure.",
                    kBecameLookedAfterDays,
                    f.cx.h.children.empty() ? " (no 903 returns were read: none is counted so)" : ""),
        kFrontDoorSection, labels, [&](const CollectionYear& y, std::vector<double>& counts) {
          for (size_t k = 0; k < kPlanEndingCount; ++k) counts[k] = double(m[year_index(y)].ended_by_how[k]);
        }, true);
    set_chart(t, Chart::bars, {f.years.size()}, "plans ended");
    f.a.tables.push_back(std::move(t));
  }
  {
    Table t = make_table(
        kFrontDoorSection, "cin_cp_first_review", "Child protection plans ended at or before their first review",
        "Plans ended in the year: before their first review conference (no CPPreviewDate on or before the end), at it "
        "(the only review on or before the end is on the end date), or after one or more reviews. A plan that began "
        "before the first return read may have had reviews no return read holds: not known. Percentages of the plans "
        "ended.",
        {{"year", "Year"},
         {"ended", "Plans ended"},
         {"before_first_review", "Ended before the first review"},
         {"before_first_review_percent", "% before the first review", 1},
         {"at_first_review", "Ended at the first review"},
         {"at_first_review_percent", "% at the first review", 1},
         {"after_review", "Ended after a review"},
         {"not_known", "Not known (began before the returns)"}});
    add_year_rows(f.years, t, [&](const CollectionYear&, size_t yi, std::vector<Cell>& row) {
      const auto& r = m[yi];
      const double n = double(r.ended);
      row.push_back(n);
      row.push_back(double(r.ended_before_first_review));
      row.push_back(percent(double(r.ended_before_first_review), n));
      row.push_back(double(r.ended_at_first_review));
      row.push_back(percent(double(r.ended_at_first_review), n));
      row.push_back(double(r.ended_after_review));
      row.push_back(double(r.ended_reviews_not_known));
    });
    set_counts(t, {.columns = {1, 2, 4, 6, 7},
                   .ratios = {{.column = 3, .numerator = 2, .denominator = 1}, {.column = 5, .numerator = 4, .denominator = 1}},
                   .row_relations = {{{1, 2, 4, 6, 7}, {1, -1, -1, -1, -1}}}});
    set_chart(t, Chart::year_lines, {3, 5}, "% of plans ended");
    f.a.tables.push_back(std::move(t));
  }
}

// The same plans in several tables: starts (cin_cp_plans, cin_cp_repeat_plans, the category
// Total), at 31 March (cin_cp_plans, the length Total), ended (cin_cp_plans, the ended-length and
// endings Totals, cin_cp_first_review).
void relate_plans(FrontDoor& f) {
  const auto find = [&](const std::string& id) -> const Table* {
    for (const auto& t : f.a.tables)
      if (t.table.id == id) return &t;
    return nullptr;
  };
  const Table* plans = find("cin_cp_plans");
  if (!plans) return;
  for (size_t yi = 0; yi < f.years.size(); ++yi) {
    const auto same = [&](size_t column, const Table* other, std::optional<size_t> other_column) {
      if (!other) return;
      CellRef there = other_column ? CellRef{other->table.id, yi, *other_column}
                                   : CellRef{other->table.id, other->total_row.value_or(0), yi + 1};
      if (!other_column && !other->total_row) return;
      f.a.relations.push_back({Relation::Kind::equal, {FrontDoor::year_cell(*plans, yi, column), there}});
    };
    same(1, find("cin_cp_repeat_plans"), 1);
    same(1, find("cin_cp_by_category"), std::nullopt);
    same(4, find("cin_cp_length_at_31_march"), std::nullopt);
    same(7, find("cin_cp_length_ended"), std::nullopt);
    same(7, find("cin_cp_endings"), std::nullopt);
    same(7, find("cin_cp_first_review"), 1);
  }
}

// ---- Assessments (item 2) ----

void assessment_tables(FrontDoor& f, const std::vector<AssessmentYear>& m) {
  f.need(f.england.c2, "assessments and their duration (DfE table C2)");
  f.need(f.england.c3, "factors identified at the end of assessment (DfE table C3)");
  const auto england_bands = [&](int year) -> std::optional<std::array<double, kAssessmentBandCount>> {
    std::array<double, kAssessmentBandCount> v{};
    for (size_t b = 0; b < kAssessmentBandCount; ++b) {
      const auto x = f.england.c2.england(year, std::string(c2_column(b)));
      if (!x) return std::nullopt;
      v[b] = *x;
    }
    return v;
  };
  const auto share = [](const std::array<double, kAssessmentBandCount>& v, size_t upto) -> std::optional<double> {
    double part = 0, all = 0;
    for (size_t b = 0; b < kAssessmentBandCount; ++b) (b <= upto ? part : all) += v[b];
    all += part;
    return all > 0 ? std::optional<double>(100.0 * part / all) : std::nullopt;
  };
  {
    Table t = make_table(
        kFrontDoorSection, "cin_assessments", "Assessments completed, and within 45 working days",
        "Assessments completed in the year (AssessmentAuthorisationDate in it), and those completed within 45 "
        "working days of their start (AssessmentActualStartDate), counting the working days after the start up to "
        "completion (England and Wales bank holidays) as DfE's table C2 bands them (cin-census-spec.md §6; Working "
        "Together's 45 days run from the referral, DfE's bands from the assessment's start). Not known: a date outside "
        "the bank-holiday table, or completion before the start. Rates per 10,000 children aged 0-17. England: DfE "
        "table C2 (to 2021/22).",
        {{"year", "Year"},
         {"completed", "Assessments completed"},
         {"completed_per_10000", "Per 10,000", 1},
         {"england_completed_per_10000", "England per 10,000", 1},
         {"within_45_days", "Within 45 working days"},
         {"within_45_days_percent", "% within 45 working days", 1},
         {"england_within_45_days_percent", "England % within 45 working days", 1},
         {"days_not_known", "Duration not known"},
         {"population_0_17", "Population 0-17 (mid-year before)"}});
    add_year_rows(f.years, t, [&](const CollectionYear& y, size_t yi, std::vector<Cell>& row) {
      const auto& r = m[yi];
      const auto pop = f.population(y);
      const auto ep = f.england_population(y);
      const double n = double(r.completed);
      row.push_back(n);
      row.push_back(pop ? Cell{n / *pop * 10000.0} : Cell{});
      const auto e = f.england.c2.england(y.end_year, "Assessments_completed");
      row.push_back(e && ep ? Cell{*e / *ep * 10000.0} : Cell{});
      row.push_back(double(r.within_45_days));
      row.push_back(percent(double(r.within_45_days), n));
      const auto bands = england_bands(y.end_year);
      row.push_back(bands ? cell_of(share(*bands, 5)) : Cell{});
      row.push_back(double(r.days_not_known));
      row.push_back(cell_of(pop));
    });
    set_counts(t, {.columns = {1, 4, 7},
                   .ratios = {{.column = 2, .numerator = 1, .denominator = 8, .scale = 10000},
                              {.column = 5, .numerator = 4, .denominator = 1}}});
    set_chart(t, Chart::year_lines, {5, 6}, "% within 45 working days");
    f.a.tables.push_back(std::move(t));
  }
  {
    std::vector<std::string> labels;
    for (size_t b = 0; b < kAssessmentBandCount; ++b) labels.emplace_back(assessment_band_label(b));
    labels.emplace_back("Not known");
    Table t = by_year(f.years, "cin_assessment_duration", "Assessments completed, by working days taken",
                      "Working days after the assessment's start up to its completion, in DfE's bands of table C2. "
                      "England: table C2, of the latest year DfE has published up to the council's latest (named in "
                      "the column).",
                      kFrontDoorSection, labels, [&](const CollectionYear& y, std::vector<double>& counts) {
                        const size_t yi = static_cast<size_t>(std::find(f.years.begin(), f.years.end(), y) - f.years.begin());
                        for (size_t b = 0; b < kAssessmentBandCount; ++b) counts[b] = double(m[yi].by_band[b]);
                        counts[kAssessmentBandCount] = double(m[yi].days_not_known);
                      });
    const auto ey = f.england.c2.latest_england_year(f.years.back().end_year);
    const auto bands = ey ? england_bands(*ey) : std::nullopt;
    add_england_percent(t, ey ? fmt::format("England % {}", CollectionYear{*ey}.label()) : "England %",
                        [&](size_t row) -> std::optional<double> {
                          if (!bands) return std::nullopt;
                          const auto k = category_of_row(t, row, labels);
                          if (!k) return 100.0;
                          if (*k >= kAssessmentBandCount) return std::nullopt;
                          double all = 0;
                          for (double v : *bands) all += v;
                          return all > 0 ? std::optional<double>(100.0 * (*bands)[*k] / all) : std::nullopt;
                        });
    set_chart(t, Chart::bars, {f.years.size() + 1, f.years.size() + 2}, "% of assessments completed");
    f.a.tables.push_back(std::move(t));
  }
  {
    // The latest year's factors by age band.
    const auto& r = m.back();
    const auto& factors = assessment_factors();
    Table t = make_table(
        kFrontDoorSection, "cin_assessment_factors",
        fmt::format("Factors identified at the end of assessment, {}, by age", f.years.back().label()),
        "Episodes of need with an assessment completed in the year, by the factors its assessments identified at "
        "their end (AssessmentFactors; 21, no factors, is not one), as DfE's table C3 counts them: an episode once "
        "per factor; the first row is the episodes with any factor. Age at the episode's latest completion in the "
        "year. An episode has several factors: the rows do not add up. England: the share of England's episodes with "
        "a factor, table C3, of the latest year published up to the council's latest.",
        {{"factor", "Factor"},
         {"under_1", "Under 1"},
         {"age_1_4", "1 to 4"},
         {"age_5_9", "5 to 9"},
         {"age_10_15", "10 to 15"},
         {"age_16_plus", "16 and over"},
         {"age_not_known", "Age not known"},
         {"all_ages", "All ages"},
         {"percent", "% of episodes with a factor", 1},
         {"england_percent", "England %", 1}});
    const auto ey = f.england.c3.latest_england_year(f.years.back().end_year);
    const auto etotal = ey ? f.england.c3.england(*ey, "Episodes_with_assessment_factor") : std::nullopt;
    double all_with = 0;
    for (size_t b = 0; b < 6; ++b) all_with += double(r.episodes_with_factor[b]);
    const auto add = [&](const std::string& label, const std::array<size_t, 6>& by_age, std::optional<double> england) {
      std::vector<Cell> row{label};
      double all = 0;
      for (size_t b = 0; b < 6; ++b) row.push_back(double(by_age[b])), all += double(by_age[b]);
      row.push_back(all);
      row.push_back(percent(all, all_with));
      row.push_back(cell_of(england && etotal && *etotal > 0 ? std::optional<double>(100.0 * *england / *etotal)
                                                              : std::nullopt));
      t.table.add_row(std::move(row));
    };
    add("Episodes with any factor", r.episodes_with_factor, etotal);
    for (size_t k = 0; k < factors.size(); ++k) {
      size_t n = 0;
      for (size_t b = 0; b < 6; ++b) n += r.by_factor[k][b];
      if (n == 0) continue;
      add(std::string(factors[k].label), r.by_factor[k],
          ey ? f.england.c3.england(*ey, std::string(factors[k].c3_column)) : std::nullopt);
    }
    if (ey) t.table.columns.back().label = fmt::format("England % {}", CollectionYear{*ey}.label());
    set_counts(t, {.columns = {1, 2, 3, 4, 5, 6, 7},
                   .ratios = {{.column = 8, .numerator = 7, .denominator = 7, .denominator_row = 0}},
                   .row_relations = {{{7, 1, 2, 3, 4, 5, 6}, {1, -1, -1, -1, -1, -1, -1}}}});
    t.chart = Chart::bars;
    t.series = {8, 9};
    t.y_label = "% of episodes with a factor";
    f.a.tables.push_back(std::move(t));
  }
  // The same completed assessments in the first two tables.
  const size_t n = f.a.tables.size();
  const Table& a = f.a.tables[n - 3];
  const Table& b = f.a.tables[n - 2];
  if (b.total_row)
    for (size_t yi = 0; yi < f.years.size(); ++yi)
      f.a.relations.push_back({Relation::Kind::equal, {FrontDoor::year_cell(a, yi, 1), {b.table.id, *b.total_row, yi + 1}}});
}

}  // namespace

void front_door(Context& cx, Assessment& a) {
  const EnglandCinTables& england = cx.o.england_cin ? *cx.o.england_cin : no_england_cin();
  FrontDoor f{cx, a, *cx.o.cin, england, cx.cin_years};
  if (f.years.empty()) {
    a.limitations.push_back("The Children in Need census returns read cover none of the years analysed: the front door "
                            "and child protection are not shown.");
    return;
  }
  if (!cx.o.filter.empty())
    a.limitations.push_back("--filter does not apply to the front door and child protection: those tables count every "
                            "child in the census returns.");
  const auto referrals = referral_measures(f.cin, f.years, cx.ref);
  referral_tables(f, referrals);
  referral_outcome_tables(f, referrals);
  referral_source_tables(f, referrals);
  relate_referrals(f);
  const auto in_903 = children_in_903(f.cin, cx.h);
  const auto plans = protection_plan_measures(f.cin, f.years, cx.ref, &cx.h, &in_903);
  protection_plan_tables(f, plans);
  repeat_plan_tables(f, plans);
  plan_breakdown_tables(f, plans);
  relate_plans(f);
  section47_tables(f, section47_measures(f.cin, f.years, cx.ref));
  assessment_tables(f, assessment_measures(f.cin, f.years, cx.ref));
}

}  // namespace detail

}  // namespace careflow::analyse
