// Validating a large synthetic return: every rule active in 2024/25 over N children, each with
// a Header row, three contiguous episodes, a review and a missing period. The data are simple
// and mostly valid; the point is the engine's cost per row, not realism.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <filesystem>
#include <unistd.h>

#include "careflow/io/postcodes.hpp"
#include "careflow/io/ssda903.hpp"
#include "careflow/synth/synth.hpp"
#include "careflow/validate/engine.hpp"

using namespace careflow;

namespace {

ssda903::Return make_return(int children) {
  std::string header = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n";
  std::string episodes = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n";
  std::string reviews = "CHILD,DOB,REVIEW,REVIEW_CODE\n";
  std::string missing = "CHILD,DOB,MISSING,MIS_START,MIS_END\n";
  for (int c = 0; c < children; ++c) {
    const int day = 1 + c % 28;
    const std::string dob = fmt::format("{:02}/06/{}", day, 2008 + c % 10);
    header += fmt::format("{},{},{},WBRI,UN2,,\n", c, c % 2 ? "M" : "F", dob);
    episodes += fmt::format("{},{:02}/04/2024,S,C2,N1,U1,PR1,{:02}/07/2024,X1,CHANGE,,,\n", c, day, day);
    episodes += fmt::format("{},{:02}/07/2024,P,C2,N1,U4,PR1,{:02}/10/2024,X1,CARPL,,,\n", c, day, day);
    episodes += fmt::format("{},{:02}/10/2024,P,C2,N1,K2,PR2,,,,,,\n", c, day);
    reviews += fmt::format("{},{},{:02}/09/2024,PN1\n", c, dob, day);
    missing += fmt::format("{},{},M,{:02}/11/2024,{:02}/11/2024\n", c, dob, day, day + 1);
  }
  ssda903::Return ret;
  ret.year = CollectionYear{2025};
  ProblemLog log;
  for (auto* text : {&header, &episodes, &reviews, &missing}) {
    const char* name = text == &header ? "header.csv" : text == &episodes ? "episodes.csv"
                       : text == &reviews ? "reviews.csv" : "missing.csv";
    auto csv = parse_csv(*text, name);
    auto t = ssda903::to_return_table(std::move(csv.table), name, log);
    ret.tables[static_cast<size_t>(t->table)] = std::move(*t);
  }
  return ret;
}

void BM_ValidateYear(benchmark::State& state) {
  const auto ret = make_return(static_cast<int>(state.range(0)));
  validate::ValidationInput in;
  in.this_year = &ret;
  in.year = CollectionYear{2025};
  size_t flags = 0;
  for (auto _ : state) {
    const auto results = validate::validate(in);
    for (const auto& r : results)
      for (const auto& [t, rows] : r.flagged) flags += rows.size();
    benchmark::DoNotOptimize(flags);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["children"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_ValidateYear)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

// A national-scale return: England as one council (synth's `national`, about 83,000 looked
// after at 31 March, 100,000+ children in the year), 2024/25 with 2023/24 as last year's
// return, every rule. The returns are generated and read once, outside the timing.
struct National {
  ssda903::Return this_year, last_year;
  National() {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("careflow_validate_bench_" + std::to_string(::getpid()));
    synth::SynthOptions o;
    o.first_year = 2024;
    o.last_year = 2025;
    o.national = true;
    synth::generate(o, dir.string());
    ProblemLog log;
    this_year = ssda903::read_return_folder((dir / synth::year_folder(2025)).string(), CollectionYear{2025}, log);
    last_year = ssda903::read_return_folder((dir / synth::year_folder(2024)).string(), CollectionYear{2024}, log);
    fs::remove_all(dir);
  }
};

void BM_ValidateNational(benchmark::State& state) {
  static const National n;
  validate::ValidationInput in;
  in.this_year = &n.this_year;
  in.last_year = &n.last_year;
  in.year = CollectionYear{2025};
  size_t flags = 0;
  for (auto _ : state) {
    const auto results = validate::validate(in);
    for (const auto& r : results)
      for (const auto& [t, rows] : r.flagged) flags += rows.size();
    benchmark::DoNotOptimize(flags);
  }
  const auto* h = n.this_year.find(ssda903::Table::header);
  const auto* e = n.this_year.find(ssda903::Table::episodes);
  state.counters["children"] = h ? static_cast<double>(h->rows()) : 0;
  state.counters["episodes"] = e ? static_cast<double>(e->rows()) : 0;
  state.counters["flags"] = static_cast<double>(flags / std::max<size_t>(1, state.iterations()));
}
BENCHMARK(BM_ValidateNational)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime()->MinTime(3.0);

// The ONS postcode directory (2.7 million rows, 20 MB gzip): loaded whole, as analyse and synth
// load it, and keeping only a return's postcodes, as careflow validate does (here every 50th
// postcode of the directory, 54,000; a national return holds at most a few hundred thousand).
void BM_PostcodesWhole(benchmark::State& state) {
  for (auto _ : state) {
    ProblemLog log;
    const auto d = PostcodeDirectory::load_reference(ReferenceFolder::standard(), log);
    if (!d) {
      state.SkipWithError("no postcode directory in the reference data");
      return;
    }
    benchmark::DoNotOptimize(d->size());
  }
}
BENCHMARK(BM_PostcodesWhole)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

void BM_PostcodesSelected(benchmark::State& state) {
  PostcodeSelection wanted;
  {
    ProblemLog log;
    const auto d = PostcodeDirectory::load_reference(ReferenceFolder::standard(), log);
    if (!d) {
      state.SkipWithError("no postcode directory in the reference data");
      return;
    }
    for (size_t i = 0; i < d->size(); i += 50) wanted.add(d->postcode(i));
  }
  size_t kept = 0;
  for (auto _ : state) {
    ProblemLog log;
    const auto d = PostcodeDirectory::load_reference(ReferenceFolder::standard(), log, [&wanted] { return &wanted; });
    kept = d ? d->size() : 0;
    benchmark::DoNotOptimize(kept);
  }
  state.counters["selected"] = static_cast<double>(wanted.size());
  state.counters["kept"] = static_cast<double>(kept);
}
BENCHMARK(BM_PostcodesSelected)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
