// Turning the simulated histories into returns: one folder per collection year holding the
// tables a council's system exports, with episodes open at 31 March repeated (DEC blank) and
// carried into later returns; then the ground truth, counted from the simulation itself.
#include <nlohmann/json.hpp>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include "careflow/core/la_codes.hpp"
#include "careflow/io/ssda903.hpp"
#include "careflow/io/table_writers.hpp"
#include "careflow/synth/calibration.hpp"
#include "careflow/synth/cin.hpp"
#include "careflow/synth/model.hpp"
#include "careflow/synth/postcodes.hpp"

namespace careflow::synth {

std::string year_folder(int end_year) {
  char b[16];
  std::snprintf(b, sizeof b, "%04d_%02d", end_year - 1, end_year % 100);
  return b;
}

namespace {

using ssda903::Table;

void put_uint(std::string& s, uint64_t v) {
  char b[24];
  int n = 0;
  do b[n++] = static_cast<char>('0' + v % 10), v /= 10;
  while (v);
  while (n) s.push_back(b[--n]);
}
void put_date(std::string& s, Date d, bool two_digit_year = false) {
  const auto ymd = d.ymd();
  char b[10] = {static_cast<char>('0' + ymd.day / 10), static_cast<char>('0' + ymd.day % 10), '/',
                static_cast<char>('0' + ymd.month / 10), static_cast<char>('0' + ymd.month % 10), '/',
                static_cast<char>('0' + ymd.year / 1000), static_cast<char>('0' + ymd.year / 100 % 10),
                static_cast<char>('0' + ymd.year / 10 % 10), static_cast<char>('0' + ymd.year % 10)};
  if (two_digit_year) {
    s.append(b, 6);
    s.append(b + 8, 2);
  } else {
    s.append(b, 10);
  }
}

// One output file: its rows are appended to a buffer and the file is written in one go.
struct File {
  std::string name, buf;
  uint32_t line = 1;  // lines written so far (the header is line 1)
  explicit File(Table t) : name(ssda903::schema(t).file_name) {
    const auto& cols = ssda903::schema(t).columns;
    for (size_t i = 0; i < cols.size(); ++i) buf.append(i ? "," : "").append(cols[i]);
    buf.push_back('\n');
  }
  void end_row() { buf.push_back('\n'), ++line; }
};

// Injects faults into rows as they are written and records each one.
class Messiness {
 public:
  Messiness(double level, uint64_t seed, int year) : level_(level), r_(seed ^ (0xF00Dull * static_cast<uint64_t>(year))), year_(year) {}
  bool roll(double rate) { return level_ > 0 && r_.chance(level_ * rate); }
  int pick(int n) { return r_.below(n); }
  void record(const File& f, uint32_t line, const char* kind, const char* column, std::vector<Fault>& out) {
    out.push_back({year_, year_folder(year_) + "/" + f.name, line, kind, column});
  }

 private:
  double level_;
  Rng r_;
  int year_;
};

// Previous permanence is collected for children who started care from this date.
constexpr Date kPrevPermFrom = Date::from_ymd(2016, 4, 1);

// A three-digit DfE LA code (LA_PERM, rule 633): the 152 councils, uniformly.
std::string la_perm_code(Rng& r) {
  const auto codes = dfe_la_numbers();
  return std::to_string(codes[static_cast<size_t>(r.below(static_cast<int>(codes.size())))]);
}

bool in_care_on(const Child& c, Date d) {
  for (const Episode& e : c.episodes)
    if (e.start <= d && e.end > d) return true;
  return false;
}

// Whether the child has an OC3 row (and no episode) in a year's return: a care leaver, left
// at 16 or over after 13 weeks, with a 17th-21st birthday in the year after leaving.
bool oc3_row_in(const Child& c, int year) {
  const CollectionYear cy{year};
  const PeriodInfo& p = c.periods.back();
  if (p.end > cy.end() || age_on(c.dob, p.end) < 16 || p.end - p.start < 91) return false;
  bool leaver = false;
  for (int a = 17; a <= 21; ++a) {
    const Date b = birthday(c.dob, a);
    leaver |= b >= cy.start() && b <= cy.end() && b > p.end;
  }
  if (!leaver) return false;
  for (const Episode& e : c.episodes)
    if (e.start <= cy.end() && e.end >= cy.start()) return false;
  return true;
}

// Whether a girl's first child is recorded (MOTHER 1 and MC_DOB while she is looked after). Not
// for a mother who then leaves care as a care leaver: the year after she leaves, her Header row
// (with her OC3 row) must have MOTHER blank (628, not for care leavers with no episode), so
// MC_DOB blank (612, a date without MOTHER 1), and 624 then finds last year's MC_DOB gone. One
// of the three must fire; the generator does not make such a girl a mother (about one girl in
// a hundred among those leaving care at 16 or over). No draw: only the record.
bool mother_on_record(const Child& c) {
  if (!c.mother || c.periods.empty() || c.episodes.empty()) return false;
  const Date left = c.periods.back().end;
  if (left.is_open()) return true;
  // Recorded in her last year in care only if the baby was born by the day care ended.
  return !(c.mc_dob <= left && oc3_row_in(c, collection_year_of(left).end_year + 1));
}

struct YearOutput {
  YearTruth truth;
  std::vector<Fault> faults;
};

YearOutput write_year(const World& w, int year, const std::string& dir) {
  const SynthOptions& o = w.options;
  const CollectionYear cy{year};
  const Date ys = cy.start(), ye = cy.end();
  File header(Table::header), episodes(Table::episodes), reviews(Table::reviews), uasc(Table::uasc),
      oc2(Table::oc2), oc3(Table::oc3), ad1(Table::ad1), placed(Table::placed_for_adoption),
      prevperm(Table::previous_permanence), missing(Table::missing), sw(Table::sw_episodes), dolo(Table::dolo);
  {  // rough sizes for a national return, so the buffers are not copied as they grow
    const size_t n = w.children.size();
    episodes.buf.reserve(n * 18), reviews.buf.reserve(n * 10), header.buf.reserve(n * 6);
    sw.buf.reserve(year >= 2024 ? n * 8 : 0), prevperm.buf.reserve(n * 4);
  }
  YearOutput out;
  out.truth.year = year;
  Messiness mess(o.messiness, o.seed, year);
  const bool new_sex = year >= 2025;
  const CodeIndex X1 = codes::reason_episode_ceased.find("X1");
  const char* const kBadCodes[] = {"ZZ", "X9", "Q1"};
  const char* const kZ1x[] = {"Z11", "Z12", "Z13", "Z14"};

  std::string id, dob;
  for (const Child& c : w.children) {
    if (c.periods.empty() || c.periods.front().start > ye) continue;
    // Left care more than six years ago: past every OC3 birthday (21 at the latest, having left
    // at 16 or over), so in no table of this return.
    if (c.periods.back().end < ys - 6 * 366) continue;
    size_t first = c.episodes.size(), last = 0;
    for (size_t i = 0; i < c.episodes.size(); ++i)
      if (c.episodes[i].start <= ye && c.episodes[i].end >= ys) first = std::min(first, i), last = i + 1;
    const bool in_return = first < last;
    // Care leavers around their 17th-21st birthdays (OC3): left care at 16 or over.
    bool care_leaver = false;
    {
      const PeriodInfo& p = c.periods.back();
      if (p.end <= ye && age_on(c.dob, p.end) >= 16 && p.end - p.start >= 91)
        for (int a = 17; a <= 21; ++a) {
          const Date b = birthday(c.dob, a);
          if (b >= ys && b <= ye && b > p.end) care_leaver = true;
        }
    }
    if (!in_return && !care_leaver) continue;
    id.clear(), put_uint(id, c.id);
    dob.clear(), put_date(dob, c.dob);

    // Header
    header.buf.append(id).push_back(',');
    header.buf.append(new_sex ? (c.male ? "M" : "F") : (c.male ? "1" : "2")).push_back(',');
    if (mess.roll(0.004)) {
      put_date(header.buf, c.dob, true);
      mess.record(header, header.line + 1, "two_digit_year", "DOB", out.faults);
    } else {
      header.buf.append(dob);
    }
    header.buf.push_back(',');
    header.buf.append(codes::ethnic.code(c.ethnic)).push_back(',');
    // UPN: none before school age (UN1); UASC never in an English school (UN2); a child new to
    // care this last week whose UPN is not yet known (UN4, rule 210); otherwise educated
    // elsewhere (UN3). UN4 only while every episode in the return began in the last week (rule
    // 210 reads the first one), and only for a child who has a UPN: the next return then holds
    // it, the one change from UN4 that rule 208 allows (a child educated outside England is
    // known as such, UN3, from the start).
    // A child known from an earlier period of care has the UPN on record already (rule 208 sees
    // last year's UPN turn into UN4 otherwise): UN4 is for a child new to care.
    const bool new_this_week = in_return && first == 0 && c.episodes[first].start >= ye - 7;
    if (age_on(c.dob, ye) < 4) header.buf.append("UN1");
    else if (c.upn) header.buf.append(new_this_week ? "UN4" : upn_text(c.upn));
    else if (c.uasc) header.buf.append("UN2");
    else header.buf.append("UN3");
    header.buf.push_back(',');
    // MOTHER only for girls looked after in the year (rule 628: not for care leavers only), and
    // only once the baby is born before the year ends or care does (rule 625). For care leavers
    // both are blank (rules 612 and 628; 624 then notes the change once, the year after).
    Date limit = ye;
    if (in_return && c.episodes[last - 1].end <= ye) limit = c.episodes[last - 1].end;
    const bool mother = mother_on_record(c) && c.mc_dob <= limit && in_return;
    if (!c.male && in_return) header.buf.append(mother ? "1" : "0");
    header.buf.push_back(',');
    if (mother) put_date(header.buf, c.mc_dob);
    header.end_row();

    // UASC: one row for every child in the return who is or was unaccompanied, care leavers
    // included, with the date the status ceased (the 18th birthday) once it has: without the row
    // a former UASC care leaver reads as no longer UASC with no date to support it (rule 205A).
    if (c.uasc) {
      uasc.buf.append(id).append(",").append(new_sex ? (c.male ? "M" : "F") : (c.male ? "1" : "2"));
      uasc.buf.append(",").append(dob).push_back(',');
      const Date duc = birthday(c.dob, 18);
      if (duc <= ye) put_date(uasc.buf, duc);
      uasc.end_row();
    }

    if (!in_return) {
      // OC3 only
      Rng r(c.seed ^ static_cast<uint64_t>(year));
      static constexpr double touch[] = {.86, .06, .01, .04, .02, .01};
      static constexpr const char* touch_c[] = {"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"};
      int t = r.pick(touch);
      // A young person reported as having died stays so in later returns (rule 348).
      for (int yy = year - 1; yy >= year - 5 && t != 2; --yy) {
        Rng earlier(c.seed ^ static_cast<uint64_t>(yy));
        if (oc3_row_in(c, yy) && earlier.pick(touch) == 2) t = 2;
      }
      oc3.buf.append(id).append(",").append(dob).append(",").append(touch_c[t]).push_back(',');
      if (t == 0) {
        static constexpr double act[] = {.06, .01, .25, .04, .04, .01, .12, .04, .08, .33, .02};
        static constexpr const char* act_c[] = {"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6"};
        static constexpr double acc[] = {.12, .01, .02, .3, .02, .1, .25, .03, .05, .1};
        static constexpr const char* acc_c[] = {"B1", "B2", "C1", "D1", "D2", "E1", "U1", "U2", "Z1", "K1"};
        const char* accom = acc_c[r.pick(acc)];
        // Around the 17th birthday a care leaver cannot be with former foster carers (rule 3001).
        if (age_on(c.dob, ye) <= 17 && accom[0] == 'Z') accom = "B1";
        oc3.buf.append(act_c[r.pick(act)]).append(",").append(accom);
      } else {
        oc3.buf.append("0,0");
      }
      oc3.end_row();
      continue;
    }

    ++out.truth.children_in_return;
    // Episodes
    for (size_t i = first; i < last; ++i) {
      const Episode& e = c.episodes[i];
      const bool closed = e.end <= ye;
      ++out.truth.episode_rows;
      const size_t row_start = episodes.buf.size();
      const int fault = mess.roll(0.01) ? mess.pick(5) : -1;
      // 0 duplicate, 1 overlap, 2 blank DEC with REC, 3 invalid code, 4 two-digit year
      episodes.buf.append(id).push_back(',');
      put_date(episodes.buf, e.start, fault == 4);
      episodes.buf.push_back(',');
      episodes.buf.append(codes::reason_new_episode.code(e.rne)).push_back(',');
      episodes.buf.append(codes::legal_status.code(e.ls)).push_back(',');
      episodes.buf.append(codes::category_of_need.code(e.cin)).push_back(',');
      std::string_view place = codes::placement_type.code(e.place);
      if (place == "Z1" && year >= 2026) place = kZ1x[c.id % 4];
      episodes.buf.append(fault == 3 ? kBadCodes[mess.pick(3)] : place).push_back(',');
      episodes.buf.append(codes::placement_provider.code(e.provider)).push_back(',');
      const bool overlap = fault == 1 && closed && e.rec == X1;
      if (closed && fault != 2) put_date(episodes.buf, overlap ? e.end + 1 + mess.pick(20) : e.end);
      episodes.buf.push_back(',');
      if (closed) episodes.buf.append(codes::reason_episode_ceased.code(e.rec));
      episodes.buf.push_back(',');
      if (closed) episodes.buf.append(codes::reason_place_change.code(e.rpc));
      episodes.buf.push_back(',');
      if (e.home_post != kNoPostcode) episodes.buf.append(w.postcodes->directory().postcode(e.home_post));
      episodes.buf.push_back(',');
      if (e.pl_post != kNoPostcode) episodes.buf.append(w.postcodes->directory().postcode(e.pl_post));
      episodes.buf.push_back(',');
      if (e.urn) episodes.buf.append("SC").append(std::to_string(e.urn));
      episodes.end_row();
      switch (fault) {
        case 0: {
          const std::string row = episodes.buf.substr(row_start);
          episodes.buf.append(row);
          ++episodes.line;
          mess.record(episodes, episodes.line, "duplicate_row", "", out.faults);
          break;
        }
        case 1: if (overlap) mess.record(episodes, episodes.line, "overlapping_episode", "DEC", out.faults); break;
        case 2: if (closed) mess.record(episodes, episodes.line, "dec_blank_rec_present", "DEC", out.faults); break;
        case 3: mess.record(episodes, episodes.line, "invalid_code", "PLACE", out.faults); break;
        case 4: mess.record(episodes, episodes.line, "two_digit_year", "DECOM", out.faults); break;
        default: break;
      }
    }
    // Reviews
    for (const Review& r : c.reviews) {
      if (r.date < ys || r.date > ye) continue;
      reviews.buf.append(id).append(",").append(dob).push_back(',');
      put_date(reviews.buf, r.date);
      reviews.buf.append(",").append(codes::review_participation.code(r.code));
      reviews.end_row();
    }
    // Previous permanence: for the latest period that started by the year end. Collected for
    // children starting care from 1 April 2016; blank for a child whose episodes in the return
    // all began before then (rule 634).
    {
      const PeriodInfo* p = nullptr;
      for (const PeriodInfo& q : c.periods)
        if (q.start <= ye) p = &q;
      bool since_2016 = false;
      for (size_t i = first; i < last; ++i) since_2016 |= c.episodes[i].start >= kPrevPermFrom;
      prevperm.buf.append(id).append(",").append(dob).push_back(',');
      const auto option = codes::previous_permanence.code(p->prev_perm);
      if (since_2016) {
        prevperm.buf.append(option).push_back(',');
        // An order is recorded with the council that made it and the year it was made, the rest
        // of the date usually unknown; both are needed for the record to be complete (rule 630).
        if (option != "Z1") {
          Rng r(c.seed ^ (0x5045524Dull + static_cast<uint64_t>(p->start.days())));  // "PERM"
          prevperm.buf.append(option == "P4" ? std::string("999") : la_perm_code(r)).append(",ZZ/ZZ/");
          put_uint(prevperm.buf, static_cast<uint64_t>(p->prev_perm_year ? p->prev_perm_year : c.dob.year()));
        } else {
          prevperm.buf.push_back(',');
        }
      } else {
        prevperm.buf.append(",,");
      }
      prevperm.end_row();
    }
    // Missing
    for (const Missing& m : c.missing) {
      if (m.start > ye || m.end < ys) continue;
      missing.buf.append(id).append(",").append(dob).append(m.away ? ",A," : ",M,");
      put_date(missing.buf, m.start);
      missing.buf.push_back(',');
      if (m.end <= ye) put_date(missing.buf, m.end);
      missing.end_row();
    }
    // Adoption
    for (const Adoption& a : c.adoptions) {
      if (a.adopted < ys || a.adopted > ye) continue;
      ad1.buf.append(id).append(",").append(dob).push_back(',');
      put_date(ad1.buf, a.date_int);
      ad1.buf.push_back(',');
      put_date(ad1.buf, a.date_match);
      ad1.buf.append(a.foster_carer ? ",1," : ",0,").append(a.adopters == 1 ? "1," : "2,");
      ad1.buf.append(codes::sex_of_adopters.code(a.sex)).append(",").append(codes::legal_status_of_adopters.code(a.ls));
      ad1.end_row();
    }
    for (const Decision& d : c.decisions) {
      if (d.placed > ye || d.ceased < ys) continue;
      placed.buf.append(id).append(",").append(dob).push_back(',');
      put_date(placed.buf, d.placed);
      placed.buf.push_back(',');
      if (d.ceased <= ye) {
        put_date(placed.buf, d.ceased);
        placed.buf.append(",").append(codes::reason_placed_ceased.code(d.reason));
      } else {
        placed.buf.push_back(',');
      }
      placed.end_row();
    }
    // OC2: looked after continuously for 12 months at 31 March.
    if (in_care_on(c, ye)) {
      // The period open at 31 March: the latest to start by then (later re-entries are not it).
      const PeriodInfo* open = nullptr;
      for (const PeriodInfo& q : c.periods)
        if (q.start <= ye) open = &q;
      const PeriodInfo& p = *open;
      // Looked after since 1 April at the latest: the whole year (rules 191, 187, 186 read the
      // cohort so). 365 days before 31 March is 31 March in a year without 29 February.
      if (p.start <= ys) {
        Rng r(c.seed ^ (static_cast<uint64_t>(year) << 20));
        const int a = age_on(c.dob, ye);
        oc2.buf.append(id).append(",").append(dob).push_back(',');
        if (a >= 4 && a <= 16 && r.chance(0.8)) {
          put_uint(oc2.buf, static_cast<uint64_t>(std::clamp(14.0 + 6.5 * r.normal(), 0.0, 40.0)));
          oc2.buf.push_back(',');
        } else if (a < 4 || age_on(c.dob, ys) >= 17) {
          oc2.buf.push_back(',');  // neither a score nor a reason under 4 or from 17 (rules 188, 189)
        } else {
          oc2.buf.append(",").append(a > 16 ? "SDQ1" : r.chance(.5) ? "SDQ5" : "SDQ4");
        }
        oc2.buf.push_back(',');
        if (a >= 10) oc2.buf.append(r.chance(0.03) ? "1" : "0");
        oc2.buf.push_back(',');
        if (a < 5) oc2.buf.append(r.chance(0.88) ? "1" : "0");
        const bool misuse = a >= 10 && r.chance(0.04);
        oc2.buf.append(r.chance(0.86) ? ",1" : ",0").append(r.chance(0.86) ? ",1" : ",0").append(r.chance(0.9) ? ",1" : ",0");
        oc2.buf.append(misuse ? ",1" : ",0");
        if (misuse) {
          const bool received = r.chance(0.6);
          oc2.buf.append(received ? ",1," : (r.chance(0.5) ? ",0,1" : ",0,0"));  // rule 158
        } else {
          oc2.buf.append(",,");
        }
        oc2.end_row();
      }
    }
    if (year >= 2024) {
      // From 2025/26 the child's latest social-worker episode in the return is left open
      // (SW17STG2), even when care has ended. Before, it is left open too when it ended in the
      // last five days of the year (SW11bSTG2: care ending then does not end the social
      // worker's involvement, and no later episode can show it within the year).
      const SwEpisode* latest = nullptr;
      for (const SwEpisode& s : c.social_workers)
        if (s.start <= ye && s.end >= ys) latest = &s;
      for (const SwEpisode& s : c.social_workers) {
        if (s.start > ye || s.end < ys) continue;
        sw.buf.append(id).append(",").append(dob).append(",SW");
        char b[8];
        std::snprintf(b, sizeof b, "%06u", s.worker % 1000000);
        sw.buf.append(b).push_back(',');
        put_date(sw.buf, s.start);
        sw.buf.push_back(',');
        if (s.end <= ye && !(&s == latest && (year >= 2026 || s.end >= ye - 5))) put_date(sw.buf, s.end);
        sw.buf.push_back(',');
        sw.buf.append(codes::sw_reason.code(s.reason));  // the validator wants it on every row
        sw.end_row();
      }
    }
    if (year >= 2027)
      for (const Dolo& d : c.dolos) {
        if (d.start > ye || d.end < ys || d.start >= d.end) continue;
        dolo.buf.append(id).append(",").append(dob).push_back(',');
        put_date(dolo.buf, d.start);
        dolo.buf.push_back(',');
        if (d.end <= ye) put_date(dolo.buf, d.end);
        dolo.end_row();
      }
  }

  // A council whose system exports one file as "Unicode text" (UTF-16LE with a byte-order mark).
  const bool utf16_reviews = o.messiness > 0 && Rng(o.seed ^ (0xBEEFull + static_cast<uint64_t>(year))).chance(o.messiness * 0.3);
  const std::string folder = dir + "/" + year_folder(year);
  std::filesystem::create_directories(folder);
  std::vector<File*> files = {&header, &episodes, &reviews, &uasc, &oc2, &oc3, &ad1, &placed, &prevperm, &missing};
  if (year >= 2024) files.push_back(&sw);
  if (year >= 2027) files.push_back(&dolo);
  for (File* f : files) {
    std::string* data = &f->buf;
    std::string wide;
    if (f == &reviews && utf16_reviews) {
      wide.reserve(2 + 2 * f->buf.size());
      wide.append("\xFF\xFE");
      for (char ch : f->buf) wide.push_back(ch), wide.push_back('\0');
      data = &wide;
      out.faults.push_back({year, year_folder(year) + "/" + f->name, 0, "utf16_file", ""});
    }
    const std::string path = folder + "/" + f->name;
    std::FILE* fp = std::fopen(path.c_str(), "wb");
    if (!fp) throw std::runtime_error("cannot write " + path);
    const bool ok = std::fwrite(data->data(), 1, data->size(), fp) == data->size();
    if (std::fclose(fp) != 0 || !ok) throw std::runtime_error("cannot write " + path);
  }
  return out;
}

// DfE's publication groups, for the calibration table.
std::string cease_label(CodeIndex rec) {
  const auto c = codes::reason_episode_ceased.code(rec);
  if (c == "E11" || c == "E12") return "Adopted (E11, E12)";
  if (c == "E2") return "Died (E2)";
  if (c == "E3") return "Care taken over by another LA (E3)";
  if (c == "E4A" || c == "E4B") return "Returned home (E4A, E4B)";
  if (c == "E13") return "Lives with others without PR (E13)";
  if (c == "E41") return "Child arrangements order (E41)";
  if (c == "E45" || c == "E46" || c == "E47" || c == "E48") return "Special guardianship (E45-E48)";
  if (c == "E5" || c == "E6") return "Independent living (E5, E6)";
  if (c == "E7") return "Adult social care (E7)";
  if (c == "E9" || c == "E14") return "Custody or remand ended (E9, E14)";
  if (c == "E15") return "Age assessment (E15)";
  if (c == "E16") return "Moved abroad (E16)";
  return "Other, incl. staying put (E8, E17)";
}
std::string placement_label(CodeIndex place) {
  const auto c = codes::placement_type.code(place);
  if (c[0] == 'U') return "Foster placements (U1-U6)";
  if (c[0] == 'A') return "Placed for adoption (A3-A6)";
  if (c == "P1") return "Placed with parents (P1)";
  if (c == "P2" || c == "H5" || c == "K3") return "Independent living / community (P2, H5, K3)";
  if (c == "K1" || c == "K2") return "Secure units, children's homes, semi-independent (K1, K2)";
  if (c[0] == 'Z') return "Other (Z1, Z11-Z14)";
  return "Other residential (R1-R5, S1, P3)";
}
std::string ls_label(CodeIndex ls) {
  const auto c = codes::legal_status.code(ls);
  if (c == "C1") return "Interim care order (C1)";
  if (c == "C2") return "Full care order (C2)";
  if (c == "E1" || c == "D1") return "Placement order (E1)";
  if (c == "V2") return "Section 20 (V2)";
  if (c[0] == 'J') return "Youth justice (J1-J3)";
  return "Police protection / EPO (L1-L3)";
}
std::string provider_label(CodeIndex p) {
  const auto c = codes::placement_provider.code(p);
  if (c == "PR0") return "Parents (PR0)";
  if (c == "PR1") return "Own LA (PR1)";
  if (c == "PR2") return "Other LA (PR2)";
  if (c == "PR3") return "Other public (PR3)";
  if (c == "PR4") return "Private (PR4)";
  if (c == "PR5") return "Voluntary (PR5)";
  return "Not recorded";
}
std::string age_label(int a) { return std::string(label(age_band(a))); }

void count_truth(const World& w, GroundTruth& g) {
  const SynthOptions& o = w.options;
  const Date from = CollectionYear{o.first_year}.start(), to = w.horizon;
  const int ny = o.last_year - o.first_year + 1;
  std::vector<std::map<std::string, int64_t>> by_rec(static_cast<size_t>(ny));
  std::vector<int64_t> stock(static_cast<size_t>(ny)), starters(static_cast<size_t>(ny)), ceasers(static_cast<size_t>(ny));
  std::map<std::string, std::map<std::string, double>> mix;
  int64_t stock_total = 0, three_plus = 0, uasc = 0, all_starters = 0, new_starters = 0;
  int64_t located = 0, outside = 0, over_20 = 0, no_distance = 0;
  const PostcodeSampler* pc = w.postcodes;
  const auto year_index = [&](Date d) { return collection_year_of(d).end_year - o.first_year; };
  for (const Child& c : w.children) {
    bool seen = false;
    // Periods and placements as the ingest model defines them: a period starts at RNE=S, a
    // placement at every RNE other than L. Each is counted once if any of its episodes is seen.
    int64_t period = -1, placement = -1, period_counted = -1, placement_counted = -1;
    for (size_t i = 0; i < c.episodes.size(); ++i) {
      const Episode& e = c.episodes[i];
      const auto rne = codes::reason_new_episode.code(e.rne);
      if (rne == "S") ++period;
      if (rne != "L") ++placement;
      if (e.start > to || e.end < from) continue;
      seen = true;
      ++g.episodes;
      if (period != period_counted) ++g.periods_of_care, period_counted = period;
      if (placement != placement_counted) ++g.placements, placement_counted = placement;
      if (rne == "S" && e.start >= from) {
        const int y = year_index(e.start);
        ++starters[static_cast<size_t>(y)];
        if (y == ny - 1) {
          mix["Starters by age (%)"][age_label(age_on(c.dob, e.start))] += 1;
          mix["Starters by legal status (%)"][std::string(codes::legal_status.code(e.ls))] += 1;
          mix["Starters by category of need (%)"][std::string(codes::category_of_need.code(e.cin))] += 1;
          ++all_starters;
          if (period == 0) ++new_starters;
        }
      }
      if (e.rec != kNoCode && codes::reason_episode_ceased.code(e.rec) != "X1" && e.end <= to) {
        const int y = year_index(e.end);
        ++ceasers[static_cast<size_t>(y)];
        by_rec[static_cast<size_t>(y)][std::string(codes::reason_episode_ceased.code(e.rec))] += 1;
        if (y == ny - 1) mix["Ceasers by reason (%)"][cease_label(e.rec)] += 1;
      }
    }
    if (!seen) continue;
    ++g.children;
    for (int y = 0; y < ny; ++y) {
      const Date d = CollectionYear{o.first_year + y}.end();
      for (const Episode& e : c.episodes)
        if (e.start <= d && e.end > d) {
          ++stock[static_cast<size_t>(y)];
          if (y == ny - 1) {
            ++stock_total;
            mix["Placement at 31 March (%)"][placement_label(e.place)] += 1;
            mix["Legal status at 31 March (%)"][ls_label(e.ls)] += 1;
            mix["Provider at 31 March (%)"][provider_label(e.provider)] += 1;
            // Where placed, as DfE counts it: outside the council's area, and over 20 miles
            // from home by PL_DISTANCE (no distance without a home postcode).
            if (pc && e.pl_post != kNoPostcode) {
              const int own = w.council >= 0 ? w.council
                              : e.home_post != kNoPostcode ? pc->council_of(e.home_post) : -1;
              if (own >= 0) ++located, outside += pc->council_of(e.pl_post) != own;
              const auto miles = e.home_post == kNoPostcode ? std::nullopt
                                 : distance_miles(pc->directory().info(e.home_post), pc->directory().info(e.pl_post));
              if (!miles) ++no_distance;
              else over_20 += *miles > 20.0;
            }
            if (c.uasc && age_on(c.dob, d) < 18) ++uasc;
            int placements = 0;
            for (const Episode& x : c.episodes)
              if (x.start <= d && x.end >= CollectionYear{o.first_year + y}.start() &&
                  (codes::reason_new_episode.code(x.rne) != "L" || x.start < CollectionYear{o.first_year + y}.start()))
                ++placements;
            if (placements >= 3) ++three_plus;
          }
          break;
        }
    }
  }
  for (int y = 0; y < ny; ++y) {
    YearTruth t;
    t.year = o.first_year + y;
    t.looked_after_31_march = stock[static_cast<size_t>(y)];
    t.starters = starters[static_cast<size_t>(y)];
    t.ceasers = ceasers[static_cast<size_t>(y)];
    t.ceasers_by_rec = by_rec[static_cast<size_t>(y)];
    g.years.push_back(t);
  }
  for (auto& [name, m] : mix) {
    double total = 0;
    for (auto& [k, v] : m) total += v;
    for (auto& [k, v] : m) v = total > 0 ? 100.0 * v / total : 0;
  }
  if (pc && stock_total) {
    auto& loc = mix["Placement location at 31 March (%)"];
    loc["Outside the council's area"] = located ? 100.0 * outside / located : 0;
    loc["Over 20 miles from home"] = 100.0 * over_20 / stock_total;
    loc["Distance not known (no home postcode)"] = 100.0 * no_distance / stock_total;
  }
  mix["Other (%)"]["Three or more placements in the year"] = stock_total ? 100.0 * three_plus / stock_total : 0;
  mix["Other (%)"]["UASC among those looked after"] = stock_total ? 100.0 * uasc / stock_total : 0;
  mix["Other (%)"]["Re-entries among starters"] = all_starters ? 100.0 * (all_starters - new_starters) / all_starters : 0;
  mix["Other (%)"]["Looked after at 31 March per starter x100"] =
      starters.back() ? 100.0 * stock.back() / starters.back() : 0;
  g.calibration = std::move(mix);
}

void write_json(const GroundTruth& g, const SynthOptions& o, const std::string& path) {
  nlohmann::ordered_json j;
  j["generator"] = "careflow synth";
  j["seed"] = o.seed;
  j["years"] = {o.first_year, o.last_year};
  j["messiness"] = o.messiness;
  // Only when there are any, so that the default output stays as it was.
  if (const Dynamics& d = o.dynamics; d.any()) {
    nlohmann::ordered_json x;
    x["trend_per_year"] = o.trend_per_year;
    if (d.turn_year) x["entries_turn"] = {{"year", d.turn_year}, {"trend_before", d.trend_before}};
    if (d.edge_of_care_year && d.edge_of_care_cut > 0)
      x["edge_of_care"] = {{"from_year", d.edge_of_care_year}, {"share_of_entries_aged_10_17_prevented", d.edge_of_care_cut}};
    if (d.backlog_from && d.backlog_slowdown > 0)
      x["court_backlog"] = {{"from_year", d.backlog_from}, {"to_year", d.backlog_to}, {"slowdown", d.backlog_slowdown}};
    if (d.residential_from && d.to_residential > 0)
      x["fostering_to_residential"] = {{"from_year", d.residential_from}, {"to_year", d.residential_to}, {"share_aged_10_17", d.to_residential}};
    if (d.agency_from && d.to_agency > 0)
      x["in_house_to_agency"] = {{"from_year", d.agency_from}, {"to_year", d.agency_to}, {"share_of_foster_placements", d.to_agency}};
    j["dynamics"] = x;
  }
  j["la"] = g.la;
  j["postcodes"] = g.postcodes;
  if (!g.postcodes) j["postcodes_note"] = g.postcodes_note;
  j["children"] = g.children;
  j["episodes"] = g.episodes;
  j["periods_of_care"] = g.periods_of_care;
  j["placements"] = g.placements;
  auto& ys = j["by_year"] = nlohmann::ordered_json::array();
  for (const YearTruth& y : g.years) {
    nlohmann::ordered_json x;
    x["year"] = y.year;
    x["folder"] = year_folder(y.year);
    x["looked_after_31_march"] = y.looked_after_31_march;
    x["starters"] = y.starters;
    x["ceasers"] = y.ceasers;
    x["children_in_return"] = y.children_in_return;
    x["episode_rows"] = y.episode_rows;
    x["ceasers_by_rec"] = y.ceasers_by_rec;
    ys.push_back(x);
  }
  j["calibration_last_year"] = g.calibration;
  if (!g.cin_years.empty()) {
    auto& cin = j["cin"] = nlohmann::ordered_json::object();
    cin["population_0_17"] = g.cin_population;
    cin["referral_rate_factor"] = g.cin_rate_factor;
    cin["target_referrals_per_year"] = g.cin_target_referrals;
    auto& cys = cin["years"] = nlohmann::ordered_json::array();
    for (const CinYearTruth& y : g.cin_years)
      cys.push_back({{"year", y.year}, {"folder", year_folder(y.year)}, {"children_in_return", y.children_in_return},
                     {"episodes_in_return", y.episodes_in_return}, {"referrals", y.referrals},
                     {"rereferrals_within_12_months", y.rereferrals}, {"referrals_nfa", y.referrals_nfa},
                     {"referrals_assessed_not_in_need", y.referrals_not_in_need},
                     {"assessments_completed", y.assessments_completed}, {"section47s", y.section47s},
                     {"icpcs", y.icpcs}, {"cpp_starts", y.cpp_starts},
                     {"cpp_second_or_subsequent", y.cpp_second_or_subsequent},
                     {"cpp_at_31_march", y.cpp_at_31_march}, {"cin_at_31_march", y.cin_at_31_march},
                     {"cpp_starts_by_initial_category", y.cpp_starts_by_initial_category},
                     {"cpp_at_31_march_by_latest_category", y.cpp_at_31_march_by_latest_category},
                     {"cpp_at_31_march_by_duration", y.cpp_at_31_march_by_duration},
                     {"referrals_by_source", y.referrals_by_source}, {"care_entrants", y.care_entrants},
                     {"care_entrants_referred_before", y.care_entrants_referred_before},
                     {"care_entrants_with_cpp_before", y.care_entrants_with_cpp_before}});
  }
  auto& fs = j["faults"] = nlohmann::ordered_json::array();
  for (const Fault& f : g.faults)
    fs.push_back({{"year", f.year}, {"file", f.file}, {"line", f.line}, {"kind", f.kind}, {"column", f.column}});
  const std::string text = j.dump(1) + "\n";
  std::FILE* fp = std::fopen(path.c_str(), "wb");
  if (!fp) throw std::runtime_error("cannot write " + path);
  std::fwrite(text.data(), 1, text.size(), fp);
  std::fclose(fp);
}

}  // namespace

GroundTruth generate(const SynthOptions& options, const std::string& out_dir) {
  SynthOptions o = options;
  if (o.last_year < o.first_year) std::swap(o.first_year, o.last_year);
  o.messiness = std::clamp(o.messiness, 0.0, 1.0);
  for (auto& ch : o.la) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  GroundTruth g;
  const PostcodeSampler* postcodes = nullptr;
  std::shared_ptr<const PostcodeSource> source;  // kept for the run
  int council = -1;
  if (o.postcodes) {
    source = o.postcode_source ? o.postcode_source : load_postcode_source(o.reference, o.postcode_index, g.postcodes_note);
    if (source) postcodes = source->sampler.get();
  }
  if (!o.postcodes) {
    g.postcodes_note = "postcodes were not asked for";
  } else if (postcodes && postcodes->councils().empty()) {
    g.postcodes_note = "the postcode directory holds no council in England";
    postcodes = nullptr;
  }
  if (postcodes && !o.national) {
    const auto& all = postcodes->councils();
    // The home area by seed, from a stream of its own: the same council for the same seed.
    council = o.la.empty() ? Rng(o.seed ^ 0x486F6D6541726561ull).below(static_cast<int>(all.size()))
                           : postcodes->council(o.la);
    if (council < 0)
      throw std::runtime_error("--la " + o.la + " is not an upper-tier local authority in England in the postcode directory");
    g.la = all[static_cast<size_t>(council)];
  } else if (!o.national) {
    g.la = o.la;
  }
  std::filesystem::create_directories(out_dir);
  using Clock = std::chrono::steady_clock;
  const bool timing = o.timing;
  auto t = Clock::now();
  auto lap = [&](const char* what) {
    if (!timing) return;
    const auto now = Clock::now();
    std::fprintf(stderr, "synth: %s %.3f s\n", what, std::chrono::duration<double>(now - t).count());
    t = now;
  };
  std::optional<tbb::global_control> limit;
  if (o.threads > 0) limit.emplace(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(o.threads));
  World w = simulate(o);
  lap("simulate");
  if (postcodes) {
    w.postcodes = postcodes, w.council = council;
    assign_postcodes(w);
    g.postcodes = true;
    lap("postcodes");
  }
  count_truth(w, g);
  lap("ground truth");
  const int ny = o.last_year - o.first_year + 1;
  std::vector<YearOutput> outs(static_cast<size_t>(ny));
  tbb::parallel_for(0, ny, [&](int y) { outs[static_cast<size_t>(y)] = write_year(w, o.first_year + y, out_dir); });
  lap("write returns");
  if (o.cin) {
    const CinWorld cw = simulate_cin(w);
    lap("simulate CIN");
    g.cin_population = cw.population, g.cin_rate_factor = cw.rate_factor;
    g.cin_target_referrals = cw.target_referrals_per_year;
    std::vector<CinYearOutput> cins(static_cast<size_t>(ny));
    tbb::parallel_for(0, ny, [&](int y) { cins[static_cast<size_t>(y)] = write_cin_year(w, cw, o.first_year + y, out_dir); });
    for (auto& c : cins) {
      g.cin_years.push_back(std::move(c.truth));
      for (auto& f : c.faults) g.faults.push_back(std::move(f));
    }
    lap("write CIN census");
  }
  for (int y = 0; y < ny; ++y) {
    g.years[static_cast<size_t>(y)].children_in_return = outs[static_cast<size_t>(y)].truth.children_in_return;
    g.years[static_cast<size_t>(y)].episode_rows = outs[static_cast<size_t>(y)].truth.episode_rows;
    for (auto& f : outs[static_cast<size_t>(y)].faults) g.faults.push_back(std::move(f));
  }
  write_json(g, o, out_dir + "/ground_truth.json");
  return g;
}

}  // namespace careflow::synth
