// careflow synth: writes realistic synthetic SSDA903 returns (docs/synth.md).
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <exception>

#include "careflow/api/synthesise.hpp"
#include "command.hpp"
#include "config.hpp"
#include "output.hpp"

namespace {

bool parse_years(const std::string& text, int& first, int& last);

struct SynthArgs {
  careflow::synth::SynthOptions options;
  std::string years = "2016-2025";
  std::string out = "synthetic";
  std::string dynamics = "none";
  // Changes of dynamics as given: "YEAR:VALUE" or "FROM-TO:VALUE" (docs/synth.md).
  std::string turn, edge_of_care, backlog, to_residential, to_agency;
};

// "2021:0.3" (one year) or "2019-2022:0.5" (a span of years): collection end years and a value in
// [lo, hi]. A lone year leaves `to` as `from`.
bool parse_change(const std::string& text, int& from, int& to, double& value, double lo, double hi) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) return false;
  if (!parse_years(text.substr(0, colon), from, to)) return false;
  try {
    size_t used = 0;
    const std::string v = text.substr(colon + 1);
    value = std::stod(v, &used);
    if (used != v.size()) return false;
  } catch (const std::exception&) {
    return false;
  }
  return value >= lo && value <= hi;
}

bool parse_years(const std::string& text, int& first, int& last) {
  const auto dash = text.find('-');
  try {
    first = std::stoi(text.substr(0, dash));
    last = dash == std::string::npos ? first : std::stoi(text.substr(dash + 1));
  } catch (const std::exception&) {
    return false;
  }
  return first >= 1990 && last <= 2100 && first <= last;
}

const careflow::cli::Register kSynth{{"synth", [](CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SynthArgs>();
  auto* cmd = app.add_subcommand("synth", "Generate realistic synthetic SSDA903 returns, one folder per collection year");
  cmd->add_option("-o,--out", args->out, "Output folder (created)")->capture_default_str();
  cmd->add_option("--years", args->years,
                  "Collection years by end year, e.g. 2016-2025 (2016 = 2015/16)")->capture_default_str();
  cmd->add_option("--seed", args->options.seed, "Random seed: the same seed gives byte-identical output")
      ->capture_default_str();
  // Bounded: a negative size was ignored without a word, and two billion ran for ever. England
  // has about 83,000 looked after (--national); twice that is the largest size accepted.
  cmd->add_option("--population", args->options.population,
                  "Council size: children looked after at 31 March (a typical council has about 400)")
      ->check(CLI::Range(1, 200000));
  cmd->add_option("--children-per-year", args->options.children_per_year,
                  "Council size as children starting to be looked after each year")
      ->check(CLI::Range(1, 100000));
  cmd->add_flag("--national", args->options.national, "England-sized (about 83,000 looked after), as one council");
  cmd->add_option("--trend", args->options.trend_per_year, "Linear trend in arrivals per year, e.g. 0.02");
  cmd->add_option("--messiness", args->options.messiness,
                  "0..1: inject data-quality faults (recorded in ground_truth.json)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--la", args->options.la,
                  "The council's home area, an upper-tier LA code in England (e.g. E08000025); default: chosen by the seed");
  cmd->add_flag("--no-postcodes", [args](int64_t) { args->options.postcodes = false; },
                "Leave HOME_POST and PL_POST blank instead of drawing them from the postcode directory");
  cmd->add_flag("--cin,!--no-cin", args->options.cin,
                "Write the Children in Need census of the same children too (cin_census.xml in each year folder; "
                "the default: --no-cin leaves it out)");
  cmd->add_option("--dynamics", args->dynamics,
                  "none, or drawn: a trend and turn in entries, an edge-of-care service, a court backlog and "
                  "placement-mix shifts drawn from the seed (recorded in ground_truth.json)")
      ->check(CLI::IsMember({"none", "drawn"}))
      ->capture_default_str();
  cmd->add_option("--entries-turn", args->turn, "YEAR:TREND: entries followed TREND a year before YEAR (--trend after it)");
  cmd->add_option("--edge-of-care", args->edge_of_care,
                  "YEAR:SHARE: an edge-of-care service from YEAR keeps SHARE of the entries aged 10-17 at home");
  cmd->add_option("--court-backlog", args->backlog,
                  "FROM-TO:SLOWDOWN: care proceedings take 1+SLOWDOWN days a day during these years");
  cmd->add_option("--to-residential", args->to_residential,
                  "FROM-TO:SHARE: SHARE of foster placements of children 10+ become children's homes by TO");
  cmd->add_option("--to-agency", args->to_agency,
                  "FROM-TO:SHARE: SHARE of foster placements move from in-house carers to agencies by TO (at most 0.5)");
  cmd->add_option("--threads", args->options.threads, "Worker threads (0: all cores); the output does not depend on it");
  cmd->callback([args, cmd, &exit_code] {
    if (!parse_years(args->years, args->options.first_year, args->options.last_year)) {
      fmt::print(stderr, "careflow synth: --years must look like 2016-2025 (collection end years)\n");
      exit_code = 2;
      return;
    }
    auto& o = args->options;
    if (args->dynamics == "drawn") {  // a --trend given wins over the drawn one
      const double trend = o.trend_per_year;
      careflow::api::draw_dynamics(o);
      if (cmd->count("--trend")) o.trend_per_year = trend;
    }
    auto& d = o.dynamics;
    int unused = 0;
    struct Given { const char* option; const std::string& text; int* from; int* to; double* value; double lo, hi; };
    const Given given[] = {
        {"--entries-turn", args->turn, &d.turn_year, &unused, &d.trend_before, -0.5, 0.5},
        {"--edge-of-care", args->edge_of_care, &d.edge_of_care_year, &unused, &d.edge_of_care_cut, 0, 1},
        {"--court-backlog", args->backlog, &d.backlog_from, &d.backlog_to, &d.backlog_slowdown, 0, 10},
        {"--to-residential", args->to_residential, &d.residential_from, &d.residential_to, &d.to_residential, 0, 1},
        {"--to-agency", args->to_agency, &d.agency_from, &d.agency_to, &d.to_agency, 0, 0.5}};
    for (const Given& g : given) {
      if (g.text.empty()) continue;
      if (!parse_change(g.text, *g.from, *g.to, *g.value, g.lo, g.hi)) {
        fmt::print(stderr, "careflow synth: {} must look like {} with a value from {} to {}\n", g.option,
                   g.to == &unused ? "2021:0.3 (a collection end year)" : "2019-2022:0.3 (collection end years)", g.lo, g.hi);
        exit_code = 2;
        return;
      }
    }
    // The output folder first: an --out that cannot be written is said before any work.
    careflow::OutputFolder folder;
    if (!careflow::cli::open_output(folder, "synth", args->out, {})) {
      exit_code = 2;
      return;
    }
    careflow::api::Config config = careflow::cli::config();
    config.timing = config.timing || std::getenv("CAREFLOW_SYNTH_TIMING") != nullptr;
    const auto r = careflow::api::synthesise(config, {args->options, folder.path().string()});
    if (!careflow::cli::print_messages(r, "synth")) {
      exit_code = 1;
      return;
    }
    {
      const auto& truth = r.truth;
      careflow::Manifest m;
      m.command = careflow::cli::manifest_command(*cmd);
      if (truth.postcodes) m.reference_data = config.reference.dir().value_or("");
      if (!careflow::cli::commit_output(folder, "synth", m)) {
        exit_code = 2;
        return;
      }
      const auto& opts = args->options;
      fmt::print("Wrote {} returns ({}-{}) to {} in {:.2f} s: {} children, {} episodes, {} periods of care, "
                 "{} placements, {} injected faults.\n",
                 truth.years.size(), careflow::api::year_folder(std::min(opts.first_year, opts.last_year)),
                 careflow::api::year_folder(std::max(opts.first_year, opts.last_year)), args->out, r.seconds,
                 truth.children, truth.episodes, truth.periods_of_care, truth.placements, truth.faults.size());
      if (truth.postcodes)
        fmt::print("Postcodes: HOME_POST and PL_POST drawn from the ONS postcode directory{}.\n",
                   truth.la.empty() ? ", each family in its own council" : ", home area " + truth.la +
                   " (validate with --la " + truth.la + ")");
      else
        fmt::print("Postcodes: none written, HOME_POST and PL_POST are blank: {}.\n", truth.postcodes_note);
      for (const auto& y : truth.years)
        fmt::print("  {}: {} looked after at 31 March, {} started, {} ceased\n",
                   careflow::api::year_folder(y.year), y.looked_after_31_march, y.starters, y.ceasers);
      if (!truth.cin_years.empty()) {
        fmt::print("Children in Need census (cin_census.xml): {:.0f} children aged 0-17, referral rate {:.2f} times England's\n",
                   truth.cin_population, truth.cin_rate_factor);
        for (const auto& y : truth.cin_years)
          fmt::print("  {}: {} children, {} referrals, {} section 47 enquiries, {} child protection plans started, "
                     "{} in need at 31 March\n",
                     careflow::api::year_folder(y.year), y.children_in_return, y.referrals, y.section47s, y.cpp_starts,
                     y.cin_at_31_march);
      }
    }
  });
}}};

}  // namespace
