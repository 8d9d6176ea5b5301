// Rules added for issue #3 that are not about UASC status or adoption decisions.
#include "careflow/validate/more_rules.hpp"

namespace careflow::validate::detail {

void register_other_rules() {}

}  // namespace careflow::validate::detail
