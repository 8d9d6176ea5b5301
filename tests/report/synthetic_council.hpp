// A deterministic synthetic council for report tests: a few hundred children with realistic-looking
// care histories written as yearly SSDA903 returns (each return repeats the episodes still open,
// as real ones do). Not a model of any council: it exists so the report has enough children for
// disclosure control to leave numbers visible and for charts to have shapes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "careflow/core/date.hpp"
#include "core/temp_returns.hpp"

namespace careflow::testing {

struct SyntheticCouncil {
  int children = 500;
  int first_year = 2021, last_year = 2025;  // collection end years written
  uint64_t seed = 20250331;
};

inline void write_synthetic_returns(TempReturns& tr, const SyntheticCouncil& s) {
  uint64_t state = s.seed;
  const auto next = [&]() {  // xorshift64*
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return (state * 2685821657736338717ULL) >> 11;
  };
  const auto uniform = [&](int lo, int hi) { return lo + static_cast<int>(next() % static_cast<uint64_t>(hi - lo + 1)); };
  const auto pick = [&](const std::vector<std::pair<const char*, int>>& w) {
    int total = 0;
    for (auto& [_, n] : w) total += n;
    int r = uniform(1, total);
    for (auto& [c, n] : w)
      if ((r -= n) <= 0) return std::string(c);
    return std::string(w.back().first);
  };
  struct Ep {
    std::string child;
    Date start, end = Date::open();
    std::string rne, ls, cin, place, provider, rec, rpc;
  };
  std::vector<Ep> eps;
  std::map<std::string, std::string> header;
  const Date data_end = Date::from_ymd(s.last_year, 3, 31);
  const Date earliest = Date::from_ymd(s.first_year - 5, 4, 1);
  for (int i = 0; i < s.children; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "SYN%06d", i);
    Date start = earliest + uniform(0, data_end - earliest - 20);
    const Date dob = start - uniform(0, 17 * 365 + 300);
    const std::string sex = uniform(0, 99) < 54 ? "1" : "2";
    const std::string eth = pick({{"WBRI", 70}, {"MWBC", 6}, {"BAFR", 6}, {"APKN", 6}, {"BCRB", 4}, {"OOTH", 4}, {"NOBT", 4}});
    header[id] = std::string(id) + "," + sex + "," + dob.to_string() + "," + eth + ",,,\n";
    const int periods = uniform(0, 99) < 15 ? 2 : 1;
    for (int p = 0; p < periods && start <= data_end; ++p) {
      const int age = age_on(dob, start);
      std::string ls = age >= 16 ? pick({{"V2", 60}, {"C2", 30}, {"J1", 10}}) : pick({{"C2", 45}, {"C1", 25}, {"V2", 25}, {"L2", 5}});
      const std::string cin = pick({{"N1", 60}, {"N4", 10}, {"N5", 10}, {"N2", 5}, {"N8", 10}, {"N6", 5}});
      const int placements = uniform(0, 99) < 55 ? 1 : uniform(0, 99) < 70 ? 2 : uniform(3, 5);
      Date d = start;
      const Date eighteen = birthday(dob, 18);
      bool ended = false;
      for (int k = 0; k < placements && !ended; ++k) {
        Ep e;
        e.child = id;
        e.start = d;
        e.rne = k == 0 ? "S" : "P";
        e.ls = ls;
        e.cin = cin;
        const int a = age_on(dob, d);
        e.place = a < 2 ? pick({{"U4", 40}, {"U6", 40}, {"U1", 10}, {"A4", 10}})
                  : a >= 16 ? pick({{"U4", 30}, {"U6", 20}, {"K2", 20}, {"H5", 20}, {"U3", 10}})
                            : pick({{"U4", 35}, {"U6", 25}, {"U1", 10}, {"U3", 10}, {"K2", 12}, {"P1", 6}, {"R1", 2}});
        e.provider = e.place == "K2" ? pick({{"PR4", 80}, {"PR1", 20}}) : e.place == "P1" ? "PR0" : pick({{"PR1", 65}, {"PR4", 35}});
        const int len = uniform(0, 99) < 30 ? uniform(7, 180) : uniform(60, 1200);
        Date end = d + len;
        const bool last = k + 1 == placements;
        if (end >= eighteen && eighteen > d) {
          end = eighteen;
          e.rec = pick({{"E5", 40}, {"E17", 30}, {"E6", 10}, {"E8", 20}});
          ended = true;
        } else if (last) {
          e.rec = a < 6 && e.place == "A4" ? "E11"
                  : pick({{"E4A", 35}, {"E4B", 5}, {"E13", 10}, {"E45", 12}, {"E41", 5}, {"E11", a < 5 ? 25 : 1}, {"E8", 8}});
          ended = true;
        } else {
          e.rec = "X1";
          e.rpc = pick({{"CARPL", 40}, {"CREQB", 15}, {"CREQO", 10}, {"CLOSE", 8}, {"CHILD", 7}, {"LAREQ", 10}, {"OTHER", 10}});
        }
        if (end > data_end) {  // still going at the end of the data: open
          e.rec.clear();
          e.rpc.clear();
          eps.push_back(e);
          ended = true;
          start = Date::open();
          break;
        }
        e.end = end;
        eps.push_back(e);
        d = end;
      }
      if (start.is_open()) break;
      start = d + uniform(20, 700);
    }
  }
  for (int y = s.first_year; y <= s.last_year; ++y) {
    const Date ys = Date::from_ymd(y - 1, 4, 1), ye = Date::from_ymd(y, 3, 31);
    std::string out = kEpisodesHeader, head = kHeaderHeader;
    std::map<std::string, bool> present;
    for (const auto& e : eps) {
      if (e.start > ye || (!e.end.is_open() && e.end < ys)) continue;
      const bool closed = !e.end.is_open() && e.end <= ye;
      out += e.child + "," + e.start.to_string() + "," + e.rne + "," + e.ls + "," + e.cin + "," + e.place + "," +
             e.provider + "," + (closed ? e.end.to_string() : "") + "," + (closed ? e.rec : "") + "," +
             (closed ? e.rpc : "") + ",,,\n";
      present[e.child] = true;
    }
    for (const auto& [c, _] : present) head += header[c];
    const std::string folder = std::to_string(y - 1) + "_" + std::to_string(y % 100);
    tr.write(folder, "episodes.csv", out);
    tr.write(folder, "header.csv", head);
  }
}

}  // namespace careflow::testing
