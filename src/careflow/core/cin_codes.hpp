// The Children in Need census's code lists (cin-census-spec.md §3), for the fields whose value is
// a code: what ingest says it does not know (the code itself is kept: the validation rules flag
// it). Every list is of every collection year from 2022/23; codes are compared without regard
// to case.
#pragma once

#include <string_view>
#include <vector>

namespace careflow::cin {

enum class CodeList : unsigned char {
  referral_source, primary_need, closure_reason, ethnicity, disability, assessment_factor,
  category_of_abuse, gender_current, sex, upn_unknown
};

const std::vector<std::string_view>& codes(CodeList list);
bool is_known_code(CodeList list, std::string_view code);
std::string_view name(CodeList list);  // "ReferralSource"...

}  // namespace careflow::cin
