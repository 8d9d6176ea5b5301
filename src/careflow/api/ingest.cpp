#include "careflow/api/ingest.hpp"

#include "careflow/report/ingest_summary.hpp"

namespace careflow::api {

IngestResult ingest(const Config& config, const IngestRequest& request) {
  IngestResult r;
  r.history = careflow::ingest(request.returns.inputs, request.returns.year, r.report,
                               config.pseudonym_key ? &*config.pseudonym_key : nullptr);
  if (!r.report.usable()) {
    r.done = false;  // report.fatal says why, located
    return r;
  }
  if (request.summary) {
    r.summary = ingest_summary_tables(r.history, r.report);
    r.problems = problems_table(r.report.problems);
  }
  return r;
}

}  // namespace careflow::api
