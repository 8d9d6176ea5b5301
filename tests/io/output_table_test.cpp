#include "careflow/core/output_table.hpp"
#include "careflow/io/table_writers.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>

using namespace careflow;
namespace fs = std::filesystem;

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

// The JSON writer streams; the document must be exactly what nlohmann::json's dump(1) makes of
// the table built as a tree (the writer's previous implementation, rebuilt here as the
// independent reference), including escapes, UTF-8, numbers, nulls and suppressed cells.
TEST(OutputTable, StreamedJsonIsNlohmannDump) {
  OutputTable t;
  t.id = "t";
  t.title = "Quotes \" and \\ and\nnewline, caf\xC3\xA9";
  t.notes = "a note";
  t.add_column("zeta", "Z").add_column("alpha", "A").add_column("mid", "M");
  t.add_row({std::string("tab\there"), 12.0, 12.5});
  t.add_row({Suppressed{}, std::monostate{}, -0.0});
  t.add_row({std::string("\x01"), 1e20, 0.1});
  t.add_row({std::string(""), -7.0, std::numeric_limits<double>::quiet_NaN()});
  nlohmann::json j;
  j["id"] = t.id;
  j["title"] = t.title;
  j["notes"] = t.notes;
  j["columns"] = nlohmann::json::array();
  for (const auto& c : t.columns) j["columns"].push_back({{"name", c.name}, {"label", c.label}});
  j["rows"] = nlohmann::json::array();
  for (const auto& row : t.rows) {
    nlohmann::json r = nlohmann::json::object();
    nlohmann::json suppressed = nlohmann::json::array();
    for (size_t c = 0; c < row.size(); ++c) {
      const auto& name = t.columns[c].name;
      if (const auto* s = std::get_if<std::string>(&row[c])) r[name] = *s;
      else if (const auto* d = std::get_if<double>(&row[c])) r[name] = std::isfinite(*d) ? nlohmann::json(*d) : nlohmann::json();
      else {
        r[name] = nullptr;
        if (std::holds_alternative<Suppressed>(row[c])) suppressed.push_back(name);
      }
    }
    if (!suppressed.empty()) r["suppressed"] = suppressed;
    j["rows"].push_back(std::move(r));
  }
  EXPECT_EQ(to_json(t), j.dump(1));
  OutputTable empty;
  empty.id = "e";
  EXPECT_EQ(to_json(empty), nlohmann::json({{"id", "e"}, {"title", ""}, {"columns", nlohmann::json::array()},
                                            {"rows", nlohmann::json::array()}}).dump(1));
}

// Rows made on demand are written as the same rows held as cells would be.
TEST(OutputTable, LazyRowsWriteLikeHeldRows) {
  OutputTable held, lazy;
  for (auto* t : {&held, &lazy}) {
    t->id = "x";
    t->add_column("name", "Name").add_column("n", "N");
  }
  for (int i = 0; i < 3; ++i) held.add_row({std::string(i == 1 ? "a,b" : "c"), static_cast<double>(i)});
  lazy.lazy_rows = 3;
  lazy.make_row = [](size_t i, std::vector<Cell>& cells) {
    set_text(cells[0], i == 1 ? "a,b" : "c");
    cells[1] = static_cast<double>(i);
  };
  EXPECT_EQ(to_csv(lazy), to_csv(held));
  EXPECT_EQ(to_json(lazy), to_json(held));
  EXPECT_EQ(lazy.row_count(), 3u);
}

// Lazy rows made on several threads (make_row_concurrent: chunks formatted in parallel, written in
// order) give the text one thread gives, held rows first; 20,000 rows are several chunks.
TEST(OutputTable, ConcurrentLazyRowsWriteLikeSequential) {
  OutputTable one, many;
  for (auto* t : {&one, &many}) {
    t->id = "x";
    t->add_column("name", "Name").add_column("n", "N");
    t->add_row({std::string("held"), Suppressed{}});
    t->lazy_rows = 20000;
    t->make_row = [](size_t i, std::vector<Cell>& cells) {
      set_text(cells[0], i % 3 == 0 ? "a,\"b\"" : "row " + std::to_string(i));
      if (i % 7 == 0) cells[1] = Suppressed{};
      else cells[1] = static_cast<double>(i) / 4;
    };
  }
  many.make_row_concurrent = true;
  const std::string csv = to_csv(one), json = to_json(one);
  EXPECT_EQ(to_csv(many), csv);
  EXPECT_EQ(to_json(many), json);
  // 19997 / 4 = 4999.25; row 19999 (19999 = 7 * 2857, suppressed) comes last.
  EXPECT_NE(csv.find("\r\nrow 19997,4999.25\r\n"), std::string::npos);
  EXPECT_EQ(csv.substr(csv.size() - 13), "row 19999,c\r\n");
  const fs::path path = fs::temp_directory_path() / ("careflow_concurrent_" + std::to_string(::getpid()) + ".csv");
  ASSERT_TRUE(write_csv(many, path.string()));
  std::ifstream in(path, std::ios::binary);
  const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(written, csv);
  fs::remove(path);
}

// format_in_order hands chunks over in item order whatever the threads do.
TEST(OutputTable, FormatInOrder) {
  std::string out;
  format_in_order(
      10007, [](size_t b, size_t e, std::string& text) {
        for (size_t i = b; i < e; ++i) text += std::to_string(i) + '\n';
      },
      [&out](std::string_view text) { out += text; }, 100);
  std::string expected;
  for (size_t i = 0; i < 10007; ++i) expected += std::to_string(i) + '\n';
  EXPECT_EQ(out, expected);
}
