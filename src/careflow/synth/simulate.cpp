// The simulation: arrivals, then each child's periods of care built from a pathway chosen at
// entry (return home, adoption, special guardianship, staying to 18...), with legal-status and
// placement changes laid over it and cut into episodes. Every parameter below is either a
// published figure (calibration.hpp) or a tuned value whose effect is checked against them in
// docs/synth.md.
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

#include "careflow/core/la_codes.hpp"
#include "careflow/synth/cin.hpp"
#include "careflow/synth/calibration.hpp"
#include "careflow/synth/model.hpp"

namespace careflow::synth {

int Rng::poisson(double mean) {
  if (mean <= 0) return 0;
  if (mean > 50) return std::max(0, static_cast<int>(std::lround(mean + std::sqrt(mean) * normal())));
  const double limit = std::exp(-mean);
  int k = 0;
  double p = uniform();
  while (p > limit) {
    ++k;
    p *= uniform();
  }
  return k;
}

Date court_progress(Date from, Date d, const Dynamics& dyn) {
  if (!dyn.backlog_from || dyn.backlog_slowdown <= 0 || d == Date::open() || d <= from) return d;
  const Date a = CollectionYear{dyn.backlog_from}.start();
  const Date b = CollectionYear{std::max(dyn.backlog_from, dyn.backlog_to)}.end() + 1;
  const double slow = 1 + dyn.backlog_slowdown;
  double left = d - from, at = 0;  // progress still to make; calendar days gone
  const double before = std::clamp(static_cast<double>(a - from), 0.0, left);
  at += before, left -= before;
  const double room = std::max(0.0, (b - from) - at);
  if (left > 0 && room > 0) {
    const double days_in = std::min(left * slow, room);
    at += days_in, left -= days_in / slow;
  }
  at += left;
  // (the small margin keeps a whole number of days whole despite rounding in the division)
  return from + static_cast<int>(std::floor(at + 1e-9));
}

namespace {

// Code indices looked up once by name, so the tables below read as the return does.
struct Codes {
  CodeIndex S, L, P, T, B, U;
  CodeIndex C1, C2, E1, V2, L1, L2, J1;
  CodeIndex A5, A6, H5, K1, K2, K3, P1, P2, R3, R5, S1, U1, U3, U4, U5, U6, Z1, Z11;
  CodeIndex PR0, PR1, PR2, PR3, PR4, PR5;
  CodeIndex X1, E11, E12, E2, E3, E4A, E4B, E13, E41, E45, E46, E47, E48, E5, E6, E7, E8, E9,
      E14, E15, E16, E17;
  CodeIndex rpc[12];
  CodeIndex sw[10];
  CodeIndex pn[8];
  CodeIndex rd[4];
  CodeIndex cin[8];
  CodeIndex prev[5];
};
const Codes& K() {
  static const Codes k = [] {
    Codes c{};
    auto f = [](const CodeList& l, const char* s) { return l.find(s); };
    const auto& rne = codes::reason_new_episode;
    c.S = f(rne, "S"), c.L = f(rne, "L"), c.P = f(rne, "P"), c.T = f(rne, "T"), c.B = f(rne, "B"),
    c.U = f(rne, "U");
    const auto& ls = codes::legal_status;
    c.C1 = f(ls, "C1"), c.C2 = f(ls, "C2"), c.E1 = f(ls, "E1"), c.V2 = f(ls, "V2"),
    c.L1 = f(ls, "L1"), c.L2 = f(ls, "L2"), c.J1 = f(ls, "J1");
    const auto& pl = codes::placement_type;
    c.A5 = f(pl, "A5"), c.A6 = f(pl, "A6"), c.H5 = f(pl, "H5"), c.K1 = f(pl, "K1"),
    c.K2 = f(pl, "K2"), c.K3 = f(pl, "K3"), c.P1 = f(pl, "P1"), c.P2 = f(pl, "P2"),
    c.R3 = f(pl, "R3"), c.R5 = f(pl, "R5"), c.S1 = f(pl, "S1"), c.U1 = f(pl, "U1"),
    c.U3 = f(pl, "U3"), c.U4 = f(pl, "U4"), c.U5 = f(pl, "U5"), c.U6 = f(pl, "U6"),
    c.Z1 = f(pl, "Z1"), c.Z11 = f(pl, "Z11");
    const auto& pr = codes::placement_provider;
    c.PR0 = f(pr, "PR0"), c.PR1 = f(pr, "PR1"), c.PR2 = f(pr, "PR2"), c.PR3 = f(pr, "PR3"),
    c.PR4 = f(pr, "PR4"), c.PR5 = f(pr, "PR5");
    const auto& rec = codes::reason_episode_ceased;
    c.X1 = f(rec, "X1"), c.E11 = f(rec, "E11"), c.E12 = f(rec, "E12"), c.E2 = f(rec, "E2"),
    c.E3 = f(rec, "E3"), c.E4A = f(rec, "E4A"), c.E4B = f(rec, "E4B"), c.E13 = f(rec, "E13"),
    c.E41 = f(rec, "E41"), c.E45 = f(rec, "E45"), c.E46 = f(rec, "E46"), c.E47 = f(rec, "E47"),
    c.E48 = f(rec, "E48"), c.E5 = f(rec, "E5"), c.E6 = f(rec, "E6"), c.E7 = f(rec, "E7"),
    c.E8 = f(rec, "E8"), c.E9 = f(rec, "E9"), c.E14 = f(rec, "E14"), c.E15 = f(rec, "E15"),
    c.E16 = f(rec, "E16"), c.E17 = f(rec, "E17");
    const char* rpc[] = {"CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB",
                         "CREQO", "CHILD", "LAREQ", "PLACE", "CUSTOD", "OTHER"};
    for (int i = 0; i < 12; ++i) c.rpc[i] = f(codes::reason_place_change, rpc[i]);
    const char* sw[] = {"FCONTA", "MANAGE", "LEFTRL", "ORGRST", "TSPROC",
                        "ABSENC", "CHCHAN", "PCCHAN", "SWDIED", "OTHERS"};
    for (int i = 0; i < 10; ++i) c.sw[i] = f(codes::sw_reason, sw[i]);
    for (int i = 0; i < 8; ++i) c.pn[i] = static_cast<CodeIndex>(i);  // PN0..PN7 in order
    for (int i = 0; i < 4; ++i) c.rd[i] = static_cast<CodeIndex>(i);  // RD1..RD4
    for (int i = 0; i < 8; ++i) c.cin[i] = static_cast<CodeIndex>(i); // N1..N8
    const char* prev[] = {"P1", "P2", "P3", "P4", "Z1"};
    for (int i = 0; i < 5; ++i) c.prev[i] = f(codes::previous_permanence, prev[i]);
    return c;
  }();
  return k;
}

// How a period of care ends, chosen when it starts.
enum Pathway : int {
  kReturnHome, kLivesWithOthers, kAdoption, kSgo, kCao, kTo18, kIndependent, kOther,
  kOtherLa, kCustody, kRemand, kAgeAssessed, kAbroad, kDied, kPathwayCount
};

// Pathway probabilities by band at entry: under 1, 1-4, 5-9, 10-15, 16-17, UASC. Tuned so that
// ceasers by reason match 2019_CEA.csv (docs/synth.md); the order is that of `Pathway`.
constexpr double kPathway[6][kPathwayCount] = {
    //  RH    E13   adopt  SGO   CAO   to18  IL    E8    E3     E9    E14   E15   E16   E2
    {.145, .030, .480, .215, .030, .060, 0,    .020, .010, 0,    0,    0,    .002, .008},
    {.265, .060, .200, .250, .060, .115, 0,    .030, .015, 0,    0,    0,    .005, 0},
    {.330, .080, .025, .170, .070, .260, 0,    .040, .025, 0,    0,    0,    .005, 0},
    {.340, .080, 0,    .055, .030, .355, .005, .050, .025, .035, .020, 0,    .005, 0},
    {.315, .080, 0,    0,    0,    .365, .075, .065, .020, .040, .030, 0,    .010, 0},
    {0,    0,    0,    0,    0,    .750, .040, .080, .030, 0,    0,    .080, .020, 0}};

// Reasons a period ends at the 18th birthday: independent living, staying put, other, adult care.
constexpr double kAt18[] = {.42, .05, .19, .29, .05};  // E5, E6, E17, E8, E7

struct Change {
  Date date;
  bool ls = false, place = false;
  CodeIndex new_ls = kNoCode, new_place = kNoCode, provider = kNoCode, rpc = kNoCode;
  bool same_carer = false;
};

constexpr Date kOct2023 = Date::from_ymd(2023, 10, 28);
constexpr Date kApr2024 = Date::from_ymd(2024, 4, 1);
constexpr Date kApr2025 = Date::from_ymd(2025, 4, 1);

// The share of a change of placement mix reached on day d: none before the start of collection
// year `from`, all of it from the end of year `to`, linear in between.
double ramp(Date d, int from, int to, double full) {
  if (!from || full <= 0) return 0;
  const Date a = CollectionYear{from}.start(), b = CollectionYear{std::max(from, to)}.end();
  if (d < a) return 0;
  if (d >= b) return full;
  return full * (d - a) / static_cast<double>(b - a);
}

class ChildSim {
 public:
  ChildSim(Child& c, Rng& r, Date window_start, Date horizon, int workers, const Dynamics& dynamics)
      : c_(c), r_(r), window_start_(window_start), horizon_(horizon), workers_(workers), dyn_(dynamics) {}

  void run(Date arrival) {
    Date t = arrival;
    bool first = true;
    while (t <= horizon_ && t < birthday(c_.dob, 18)) {
      const auto [end, rec] = period(t, first);
      first = false;
      if (end > horizon_) break;
      const Codes& k = K();
      const bool can_return = rec == k.E4A || rec == k.E4B || rec == k.E13 || rec == k.E8;
      if (!can_return || c_.uasc || age_on(c_.dob, end) >= 16 || !r_.chance(0.24)) break;
      t = end + std::max(14, static_cast<int>(r_.lognormal(300, 0.9)));
    }
  }

 private:
  Child& c_;
  Rng& r_;
  Date window_start_;  // 1 April of the first year written
  Date horizon_;
  int workers_;
  const Dynamics& dyn_;

  Date court(Date from, Date d) const { return court_progress(from, d, dyn_); }

  int band(Date d) const {
    if (c_.uasc) return 5;
    const int a = age_on(c_.dob, d);
    return a < 1 ? 0 : a < 5 ? 1 : a < 10 ? 2 : a < 16 ? 3 : 4;
  }
  Date days(Date d, double n) const { return d + std::max(1, static_cast<int>(n)); }

  // Semi-independent accommodation: H5 (or P2) until the Ofsted registration of 28 Oct 2023,
  // K3 once the return accepts it (2024/25); in between, a children's home.
  CodeIndex semi_independent(Date d) {
    const Codes& k = K();
    if (d < kOct2023) return r_.chance(0.12) ? k.P2 : k.H5;
    return d < kApr2024 ? k.K2 : k.K3;
  }
  CodeIndex other_placement(Date d) {
    return d < kApr2025 ? K().Z1 : static_cast<CodeIndex>(K().Z11 + r_.below(4));
  }
  CodeIndex provider_for(CodeIndex place, Date d) {
    const Codes& k = K();
    if (place == k.P1) return k.PR0;
    if (place == k.Z1 || place >= k.Z11) return kNoCode;
    const auto code = codes::placement_type.code(place);
    if (code == "U1" || code == "U2" || code == "U3") return r_.chance(0.97) ? k.PR1 : k.PR2;
    if (code[0] == 'U') {  // in-house versus independent fostering agencies
      // A shift to agencies (Dynamics) moves weight from in-house carers; none: the weights as
      // they always were, so the same draw gives the same provider.
      const double shift = std::min(0.5, ramp(d, dyn_.agency_from, dyn_.agency_to, dyn_.to_agency));
      const double w[] = {.56 - shift, .02, .36 + shift, .06};
      const CodeIndex pr[] = {k.PR1, k.PR2, k.PR4, k.PR5};
      return pr[r_.pick(w)];
    }
    if (code[0] == 'A') {
      static constexpr double w[] = {.65, .2, .15};
      const CodeIndex pr[] = {k.PR1, k.PR2, k.PR5};
      return pr[r_.pick(w)];
    }
    if (place == k.K1) return r_.chance(0.6) ? k.PR1 : k.PR2;
    if (place == k.R5 || code == "R2") return k.PR3;
    if (place == k.R3) return r_.chance(0.5) ? k.PR1 : k.PR4;
    static constexpr double w[] = {.13, .02, .75, .10};  // homes, semi-independent, schools
    const CodeIndex pr[] = {k.PR1, k.PR2, k.PR4, k.PR5};
    return pr[r_.pick(w)];
  }
  // A placement for a child of this age on this date.
  CodeIndex placement(Date d, int pathway) {
    const CodeIndex x = placement_drawn(d, pathway);
    // A shift from fostering to children's homes for children of 10 or over (Dynamics); the draw
    // is made only while the shift is under way, so without one no draw moves.
    if (band(d) == 3 || band(d) == 4) {
      const Codes& k = K();
      const double share = ramp(d, dyn_.residential_from, dyn_.residential_to, dyn_.to_residential);
      if (share > 0 && (x == k.U6 || x == k.U3 || x == k.U4) && r_.chance(share)) return k.K2;
    }
    return x;
  }
  CodeIndex placement_drawn(Date d, int pathway) {
    const Codes& k = K();
    const int b = band(d);
    if (pathway == kRemand) {
      static constexpr double w[] = {.45, .35, .20};
      const CodeIndex p[] = {k.U6, k.K2, k.R5};
      return p[r_.pick(w)];
    }
    if (r_.chance(0.005)) return other_placement(d);
    switch (b) {
      case 0: {
        static constexpr double w[] = {.62, .18, .05, .08, .04, .03};
        const CodeIndex p[] = {k.U6, k.U3, k.U5, k.R3, k.P1, k.U4};
        return p[r_.pick(w)];
      }
      case 1:
      case 2: {
        static constexpr double w[] = {.62, .20, .05, .02, .06, .02};
        const CodeIndex p[] = {k.U6, k.U3, k.U4, k.K2, k.P1, k.U1};
        return p[r_.pick(w)];
      }
      case 3: {
        static constexpr double w[] = {.47, .12, .07, .23, .01, .06, .01, .01};
        const CodeIndex p[] = {k.U6, k.U3, k.U4, k.K2, k.K1, k.P1, k.S1, k.U1};
        return p[r_.pick(w)];
      }
      case 4: {
        static constexpr double w[] = {.42, .08, .20, .20, .05, .05};
        const CodeIndex p[] = {k.U6, k.U3, k.K2, kNoCode, k.P1, k.U4};
        const CodeIndex x = p[r_.pick(w)];
        return x == kNoCode ? semi_independent(d) : x;
      }
      default: {  // UASC
        static constexpr double w[] = {.52, .40, .08};
        const CodeIndex p[] = {k.U6, kNoCode, k.K2};
        const CodeIndex x = p[r_.pick(w)];
        if (x == kNoCode) return age_on(c_.dob, d) >= 16 ? semi_independent(d) : k.U6;  // rule 371
        return x;
      }
    }
  }
  CodeIndex move_reason(int age) {
    static constexpr double w[] = {.31, .01, .01, .012, .006, .13, .06, .05, .03, 0, .005, .26};
    CodeIndex x = K().rpc[r_.pick(w)];
    if (x == K().rpc[10] && age < 10) x = K().rpc[11];
    return x;
  }
  uint32_t urn_for(CodeIndex place) {
    const Codes& k = K();
    // No URN where Ofsted registers nothing (rule 222): parents, residential care homes, NHS
    // settings, young offender institutions, Z placements. Adoption placements (A3-A6) get their
    // agency's URN after the simulation (simulate()), from a stream of their own: none here.
    const auto code = codes::placement_type.code(place);
    if (place == k.P1 || place == k.Z1 || place >= k.Z11 || code[0] == 'A' || code == "R1" || code == "R2" ||
        code == "R5")
      return 0;
    return 100000 + static_cast<uint32_t>(r_.below(900000));
  }

  std::pair<Date, CodeIndex> period(Date t0, bool first) {
    const Codes& k = K();
    const Date eighteen = birthday(c_.dob, 18);
    const int b = band(t0);
    int pathway = r_.pick(kPathway[b]);
    Date end;
    CodeIndex rec = kNoCode;
    Date e1_date = Date::open(), sbpfa = Date::open(), match = Date::open(), placed = Date::open();
    bool ffa = false, adoption_fails = false;
    switch (pathway) {
      case kReturnHome: end = days(t0, r_.lognormal(110, 1.15)); rec = r_.chance(.82) ? k.E4A : k.E4B; break;
      case kLivesWithOthers: end = days(t0, r_.lognormal(220, 1.0)); rec = k.E13; break;
      case kAdoption: {
        ffa = r_.chance(0.14);
        e1_date = days(t0, r_.lognormal(b == 0 ? 300 : 380, 0.3));
        sbpfa = std::max(t0 + 14, e1_date - r_.between(20, 90));
        match = days(e1_date, r_.lognormal(ffa ? 60 : 190, 0.5));
        placed = match + r_.between(7, 35);
        end = placed + std::max(70, static_cast<int>(r_.lognormal(230, 0.35)));
        rec = r_.chance(0.54) ? k.E11 : k.E12;
        adoption_fails = r_.chance(0.08);
        if (adoption_fails) {  // the plan changes: long-term care or special guardianship
          placed = Date::open();
          const Date ceased = days(e1_date, r_.lognormal(250, 0.5));
          c_.decisions.push_back({sbpfa, ceased, k.rd[r_.pick({.15, .05, .5, .3})]});
          end = r_.chance(0.5) ? eighteen : days(ceased, r_.lognormal(300, 0.5));
          rec = end == eighteen ? kNoCode : k.E45;
          match = Date::open();
        }
        break;
      }
      case kSgo: {
        end = days(t0, r_.lognormal(470, 0.5));
        static constexpr double w[] = {.58, .09, .31, .02};
        const CodeIndex x[] = {k.E45, k.E46, k.E47, k.E48};
        rec = x[r_.pick(w)];
        break;
      }
      case kCao: end = days(t0, r_.lognormal(420, 0.6)); rec = k.E41; break;
      case kTo18: end = eighteen; break;
      case kIndependent: {
        const Date from = std::max(t0 + 60, birthday(c_.dob, 17));
        end = from < eighteen ? from + r_.below(std::max(1, eighteen - from)) : days(t0, r_.lognormal(150, 0.6));
        rec = r_.chance(.85) ? k.E5 : k.E6;
        break;
      }
      case kOther: end = days(t0, r_.lognormal(250, 1.2)); rec = k.E8; break;
      case kOtherLa: end = days(t0, r_.lognormal(200, 1.0)); rec = k.E3; break;
      case kCustody: end = days(t0, r_.lognormal(90, 0.8)); rec = k.E9; break;
      case kRemand: end = days(t0, r_.lognormal(35, 0.8)); rec = k.E14; break;
      case kAgeAssessed: end = days(t0, r_.lognormal(120, 0.8)); rec = k.E15; break;
      case kAbroad: end = days(t0, r_.lognormal(300, 0.9)); rec = k.E16; break;
      default: end = days(t0, r_.lognormal(150, 1.0)); rec = k.E2; break;
    }
    // A court backlog (Dynamics) delays what waits on the court: placement order, matching,
    // adoption, and special guardianship and child arrangements orders.
    if (dyn_.backlog_slowdown > 0) {
      if (pathway == kAdoption) {
        e1_date = court(t0, e1_date), sbpfa = court(t0, sbpfa), match = court(t0, match), placed = court(t0, placed);
        if (end != eighteen) end = court(t0, end);
        if (adoption_fails) {
          Decision& dn = c_.decisions.back();
          dn.placed = sbpfa, dn.ceased = court(t0, dn.ceased);
        }
      } else if (pathway == kSgo || pathway == kCao) {
        end = court(t0, end);
      }
    }
    if (end >= eighteen) {
      end = eighteen;
      const CodeIndex x[] = {k.E5, k.E6, k.E17, k.E8, k.E7};
      rec = x[r_.pick(kAt18)];
      if (pathway == kAdoption) placed = Date::open();
    }
    if (pathway == kAdoption && placed != Date::open() && placed >= end) placed = Date::open();

    // Legal status: the first, then its changes.
    std::vector<Change> changes;
    CodeIndex ls0;
    {
      static constexpr double court[] = {.68, .12, .06, .14};  // C1, L1, L2, V2
      static constexpr double home[] = {.16, .17, .03, .64};
      static constexpr double stay[] = {.50, .12, .03, .35};
      const CodeIndex x[] = {k.C1, k.L1, k.L2, k.V2};
      if (c_.uasc) ls0 = k.V2;
      else if (pathway == kRemand) ls0 = k.J1;
      else if (pathway == kCustody) ls0 = r_.chance(.4) ? k.J1 : k.V2;
      else if (pathway == kAdoption || pathway == kSgo || pathway == kCao) ls0 = x[r_.pick(court)];
      else if (pathway == kTo18) ls0 = x[r_.pick(stay)];
      else ls0 = x[r_.pick(home)];
    }
    const bool to_court = pathway == kAdoption || pathway == kSgo || pathway == kCao ||
                          (pathway == kTo18 && !c_.uasc && r_.chance(0.88));
    Date t = t0;
    CodeIndex ls = ls0;
    auto add_ls = [&](Date d, CodeIndex to) {
      if (d <= t0 || d >= end) return false;
      Change ch;
      ch.date = d, ch.ls = true, ch.new_ls = to;
      changes.push_back(ch);
      t = d, ls = to;
      return true;
    };
    const CodeIndex after_protection = to_court ? k.C1 : k.V2;
    if (ls == k.L1 || ls == k.L2) add_ls(t + r_.between(1, 8), after_protection);
    if (ls == k.V2 && to_court && !c_.uasc) {
      // On the adoption path the interim care order comes before the placement order: a late
      // draw is brought forward to the day before it (else C2, C1 and E1 came out of order, the
      // order reversed with no decision to place in the return: rule 553).
      Date c1 = days(t, r_.lognormal(90, 0.7));
      if (pathway == kAdoption && e1_date < end && c1 >= e1_date) c1 = e1_date - 1;
      add_ls(c1, k.C1);
    }
    if (ls == k.C1) {
      if (pathway == kAdoption && e1_date < end) {
        add_ls(std::max(e1_date, t + 1), k.E1);
        if (adoption_fails) add_ls(c_.decisions.back().ceased, k.C2);
      } else if (pathway != kAdoption) {
        add_ls(court(t, days(t, r_.lognormal(290, 0.35))), k.C2);
      }
    }
    if (pathway == kAdoption && !adoption_fails && sbpfa < end)
      c_.decisions.push_back({sbpfa, Date::open(), kNoCode});

    // Placements: the first, an early move from an emergency placement, moves at a rate that
    // rises with age, long-term matching, semi-independence at 16-17, adoption, going home.
    struct Pl { Date date; CodeIndex place, provider, rpc; bool same_carer; };
    std::vector<Pl> pls;
    CodeIndex p0 = ffa ? k.U5 : placement(t0, pathway);
    pls.push_back({t0, p0, provider_for(p0, t0), kNoCode, false});
    auto move = [&](Date d, CodeIndex to, CodeIndex rpc, bool same) {
      if (d <= pls.back().date || d >= end) return;
      pls.push_back({d, to, same && pls.back().provider != kNoCode && to != k.P1 ? pls.back().provider : provider_for(to, d), rpc, same});
    };
    const bool settled = pathway == kAdoption && ffa;
    if (!settled && pathway != kRemand && r_.chance(0.40)) {
      const Date d = days(t0, r_.lognormal(30, 0.7));
      move(d, placement(d, pathway), move_reason(age_on(c_.dob, d)), false);
    }
    {
      Date d = pls.back().date;
      for (;;) {
        const int a = age_on(c_.dob, d);
        const double rate = settled ? 0.05 : c_.uasc ? 0.35 : a < 10 ? 0.30 : 0.65;  // moves a year
        d = days(d, r_.exponential(365.0 / rate));
        if (d >= end || (placed != Date::open() && d >= placed)) break;
        CodeIndex to = placement(d, pathway);
        if (pathway == kAdoption && to != k.U6 && to != k.U3) to = k.U6;
        move(d, to, move_reason(age_on(c_.dob, d)), false);
      }
    }
    // Long-term fostering confirmed: same carers, status change only.
    if (pathway == kTo18 && r_.chance(0.5)) {
      const Date d = days(t0, r_.lognormal(500, 0.4));
      auto it = std::upper_bound(pls.begin(), pls.end(), d, [](Date x, const Pl& p) { return x < p.date; });
      const CodeIndex cur = (it - 1)->place;
      // Not on the day of a move (the new carers were not yet confirmed: the episode would take
      // the previous carers' URN, and rule 218 finds none for a child who was with parents).
      if ((cur == k.U6 || cur == k.U3) && (it - 1)->date < d && (it == pls.end() || it->date > d)) {
        const CodeIndex to = cur == k.U6 ? k.U4 : k.U1;
        Pl p{d, to, (it - 1)->provider, K().rpc[9], true};
        if (d < end) pls.insert(it, p);
      }
    }
    if (pathway == kTo18 && !c_.uasc && r_.chance(0.35)) {
      const Date d = birthday(c_.dob, 16) + r_.between(100, 600);
      if (d > pls.back().date) move(d, semi_independent(d), K().rpc[0], false);
    }
    // The early move out of the first placement is drawn with no regard to the adoption: one
    // drawn (rarely, in the log-normal's tail) on or after the day of placement for adoption did
    // not happen, or the child is adopted from foster care (rule 390). Only that child's later
    // draws can move.
    if (placed != Date::open())
      while (pls.size() > 1 && pls.back().date >= placed) pls.pop_back();
    if (placed != Date::open()) {
      const bool with_carer = pls.back().place == k.U5 || (pls.back().place == k.U6 && r_.chance(0.1));
      move(placed, with_carer ? k.A5 : k.A6, K().rpc[0], with_carer);
      if (placed < end) {
        const bool single = r_.chance(0.1);
        Adoption ad;
        ad.date_int = sbpfa, ad.date_match = match, ad.adopted = end;
        ad.foster_carer = with_carer;
        ad.adopters = single ? 1 : 2;
        static constexpr double couple[] = {.08, .05, .87};  // MM, FF, MF
        static constexpr const char* cs[] = {"MM", "FF", "MF"};
        const char* sex = single ? (r_.chance(0.9) ? "F1" : "M1") : cs[r_.pick(couple)];
        ad.sex = codes::sex_of_adopters.find(sex);
        const char* als = single ? "L0" : sex[0] == sex[1] ? (r_.chance(0.6) ? "L12" : "L2") : (r_.chance(0.8) ? "L11" : "L3");
        ad.ls = codes::legal_status_of_adopters.find(als);
        if (end <= horizon_) c_.adoptions.push_back(ad);
      }
    }
    // The last placement of a period: any moves drawn after it did not happen.
    auto final_move = [&](Date d, CodeIndex to) {
      if (d <= t0 || d >= end) return;
      while (pls.size() > 1 && pls.back().date >= d) pls.pop_back();
      move(d, to, K().rpc[0], false);
    };
    if ((pathway == kReturnHome || pathway == kCao) && end - t0 > 120 && r_.chance(0.7))
      final_move(end - r_.between(30, 180), k.P1);
    if (pathway == kTo18 && band(t0) < 4 && !c_.uasc && r_.chance(0.06))  // home on a care order
      final_move(days(t0, r_.lognormal(700, 0.6)), k.P1);
    if (rec == k.E45 && pls.back().place != k.U3 && pls.back().place != k.U1)
      final_move(end - r_.between(60, 240), k.U3);
    // Codes retired by the return: H5 and P2 become K3 during 2024/25 (a new episode, same carers).
    for (size_t i = 0; i < pls.size(); ++i) {
      const Date seg_end = i + 1 < pls.size() ? pls[i + 1].date : end;
      if (pls[i].place == k.P2 && seg_end > kOct2023) {
        // Independent living stopped being a placement on 28 October 2023 (rule 217t): the
        // young person moved, here to a children's home as K3 did not yet exist in the return.
        const Date d = std::max(kOct2023, pls[i].date + 1);
        if (d < seg_end) pls.insert(pls.begin() + static_cast<long>(i) + 1, Pl{d, k.K2, provider_for(k.K2, d), K().rpc[9], false});
      } else if (pls[i].place == k.H5 && seg_end > kApr2024) {
        const Date d = std::max(kApr2024 + r_.below(150), pls[i].date + 1);
        if (d < seg_end) pls.insert(pls.begin() + static_cast<long>(i) + 1, Pl{d, k.K3, pls[i].provider, K().rpc[9], true});
      }
      // Z1 is not split: a council recodes the open episode as Z11-Z14 in its 2025/26 return
      // (rule 503D allows exactly that), which the writer does.
    }
    for (size_t i = 1; i < pls.size(); ++i) {
      Change ch;
      ch.date = pls[i].date, ch.place = true, ch.new_place = pls[i].place, ch.provider = pls[i].provider;
      ch.rpc = pls[i].rpc, ch.same_carer = pls[i].same_carer;
      changes.push_back(ch);
    }
    std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) { return a.date < b.date; });

    // Cut into episodes.
    CodeIndex cin;
    {
      // Published starters by need (2019_ADM.csv), with absent parenting (N8) mostly left to
      // the UASC, who all have it.
      static constexpr double w[] = {59.4, 2.1, 2.7, 7.5, 12.8, 2.8, 0.2, 1.5};
      cin = c_.uasc ? k.cin[7] : pathway == kRemand || pathway == kCustody ? k.cin[5] : k.cin[r_.pick(w)];
    }
    PeriodInfo info;
    info.start = t0, info.end = end;
    // Placeholder draws where postcodes were once drawn (now assign_postcodes, on a stream of
    // its own): kept so that every later draw, and so each seed's care histories, stay the same.
    r_.below(1 << 20);
    if (first) {
      static constexpr double w[] = {.02, .03, .02, .05, .88};
      info.prev_perm = k.prev[r_.pick(w)];
      // A baby coming into care in its first six months has had no adoption, special
      // guardianship or child arrangements order before (its date would not precede the period:
      // rule 632). The draw is kept, so nothing else moves.
      if (t0 - c_.dob < 183) info.prev_perm = k.prev[4];
      info.prev_perm_year = age_on(c_.dob, t0) > 1 ? t0.year() - r_.between(1, std::max(1, age_on(c_.dob, t0) - 1)) : 0;
    } else {
      info.prev_perm = k.prev[4];
    }
    c_.periods.push_back(info);

    p0 = pls.front().place;
    // A child accommodated under section 20 cannot be "placed with parents" (rule 378): on V2
    // a child living with family is in a kinship foster placement instead.
    auto fix_parents = [&](Episode& x) {
      if (x.place == k.P1 && x.ls == k.V2) x.place = k.U3, x.provider = k.PR1, x.urn = urn_for(k.U3);
    };
    const size_t first_episode = c_.episodes.size();
    Episode e;
    e.start = t0, e.rne = k.S, e.ls = ls0, e.cin = cin, e.place = p0, e.provider = pls.front().provider;
    e.urn = urn_for(p0);
    r_.below(1 << 20);  // placeholder draw, as above
    fix_parents(e);
    for (size_t i = 0; i < changes.size();) {
      const Date d = changes[i].date;
      Episode next = e;
      bool ls_change = false, pl_change = false, same = true;
      CodeIndex rpc = kNoCode;
      for (; i < changes.size() && changes[i].date == d; ++i) {
        const Change& ch = changes[i];
        if (ch.ls && ch.new_ls != next.ls) ls_change = true, next.ls = ch.new_ls;
        if (ch.place && !(ch.same_carer && ch.new_place == next.place)) {
          pl_change = true, next.place = ch.new_place, next.provider = ch.provider, rpc = ch.rpc;
          same = ch.same_carer;
          next.urn = same ? e.urn : urn_for(ch.new_place);
          if (!same) r_.below(1 << 20);  // placeholder draw, as above
          if (urn_for(next.place) == 0) next.urn = 0;
        }
      }
      // Placed for adoption under a placement order needs the order (rule 408); a status change
      // overridden so is no change, and no new episode (rules 217, 336: A5 with RNE L).
      if ((next.place == k.A5 || next.place == k.A6) && next.ls != k.E1) next.ls = k.E1, ls_change = e.ls != k.E1;
      if (!ls_change && !pl_change) continue;
      if (next.place == k.P1 && next.ls == k.V2) {
        fix_parents(next);
        if (!pl_change) pl_change = true, same = false, rpc = K().rpc[0];
      }
      // A new episode cannot carry P2 or H5 from 28 October 2023: the council records the
      // supported accommodation as it now is (K3 once the return has the code).
      if ((next.place == k.H5 || next.place == k.P2) && d >= kOct2023) {
        next.place = d >= kApr2024 ? k.K3 : k.K2;
        if (!pl_change) pl_change = true, same = true, rpc = K().rpc[9];
      }
      next.start = d;
      next.rne = pl_change ? (ls_change ? (same ? k.U : k.B) : (same ? k.T : k.P)) : k.L;
      e.end = d, e.rec = k.X1, e.rpc = pl_change ? rpc : kNoCode;
      c_.episodes.push_back(e);
      e = next;
      e.rpc = kNoCode;
    }
    // Staying put (E17) is staying with foster carers; from anywhere else the council records
    // the 18th birthday as "any other reason".
    if (rec == k.E17 && codes::placement_type.code(e.place)[0] != 'U') rec = k.E8;
    // An SGO to former foster carers (E45, E46) needs the child to be with them (rule 516).
    if ((rec == k.E45 || rec == k.E46) && codes::placement_type.code(e.place)[0] != 'U')
      rec = rec == k.E45 ? k.E47 : k.E48;
    e.end = end, e.rec = rec;
    c_.episodes.push_back(e);

    // A period over before the first return is in no file: the rest is not worth drawing.
    if (end < window_start_) {
      end_police_protection(first_episode, after_protection);
      return {end, rec};
    }
    // Reviews: within 20 working days, then 3 months, then every 6 months.
    for (Date d = t0 + r_.between(10, 28); d < end && d <= horizon_;) {
      const int a = age_on(c_.dob, d);
      static constexpr double w[] = {0, .55, .10, .05, .05, .12, .03, .10};
      c_.reviews.push_back({d, a < 4 ? k.pn[0] : k.pn[r_.pick(w)]});
      d = d + (c_.reviews.size() == 1 || c_.reviews.back().date - t0 < 60 ? r_.between(70, 91) : r_.between(150, 182));
    }
    // Missing from placement: mostly teenagers, mostly from residential settings.
    std::vector<Date> starts;
    for (const Episode& ep : c_.episodes) {
      if (ep.start < t0) continue;
      const Date ep_end = std::min(ep.end, horizon_);
      if (ep_end <= ep.start) continue;
      const int a = age_on(c_.dob, ep.start);
      const auto pc = codes::placement_type.code(ep.place);
      const bool residential = pc == "K2" || pc == "H5" || pc == "K3" || pc == "P2";
      const double rate = a < 11 ? 0.02 : residential ? 2.0 : 0.25;
      const int n = r_.poisson(rate * (ep_end - ep.start) / 365.0);
      starts.clear();
      // Strictly inside the episode: missing on the day an episode ends reads as missing when
      // care ceased (rule 580), and the day one starts is the previous one's last day.
      if (ep_end - ep.start < 3) continue;
      for (int j = 0; j < n; ++j) starts.push_back(ep.start + 1 + r_.below(ep_end - ep.start - 2));
      std::sort(starts.begin(), starts.end());
      for (const Date s : starts) {  // one at a time: a child is not missing twice at once
        if (!c_.missing.empty() && s <= c_.missing.back().end) continue;
        // Back before the episode ends: missing on the day care ends needs REC E8 (rule 580).
        if (s >= ep.end - 1) continue;
        const Date f = s + static_cast<int>(r_.exponential(1.5));
        c_.missing.push_back({s, std::min(f, ep.end - 1), r_.chance(0.3)});
      }
    }
    // Social workers: a change every nine months or so.
    for (Date d = t0; d < end && d <= horizon_;) {
      const Date next = days(d, r_.exponential(270));
      static constexpr double w[] = {0, .30, .30, .08, .15, .05, .03, .03, .001, .06};
      const CodeIndex reason = d == t0 ? k.sw[0] : k.sw[r_.pick(w)];
      c_.social_workers.push_back({d, std::min(next, end), 1 + static_cast<uint32_t>(r_.below(workers_)), reason});
      d = next;
    }
    // Deprivation of liberty orders for a few teenagers in children's homes, from a few days
    // into the placement to its end; not for a placement over before the order would begin
    // (rule 702; the draw is kept, so nothing else moves).
    for (const Episode& ep : c_.episodes)
      if (ep.start >= t0 && ep.place == k.K2 && age_on(c_.dob, ep.start) >= 12 && r_.chance(0.04))
        if (const Date from = ep.start + r_.between(1, 20); from < ep.end) c_.dolos.push_back({from, ep.end});
    end_police_protection(first_episode, after_protection);
    return {end, rec};
  }

  // Police protection lasts at most 72 hours (rule 361); the simulation draws up to 8 days. The
  // status that follows it is brought forward to the 72 hours here, once every draw of the
  // period is made, so that nothing else in the child's history moves: only the DEC of the
  // police-protection episode and the DECOM of the one after (split or merged as needed).
  void end_police_protection(size_t from, CodeIndex after) {
    const Codes& k = K();
    auto& eps = c_.episodes;
    if (from >= eps.size() || eps[from].ls != k.L1) return;
    // At 72 hours, or a day or two sooner if the child is missing then: an episode ending while
    // the child is missing reads as care ending so (rule 580).
    auto missing_on = [&](Date d) {
      for (const Missing& m : c_.missing)
        if (m.start <= d && m.end >= d) return true;
      return false;
    };
    Date cut = eps[from].start + 3;
    while (cut > eps[from].start + 1 && missing_on(cut)) cut = cut - 1;
    size_t j = from;
    while (j < eps.size() && eps[j].ls == k.L1) ++j;
    if (eps[j - 1].end <= cut) return;
    const CodeIndex to = j < eps.size() ? eps[j].ls : after;
    auto settle = [&](Episode& x) {
      x.ls = to;
      // Not placed with parents under section 20 (rule 378): the child is already where the
      // next episode has it (with relatives), or, at the end of the period, under an order.
      if (x.place == k.P1 && to == k.V2) {
        if (j < eps.size()) x.place = eps[j].place, x.provider = eps[j].provider, x.urn = eps[j].urn;
        else x.ls = k.C1;
      }
    };
    for (size_t i = from; i < j; ++i) {
      Episode& e = eps[i];
      if (e.start >= cut) {
        settle(e);
      } else if (e.end > cut) {
        Episode later = e;
        later.start = cut, later.rne = k.L;
        settle(later);
        e.end = cut, e.rec = k.X1, e.rpc = kNoCode;
        eps.insert(eps.begin() + static_cast<long>(i) + 1, later);
        ++i, ++j;
      }
    }
    // A settled episode may now be with the next episode's carers: its reason for a new episode
    // says what changed from the one before (rules 434-436). No draw: only records change.
    auto same_placement = [](const Episode& a, const Episode& b) {
      return a.place == b.place && a.provider == b.provider && a.urn == b.urn;
    };
    // The episode before a change of placement gives its reason (rule 225), as fix_parents
    // does for the same move; one before a change of legal status only gives none.
    for (size_t i = from + 1; i < j; ++i) {
      Episode& x = eps[i];
      Episode& before = eps[i - 1];
      const bool ls = x.ls != before.ls, pl = !same_placement(x, before);
      const bool same_carer = x.rne == k.T || x.rne == k.U;
      const CodeIndex was = x.rne;
      if (ls && pl) x.rne = same_carer ? k.U : k.B;
      else if (pl) x.rne = same_carer ? k.T : k.P;
      else if (ls) x.rne = k.L;
      if (x.rne == was) continue;
      if (pl && before.rpc == kNoCode) before.rpc = k.rpc[0];
      if (!pl) before.rpc = kNoCode;
    }
    // Where the protection used to end, the status no longer changes.
    if (j < eps.size()) {
      Episode& n = eps[j];
      if (n.rne == k.L || (n.ls == eps[j - 1].ls && same_placement(n, eps[j - 1]))) {
        Episode& p = eps[j - 1];
        p.end = n.end, p.rec = n.rec, p.rpc = n.rpc;
        eps.erase(eps.begin() + static_cast<long>(j));
      } else if (n.rne == k.B) {
        n.rne = k.P;
      } else if (n.rne == k.U) {
        n.rne = k.T;
      }
    }
  }
};

// UPN: a check letter then 12 digits (DfE's modulus-23 check), the first three a council's LA
// code (the CIN census checks them, rule 1530) and the rest an even number (the CIN side's
// children never looked after have odd ones, so no two children share a UPN). One draw, as
// before the LA code was added: nothing else moves.
uint64_t make_upn(Rng& r) {
  const auto& las = dfe_la_numbers();
  const double u = r.uniform() * static_cast<double>(las.size());
  const size_t k = std::min(las.size() - 1, static_cast<size_t>(u));
  const auto serial = static_cast<uint64_t>((u - static_cast<double>(k)) * 5e8);
  return static_cast<uint64_t>(las[k]) * 1000000000ull + std::min<uint64_t>(serial, 499999999) * 2;
}

// URNs as Ofsted registration gives them (rule 222, each year's list). Residential employment
// (P3) and independent living (P2) are never registered, so carry none. Semi-independent
// accommodation (H5) was unregistered in 2022/23 (its list), and registered by 28 October 2023
// (rule 230: from then it needs a URN): a placement beginning from 1 April 2023 has its
// provider's URN from the start (registration opened in April 2023), while one already going on
// 31 March 2023 has none. If that placement lasts past 28 October 2023 it is cut there: the
// episode before ends X1 with REASON_PLACE_CHANGE PLACE (a change in the status of the placement
// only), and the same placement goes on from that day with RNE T (same carers) and its URN;
// later episodes with the same carers keep it. Kept as one episode, its URN would change
// between last year's open episode and this year's first (503F) or be missing after 28 October
// (230): the rules contradict each other for it. The new URNs come from a stream of their own
// ("RegURN"): no draw of the care history moves.
void record_urns_as_registered(Child& c) {
  const Codes& k = K();
  constexpr Date kRegistered = kOct2023, kUnregisteredBefore = Date::from_ymd(2023, 4, 1);
  const CodeIndex P3 = codes::placement_type.find("P3");
  Rng urns(c.seed ^ 0x52656755524E0000ull);
  uint32_t unregistered = 0, registered = 0;  // an unregistered H5 placement's URN, and its URN once registered
  for (size_t i = 0; i < c.episodes.size(); ++i) {
    Episode& e = c.episodes[i];
    if (e.place == k.P2 || e.place == P3) {
      e.urn = 0;
      continue;
    }
    const bool same_placement = unregistered && e.urn == unregistered && (e.rne == k.L || e.rne == k.T || e.rne == k.U);
    if (!same_placement) {
      if (e.place != k.H5 || e.start >= kUnregisteredBefore) continue;
      unregistered = e.urn, registered = 0;  // an H5 placement going on 31 March 2023
    }
    if (e.start >= kRegistered) {  // (a new episode from 28 October itself: registered then)
      if (!registered) registered = 100000 + static_cast<uint32_t>(urns.below(900000));
      e.urn = registered;
      continue;
    }
    e.urn = 0;
    if (e.end <= kRegistered) continue;
    Episode after = e;
    after.start = kRegistered, after.rne = k.T;
    after.urn = registered = 100000 + static_cast<uint32_t>(urns.below(900000));
    e.end = kRegistered, e.rec = k.X1, e.rpc = k.rpc[9];
    c.episodes.insert(c.episodes.begin() + static_cast<long>(i) + 1, after);
    ++i;  // the registered part is done
  }
}

}  // namespace

double starters_per_year(const SynthOptions& o) {
  // Looked after at 31 March per starter a year: 78,150 / 31,680 = 2.47 in England (2019); the
  // simulated world has its own ratio (2.43-2.47 by seed and year, docs/synth.md), used here.
  constexpr double kStockPerStarter = 2.44;
  if (o.population > 0) return o.population / kStockPerStarter;
  if (o.children_per_year > 0) return o.children_per_year;
  if (o.national) return published::kNationalLookedAfter / kStockPerStarter;
  return published::kTypicalCouncilLookedAfter / kStockPerStarter;
}

World simulate(const SynthOptions& o) {
  World w;
  w.options = o;
  w.horizon = CollectionYear{o.last_year}.end();
  // Arrivals of children new to care; re-entries come from the children's own histories and
  // make up the rest of the starters (kNewShare measured in docs/synth.md).
  constexpr double kNewShare = 0.93;
  const double per_year = starters_per_year(o) * kNewShare;
  Rng arrivals(o.seed ^ 0xA5A5A5A5u);
  std::vector<Date> dates;
  const int from_year = o.first_year - 18;
  for (int y = from_year; y <= o.last_year; ++y) {
    double factor = 1.0 + o.trend_per_year * (y - o.last_year);
    // A turn in entries (Dynamics): before it, its own trend, meeting the later one at the turn
    // (kept between a quarter and four times the level at the turn through the burn-in years).
    if (const Dynamics& d = o.dynamics; d.turn_year && y < d.turn_year) {
      const double at_turn = 1.0 + o.trend_per_year * (d.turn_year - o.last_year);
      factor = at_turn * std::clamp(1.0 + d.trend_before * (y - d.turn_year), 0.25, 4.0);
    }
    const double rate = std::max(0.0, per_year * factor);
    for (int m = 0; m < 12; ++m) {
      const int cal_year = m < 9 ? y - 1 : y;
      const int month = m < 9 ? m + 4 : m - 8;
      const int n = arrivals.poisson(rate / 12.0);
      const int dim = days_in_month(cal_year, month);
      const size_t first = dates.size();
      for (int i = 0; i < n; ++i) dates.push_back(Date::from_ymd(cal_year, month, 1 + arrivals.below(dim)));
      std::sort(dates.begin() + static_cast<long>(first), dates.end());
    }
  }
  w.children.resize(dates.size());
  const int workers = std::max(20, static_cast<int>(starters_per_year(o) / 3));
  tbb::parallel_for(tbb::blocked_range<size_t>(0, dates.size(), 2048), [&](const auto& range) {
    for (size_t i = range.begin(); i != range.end(); ++i) {
      Child& c = w.children[i];
      uint64_t s = o.seed * 0x9E3779B97F4A7C15ull + i;
      c.seed = Rng::splitmix(s);
      Rng r(c.seed);
      c.id = 1000000 + static_cast<uint32_t>((i * 7919 + o.seed % 1000) % 9000000);
      c.uasc = r.chance(0.13);
      const Date t0 = dates[i];
      int age_days;
      if (c.uasc) {
        age_days = static_cast<int>(365.25 * (r.chance(0.85) ? 16 + r.uniform() * 1.95 : 14 + r.uniform() * 2));
      } else {
        static constexpr double w_age[] = {.216, .193, .193, .286, .112};
        static constexpr double lo[] = {0, 1, 5, 10, 16}, hi[] = {1, 5, 10, 16, 17.95};
        const int b = r.pick(w_age);
        if (b == 0 && r.chance(0.45)) age_days = r.below(7);
        else age_days = static_cast<int>(365.25 * (lo[b] + r.uniform() * (hi[b] - lo[b])));
      }
      c.dob = t0 - age_days;
      // No one is born on 1 April. A child born then is 17 on the first day of a collection year,
      // and in the 12-month cohort DfE's rules then contradict each other: 197B asks an SDQ score
      // or a reason for none of a child whose 17th birthday falls in the year, 189 refuses both
      // to a child 17 at its start. Such a child is born a day earlier (31 March), before any
      // draw reads the age: about one child in 365, whose own later draws may go otherwise (its
      // ages are a day more); no other child's move.
      if (const auto b = c.dob.ymd(); b.month == 4 && b.day == 1) c.dob = c.dob - 1;
      c.male = c.uasc ? r.chance(0.93) : r.chance(0.54);
      {
        static constexpr double eth[] = {70, .3, 4, .2, .5, 3, 1, 1.5, 3, .5, 1.5, .5, 1, 1, 2.5, 1, .2, 2, .2, 1};
        static constexpr double eth_uasc[] = {0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 35, 0, 25, 5, 0, 30, 0, 0};
        c.ethnic = static_cast<CodeIndex>(c.uasc ? r.pick(eth_uasc) : r.pick(eth));
      }
      if (!c.uasc && r.chance(0.9)) c.upn = make_upn(r);
      if (!c.male && r.chance(0.02)) {
        c.mother = true;
        c.mc_dob = birthday(c.dob, 15) + r.below(900);
      }
      // An edge-of-care service (Dynamics) keeps some of the children aged 10 or over at home
      // from its start: decided from a stream of the child's own, after the draws of its age,
      // so no other child's history moves. The child is then in no return.
      if (const Dynamics& d = o.dynamics; d.edge_of_care_year && d.edge_of_care_cut > 0 && !c.uasc &&
                                          t0 >= CollectionYear{d.edge_of_care_year}.start() && age_on(c.dob, t0) >= 10 &&
                                          Rng(c.seed ^ 0x45646765436172ull).chance(d.edge_of_care_cut)) {
        const uint32_t id = c.id;
        const uint64_t seed = c.seed;
        c = Child{};
        c.id = id, c.seed = seed;
        continue;
      }
      ChildSim sim(c, r, CollectionYear{o.first_year}.start(), w.horizon, workers, o.dynamics);
      sim.run(t0);
      // Custody is drawn as a reason for a move from the age at the move; rule 234 reads the age
      // when the episode ending with it began, and a child under 10 then is recorded as moving
      // for another reason (OTHER). No draw: only the record changes.
      for (Episode& e : c.episodes)
        if (e.rpc == K().rpc[10] && age_on(c.dob, e.start) < 10) e.rpc = K().rpc[11];
      // Placed for adoption (A3-A6): the URN is the adoption agency's, which Ofsted registers
      // (rule 218 wants it in England; 222 does not forbid it). Drawn after the simulation from
      // a stream of its own ("AdoptURN"), so the care history of the seed stays as it was. The
      // same adopters (a change of legal status only) keep the agency.
      {
        Rng agency(c.seed ^ 0x41646F707455524Eull);
        const Episode* prev = nullptr;
        for (Episode& e : c.episodes) {
          if (codes::placement_type.code(e.place)[0] == 'A') {
            const bool same_adopters = prev && prev->end == e.start && prev->place == e.place &&
                                       codes::reason_new_episode.code(e.rne) == "L";
            e.urn = same_adopters ? prev->urn : 100000 + static_cast<uint32_t>(agency.below(900000));
          }
          prev = &e;
        }
      }
      record_urns_as_registered(c);
      if (c.mother && c.mc_dob > w.horizon) c.mother = false;
      // A baby born in a year after the mother's last episode that year ended is recorded by
      // neither return as DfE's rules read them (625 that year, 626 the next): the birth is put
      // on that day instead. No draw: the care history is untouched.
      if (c.mother) {
        const CollectionYear y = collection_year_of(c.mc_dob);
        bool in_year = false;
        Date latest_end;
        bool ended = false;
        for (const Episode& e : c.episodes)
          if (e.start <= y.end() && e.end >= y.start()) {
            in_year = true;
            if (e.end <= y.end() && (!ended || e.end > latest_end)) latest_end = e.end, ended = true;
          }
        if (in_year && ended && c.mc_dob > latest_end) c.mc_dob = latest_end;
      }
    }
  });
  return w;
}

}  // namespace careflow::synth
