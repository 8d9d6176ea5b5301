// Rules on reviews of a child's case (Reviews): the date and the child's participation.
// Written from DfE's messages; where the reference differs, docs/validation-deviations.md says why.
#include "careflow/validate/ssda903_rules.hpp"
#include "careflow/validate/row_checks.hpp"

namespace careflow::validate::detail {

namespace {

// 167: a review without a valid participation code for the year.
bool participation_not_valid(const ReviewRow& r) {
  return !r.blank(RV::REVIEW) && !codes::review_participation.valid_in(r[RV::REVIEW_CODE], r.year);
}
// The child's age on the day of the review.
std::optional<int> age_at_review(const ReviewRow& r) {
  const auto rv = r.date(RV::REVIEW);
  return rv ? age_at(r, RV::DOB, *rv) : std::nullopt;
}
// 440: PN0 (under 4 at the review) for a child 4 or over.
bool under_4_code_for_older_child(const ReviewRow& r) {
  const auto a = age_at_review(r);
  return r[RV::REVIEW_CODE] == "PN0" && a && *a >= 4;
}
// 441: a participation code PN1-PN7 for a child under 4.
bool participation_code_under_4(const ReviewRow& r) {
  const auto a = age_at_review(r);
  return one_of(r[RV::REVIEW_CODE], {"PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"}) && a && *a < 4;
}

}  // namespace

void review_rules(Rules& r) {
  add_row_rule(r, "166", 0, bad_date(RV::REVIEW, true));
  add_row_rule(r, "167", 0, participation_not_valid);
  add_row_rule(r, "440", 0, under_4_code_for_older_child);
  add_row_rule(r, "441", 0, participation_code_under_4);
}

}  // namespace careflow::validate::detail
