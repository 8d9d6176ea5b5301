// Validating a large synthetic CIN census return: every CIN rule active in 2024/25 over N
// children, each with identifiers, a disability, an ethnicity, one episode (referral, assessment
// with factors, section 47 with a conference, a child protection plan with a review, a CIN plan
// before it), every third child's episode closed. Simple, mostly valid data: the point is the
// engine's cost per row at national scale (about 650,000 children in need a year).
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "careflow/io/cin_census.hpp"
#include "careflow/validate/cin_collection.hpp"

using namespace careflow;

namespace {

cin::Return make_return(int children) {
  std::string ci = "LAchildID,UPN,FormerUPN,UPNunknown,PersonBirthDate,ExpectedPersonBirthDate,GenderCurrent,Sex,PersonDeathDate\n";
  std::string cc = "LAchildID,Ethnicity\n", di = "LAchildID,Disability\n";
  std::string cd = "LAchildID,CINdetailsID,CINreferralDate,ReferralSource,PrimaryNeedCode,CINclosureDate,ReasonForClosure,"
                   "DateOfInitialCPC,ReferralNFA\n";
  std::string as = "LAchildID,CINdetailsID,AssessmentID,AssessmentActualStartDate,AssessmentInternalReviewDate,"
                   "AssessmentAuthorisationDate,AssessmentFactors\n";
  std::string s47 = "LAchildID,CINdetailsID,S47ActualStartDate,InitialCPCtarget,DateOfInitialCPC,ICPCnotRequired\n";
  std::string cp = "LAchildID,CINdetailsID,CPPID,CPPstartDate,CPPendDate,InitialCategoryOfAbuse,LatestCategoryOfAbuse,"
                   "NumberOfPreviousCPP\n";
  std::string rv = "LAchildID,CINdetailsID,CPPID,CPPreviewDate\n", pl = "LAchildID,CINdetailsID,CINPlanStartDate,CINPlanEndDate\n";
  for (int c = 0; c < children; ++c) {
    const int day = 1 + c % 27, month = 4 + c % 6;  // April to September 2024
    const bool closed = c % 3 == 0;
    ci += fmt::format("C{},,,UN2,{}-06-{:02},,,{},\n", c, 2008 + c % 10, day, c % 2 ? "M" : "F");
    cc += fmt::format("C{},WBRI\n", c);
    di += fmt::format("C{},{}\n", c, c % 4 ? "NONE" : "AUT");
    cd += fmt::format("C{},1,2024-{:02}-{:02},1A,N1,{},{},,false\n", c, month, day,
                      closed ? "2025-03-20" : "", closed ? "RC7" : "");
    as += fmt::format("C{},1,1,2024-{:02}-{:02},,2024-{:02}-{:02},\"3B,4B\"\n", c, month, day, month + 1, day);
    s47 += fmt::format("C{},1,2024-{:02}-{:02},,2024-{:02}-{:02},false\n", c, month + 1, day, month + 2, 1 + c % 20);
    cp += fmt::format("C{},1,1,2024-{:02}-{:02},{},NEG,NEG,0\n", c, month + 2, 1 + c % 20, closed ? "2025-03-19" : "");
    rv += fmt::format("C{},1,1,2024-{:02}-{:02}\n", c, month + 3, 1 + c % 20);
    pl += fmt::format("C{},1,2024-{:02}-{:02},2024-{:02}-{:02}\n", c, month + 1, day, month + 2, 1 + c % 20);
  }
  cin::Return ret;
  ret.year = CollectionYear{2025};
  ProblemLog log;
  const std::pair<const char*, std::string*> files[] = {
      {"child_identifiers.csv", &ci}, {"child_characteristics.csv", &cc}, {"disabilities.csv", &di},
      {"cin_details.csv", &cd},       {"assessments.csv", &as},          {"section47.csv", &s47},
      {"child_protection_plans.csv", &cp}, {"reviews.csv", &rv},         {"cin_plan_dates.csv", &pl}};
  for (const auto& [name, text] : files) {
    auto csv = parse_csv(*text, name);
    auto t = cin::to_return_table(std::move(csv.table), name, log);
    ret.tables[static_cast<size_t>(t->table)] = std::move(*t);
  }
  return ret;
}

void BM_ValidateCinYear(benchmark::State& state) {
  const auto ret = make_return(static_cast<int>(state.range(0)));
  validate::CinInput in;
  in.this_year = &ret;
  in.year = CollectionYear{2025};
  size_t flags = 0;
  for (auto _ : state) {
    const auto results = validate::validate_cin(in);
    for (const auto& r : results)
      for (const auto& [t, rows] : r.flagged) flags += rows.size();
    benchmark::DoNotOptimize(flags);
    // CIN_BENCH_RULES=1: the rules' CPU time in all and the slowest (thread CPU: steady under load).
    if (std::getenv("CIN_BENCH_RULES")) {
      std::vector<const validate::CinResult*> by_cpu;
      for (const auto& r : results) by_cpu.push_back(&r);
      std::sort(by_cpu.begin(), by_cpu.end(), [](auto* a, auto* b) { return a->cpu_seconds > b->cpu_seconds; });
      double total = 0;
      for (const auto* r : by_cpu) total += r->cpu_seconds;
      fmt::print(stderr, "  rules: {:.3f} s CPU in all; the slowest:\n", total);
      for (size_t k = 0; k < std::min<size_t>(12, by_cpu.size()); ++k) {
        size_t n = 0;
        for (const auto& [t, rows] : by_cpu[k]->flagged) n += rows.size();
        fmt::print(stderr, "  {:<6} {:.3f} s CPU, {} rows\n", by_cpu[k]->rule->code, by_cpu[k]->cpu_seconds, n);
      }
      for (const auto& r : results)
        for (const auto& [t, rows] : r.flagged) fmt::print(stderr, "  flags: {} {} rows of {}\n", r.rule->code, rows.size(), cin::schema(t).name);
    }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["children"] = static_cast<double>(state.range(0));
  state.counters["flags"] = static_cast<double>(flags) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ValidateCinYear)->Arg(10000)->Arg(100000)->Arg(650000)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
