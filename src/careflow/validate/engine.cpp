#include "careflow/validate/engine.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

#include "careflow/validate/rule_support.hpp"
#include "careflow/validate/ssda903_rules.hpp"

namespace careflow::validate {

namespace {

const RuleVersion kCatalogue[] = {
#include "careflow/validate/rule_catalogue.inc"
};

// Every topic's rules (ssda903_rules.hpp). Built once, on first use, and never changed.
RuleSet<Ssda903> build_rules() {
  RuleSet<Ssda903> r;
  for (const auto add : detail::kTopics) add(r);
  return r;
}

}  // namespace

std::span<const RuleVersion> Ssda903::catalogue() { return kCatalogue; }

const RuleSet<Ssda903>& Ssda903::rules() {
  static const RuleSet<Ssda903> kRules = build_rules();
  return kRules;
}

std::vector<std::string> Ssda903::missing(const Needs& needs, const Input& in) {
  std::vector<std::string> missing;
  if (needs.last_year && !in.last_year) missing.push_back("last year's return (--last-year)");
  if (needs.postcodes && !in.derived)
    missing.push_back("postcode-derived fields (the ONS postcode directory, postcodes/onspd_postcodes.csv.gz)");
  if (needs.providers && !in.providers) missing.push_back("the Ofsted provider list (--providers)");
  if (needs.council && in.la.empty()) missing.push_back("the council's code (--la)");
  else if (needs.location && in.derived && !in.derived->location)
    missing.push_back("the council's code (--la), to derive PL_LOCATION");
  return missing;
}

const std::vector<RuleVersion>& catalogue() {
  static const std::vector<RuleVersion> v(std::begin(kCatalogue), std::end(kCatalogue));
  return v;
}

const RuleVersion* find_rule(std::string_view code, int year) { return find_rule(catalogue(), code, year); }

const RuleImpl* implementation(const RuleVersion& v) { return Ssda903::rules().find(v); }

RuleResult run_rule(const RuleVersion& v, const ValidationInput& in) {
  RunCache cache;
  return run_rule<Ssda903>(v, in, detail::Run(in, cache));
}

std::vector<RuleResult> validate(const ValidationInput& in) {
  RunCache cache;
  return run_rules<Ssda903>(in, cache);
}

std::vector<RuleResult> validate(const ValidationInput& in, RulePart part, SharedIndexes* indexes) {
  // One set of table indexes for every rule: the caller's, or this call's own.
  std::optional<RunCache> own;
  RunCache& cache = indexes ? *indexes : own.emplace();
  const bool postcode_rules = part == RulePart::postcode_rules;
  return run_rules<Ssda903>(in, cache, [postcode_rules](const Needs& needs) { return needs.postcodes == postcode_rules; });
}

}  // namespace careflow::validate
