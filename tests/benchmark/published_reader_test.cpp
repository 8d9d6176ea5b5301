// load_public_data reads its files only through the reader its caller gives it (here: bytes held
// in memory, no reference folder at all), and says what every absent file is in the reader's words.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "careflow/benchmark/public_data.hpp"
#include "careflow/io/csv.hpp"

using namespace careflow;
using namespace careflow::benchmark;

TEST(PublishedReader, PublicDataFromBytesInMemory) {
  // England and one council (Birmingham, DfE 330) in 2025, as in the published series' layout.
  const std::map<std::string, std::string> files{
      {kClaSeries,
       "year,geographic_level,old_la_code,new_la_code,la_name,cla_at_31_march,cla_started_during_year,"
       "cla_ceased_during_year,population_0_17_denominator,rate_per_10000_at_31_march\n"
       "2025,Local authority,330,E08000025,Birmingham,1950,700,650,291000,67\n"
       "2025,National,,E92000001,England,83000,30000,29000,12150000,68\n"}};
  std::vector<std::string> asked;
  const PublishedFileReader read = [&](const char* file) {
    asked.push_back(file);
    const auto it = files.find(file);
    if (it == files.end()) return PublishedFile{std::nullopt, std::string("not held: ") + file};
    return PublishedFile{parse_csv(it->second, file).table, {}};
  };
  const PublicData d = load_public_data(read, {.lait = false, .direct = false});
  ASSERT_EQ(d.cla.size(), 2u);
  const int la = d.find_council("E08000025");
  EXPECT_EQ(la, 330);
  ASSERT_NE(d.council_year(330, 2025), nullptr);
  EXPECT_EQ(d.council_year(330, 2025)->stock.value, 1950);
  ASSERT_NE(d.national_year(2025), nullptr);
  EXPECT_EQ(d.national_year(2025)->rate.value, 68);
  // Without LAIT and the direct measures: the series, deprivation (IDACI, IMD), low income, both
  // sets of statistical neighbours, the LA list and Ofsted -- eight files, seven of them absent,
  // each named in d.missing as the reader said it.
  EXPECT_EQ(asked.size(), 8u);
  ASSERT_EQ(d.missing.size(), 7u);
  for (size_t i = 0; i < d.missing.size(); ++i) EXPECT_EQ(d.missing[i], "not held: " + asked[i + 1]);
  EXPECT_EQ(asked.front(), kClaSeries);
}
