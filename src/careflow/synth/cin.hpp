// The Children in Need side of the simulated world (docs/synth.md, "The CIN census"): every
// child referred to children's social care, with their episodes of need (referral, assessment,
// section 47 enquiry and conference, child protection plan, CIN plan, closure). The children of
// the 903 simulation are among them, the same children (LA child id, UPN, date of birth, sex):
// each of their periods of care sits inside an episode of need whose referral came first. Drawn
// from streams of its own, so the 903 side does not move. Internal to src/careflow/synth.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "careflow/core/date.hpp"
#include "careflow/synth/model.hpp"

namespace careflow::synth {

struct CinEpisode {
  Date referral, closure = Date::open();  // closure open: beyond the horizon
  uint8_t source = 0, need = 0, reason = 0;  // indices in cin_codes' lists (cin_simulate.cpp)
  bool nfa = false;
  bool assessed = false;
  Date a_start, a_end = Date::open();     // the assessment and its authorisation
  uint8_t n_factors = 0;
  uint8_t factors[5]{};
  bool s47 = false, conference = false;   // an enquiry; a conference held (else not required)
  Date s47_start, s47_done;               // s47_done: the conference, or the day it concluded without one
  bool cpp = false;
  Date cpp_start, cpp_end = Date::open();
  uint8_t initial = 0, latest = 0, previous = 0;
  uint8_t n_plans = 0;
  Date plan_start[2], plan_end[2];
  bool care = false;                      // the episode a period of care sits in
};

struct CinChildSim {
  uint32_t id = 0;
  int32_t cla = -1;  // index in World::children, or -1: never looked after
  Date dob, death = Date::open();
  bool male = true, uasc = false;
  CodeIndex ethnic = 0;
  uint64_t upn = 0;  // 0: none
  uint8_t n_dis = 0;
  uint8_t dis[3]{};
  std::vector<CinEpisode> episodes;
};

struct CinWorld {
  double population = 0;   // children aged 0-17 in the council
  double rate_factor = 1;  // the council's referral rate against England's
  double target_referrals_per_year = 0;
  std::string lea;         // DfE's three-digit LA code in the Header
  std::vector<CinChildSim> children;
};

CinWorld simulate_cin(const World& w);

// The return of one year into dir/<YYYY_YY>/cin_census.xml, with its counts.
struct CinYearOutput {
  CinYearTruth truth;
  std::vector<Fault> faults;
};
CinYearOutput write_cin_year(const World& w, const CinWorld& cw, int year, const std::string& dir);

// A UPN's 13 characters from its 12 digits (DfE's check letter first).
std::string upn_text(uint64_t digits);

}  // namespace careflow::synth
