// The SSDA903 validation rules: DfE's checks (and the reference tool's own consistency checks)
// as a catalogue of versioned rules run over one year's return, by the engine of collection.hpp.
// Each rule version knows the collection years it applies to, the data it needs, and flags rows
// of the tables it reads. Rules that need data the user did not give (last year's return, the
// postcode directory, the Ofsted provider lists) are reported as "not run" with the reason,
// never silently skipped.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/core/date.hpp"
#include "careflow/io/ssda903.hpp"
#include "careflow/validate/collection.hpp"

namespace careflow {
class PostcodeDirectory;
}

namespace careflow::validate {

// Ofsted provider information (DfE's provider_info: the children's homes and social care
// providers lists), one entry per URN, as the user supplies it in a CSV with columns URN,
// LA_NAME_FROM_FILE, PLACE_CODES, PROVIDER_CODES, REG_END, POSTCODE, LA_CODE_INFERRED,
// LA_NAME_INFERRED (any may be absent; text upper-cased and trimmed like the return).
struct ProviderInfo {
  struct Provider {
    std::vector<std::optional<Date>> reg_end;  // one per row of the URN; none: blank or invalid
    bool reg_end_blank = false;                // some row has no end: still registered
    // Placement types and provider codes registered (PLACE_CODES, PROVIDER_CODES: comma-
    // separated lists, the union over the URN's rows).
    std::vector<std::string> place_codes, provider_codes;
    // Registered postcodes (spaces removed) and the LA codes inferred from them, over its rows.
    std::vector<std::string> postcodes, la_codes;
  };
  std::map<std::string, Provider, std::less<>> by_urn;
  const Provider* find(std::string_view urn) const {
    const auto it = by_urn.find(urn);
    return it == by_urn.end() ? nullptr : &it->second;
  }
};
// provider_info from its CSV as the caller read it (io: a file or bytes; validate opens no
// file); `path` names it in problems. Nullopt (with a problem logged) when the file could not be
// read or has no URN column.
std::optional<ProviderInfo> provider_info_from_csv(const CsvReadResult& csv, const std::string& path,
                                                   ProblemLog& problems);

// The fields DfE derives from an episode's postcodes, one entry per Episodes row (text as the
// return would hold it): PL_LA, the placement's local authority; PL_LOCATION, IN or OUT of the
// council's area; PL_DISTANCE, miles from home to placement, one decimal place.
struct DerivedEpisodeFields {
  std::vector<std::string> pl_la, pl_location, pl_distance;
  // PL_LOCATION is derived against the council: without its code (--la) it is left blank, and
  // the rules reading it are "not run" rather than flagging every episode.
  bool location = true;
};

// Derives them from HOME_POST and PL_POST with the postcode directory. PL_LA is the upper-tier
// LA (children's services authority); unknown postcodes leave the fields blank; without `la`
// no PL_LOCATION is derived (`location` false).
DerivedEpisodeFields derive_episode_fields(const ssda903::ReturnTable& episodes,
                                           const PostcodeDirectory& postcodes, std::string_view la);

struct ValidationInput {
  const ssda903::Return* this_year = nullptr;
  const ssda903::Return* last_year = nullptr;   // optional
  CollectionYear year;
  std::string la;                                // the council's ONS code, e.g. E09000027
  // Optional. `careflow validate` loads it with a selection (PostcodeDirectory::load with a
  // PostcodeSelection): only HOME_POST and PL_POST of both years' episodes and the providers'
  // postcodes are in it, every other postcode is "not found". A rule that looks up any other
  // postcode must have it added to that selection (apps/careflow/cmd_validate.cpp).
  const PostcodeDirectory* postcodes = nullptr;
  const ProviderInfo* providers = nullptr;       // optional
  // Postcode-derived fields for this year's and last year's Episodes (from derive_episode_fields,
  // or as supplied); rules that need them are not run without them.
  const DerivedEpisodeFields* derived = nullptr;
  const DerivedEpisodeFields* derived_last = nullptr;
  // Header.UASC (0/1) by Header row, where the return states it (an XML return's <UASC>, or as
  // supplied); without it careflow derives it from the UASC table, as DfE does for CSV returns.
  const std::vector<std::string>* header_uasc = nullptr;
  const std::vector<std::string>* header_uasc_last = nullptr;
};

// Rows flagged by a rule, per table of the return: 0-based rows of this year's table, sorted, unique.
using Flags = FlagsOf<ssda903::Table>;

// What a rule needs beyond this year's return.
struct Needs {
  bool last_year = false;
  bool postcodes = false;
  bool providers = false;
  bool council = false;   // compares with the council's code (ValidationInput::la, --la)
  bool location = false;  // reads the derived PL_LOCATION, which needs the council's code
};

namespace detail {
struct Run;  // what a rule sees: the input and the run's shared indexes (rule_support.hpp)
}

// The SSDA903 return as a collection of the validation engine (collection.hpp).
struct Ssda903 {
  static constexpr std::string_view name = "SSDA903";  // how outputs label its errors
  using Table = ssda903::Table;
  using Return = ssda903::Return;
  using Input = ValidationInput;
  using Needs = validate::Needs;
  using Run = detail::Run;
  static std::span<const RuleVersion> catalogue();
  static const RuleSet<Ssda903>& rules();
  static int year(const Input& in) { return in.year.end_year; }
  static std::vector<std::string> missing(const Needs& needs, const Input& in);
  static std::string_view table_name(Table t) { return ssda903::schema(t).name; }
  static RowLocation locate(const Return& ret, Table t, size_t row) {
    const ssda903::ReturnTable* rt = ret.find(t);
    return {rt->source_of(row), rt->line(row), rt->cell(row, 0)};
  }
};

using RuleResult = ResultOf<ssda903::Table>;
using RuleImpl = RuleSet<Ssda903>::Rule;

// Every rule version in the catalogue, in catalogue order (code, then version).
const std::vector<RuleVersion>& catalogue();
// The version of `code` active in `year`, if any.
const RuleVersion* find_rule(std::string_view code, int year);
// The implementation of a rule version, if written.
const RuleImpl* implementation(const RuleVersion& v);

RuleResult run_rule(const RuleVersion& v, const ValidationInput& in);
// Runs every rule active in `in.year`.
std::vector<RuleResult> validate(const ValidationInput& in);
// Runs the active rules that need the postcode directory's fields, or all the others (results in
// catalogue order). The others can run while the directory is still loading; merged in catalogue
// order, the two parts are what validate() returns.
enum class RulePart { without_postcodes, postcode_rules };
// The table indexes rules build and share (children's rows, parsed dates, episode order...),
// kept for the validate() calls given it, which may run at the same time: calls over the same
// returns then build each once. Keyed by table, so only for calls over the same returns.
using SharedIndexes = RunCache;
std::vector<RuleResult> validate(const ValidationInput& in, RulePart part, SharedIndexes* indexes = nullptr);

}  // namespace careflow::validate
