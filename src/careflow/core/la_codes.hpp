// The local authority codes of the return that are not ONS codes: PrevPerm.LA_PERM names the
// LA that arranged a previous permanence option by DfE's three-digit LA number. Kept apart from
// code_lists.hpp, whose lists are of short codes with labels.
#pragma once

#include <string_view>

namespace careflow {

// One of DfE's 152 three-digit LA codes, 999 (not known), WAL, SCO, NIR or NUK (rule 633).
bool la_perm_valid(std::string_view code);

}  // namespace careflow
