#include "careflow/api/evaluate_edge_of_care.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "careflow/io/children_list.hpp"
#include "careflow/io/relations_json.hpp"
#include "careflow/io/table_writers.hpp"
#include "careflow/report/disclosure.hpp"

namespace careflow::api {

EdgeOfCareResult evaluate_edge_of_care(const Config& config, const EdgeOfCareRequest& q) {
  EdgeOfCareResult r;
  // The list first: a fault in it is found in a moment, before the returns are read.
  ChildrenList list = read_children_list(q.children);
  r.list_problems = list.problems;
  for (const auto& p : list.problems.all()) {
    const std::string text = to_string(p);
    if (p.severity == Severity::error) r.messages.push_back({Message::Kind::error, text});
    else r.warn(text);
  }
  for (const auto& o : list.problems.omitted()) r.messages.push_back({Message::Kind::error, to_string(summary_of(o))});
  if (!list.usable()) {
    r.stop(fmt::format("{}: the list of children has {} error(s): nothing was evaluated", q.children,
                       list.problems.count(Severity::error)));
    return r;
  }

  IngestResult in = ingest(config, IngestRequest{q.returns, /*summary=*/false});
  const bool has_903 = in.has_903(), has_cin = in.has_cin();
  r.ingest = std::move(in.report);
  if (!in.done) {
    r.done = false;  // r.ingest.fatal says why
    return r;
  }
  if (!has_903) {
    r.stop("the evaluation needs the council's SSDA903 returns (who became looked after) beside its CIN census");
    return r;
  }
  if (!has_cin) {
    r.stop("the evaluation needs the council's Children in Need census returns (need, child protection, closure) beside its 903");
    return r;
  }

  std::vector<analyse::SupportedChild> children;
  children.reserve(list.children.size());
  for (auto& c : list.children) children.push_back({std::move(c.id), c.start, c.end, c.line});
  analyse::EdgeOfCareSettings settings;
  settings.horizons_months = q.horizons_months;
  r.evaluation = analyse::evaluate_edge_of_care(in.history, in.cin, children, settings);
  const auto& n = r.evaluation.counts;
  if (r.evaluation.span_end < r.evaluation.span_start || r.evaluation.span_end == Date()) {
    r.stop("the 903 and CIN returns cover no year in common: nothing can be evaluated");
    return r;
  }
  if (n.not_found > 0) {
    std::string lines;
    for (size_t i = 0; i < r.evaluation.not_found_lines.size() && i < 20; ++i)
      lines += (i ? ", " : "") + std::to_string(r.evaluation.not_found_lines[i]);
    if (r.evaluation.not_found_lines.size() > 20) lines += ", ...";
    r.warn(fmt::format("{}: {} of {} children are in neither collection (lines {}): not evaluated; check their ids "
                       "are the returns' (CHILD, LAchildID)",
                       q.children, n.not_found, n.listed, lines));
  }
  if (n.not_in_cin > 0)
    r.warn(fmt::format("{} children are in the 903 but not the CIN census: not evaluated (their need is unknown)", n.not_in_cin));
  if (n.evaluated == 0) r.warn("no child of the list could be evaluated: the tables say why");
  else if (n.matched == 0) r.warn("no supported child has a comparison child alike on its start date: no comparison");

  auto made = analyse::edge_of_care_tables(r.evaluation);
  r.tables = std::move(made.tables);
  if (q.out_dir.empty()) return r;
  std::vector<report::TableToPublish> publish;
  for (size_t i = 0; i < r.tables.size(); ++i) publish.push_back({&r.tables[i], made.specs[i]});
  const PublishedArithmetic arithmetic = report::publish(publish, made.relations, config.suppression);
  const std::filesystem::path dir(q.out_dir);
  std::string err;
  bool ok = write_relations_json(arithmetic, r.tables, (dir / "relations.json").string(), &err);
  if (!config.suppression) report::mark_not_for_publication(r.tables);
  for (const auto& t : r.tables) ok = ok && write_csv(t, (dir / (t.id + ".csv")).string(), &err);
  ok = ok && write_json(r.tables, (dir / "edge_of_care.json").string(), &err) &&
       write_xlsx(r.tables, (dir / "edge_of_care.xlsx").string(), &err, "careflow evaluate: edge of care");
  if (!ok) r.stop(err);
  return r;
}

}  // namespace careflow::api
