#include "careflow/io/output_table.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

using namespace careflow;

TEST(OutputTable, CsvAndJson) {
  OutputTable t;
  t.id = "stock";
  t.title = "Stock";
  t.add_column("band", "Age band").add_column("children", "Children").add_column("share", "Share", 1);
  t.add_row({std::string("Under 1"), 12.0, 12.5});
  t.add_row({std::string("1, to 4"), Suppressed{}, std::monostate{}});
  EXPECT_EQ(to_csv(t), "band,children,share\r\nUnder 1,12,12.5\r\n\"1, to 4\",c,\r\n");
  const std::string j = to_json(t);
  EXPECT_NE(j.find("\"suppressed\""), std::string::npos);
  EXPECT_THROW(t.add_row({1.0}), std::logic_error);
}

TEST(OutputTable, XlsxIsWritten) {
  OutputTable t;
  t.id = "a_table_with_a_very_long_identifier_over_31_chars";
  t.title = std::string(1, 'T');  // (a literal here trips GCC 12 bug 105651, a -Wrestrict false positive)
  t.add_column("x", "X").add_row({1.0});
  auto path = (std::filesystem::temp_directory_path() / ("careflow_output_test_" + std::to_string(::getpid()))).string();
  path += ".xlsx";
  std::string err;
  ASSERT_TRUE(write_xlsx({t, t}, path, &err)) << err;
  EXPECT_GT(std::filesystem::file_size(path), 1000u);
  std::filesystem::remove(path);
}
