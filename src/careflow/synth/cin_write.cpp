// The CIN census of each year (cin.hpp): the children with an episode of need open at any time
// in the year (open on 1 April or referred in it), each episode with the modules active in the
// year as they stood on 31 March (what ended later is left open), written as DfE's XML by io's
// writer; and the year's counts from the simulation.
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "careflow/core/bank_holidays.hpp"
#include "careflow/io/cin_census_write.hpp"
#include "careflow/synth/cin.hpp"

namespace careflow::synth {

namespace {

constexpr const char* kSources[] = {"1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E",
                                    "3F", "4",  "5A", "5B", "5C", "5D", "6",  "7",  "8",  "9",  "10"};
constexpr const char* kSourceGroup[] = {"Individual", "Individual", "Individual", "Individual", "Schools",
                                        "Education services", "Health services", "Health services",
                                        "Health services", "Health services", "Health services", "Health services",
                                        "Housing", "LA services", "LA services", "LA services", "LA services",
                                        "Police", "Other legal agency", "Other", "Anonymous", "Unknown"};
constexpr const char* kNeeds[] = {"N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9", "N0"};
constexpr const char* kReasons[] = {"RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9"};
constexpr const char* kCategories[] = {"NEG", "PHY", "SAB", "EMO", "MUL"};
constexpr const char* kFactors[] = {"1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C", "5A",
                                    "5B", "5C", "6A", "6B", "6C", "7A", "8E", "9A", "10A", "11A", "12A", "13A",
                                    "14A", "15A", "16A", "17A", "18B", "18C", "19B", "19C", "22A", "23A", "24A", "20"};
constexpr const char* kDisabilities[] = {"MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA"};

bool in(Date d, Date from, Date to) { return d >= from && d <= to; }

// A fault injected into a child of the return (--messiness; cin-census-spec.md §8), located
// once the child is written: the `index`-th element `tag` of the child, and its line.
struct PendingFault {
  const char* kind;
  const char* column;
  const char* tag;
  size_t index;
};

// The 1-based line of the `index`-th `tag` in xml[from, end), the text before `from` ending on line
// `line_before` (lines counted so far).
uint32_t line_of(const std::string& xml, size_t from, uint32_t line_before, std::string_view tag, size_t index) {
  size_t pos = from;
  for (size_t k = 0;; ++k) {
    pos = xml.find(tag, pos);
    if (pos == std::string::npos) return 0;
    if (k == index) break;
    pos += tag.size();
  }
  uint32_t line = line_before + 1;
  for (size_t i = from; i < pos; ++i) line += xml[i] == '\n';
  return line;
}

// Injects the faults of one child (each kind at a rate of `level` times its own) and says which.
void inject_faults(Rng& r, double level, cin::CinChild& c, std::vector<PendingFault>& out) {
  out.clear();
  if (level <= 0) return;
  auto roll = [&](double rate) { return r.chance(level * rate); };
  const size_t n = c.episodes.size();
  if (roll(0.01) && !c.upn.empty()) {  // a wrong check letter (1510)
    c.upn[0] = c.upn[0] == 'A' ? 'B' : 'A';
    out.push_back({"upn_check_letter", "UPN", "<ChildIdentifiers>", 0});
  }
  if (roll(0.01)) {  // no referral source (8866: required for referrals from 1 April 2013)
    const size_t e = static_cast<size_t>(r.below(static_cast<int>(n)));
    if (c.episodes[e].referral >= Date::from_ymd(2013, 4, 1)) {
      c.episodes[e].source.clear();
      out.push_back({"missing_referral_source", "ReferralSource", "<CINdetails>", e});
    }
  }
  size_t assessments = 0, plans = 0;
  for (size_t e = 0; e < n; ++e) {
    cin::EpisodeOfNeed& x = c.episodes[e];
    if (!x.closure.is_open() && roll(0.01)) {  // a closure without its reason (8805)
      x.closure_reason.clear();
      out.push_back({"closure_without_reason", "ReasonForClosure", "<CINdetails>", e});
    }
    for (cin::Assessment& a : x.assessments) {
      if (a.authorised && !x.closure.is_open() && roll(0.01)) {  // closed, its assessment not authorised (8867)
        a.authorised.reset();
        a.factors.clear();
        out.push_back({"assessment_not_authorised", "AssessmentAuthorisationDate", "<Assessments>", assessments});
      } else if (!a.factors.empty() && a.factors[0] != "21" && roll(0.01)) {  // a factor twice (8898)
        a.factors.push_back(a.factors[0]);
        out.push_back({"duplicate_factor", "AssessmentFactors", "<Assessments>", assessments});
      }
      ++assessments;
    }
    const size_t plans_before = plans;
    plans += x.cin_plans.size();
    if (!x.cin_plans.empty() && !x.cin_plans[0].end.is_open() && x.cin_plans[0].end - x.cin_plans[0].start > 2 &&
        roll(0.01)) {  // a second CIN plan overlapping the first (4014)
      const cin::CinPlan p = x.cin_plans[0];
      x.cin_plans.insert(x.cin_plans.begin() + 1, {p.start + 1, p.end});
      out.push_back({"overlapping_cin_plans", "CINPlanStartDate", "<CINPlanDates>", plans_before + 1});
      ++plans;
    }
  }
}

// Child protection reviews: three months after the conference, then six-monthly, while the plan lasts.
template <class F>
void for_each_review(const CinEpisode& e, F f) {
  for (Date d = e.cpp_start + 90; d < e.cpp_end; d = d + 180) f(d);
}

}  // namespace

CinYearOutput write_cin_year(const World& w, const CinWorld& cw, int year, const std::string& dir) {
  const CollectionYear cy{year};
  const Date ys = cy.start(), ye = cy.end();
  CinYearOutput out;
  CinYearTruth& t = out.truth;
  t.year = year;
  // Written in pieces of about 64 MB: a national return is 800 MB, and the years are written in parallel.
  const std::string folder = dir + "/" + year_folder(year);
  std::filesystem::create_directories(folder);
  const std::string path = folder + "/cin_census.xml";
  FILE* fp = std::fopen(path.c_str(), "wb");
  if (!fp) throw std::runtime_error("cannot write " + path);
  bool written = true;
  std::string xml;
  constexpr size_t kPiece = size_t{64} << 20;
  xml.reserve(kPiece + (size_t{1} << 20));
  cin::begin_census_xml(xml, {cy, cw.lea, "careflow synth", "1", "001", {}});
  cin::CinChild c;
  const double level = w.options.messiness;
  Rng faults(w.options.seed ^ (0x43494E4661756C74ull * static_cast<uint64_t>(year)));
  std::vector<PendingFault> pending;
  const std::string file = year_folder(year) + "/cin_census.xml";
  uint32_t lines = 0;
  size_t counted = 0;  // xml[0, counted) holds `lines` line ends
  auto count_lines = [&] {
    for (; counted < xml.size(); ++counted) lines += xml[counted] == '\n';
  };
  for (const CinChildSim& k : cw.children) {
    c.episodes.clear();
    bool all_nfa = true;
    const CinEpisode* previous = nullptr;
    for (const CinEpisode& e : k.episodes) {
      // Counts of the year, from the simulation.
      if (in(e.referral, ys, ye)) {
        ++t.referrals;
        ++t.referrals_by_source[kSourceGroup[e.source]];
        t.rereferrals += previous && e.referral - previous->referral <= 365;
        t.referrals_nfa += e.nfa;
        t.referrals_not_in_need += e.reason >= 7;
      }
      previous = &e;
      if (e.assessed && in(e.a_end, ys, ye)) ++t.assessments_completed;
      if (e.s47 && in(e.s47_start, ys, ye)) ++t.section47s;
      if (e.s47 && e.conference && in(e.s47_done, ys, ye)) ++t.icpcs;
      if (e.cpp && in(e.cpp_start, ys, ye)) {
        ++t.cpp_starts;
        t.cpp_second_or_subsequent += e.previous > 0;
        ++t.cpp_starts_by_initial_category[kCategories[e.initial]];
      }
      if (e.cpp && e.cpp_start <= ye && e.cpp_end > ye) {
        ++t.cpp_at_31_march;
        ++t.cpp_at_31_march_by_latest_category[kCategories[e.latest]];
        const int days = ye - e.cpp_start;
        const char* band = days <= 91 ? "3 months or less" : days <= 182 ? "more than 3 months to 6 months"
                           : days < 365 ? "more than 6 months, less than 1 year" : days < 730 ? "1 year to less than 2 years"
                                                                                   : "2 years or more";
        ++t.cpp_at_31_march_by_duration[band];
      }
      if (!e.nfa && e.referral <= ye && e.closure > ye) ++t.cin_at_31_march;

      // The return: episodes open at some time in the year.
      if (e.referral > ye || e.closure < ys) continue;
      all_nfa &= e.nfa;
      cin::EpisodeOfNeed& x = c.episodes.emplace_back();
      x.referral = e.referral;
      x.source = kSources[e.source];
      x.primary_need = e.nfa ? "" : kNeeds[e.need];
      x.no_further_action = e.nfa;
      x.closure = e.closure <= ye ? e.closure : Date::open();
      x.closure_reason = e.closure <= ye ? kReasons[e.reason] : "";
      if (e.assessed && (in(e.a_end, ys, ye) || (e.a_end > ye && in(e.a_start, ys, ye)))) {
        cin::Assessment& a = x.assessments.emplace_back();
        a.start = e.a_start;
        if (e.a_end <= ye) {
          a.authorised = e.a_end;
          if (e.n_factors == 0) a.factors.push_back("21");
          for (int f = 0; f < e.n_factors; ++f) a.factors.push_back(kFactors[e.factors[f]]);
        }
      }
      for (int p = 0; p < e.n_plans; ++p)
        if (e.plan_start[p] <= ye && e.plan_end[p] >= ys)
          x.cin_plans.push_back({e.plan_start[p], e.plan_end[p] <= ye ? e.plan_end[p] : Date::open()});
      if (e.s47) {
        const bool held = e.conference && e.s47_done <= ye;
        if ((e.conference && in(e.s47_done, ys, ye)) || (e.conference && e.s47_done > ye && in(e.s47_start, ys, ye)) ||
            (!e.conference && in(e.s47_start, ys, ye))) {
          cin::Section47& s = x.section47s.emplace_back();
          s.start = e.s47_start;
          Date target = e.s47_start;
          for (int n = 0; n < 15;) {
            target = target + 1;
            n += !is_weekend(target);
          }
          s.icpc_target = target;
          if (held) s.icpc = e.s47_done;
          s.icpc_not_required = !e.conference;
        }
      }
      if (e.cpp && e.cpp_start <= ye && e.cpp_end >= ys) {
        cin::ProtectionPlan& p = x.protection_plans.emplace_back();
        p.start = e.cpp_start;
        p.end = e.cpp_end <= ye ? e.cpp_end : Date::open();
        p.initial_category = kCategories[e.initial];
        p.latest_category = kCategories[e.latest];
        p.previous_plans = e.previous;
        for_each_review(e, [&](Date d) {
          if (in(d, ys, ye)) p.reviews.push_back(d);
        });
      }
    }
    if (c.episodes.empty()) continue;
    ++t.children_in_return;
    t.episodes_in_return += static_cast<int64_t>(c.episodes.size());
    c.id = std::to_string(k.id);
    const bool upn = k.upn && age_on(k.dob, ye) >= 4;
    c.upn = upn ? upn_text(k.upn) : "";
    const bool school_age = birthday(k.dob, 6) <= ye || k.dob < Date::from_ymd(year - 6, 9, 1);
    c.upn_unknown = upn ? "" : all_nfa ? "UN7" : school_age ? "UN2" : "UN1";
    c.dob = k.dob;
    c.sex = k.male ? "M" : "F";
    c.death.reset();
    if (!k.death.is_open() && in(k.death, ys, ye)) c.death = k.death;
    c.ethnicity = std::string(codes::ethnic.code(k.ethnic));
    c.disabilities.clear();
    if (k.n_dis == 0) c.disabilities.push_back("NONE");
    for (int d = 0; d < k.n_dis; ++d) c.disabilities.push_back(kDisabilities[k.dis[d]]);
    inject_faults(faults, level, c, pending);
    count_lines();
    if (xml.size() > kPiece) {
      written &= std::fwrite(xml.data(), 1, xml.size(), fp) == xml.size();
      xml.clear();
      counted = 0;
    }
    const size_t from = xml.size();
    const uint32_t before = lines;
    cin::append_child_xml(xml, c, cy);
    for (const PendingFault& f : pending)
      out.faults.push_back({year, file, line_of(xml, from, before, f.tag, f.index), f.kind, f.column});
  }
  cin::end_census_xml(xml);
  // Periods of care starting in the year, and whether the child had been referred (an episode
  // open on the day) and had a child protection plan before.
  for (const CinChildSim& k : cw.children) {
    if (k.cla < 0) continue;
    for (const PeriodInfo& p : w.children[static_cast<size_t>(k.cla)].periods) {
      if (!in(p.start, ys, ye)) continue;
      ++t.care_entrants;
      bool referred = false, plan = false;
      for (const CinEpisode& e : k.episodes) {
        referred |= e.referral <= p.start && e.closure >= p.start;
        plan |= e.cpp && e.cpp_start < p.start;
      }
      t.care_entrants_referred_before += referred;
      t.care_entrants_with_cpp_before += plan;
    }
  }
  written &= std::fwrite(xml.data(), 1, xml.size(), fp) == xml.size();
  if (std::fclose(fp) != 0 || !written) throw std::runtime_error("cannot write " + path);
  return out;
}

}  // namespace careflow::synth
