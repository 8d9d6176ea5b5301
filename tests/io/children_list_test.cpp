// The list of children a service supported (io/children_list): columns found by heading in any
// order, and every fault located (file, line, column, rule) without quoting an id.
#include <gtest/gtest.h>

#include "careflow/io/children_list.hpp"

using namespace careflow;

namespace {

Date d(int y, int m, int day) { return Date::from_ymd(y, m, day); }

// Every problem's text, one a line.
std::string all_text(const ChildrenList& l) {
  std::string s;
  for (const auto& p : l.problems.all()) s += to_string(p) + "\n";
  return s;
}

}  // namespace

TEST(ChildrenList, ColumnsAreFoundByHeadingInAnyOrder) {
  const auto l = parse_children_list(
      "End Date,Start_Date,Child ID\r\n"
      ",01/02/2023,AB12345\r\n"
      "2023-09-30, 2023-03-15 ,ab99\r\n",
      "list.csv");
  ASSERT_TRUE(l.usable()) << all_text(l);
  ASSERT_EQ(l.children.size(), 2u);
  EXPECT_EQ(l.rows, 2u);
  EXPECT_EQ(l.children[0].id, "AB12345");
  EXPECT_EQ(l.children[0].start, d(2023, 2, 1));
  EXPECT_FALSE(l.children[0].end);
  EXPECT_EQ(l.children[0].line, 2u);
  EXPECT_EQ(l.children[1].start, d(2023, 3, 15));
  EXPECT_EQ(l.children[1].end, d(2023, 9, 30));
  // No end column at all is fine.
  const auto m = parse_children_list("LAchildID,start\nX1,01/04/2023\n", "m.csv");
  EXPECT_TRUE(m.usable());
  EXPECT_EQ(m.children.size(), 1u);
}

TEST(ChildrenList, AMissingColumnIsNamed) {
  const auto l = parse_children_list("child_id,end_date\nSECRET77,01/02/2023\n", "list.csv");
  EXPECT_FALSE(l.usable());
  ASSERT_EQ(l.problems.all().size(), 1u);
  const Problem& p = l.problems.all()[0];
  EXPECT_EQ(p.rule, "missing-column");
  EXPECT_EQ(p.line, 1u);
  EXPECT_EQ(p.column, "start_date");
  EXPECT_EQ(p.file, "list.csv");
}

TEST(ChildrenList, BadDatesEndsBeforeStartsAndDuplicatesAreLocatedWithoutTheId) {
  const auto l = parse_children_list(
      "child_id,start_date,end_date\n"
      "SECRET01,31/02/2023,\n"        // line 2: no such date
      "SECRET02,01/02/23,\n"          // line 3: two-digit year
      "SECRET03,01/06/2023,01/05/2023\n"  // line 4: end before start
      "SECRET04,01/06/2023,\n"        // line 5: fine
      "secret04,01/07/2023,\n"        // line 6: the same child as line 5
      ",01/07/2023,\n",               // line 7: no id
      "list.csv");
  EXPECT_FALSE(l.usable());
  const auto& ps = l.problems.all();
  ASSERT_EQ(ps.size(), 5u) << all_text(l);
  EXPECT_EQ(ps[0].line, 2u);
  EXPECT_EQ(ps[0].rule, "bad-date");
  EXPECT_EQ(ps[0].column, "start_date");
  EXPECT_EQ(ps[1].line, 3u);
  EXPECT_EQ(ps[1].rule, "bad-date");
  EXPECT_EQ(ps[2].line, 4u);
  EXPECT_EQ(ps[2].rule, "end-before-start");
  EXPECT_EQ(ps[2].column, "end_date");
  EXPECT_EQ(ps[3].line, 6u);
  EXPECT_EQ(ps[3].rule, "duplicate-child");
  EXPECT_EQ(ps[3].column, "child_id");
  EXPECT_NE(ps[3].message.find("line 5"), std::string::npos);
  EXPECT_EQ(ps[4].line, 7u);
  EXPECT_EQ(ps[4].rule, "missing-child-id");
  const std::string text = all_text(l);
  for (const char* secret : {"SECRET", "secret", "31/02/2023", "01/02/23", "01/06/2023"})
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " quoted in:\n" << text;
  EXPECT_EQ(l.children.size(), 1u);  // only line 5 is sound
}

TEST(ChildrenList, TwoColumnsForOneThingAndEmptyOrMissingFilesAreRefused) {
  const auto two = parse_children_list("child_id,start_date,start\nA,01/01/2023,01/01/2023\n", "two.csv");
  ASSERT_FALSE(two.usable());
  EXPECT_EQ(two.problems.all()[0].rule, "duplicate-column");
  EXPECT_EQ(two.problems.all()[0].column, "3");
  const auto empty = parse_children_list("child_id,start_date\n", "empty.csv");
  ASSERT_FALSE(empty.usable());
  EXPECT_EQ(empty.problems.all()[0].rule, "no-children");
  const auto nothing = parse_children_list("", "nothing.csv");
  EXPECT_FALSE(nothing.usable());
  const auto missing = read_children_list("/nonexistent/list.csv");
  ASSERT_FALSE(missing.usable());
  EXPECT_EQ(missing.problems.all()[0].rule, "unreadable");
}
