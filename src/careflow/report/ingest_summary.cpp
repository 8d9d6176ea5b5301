#include "careflow/report/ingest_summary.hpp"

namespace careflow {

std::vector<OutputTable> ingest_summary_tables(const History& h, const IngestReport& report) {
  std::vector<OutputTable> out;
  OutputTable rows;
  rows.id = "ingest_rows";
  rows.title = "Rows read from the returns, and how each was accounted for";
  rows.notes = "read = unreadable + rejected + superseded + duplicates + kept. Superseded rows are "
               "repeats of a record in a later return, which was used instead.";
  rows.add_column("table", "Table")
      .add_column("read", "Rows read")
      .add_column("unreadable", "Unreadable (blank or wrong field count)")
      .add_column("rejected", "Rejected (missing or invalid key)")
      .add_column("superseded", "Superseded by a later return")
      .add_column("duplicates", "Duplicates within a return")
      .add_column("kept", "Kept");
  for (const auto& s : ssda903::schemas()) {
    const auto& t = report.tally(s.table);
    if (t.read == 0) continue;
    rows.add_row({std::string(s.name), double(t.read), double(t.unreadable), double(t.rejected),
                  double(t.superseded), double(t.duplicates), double(t.kept)});
  }
  out.push_back(std::move(rows));

  OutputTable repairs;
  repairs.id = "ingest_repairs";
  repairs.title = "Repairs made to the data, by rule (see docs/ingestion.md)";
  repairs.add_column("rule", "Rule").add_column("count", "Times applied");
  for (const auto& [rule, n] : report.repairs_by_rule) repairs.add_row({rule, double(n)});
  out.push_back(std::move(repairs));

  const auto c = count(h);
  OutputTable totals;
  totals.id = "history_counts";
  totals.title = "The care history built from the returns";
  totals.add_column("measure", "Measure").add_column("value", "Value");
  totals.add_row({std::string("Children with at least one episode"), double(c.children)});
  totals.add_row({std::string("Episodes"), double(c.episodes)});
  totals.add_row({std::string("Periods of care"), double(c.periods)});
  totals.add_row({std::string("Placements"), double(c.placements)});
  out.push_back(std::move(totals));

  OutputTable years;
  years.id = "history_by_year";
  years.title = "Children looked after at 31 March, and periods of care starting and ending, by year";
  years.notes = "Short-break (V3/V4) periods excluded, as in DfE statistics.";
  years.add_column("year", "Collection year")
      .add_column("looked_after_31_march", "Looked after at 31 March")
      .add_column("started", "Started to be looked after")
      .add_column("ceased", "Ceased to be looked after");
  for (const auto& y : c.years)
    years.add_row({y.year.label(), double(y.looked_after_at_31_march), double(y.started), double(y.ceased)});
  out.push_back(std::move(years));
  return out;
}

OutputTable problems_table(const ProblemLog& problems) {
  OutputTable t;
  t.id = "problems";
  t.title = "Problems found while reading the returns";
  t.add_column("file", "File").add_column("line", "Line").add_column("column", "Column")
      .add_column("severity", "Severity").add_column("rule", "Rule").add_column("message", "Message");
  auto add = [&t](const Problem& p) {
    t.add_row({p.file, p.line ? Cell(double(p.line)) : Cell(), p.column, std::string(to_string(p.severity)), p.rule, p.message});
  };
  for (const auto& p : problems.all()) add(p);
  for (const auto& o : problems.omitted()) add(summary_of(o));
  return t;
}

}  // namespace careflow
