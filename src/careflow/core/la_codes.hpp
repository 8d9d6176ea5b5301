// The local authority codes of the return that are not ONS codes: PrevPerm.LA_PERM names the
// LA that arranged a previous permanence option by DfE's three-digit LA number. Kept apart from
// code_lists.hpp, whose lists are of short codes with labels.
#pragma once

#include <span>
#include <string_view>

namespace careflow {

// DfE's 152 three-digit LA numbers (201 City of London ... 938 West Sussex; 809 is not one),
// ascending: the one list the rules, the code lists and the synthetic returns use.
std::span<const int> dfe_la_numbers();

// One of DfE's 152 three-digit LA codes, 999 (not known), WAL, SCO, NIR or NUK (rule 633).
bool la_perm_valid(std::string_view code);

}  // namespace careflow
