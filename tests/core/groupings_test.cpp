// The partitions of the code lists (core/groupings.hpp): every code of every version of its list
// in exactly one group, and by hand the assignments where the sources disagree (docs/groupings.md).
#include "careflow/core/groupings.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

using namespace careflow;

namespace {

CodeIndex place(std::string_view c) { return codes::placement_type.find(c); }
CodeIndex provider(std::string_view c) { return codes::placement_provider.find(c); }

// The collection years the code lists describe (2013/14 to 2029/30): every change of a code's
// validity (K3 from 2024/25; H5, P2, Z1 to 2024/25; Z11-Z14 from 2025/26; SW_REASON from 2023/24)
// falls inside, so each version of each list is checked.
constexpr int kFirstYear = 2014, kLastYear = 2030;

}  // namespace

TEST(Groupings, EveryCodeOfEveryVersionIsInExactlyOneGroup) {
  ASSERT_EQ(groupings::all().size(), 6u);
  for (const Partition* p : groupings::all()) {
    SCOPED_TRACE(std::string(p->name()));
    for (int year = kFirstYear; year <= kLastYear; ++year) {
      for (const Code& code : p->code_list().codes()) {
        int covering = 0;
        for (const auto& a : p->assignments())
          if (a.code == code.code && year >= a.first_year && year <= a.last_year) ++covering;
        // A code valid in the year has one group; a code not valid that year has none (so a
        // retired code is not quietly counted in a group of the new version).
        EXPECT_EQ(covering, code.valid_in(year) ? 1 : 0) << code.code << " in " << year;
      }
      EXPECT_EQ(p->group_in(kNoCode, year), p->missing_group());
    }
    // Every assignment names a code of the list and a group of the partition, and every group
    // holds a code or is the group of missing values.
    std::set<uint8_t> used{p->missing_group()};
    for (const auto& a : p->assignments()) {
      EXPECT_NE(p->code_list().find(a.code), kNoCode) << a.code;
      ASSERT_LT(a.group, p->size()) << a.code;
      used.insert(a.group);
    }
    EXPECT_EQ(used.size(), p->size());
    // Group names are unique (they name files and scenario keys).
    std::set<std::string_view> names;
    for (const auto& g : p->groups()) EXPECT_TRUE(names.insert(g.name).second) << g.name;
  }
}

TEST(Groupings, EnumsFollowTheirPartitions) {
  EXPECT_EQ(groupings::needs_assessment_placement().size(), static_cast<size_t>(kPlacementGroupCount));
  EXPECT_EQ(groupings::dfe_legal_status().size(), static_cast<size_t>(kLegalGroupCount));
  EXPECT_EQ(groupings::dfe_reason_ceased().size(), static_cast<size_t>(kCeaseGroupCount) + 2);  // + X1, not recorded
  EXPECT_EQ(groupings::needs_assessment_placement().group_name(static_cast<uint8_t>(PlacementGroup::temporary)), "temporary");
  EXPECT_EQ(groupings::dfe_legal_status().group_name(static_cast<uint8_t>(LegalGroup::youth_justice)), "youth_justice");
  EXPECT_EQ(groupings::dfe_reason_ceased().group_name(static_cast<uint8_t>(CeaseGroup::other)), "other");
  EXPECT_EQ(groupings::dfe_age_bands().count(), kAgeBandCount);
  EXPECT_EQ(groupings::demand_model_age_bands().count(), kAgeBandCount);
}

// H5 (semi-independent living) and P2 (independent living): careflow had them as "independent
// living" in the needs assessment and "supported" in the forecast. Each use now names its source:
// DfE publishes H5 with secure units and children's homes and P2 as an "other placement in the
// community" (2019 underlying data, CLA_Secure and CLA_Ocom); the demand model puts both in
// "Supported accommodation" with K3; the needs assessment keeps them together as independent /
// semi-independent living, apart from the registered K3.
TEST(Groupings, IndependentAndSemiIndependentLiving) {
  const auto& dfe = groupings::dfe_placement();
  EXPECT_EQ(dfe.group_name(dfe.group(place("H5"))), "secure_homes_semi_independent");
  EXPECT_EQ(dfe.group_name(dfe.group(place("P2"))), "other_in_community");
  EXPECT_EQ(placement_group(place("H5")), PlacementGroup::independent_living);
  EXPECT_EQ(placement_group(place("P2")), PlacementGroup::independent_living);
  EXPECT_EQ(placement_group(place("K3")), PlacementGroup::supported_accommodation);
  for (const char* pr : {"PR1", "PR4", ""}) {
    EXPECT_EQ(demand_category(place("H5"), provider(pr)), DemandCategory::supported) << pr;
    EXPECT_EQ(demand_category(place("P2"), provider(pr)), DemandCategory::supported) << pr;
    EXPECT_EQ(demand_category(place("K3"), provider(pr)), DemandCategory::supported) << pr;
  }
  EXPECT_EQ(broad_category(DemandCategory::supported), BroadCategory::supported);
  // Versions: H5 and P2 end with 2024/25, K3 starts in it (the 903 guide, section 3.8).
  EXPECT_TRUE(dfe.group_in(place("H5"), 2025).has_value());
  EXPECT_FALSE(dfe.group_in(place("H5"), 2026).has_value());
  EXPECT_FALSE(dfe.group_in(place("P2"), 2026).has_value());
  EXPECT_FALSE(dfe.group_in(place("K3"), 2024).has_value());
  EXPECT_EQ(dfe.group_in(place("K3"), 2025), dfe.group(place("H5")));  // K3 supersedes H5
}

// The demand model's two generations differ: d2i has RESIDENTIAL = K2, R1 and leaves P3, S1 in
// OTHER; the regional model (maintained, and the one councils use) adds P3 and S1 to residential
// and K3 to supported. careflow follows the regional model. DfE publishes P3 as an other placement
// in the community and S1 as residential schools.
TEST(Groupings, ResidentialEmploymentAndSchools) {
  for (const char* c : {"K2", "R1", "P3", "S1"}) {
    EXPECT_EQ(demand_category(place(c), provider("PR1")), DemandCategory::residential_in_house) << c;
    EXPECT_EQ(demand_category(place(c), provider("PR4")), DemandCategory::residential_external) << c;
    EXPECT_EQ(demand_category(place(c), provider("PR5")), DemandCategory::residential_external) << c;
  }
  const auto& dfe = groupings::dfe_placement();
  EXPECT_EQ(dfe.group_name(dfe.group(place("P3"))), "other_in_community");
  EXPECT_EQ(dfe.group_name(dfe.group(place("S1"))), "residential_schools");
  // R2, R3, R5: "other residential settings" for DfE and the needs assessment, "Other" for the
  // demand model (no cost item of their own).
  for (const char* c : {"R2", "R3", "R5"}) {
    EXPECT_EQ(dfe.group_name(dfe.group(place(c))), "other_residential") << c;
    EXPECT_EQ(placement_group(place(c)), PlacementGroup::residential_other) << c;
    EXPECT_EQ(demand_category(place(c), provider("PR4")), DemandCategory::other) << c;
  }
}

TEST(Groupings, ProviderSplitsFosteringAndResidentialOnly) {
  EXPECT_EQ(demand_category(place("U4"), provider("PR1")), DemandCategory::foster_in_house);
  EXPECT_EQ(demand_category(place("U6"), provider("PR3")), DemandCategory::foster_in_house);
  EXPECT_EQ(demand_category(place("U5"), kNoCode), DemandCategory::foster_in_house);  // provider not recorded
  EXPECT_EQ(demand_category(place("U6"), provider("PR4")), DemandCategory::foster_ifa);
  EXPECT_EQ(demand_category(place("U3"), provider("PR4")), DemandCategory::foster_relative);
  EXPECT_EQ(demand_category(place("K1"), provider("PR4")), DemandCategory::secure);
  EXPECT_EQ(demand_category(place("P1"), provider("PR0")), DemandCategory::with_parents);
  EXPECT_EQ(demand_category(place("A6"), provider("PR2")), DemandCategory::adoption);
  EXPECT_EQ(demand_category(kNoCode, kNoCode), DemandCategory::other);
  EXPECT_EQ(broad_category(DemandCategory::secure), BroadCategory::other);  // regional: K1 is OTHER
  EXPECT_EQ(broad_category(DemandCategory::foster_ifa), BroadCategory::fostering);
}

TEST(Groupings, OtherAndTemporaryPlacementsAcrossVersions) {
  const auto& dfe = groupings::dfe_placement();
  EXPECT_EQ(placement_group(place("Z1")), PlacementGroup::other);
  EXPECT_EQ(placement_group(place("Z13")), PlacementGroup::other);
  EXPECT_EQ(placement_group(kNoCode), PlacementGroup::other);
  EXPECT_EQ(placement_group(place("T2")), PlacementGroup::temporary);
  EXPECT_FALSE(dfe.group_in(place("Z1"), 2026).has_value());
  EXPECT_FALSE(dfe.group_in(place("Z11"), 2025).has_value());
  EXPECT_EQ(dfe.group_in(place("Z11"), 2026), dfe.group(place("Z1")));
}

TEST(Groupings, LegalStatusAndReasonsCeased) {
  const auto ls = [](const char* c) { return legal_group_of(codes::legal_status.find(c)); };
  EXPECT_EQ(ls("C1"), LegalGroup::interim_care_order);
  EXPECT_EQ(ls("D1"), LegalGroup::placement_order);  // freeing orders beside placement orders
  EXPECT_EQ(ls("L2"), LegalGroup::detained);
  EXPECT_EQ(ls("J3"), LegalGroup::youth_justice);
  EXPECT_EQ(ls("V4"), LegalGroup::other);
  EXPECT_EQ(legal_group_of(kNoCode), LegalGroup::other);
  EXPECT_EQ(legal_group_name(LegalGroup::section20), "section_20");
  const auto rec = [](const char* c) { return cease_group(codes::reason_episode_ceased.find(c)); };
  EXPECT_EQ(rec("X1"), std::nullopt);
  EXPECT_EQ(cease_group(kNoCode), std::nullopt);
  EXPECT_EQ(rec("E4B"), CeaseGroup::returned_home);
  EXPECT_EQ(rec("E14"), CeaseGroup::custody);
  EXPECT_EQ(rec("E17"), CeaseGroup::staying_put);
  EXPECT_EQ(rec("E8"), CeaseGroup::other);
}

TEST(Groupings, AgeBandsOfDfEAndTheDemandModel) {
  // Completed years: 0 -> under 1; 4 -> 1-4; 5 -> 5-9; 15 -> 10-15; 16 and 19 -> 16+.
  const int expected[][2] = {{0, 0}, {1, 1}, {4, 1}, {5, 2}, {9, 2}, {10, 3}, {15, 3}, {16, 4}, {19, 4}};
  for (const auto& [age, band] : expected) {
    EXPECT_EQ(groupings::dfe_age_bands().band_of(age), band) << age;
    EXPECT_EQ(groupings::demand_model_age_bands().band_of(age), band) << age;
  }
  EXPECT_EQ(label(AgeBand::age_10_to_15), "10 to 15");
  EXPECT_EQ(groupings::demand_model_age_bands().labels[3], "10 to 16");
}
