// The SSDA903 rules, filed by DfE topic: one file per topic, each rule a named function (or a
// test declared as data, row_checks.hpp) registered in one line by its topic's function below.
// A new collection year changes the topic files of the rules DfE changed (docs/validate.md).
#pragma once

#include "careflow/validate/rule_support.hpp"

namespace careflow::validate::detail {

void header_rules(Rules& r);              // Header: sex, birth, ethnicity, UPN, mothers
void episode_rules(Rules& r);             // episodes: dates, reasons new and ceased, periods of care
void placement_rules(Rules& r);           // placement types, providers, temporary placements, ages
void placement_location_rules(Rules& r);  // postcodes, derived PL_LA/LOCATION/DISTANCE, Ofsted list
void legal_status_rules(Rules& r);        // legal statuses, short breaks, DoLOs
void adoption_rules(Rules& r);            // adoptions (AD1)
void placed_for_adoption_rules(Rules& r); // decisions to place for adoption (PlacedAdoption)
void previous_permanence_rules(Rules& r); // PrevPerm
void uasc_rules(Rules& r);                // UASC status and its end
void oc2_rules(Rules& r);                 // looked after for 12 months (OC2)
void oc3_rules(Rules& r);                 // care leavers (OC3)
void missing_rules(Rules& r);             // missing and away from placement
void review_rules(Rules& r);              // reviews
void social_worker_rules(Rules& r);       // social worker episodes
void internal_rules(Rules& r);            // the reference tool's consistency checks (INTnn, EPI)

inline constexpr void (*kTopics[])(Rules&) = {
    header_rules, episode_rules,   placement_rules, placement_location_rules, legal_status_rules,
    adoption_rules, placed_for_adoption_rules, previous_permanence_rules, uasc_rules, oc2_rules, oc3_rules,
    missing_rules, review_rules, social_worker_rules, internal_rules};

}  // namespace careflow::validate::detail
