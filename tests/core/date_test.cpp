#include "careflow/core/date.hpp"

#include <gtest/gtest.h>

using namespace careflow;

TEST(Date, EpochAndRoundTrip) {
  EXPECT_EQ(Date::from_ymd(1970, 1, 1).days(), 0);
  EXPECT_EQ(Date::from_ymd(2000, 3, 1).days(), 11017);  // 30 years incl. 7 leap days + Jan/Feb 2000
  for (int d = -40000; d < 40000; d += 37) {
    const Date x(d);
    EXPECT_EQ(Date::from_ymd(x.ymd()).days(), d);
  }
}

TEST(Date, ParsesReturnFormats) {
  EXPECT_EQ(parse_date("01/04/2020").date, Date::from_ymd(2020, 4, 1));
  EXPECT_EQ(parse_date("1/4/2020").date, Date::from_ymd(2020, 4, 1));
  EXPECT_EQ(parse_date("2020-04-01").date, Date::from_ymd(2020, 4, 1));
  EXPECT_EQ(parse_date(" 29/02/2020 00:00:00").date, Date::from_ymd(2020, 2, 29));
  EXPECT_EQ(parse_date("29/02/2019").error, DateError::out_of_range);
  EXPECT_EQ(parse_date("01/04/20").error, DateError::two_digit_year);
  EXPECT_EQ(parse_date("").error, DateError::empty);
  EXPECT_EQ(parse_date("2020/13/01").error, DateError::out_of_range);
  EXPECT_EQ(parse_date("01/04/2020 13:45").error, DateError::bad_format);
  EXPECT_EQ(parse_date("tomorrow").error, DateError::bad_format);
  EXPECT_EQ(parse_date("01/04/20201").error, DateError::bad_format);
  EXPECT_EQ(Date::from_ymd(2021, 3, 31).to_string(), "31/03/2021");
  EXPECT_EQ(Date::from_ymd(2021, 3, 31).to_iso(), "2021-03-31");
}

TEST(Age, BirthdaysAndLeapDay) {
  const Date dob = Date::from_ymd(2008, 2, 29);
  EXPECT_EQ(birthday(dob, 1), Date::from_ymd(2009, 2, 28));
  EXPECT_EQ(birthday(dob, 4), Date::from_ymd(2012, 2, 29));
  EXPECT_EQ(birthday(dob, 18), Date::from_ymd(2026, 2, 28));
  EXPECT_EQ(age_on(dob, Date::from_ymd(2026, 2, 27)), 17);
  EXPECT_EQ(age_on(dob, Date::from_ymd(2026, 2, 28)), 18);
  EXPECT_EQ(age_on(dob, Date::from_ymd(2012, 2, 28)), 3);
  EXPECT_EQ(age_on(dob, Date::from_ymd(2012, 2, 29)), 4);
  const Date d2 = Date::from_ymd(2010, 6, 15);
  EXPECT_EQ(age_on(d2, Date::from_ymd(2010, 6, 15)), 0);
  EXPECT_EQ(age_on(d2, Date::from_ymd(2011, 6, 14)), 0);
  EXPECT_EQ(age_on(d2, Date::from_ymd(2011, 6, 15)), 1);
  EXPECT_EQ(age_on(d2, Date::from_ymd(2009, 1, 1)), 0);  // before birth
}

TEST(Age, Bands) {
  EXPECT_EQ(age_band(0), AgeBand::under_1);
  EXPECT_EQ(age_band(1), AgeBand::age_1_to_4);
  EXPECT_EQ(age_band(4), AgeBand::age_1_to_4);
  EXPECT_EQ(age_band(5), AgeBand::age_5_to_9);
  EXPECT_EQ(age_band(9), AgeBand::age_5_to_9);
  EXPECT_EQ(age_band(10), AgeBand::age_10_to_15);
  EXPECT_EQ(age_band(15), AgeBand::age_10_to_15);
  EXPECT_EQ(age_band(16), AgeBand::age_16_plus);
  EXPECT_EQ(age_band(19), AgeBand::age_16_plus);
}

TEST(CollectionYear, NamesAndBounds) {
  EXPECT_EQ(parse_collection_year("2025")->end_year, 2025);
  EXPECT_EQ(parse_collection_year("2024_25")->end_year, 2025);
  EXPECT_EQ(parse_collection_year("lac2024_25")->end_year, 2025);
  EXPECT_EQ(parse_collection_year("returns/2024-25/")->end_year, 2025);
  EXPECT_EQ(parse_collection_year("2024-2025")->end_year, 2025);
  EXPECT_EQ(parse_collection_year("903_2019-final")->end_year, 2019);
  EXPECT_FALSE(parse_collection_year("episodes").has_value());
  const CollectionYear y{2025};
  EXPECT_EQ(y.start(), Date::from_ymd(2024, 4, 1));
  EXPECT_EQ(y.end(), Date::from_ymd(2025, 3, 31));
  EXPECT_EQ(y.label(), "2024/25");
  EXPECT_EQ(collection_year_of(Date::from_ymd(2025, 3, 31)).end_year, 2025);
  EXPECT_EQ(collection_year_of(Date::from_ymd(2025, 4, 1)).end_year, 2026);
}
