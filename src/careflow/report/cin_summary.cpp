#include "careflow/report/cin_summary.hpp"

#include <fmt/format.h>

namespace careflow {

std::vector<OutputTable> cin_summary_tables(const cin::Timeline& t, const cin::TimelineReport& report,
                                           const cin::Linkage* linkage) {
  std::vector<OutputTable> out;
  OutputTable s;
  s.id = "cin_summary";
  s.title = "Children in Need census: what the returns hold, and their linkage with the 903";
  s.notes = "Counts over every year read, each record once (a record returned again in a later year is "
            "counted once, as the latest return has it). Linkage: a census child is the 903 child with the "
            "same LA child id, else the one 903 child with its UPN and no disagreeing date of birth "
            "(docs/cin.md).";
  s.add_column("measure", "Measure").add_column("count", "Count");
  const auto c = t.counts();
  auto row = [&](std::string measure, size_t n) { s.add_row({std::move(measure), double(n)}); };
  row(t.years.empty() ? std::string("Collection years")
                      : fmt::format("Collection years ({} to {})", t.years.front().label(), t.years.back().label()),
      t.years.size());
  row("Children in need (any episode)", c.children);
  row("Episodes of need (referrals)", c.episodes);
  row("Referrals with no further action", c.referrals_nfa);
  row("Episodes open at the end of their latest return", c.open_episodes);
  row("Assessments", c.assessments);
  row("Factors identified at assessment", c.assessment_factors);
  row("CIN plans", c.cin_plans);
  row("Section 47 enquiries", c.section47s);
  row("Initial child protection conferences", c.icpcs);
  row("Child protection plans", c.protection_plans);
  row("Child protection plan reviews", c.reviews);
  row("Children with a disability", c.children_with_disability);
  size_t unknown = 0;
  for (const auto& [column, n] : report.unknown_codes) unknown += n;
  row("Codes not in the census's lists (kept, each reported)", unknown);
  if (linkage) {
    row("Census children found in the 903 by LA child id", linkage->found_by_id);
    row("Census children found in the 903 by UPN", linkage->found_by_upn);
    row("Census children not in the 903", linkage->not_found);
    row("Linked children whose date of birth differs", linkage->dob_mismatch);
    row("Linked children whose sex differs", linkage->sex_mismatch);
    if (linkage->spans_overlap) {
      const std::string span = fmt::format("{} to {}", linkage->span_start.to_iso(), linkage->span_end.to_iso());
      row(fmt::format("Periods of care starting {} (both returns cover it)", span), linkage->entrants);
      row("  of which the child had a CIN referral on or before the start", linkage->entrants_with_earlier_episode);
      row("  of which the child had a child protection plan on or before the start",
          linkage->entrants_with_earlier_protection_plan);
      row(fmt::format("Children looked after {} with no census record", span), linkage->looked_after_not_in_cin);
    }
  }
  out.push_back(std::move(s));

  OutputTable rows;
  rows.id = "cin_rows";
  rows.title = "Children in Need census: rows read from the returns, and how each was accounted for";
  rows.notes = "read = rejected + superseded + duplicates + kept (pre-proceedings rows are read but not yet part "
               "of the timeline). Superseded rows are repeats of a record in a later return, which was used "
               "instead.";
  rows.add_column("table", "Table")
      .add_column("read", "Rows read")
      .add_column("rejected", "Rejected (missing or invalid key, or parent)")
      .add_column("superseded", "Superseded by a later return")
      .add_column("duplicates", "Duplicates within a return")
      .add_column("kept", "Kept");
  for (const auto& sc : cin::schemas()) {
    const auto& x = report.tally(sc.table);
    if (x.read == 0) continue;
    rows.add_row({std::string(sc.name), double(x.read), double(x.rejected), double(x.superseded),
                  double(x.duplicates), double(x.kept)});
  }
  out.push_back(std::move(rows));

  OutputTable repairs;
  repairs.id = "cin_repairs";
  repairs.title = "Children in Need census: repairs made to the data, by rule (see docs/cin.md)";
  repairs.add_column("rule", "Rule").add_column("count", "Times applied");
  for (const auto& [rule, n] : report.repairs_by_rule) repairs.add_row({rule, double(n)});
  out.push_back(std::move(repairs));
  return out;
}

}  // namespace careflow
