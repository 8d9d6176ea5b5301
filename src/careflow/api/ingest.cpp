#include "careflow/api/ingest.hpp"

#include <algorithm>

#include "careflow/report/cin_summary.hpp"
#include "careflow/report/ingest_summary.hpp"

namespace careflow::api {

namespace {

// The census returns found among the inputs, read year by year (a file outside any year folder is
// a return of its own, its year its ReferenceDate), into a timeline linked to the care history.
void read_cin(IngestResult& r) {
  std::vector<cin::Return> returns;
  ProblemLog& problems = r.cin_report.problems;
  for (const auto& [year, files] : r.report.cin_files) {
    if (year == 0) {
      for (const auto& f : files) returns.push_back(cin::read_cin_files({f}, std::nullopt, problems));
    } else {
      returns.push_back(cin::read_cin_files(files, CollectionYear{year}, problems));
    }
  }
  for (const auto& ret : returns) r.cin_files.insert(r.cin_files.end(), ret.files.begin(), ret.files.end());
  r.cin = cin::build_timeline(returns, r.cin_report);
  if (!r.has_903()) return;
  cin::Linkage by_id = cin::link_to_903(r.cin, r.history);
  // UPNs are read from the 903 again only when some census child was not found by its id.
  if (by_id.not_found > 0) {
    const auto upns = cin::read_903_upns(r.report.ssda903_files);
    r.linkage = cin::link_to_903(r.cin, r.history, &upns);
  } else {
    r.linkage = by_id;
  }
}

}  // namespace

IngestResult ingest(const Config& config, const IngestRequest& request) {
  IngestResult r;
  r.history = careflow::ingest(request.returns.inputs, request.returns.year, r.report,
                               config.pseudonym_key ? &*config.pseudonym_key : nullptr, /*cin_only_ok=*/true);
  if (!r.report.usable()) {
    r.done = false;  // report.fatal says why, located
    return r;
  }
  if (r.has_cin()) read_cin(r);
  if (request.summary) {
    if (r.has_903()) r.summary = ingest_summary_tables(r.history, r.report);
    if (r.has_cin()) r.cin_summary = cin_summary_tables(r.cin, r.cin_report, r.linkage ? &*r.linkage : nullptr);
    if (r.has_cin()) {
      ProblemLog all = r.report.problems;
      all.append(r.cin_report.problems);
      r.problems = problems_table(all);
    } else {
      r.problems = problems_table(r.report.problems);
    }
  }
  return r;
}

}  // namespace careflow::api
