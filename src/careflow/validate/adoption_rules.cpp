// Rules on decisions to place a child for adoption (PlacedAdoption) against the child's episodes
// and last year's decisions.
#include "careflow/validate/more_rules.hpp"

namespace careflow::validate::detail {

void register_adoption_rules() {}

}  // namespace careflow::validate::detail
