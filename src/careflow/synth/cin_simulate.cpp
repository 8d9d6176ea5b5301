// The Children in Need side of the simulation (cin.hpp): referrals of children never looked
// after, arriving by month and going on (or not) to assessment, section 47 enquiry, conference,
// child protection plan and CIN plan, and re-referred; and an episode of need around every period
// of care of the 903 simulation's children, referred before it began. Figures are England's
// published ones (shared/data/public/england_cin/, cited at each); where they do not determine a
// choice it is said here and in docs/synth.md.
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

#include "careflow/core/la_codes.hpp"
#include "careflow/core/bank_holidays.hpp"
#include "careflow/synth/calibration.hpp"
#include "careflow/synth/cin.hpp"

namespace careflow::synth {

namespace {

// ---- Working days (England and Wales bank holidays where the table covers the day) ----------
bool working(Date d) {
  if (is_weekend(d)) return false;
  const auto& t = england_and_wales_bank_holidays();
  return !(t.covers(d) && t.is_holiday(d));
}
Date add_working_days(Date d, int n) {
  while (n > 0) {
    d = d + 1;
    n -= working(d);
  }
  return d;
}
// The n-th working day counting back from d, d itself first when it is one (as DfE's rules count).
Date nth_working_day_back(Date d, int n) {
  for (int k = 0;; d = d - 1)
    if (working(d) && ++k == n) return d;
}
Date working_day_on_or_before(Date d) {
  while (!working(d)) d = d - 1;
  return d;
}

// ---- Draws --------------------------------------------------------------------------------
// Referral sources, c5 (England 2022: individual 53,160, schools 129,090, education services
// 13,350, health 96,170, housing 6,640, LA services 87,300, police 191,840, other legal agency
// 26,020, other 27,840, anonymous 11,600, unknown 7,250), split within a group by our choice.
constexpr double kSourceWeights[] = {
    53160 * .50, 53160 * .15, 53160 * .15, 53160 * .20,                                         // 1A-1D
    129090, 13350,                                                                              // 2A 2B
    96170 * .25, 96170 * .20, 96170 * .10, 96170 * .10, 96170 * .20, 96170 * .15,               // 3A-3F
    6640,                                                                                       // 4
    87300 * .35, 87300 * .25, 87300 * .15, 87300 * .25,                                         // 5A-5D
    191840, 26020, 27840, 11600, 7250};                                                         // 6 7 8 9 10
constexpr int kPolice = 17, kOtherLegal = 18;
// Primary need of episodes open at 31 March, b3 (England 2022), N1..N8, N9, N0.
constexpr double kNeedWeights[] = {230830, 32160, 8930, 34740, 53600, 8200, 1340, 18410, 0, 12420};
constexpr int kN9 = 8;
// Initial and latest category of abuse, d2 (England 2022): NEG, PHY, SAB, EMO, MUL.
constexpr double kInitialCategory[] = {30280, 5450, 2520, 24650, 1500};
constexpr double kLatestCategory[] = {29520, 4910, 2440, 26140, 1380};
// Factors at the end of assessment, c3 (England 2025; 18A and 19A not used: queried from 2024/25).
constexpr double kFactorWeights[] = {
    10620, 73250, 11600, 24550, 72620, 15930, 57930, 162890, 25560, 90400, 171780, 23600, 63240, 15170, 7510,
    24220, 27600, 5310, 18960, 1950, 6340, 16940, 12400, 2250, 8860, 35980, 25470, 90370, 97700, 15270, 61410,
    12590, 18900, 780, 2240, 16250, 83770};
constexpr int kFactorUasc = 20;
// Disabilities of children with one (our choice of mix; every code in use, 2887Q).
constexpr double kDisabilityWeights[] = {8, 3, 5, 3, 15, 20, 4, 4, 15, 2, 25, 10};
// Assessment duration in working days, c2 (England 2022): same day 8,840, 1-10 73,420, 11-20
// 116,480, 21-30 108,670, 31-40 131,110, 41-45 106,500, 46-50 36,930, 51-60 30,250, 61+ 32,870.
constexpr double kAssessBands[] = {8840, 73420, 116480, 108670, 131110, 106500, 36930, 30250, 32870};
constexpr int kAssessLo[] = {0, 1, 11, 21, 31, 41, 46, 51, 61}, kAssessHi[] = {0, 10, 20, 30, 40, 45, 50, 60, 100};
// Working days from the start of a section 47 enquiry to the conference, c4 (England 2025):
// 0-10 6,240, 11-15 52,430, 16-20 6,430, 21+ 6,990.
constexpr double kIcpcBands[] = {6240, 52430, 6430, 6990};
constexpr int kIcpcLo[] = {3, 11, 16, 21}, kIcpcHi[] = {10, 15, 20, 35};

int assessment_days(Rng& r) {
  const int b = r.pick(kAssessBands);
  return r.between(kAssessLo[b], kAssessHi[b]);
}
int conference_days(Rng& r) {
  const int b = r.pick(kIcpcBands);
  return r.between(kIcpcLo[b], kIcpcHi[b]);
}
uint8_t latest_of(Rng& r, uint8_t initial) {
  return r.chance(0.93) ? initial : static_cast<uint8_t>(r.pick(kLatestCategory));
}
void draw_factors(Rng& r, CinEpisode& e, int n, bool uasc) {
  e.n_factors = 0;
  if (uasc) e.factors[e.n_factors++] = kFactorUasc;
  while (e.n_factors < n) {
    const auto f = static_cast<uint8_t>(r.pick(kFactorWeights));
    if (std::find(e.factors, e.factors + e.n_factors, f) == e.factors + e.n_factors) e.factors[e.n_factors++] = f;
  }
}

// England's referrals per 10,000 children: 632,830 in 2024/25 (c1) over 12,183,016 aged 0-17
// (ONS mid-2024).
constexpr double kReferralsPer10000 = 632830.0 / 12183016.0 * 1e4;
// Children looked after per 10,000 (67 in 2025), to give a council of the 903's size its population.
constexpr double kLookedAfterPer10000 = 67;

// An assessment or enquiry still open at a 31 March is not left open so long that DfE's queries
// fire (8670Q: 45 working days; 8675Q: 15): one that would be is completed on that day. This
// shortens 1-2% of assessments (the long ones crossing the year end).
void complete_by_year_ends(CinEpisode& e) {
  if (e.s47 && e.conference)
    for (Date R = collection_year_of(e.s47_start).end(); R < e.s47_done; R = CollectionYear{R.year() + 1}.end())
      if (e.s47_start < nth_working_day_back(R, 14)) e.s47_done = std::max(e.s47_start, working_day_on_or_before(R));
  if (e.s47) e.a_end = std::max(e.a_end, e.s47_done);
  if (e.assessed)
    for (Date R = collection_year_of(e.a_start).end(); R < e.a_end; R = CollectionYear{R.year() + 1}.end())
      if (e.a_start < nth_working_day_back(R, 44)) {
        e.a_end = R;
        // The enquiry cannot outlast the assessment it runs with (2991Q); it concludes too.
        if (e.s47 && e.s47_done > R) {
          e.s47_done = working_day_on_or_before(R);
          if (e.s47_done < e.s47_start) e.s47 = e.conference = false;
        }
      }
}

struct ChainState {
  int previous_plans = 0;
  bool had_plan = false;
};

// One episode of a child never looked after, referred on t. Returns false when the child is 18.
void episode_of_need(Rng& r, CinChildSim& c, Date t, ChainState& st) {
  CinEpisode e;
  e.referral = t;
  e.source = static_cast<uint8_t>(r.pick(kSourceWeights));
  const Date adult = birthday(c.dob, 18);
  // No further action: 6.5% of referrals (c1, 2025), closed the day they came (our choice: with
  // RC7, the rules allowing no assessment for RC8 and RC9).
  if (r.chance(0.065)) {
    e.nfa = true;
    e.closure = t;
    e.reason = 6;  // RC7
    c.episodes.push_back(e);
    return;
  }
  e.assessed = true;
  e.a_start = t + (r.chance(0.5) ? 0 : r.between(1, 5));
  e.a_end = add_working_days(e.a_start, assessment_days(r));
  // Assessed as not in need: 30.8% of referrals (c1, 2025), so 33% of those assessed.
  if (r.chance(0.33)) {
    e.need = r.chance(0.5) ? kN9 : static_cast<uint8_t>(r.pick(kNeedWeights));
    complete_by_year_ends(e);
    e.closure = e.a_end;
    e.reason = r.chance(0.55) ? 7 : 8;  // RC8, RC9
    if (r.chance(0.45)) e.n_factors = 0;  // "21": no factors
    else draw_factors(r, e, r.between(1, 2), false);
    c.episodes.push_back(e);
    return;
  }
  e.need = static_cast<uint8_t>(r.pick(kNeedWeights));
  draw_factors(r, e, std::min(5, 1 + r.poisson(1.75)), false);
  // Section 47 enquiries: 230,590 a year (c4, 2025) against 396,870 episodes starting: 0.58 of
  // the episodes (some of it from the children who come into care); conferences 31% of them
  // (72,100), plans from 86% of conferences (61,840). A child with a plan before is more likely
  // to have one again (our choice, for d3's 24.5% second or subsequent plans).
  const double p_s47 = st.had_plan ? 0.75 : 0.56;
  if (r.chance(p_s47)) {
    e.s47 = true;
    e.s47_start = std::max(e.a_start, t + r.between(0, 3));
    e.conference = r.chance(st.had_plan ? 0.42 : 0.29);
    e.s47_done = e.conference ? add_working_days(e.s47_start, conference_days(r))
                              : add_working_days(e.s47_start, r.between(3, 15));
  }
  complete_by_year_ends(e);
  Date end;
  if (e.s47 && e.conference && r.chance(0.86)) {
    e.cpp = true;
    e.cpp_start = e.s47_done;
    e.initial = static_cast<uint8_t>(r.pick(kInitialCategory));
    e.latest = latest_of(r, e.initial);
    e.previous = static_cast<uint8_t>(std::min(st.previous_plans, 9));
    // Duration: ended at the first review for some (about 3 months), else log-normal, median
    // 9 months (d5: at 31 March 31% under 3 months, 26% 3-6, 26% 6-12, 14% 1-2 years, 2% longer).
    const int days = r.chance(0.12) ? r.between(80, 100) : static_cast<int>(std::clamp(r.lognormal(300, 0.6), 20.0, 1500.0));
    e.cpp_end = e.cpp_start + days;
    ++st.previous_plans;
    st.had_plan = true;
    end = e.cpp_end;
    if (r.chance(0.55)) {  // stepped down to a CIN plan
      e.n_plans = 1;
      e.plan_start[0] = e.cpp_end;
      e.plan_end[0] = e.cpp_end + static_cast<int>(std::clamp(r.lognormal(180, 0.6), 14.0, 900.0));
      end = e.plan_end[0];
    } else {
      end = end + r.between(0, 14);
    }
  } else if (r.chance(0.65)) {  // a CIN plan from the assessment's end
    e.n_plans = 1;
    e.plan_start[0] = e.a_end;
    const double median = e.need == 1 ? 700 : 230;  // N2, the child's disability: long
    e.plan_end[0] = e.a_end + static_cast<int>(std::clamp(r.lognormal(median, 0.7), 14.0, 2500.0));
    end = e.plan_end[0];
  } else {
    end = e.a_end + static_cast<int>(std::clamp(r.lognormal(60, 0.8), 1.0, 700.0));
  }
  end = std::max({end, e.a_end, e.s47 ? e.s47_done : e.a_end});
  // Closed at the 18th birthday at the latest, after whatever it holds.
  if (end > adult) {
    Date floor = std::max(e.a_end, e.s47 ? e.s47_done : e.a_end);
    if (e.cpp) floor = std::max(floor, e.cpp_start + 1);
    if (e.n_plans) floor = std::max(floor, e.plan_start[0] + 1);
    end = std::max(adult, floor);
    if (e.cpp) e.cpp_end = std::min(e.cpp_end, end);
    if (e.n_plans) e.plan_end[0] = std::min(e.plan_end[0], end);
  }
  e.closure = end;
  const double age = (end - c.dob) / 365.25;
  e.reason = age >= 17.5 && r.chance(0.3) ? 5 : r.chance(0.04) ? 4 : 6;  // RC6, RC5, RC7
  c.episodes.push_back(e);
}

// Re-referral after an episode closes: 42% of children are referred again (our choice, with
// the gap below, for c1's 22.6% of referrals within 12 months of the one before), most soon.
Date next_referral(Rng& r, const CinEpisode& e) {
  if (!r.chance(0.42)) return Date::open();
  const int gap = r.chance(0.78) ? static_cast<int>(r.exponential(80)) : 200 + static_cast<int>(r.exponential(600));
  return e.closure + 1 + gap;
}

const char* const kRec[] = {"E11", "E12", "E2", "E41", "E45", "E46", "E47", "E48", "E3", "E7"};
constexpr uint8_t kRecReason[] = {0, 0, 1, 2, 3, 3, 3, 3, 4, 5};
uint8_t closure_reason(CodeIndex rec) {
  const auto code = codes::reason_episode_ceased.code(rec);
  for (size_t i = 0; i < std::size(kRec); ++i)
    if (code == kRec[i]) return kRecReason[i];
  return 6;  // RC7
}

// The episodes of need around a looked-after child's periods of care.
void care_episodes(Rng& r, const Child& ch, CinChildSim& c) {
  Date lo = ch.dob;
  const auto& k_ls = codes::legal_status;
  for (const PeriodInfo& p : ch.periods) {
    const Episode* first = nullptr;
    const Episode* last = nullptr;
    for (const Episode& e : ch.episodes)
      if (e.start >= p.start && e.start <= p.end) {
        if (!first) first = &e;
        last = &e;
      }
    if (!first) continue;
    const uint8_t reason = p.end.is_open() || !last || last->rec == kNoCode ? 6 : closure_reason(last->rec);
    if (!c.episodes.empty() && !c.episodes.back().closure.is_open() && p.start <= c.episodes.back().closure) {
      // Back in care before the last episode closed: the same episode goes on.
      CinEpisode& e = c.episodes.back();
      e.closure = p.end.is_open() ? Date::open() : std::max(e.closure, p.end);
      e.reason = reason;
      if (reason == 1) c.death = e.closure;
      lo = e.closure;
      continue;
    }
    if (!c.episodes.empty() && c.episodes.back().closure.is_open()) break;
    CinEpisode e;
    e.care = true;
    const auto ls = k_ls.code(first->ls);
    const bool police = ls == "L1" || ls == "L2";
    // Most children are referred weeks or months before they come into care; police protection,
    // unaccompanied children and 15% of the rest on the day or just before (our choice).
    const bool emergency = police || c.uasc || r.chance(0.15);
    const int before = emergency ? r.between(0, 2) : static_cast<int>(std::clamp(r.lognormal(75, 0.9), 3.0, 1500.0));
    e.referral = std::max(lo, p.start - before);
    e.source = c.uasc ? static_cast<uint8_t>(kOtherLegal) : police ? static_cast<uint8_t>(kPolice)
                                                                   : static_cast<uint8_t>(r.pick(kSourceWeights));
    // The 903's category of need of the first episode (N1-N8, the same codes).
    e.need = static_cast<uint8_t>(std::min<int>(first->cin, 7));
    e.assessed = true;
    e.a_start = e.referral;
    e.a_end = add_working_days(e.a_start, assessment_days(r));
    draw_factors(r, e, std::min(5, 1 + r.poisson(2.0)), c.uasc);
    const int lead = p.start - e.referral;
    if (emergency) {
      // A strategy discussion the day of the referral; the child accommodated, no conference.
      e.s47 = !c.uasc;
      e.s47_start = e.referral;
      e.s47_done = add_working_days(e.s47_start, r.between(3, 10));
    } else if (lead > 30 && r.chance(0.45)) {
      // An enquiry, a conference and a child protection plan until the child came into care.
      e.s47 = e.conference = true;
      e.s47_start = e.referral + r.between(0, 3);
      e.s47_done = add_working_days(e.s47_start, conference_days(r));
    }
    complete_by_year_ends(e);
    if (e.s47 && e.conference && e.s47_done + 1 < p.start) {
      e.cpp = true;
      e.cpp_start = e.s47_done;
      e.cpp_end = p.start;
      e.initial = static_cast<uint8_t>(r.pick(kInitialCategory));
      e.latest = latest_of(r, e.initial);
      e.previous = static_cast<uint8_t>(r.chance(0.2) ? 1 : 0);
    } else if (!e.s47 && e.a_end + 7 < p.start && r.chance(0.4)) {
      e.n_plans = 1;
      e.plan_start[0] = e.a_end;
      e.plan_end[0] = p.start;
    }
    Date floor = std::max(e.a_end, e.s47 ? e.s47_done : e.a_end);
    if (e.cpp) floor = std::max(floor, e.cpp_end);
    e.closure = p.end.is_open() ? Date::open() : std::max(p.end, floor);
    e.reason = reason;
    if (reason == 1 && !e.closure.is_open()) c.death = e.closure;
    lo = e.closure;
    c.episodes.push_back(e);
    if (reason == 1) break;
  }
}

}  // namespace

std::string upn_text(uint64_t digits) {
  static constexpr char kLetters[] = "ABCDEFGHJKLMNPQRTUVWXYZ";
  char d[13];
  std::snprintf(d, sizeof d, "%012llu", static_cast<unsigned long long>(digits % 1000000000000ull));
  int sum = 0;
  for (int i = 0; i < 12; ++i) sum += (d[i] - '0') * (i + 2);
  return std::string(1, kLetters[sum % 23]) + d;
}

CinWorld simulate_cin(const World& w) {
  const SynthOptions& o = w.options;
  CinWorld cw;
  const uint64_t seed = o.seed ^ 0x43494E43656E7375ull;  // "CINCensu": the CIN side's own streams
  Rng council(seed);
  const auto& las = dfe_la_numbers();
  const int lea = las[static_cast<size_t>(council.below(static_cast<int>(las.size())))];
  cw.lea = std::to_string(lea);
  // The council's children aged 0-17, from its size in the 903 and England's rate of children
  // looked after; its referral rate varies about England's as councils' do (c1 over their 0-17
  // populations, 147 councils in 2021/22: standard deviation of the log rate 0.37).
  const double looked_after = o.population > 0 ? o.population
                              : o.children_per_year > 0 ? o.children_per_year * 2.44
                              : o.national ? published::kNationalLookedAfter : published::kTypicalCouncilLookedAfter;
  cw.population = o.national ? 12183016.0 : looked_after / kLookedAfterPer10000 * 1e4;
  cw.rate_factor = o.national ? 1.0 : std::clamp(std::exp(0.37 * council.normal()), 0.35, 2.6);
  cw.target_referrals_per_year = kReferralsPer10000 * cw.population / 1e4 * cw.rate_factor;

  // The children looked after, first, with the 903's identifiers.
  std::vector<CinChildSim> cared(w.children.size());
  tbb::parallel_for(tbb::blocked_range<size_t>(0, w.children.size(), 2048), [&](const auto& range) {
    for (size_t i = range.begin(); i != range.end(); ++i) {
      const Child& ch = w.children[i];
      if (ch.periods.empty() || ch.episodes.empty()) continue;
      CinChildSim& c = cared[i];
      Rng r(ch.seed ^ 0x43494E4361726564ull);
      c.id = ch.id, c.cla = static_cast<int32_t>(i), c.dob = ch.dob, c.male = ch.male, c.uasc = ch.uasc;
      c.ethnic = ch.ethnic, c.upn = ch.upn;
      if (r.chance(0.14)) {
        static constexpr double n_w[] = {60, 25, 15};
        c.n_dis = static_cast<uint8_t>(1 + r.pick(n_w));
        for (int k = 0; k < c.n_dis;) {
          const auto d = static_cast<uint8_t>(r.pick(kDisabilityWeights));
          if (std::find(c.dis, c.dis + k, d) == c.dis + k) c.dis[k++] = d;
        }
      }
      care_episodes(r, ch, c);
    }
  });

  // Children never looked after: new children referred, by month, from eight years before the
  // first year, so that the first return has the episodes, plans and re-referrals going on and
  // every return is in the steady state (with three, referrals rose 6% over ten years as chains
  // of re-referrals built up).
  // Each comes with 1.62 referrals on average over the years simulated (measured, docs/synth.md):
  // the arrivals make up what the children in care do not.
  constexpr double kReferralsPerChild = 1.618;
  const double care_referrals = starters_per_year(o);
  const double per_year = std::max(0.0, cw.target_referrals_per_year - care_referrals) / kReferralsPerChild;
  std::vector<Date> dates;
  for (int y = o.first_year - 8; y <= o.last_year; ++y)
    for (int m = 0; m < 12; ++m) {
      const int cal_year = m < 9 ? y - 1 : y;
      const int month = m < 9 ? m + 4 : m - 8;
      const int n = council.poisson(per_year / 12.0);
      const int dim = days_in_month(cal_year, month);
      const size_t first = dates.size();
      for (int i = 0; i < n; ++i) dates.push_back(Date::from_ymd(cal_year, month, 1 + council.below(dim)));
      std::sort(dates.begin() + static_cast<long>(first), dates.end());
    }
  std::vector<CinChildSim> others(dates.size());
  const Date first_day = CollectionYear{o.first_year}.start();
  tbb::parallel_for(tbb::blocked_range<size_t>(0, dates.size(), 4096), [&](const auto& range) {
    for (size_t i = range.begin(); i != range.end(); ++i) {
      CinChildSim& c = others[i];
      uint64_t s = seed * 0x9E3779B97F4A7C15ull + i;
      Rng r(Rng::splitmix(s));
      const Date t0 = dates[i];
      c.id = 20000000 + static_cast<uint32_t>(i);
      // Age at the first referral (our choice: about a tenth babies, a third aged 10-15).
      static constexpr double w_age[] = {12, 20, 24, 33, 11};
      static constexpr double lo[] = {0, 1, 5, 10, 16}, hi[] = {1, 5, 10, 16, 17.9};
      const int b = r.pick(w_age);
      c.dob = t0 - static_cast<int>(365.25 * (lo[b] + r.uniform() * (hi[b] - lo[b])));
      if (const auto d = c.dob.ymd(); d.month == 4 && d.day == 1) c.dob = c.dob - 1;
      c.male = r.chance(0.52);
      static constexpr double eth[] = {70, .3, 4, .2, .5, 3, 1, 1.5, 3, .5, 1.5, .5, 1, 1, 2.5, 1, .2, 2, .2, 1};
      c.ethnic = static_cast<CodeIndex>(r.pick(eth));
      // A UPN for 95% (written from age 4): the council's LA code, then an odd number of nine
      // digits unique to the child (the 903's children have even ones), so no two children share one.
      if (r.chance(0.95)) {
        const uint64_t serial = (static_cast<uint64_t>(i) * 48271 + 12345) % 500000000ull;
        c.upn = static_cast<uint64_t>(o.national ? las[static_cast<size_t>(r.below(static_cast<int>(las.size())))] : lea) *
                    1000000000ull + serial * 2 + 1;
      }
      if (r.chance(0.12)) {
        static constexpr double n_w[] = {60, 25, 15};
        c.n_dis = static_cast<uint8_t>(1 + r.pick(n_w));
        for (int k = 0; k < c.n_dis;) {
          const auto d = static_cast<uint8_t>(r.pick(kDisabilityWeights));
          if (std::find(c.dis, c.dis + k, d) == c.dis + k) c.dis[k++] = d;
        }
      }
      ChainState st;
      // Plans before the simulation (older children, another council): 14% (our choice).
      if (age_on(c.dob, t0) >= 2 && r.chance(0.14)) st.previous_plans = 1 + r.chance(0.3), st.had_plan = true;
      const Date adult = birthday(c.dob, 18);
      for (Date t = t0; t <= w.horizon && t < adult;) {
        episode_of_need(r, c, t, st);
        t = next_referral(r, c.episodes.back());
      }
      // Kept only when some episode reaches the first return.
      bool reaches = false;
      for (const auto& e : c.episodes) reaches |= e.closure >= first_day;
      if (!reaches) c.episodes.clear();
    }
  });
  cw.children.reserve(cared.size() + others.size());
  for (auto* v : {&cared, &others})
    for (auto& c : *v)
      if (!c.episodes.empty()) cw.children.push_back(std::move(c));
  return cw;
}

}  // namespace careflow::synth
