// The rules added for issue #3 (UASC status, adoption decisions, the OC2 cohort, missing periods,
// DoLOs, social worker episodes and others) live in their own files, apart from the original
// rule files, with the helpers they share declared here.
#pragma once

#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "careflow/validate/rule_support.hpp"

namespace careflow::validate::detail {

void register_more_rules(Rules& r);  // all of the below
void register_uasc_rules(Rules& r);
void register_adoption_rules(Rules& r);
void register_other_rules(Rules& r);

// Children who are, or were, UASC in one year's return (Header.UASC = 1). Where the return
// states Header.UASC (ValidationInput::header_uasc / header_uasc_last) that is used; otherwise
// every child in that year's UASC table is UASC, as DfE derives Header.UASC for CSV returns. A
// year with neither has no UASC children.
std::unordered_set<std::string_view> uasc_children(const Run& in, bool last_year);

// Defined in cross_rules.cpp. A child's episodes with a valid DECOM, in date order (ties in row
// order); and the children of this year's Episodes looked after continuously for at least 12
// months at 31 March (the OC2 cohort; `to_31_march` false also counts care ending on 30 or 31
// March, as the reference does for some rules).
std::vector<std::pair<Date, size_t>> episodes_in_order(const Tab& e, const std::vector<size_t>& rows);
const ChildMap<bool>& twelve_month_cohort(const Run& in, bool to_31_march);

}  // namespace careflow::validate::detail
