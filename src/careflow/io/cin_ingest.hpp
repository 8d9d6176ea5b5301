// Building one CIN timeline from many yearly Children in Need census returns. An episode still
// open on 31 March, with its assessments, plans and enquiries, is returned again the next year: a
// record repeated across years (the same child's episode with the same referral date; the same
// assessment, CIN plan, section 47 or child protection plan start within it; the same review date)
// is one record, and where the returns disagree the latest return wins and the change is reported
// as a repair, as the 903's ingest does (docs/cin.md).
#pragma once

#include <array>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "careflow/core/cin_tables.hpp"
#include "careflow/core/cin_timeline.hpp"
#include "careflow/core/problems.hpp"
#include "careflow/io/cin_census.hpp"
#include "careflow/io/ingest.hpp"

namespace careflow::cin {

struct TimelineReport {
  // Per table, as for the 903: read == unreadable + rejected + superseded + duplicates + kept
  // (unreadable is always 0 here: a CSV record that could not be read never reached a table).
  // Pre-proceedings rows are read but not yet part of the timeline: counted read, kept 0.
  std::array<TableTally, kTableCount> tables{};
  std::map<std::string, size_t> repairs_by_rule;
  std::map<std::string, size_t> unknown_codes;  // by column: codes not in the census's lists, kept
  ProblemLog problems;
  const TableTally& tally(Table t) const { return tables[static_cast<size_t>(t)]; }
};

// Never throws on bad data: what cannot be used is in the report, located (file, line, column,
// rule), naming no child and quoting no value.
Timeline build_timeline(const std::vector<Return>& returns, TimelineReport& report);

// Each 903 child's UPN (CHILD and UPN upper-cased, as the 903 is read; the latest file's where
// they differ), from the 903 files given in year order: the fallback of the linkage
// (cin::link_to_903). Only files whose header row has a UPN column (the Header table) and XML
// returns are parsed; a file that cannot be read gives nothing (the 903's ingest has said why).
std::unordered_map<std::string, std::string> read_903_upns(const std::vector<std::string>& files);

}  // namespace careflow::cin
