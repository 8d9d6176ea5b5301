#include "careflow/api/ingest.hpp"

#include <algorithm>

#include "careflow/report/cin_summary.hpp"
#include "careflow/report/ingest_summary.hpp"

namespace careflow::api {

namespace {

// The census returns found among the inputs, read into a timeline linked to the care history.
void read_cin(IngestResult& r) {
  r.cin = read_cin_returns(r.report, r.cin_report, &r.cin_files);
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

cin::Timeline read_cin_returns(const IngestReport& report, cin::TimelineReport& timeline_report,
                               std::vector<cin::FileReport>* files) {
  std::vector<cin::Return> returns;
  ProblemLog& problems = timeline_report.problems;
  for (const auto& [year, paths] : report.cin_files) {
    if (year == 0) {
      for (const auto& f : paths) returns.push_back(cin::read_cin_files({f}, std::nullopt, problems));
    } else {
      returns.push_back(cin::read_cin_files(paths, CollectionYear{year}, problems));
    }
  }
  if (files)
    for (const auto& ret : returns) files->insert(files->end(), ret.files.begin(), ret.files.end());
  return cin::build_timeline(returns, timeline_report);
}

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
