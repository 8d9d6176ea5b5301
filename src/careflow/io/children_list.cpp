#include "careflow/io/children_list.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "careflow/io/csv.hpp"

namespace careflow {
namespace {

std::string heading_key(std::string_view h) {
  std::string k;
  for (const char c : h)
    if (std::isalnum(static_cast<unsigned char>(c))) k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return k;
}

template <size_t N>
bool is_one_of(const std::string& key, const std::string_view (&names)[N]) {
  return std::find(std::begin(names), std::end(names), key) != std::end(names);
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

ChildrenList from_table(CsvReadResult&& csv) {
  ChildrenList list;
  list.source = csv.table.source;
  list.problems = std::move(csv.problems);
  if (!csv.readable) {
    if (list.problems.count(Severity::error) == 0)
      list.problems.add({Severity::error, list.source, 0, "", "unreadable", "the list of children could not be read"});
    return list;
  }
  const CsvTable& t = csv.table;
  // Which column is which, by heading; a heading given twice is ambiguous and refused.
  int id_col = -1, start_col = -1, end_col = -1;
  auto take = [&](int& col, size_t c, const char* what) {
    if (col >= 0) {
      list.problems.add({Severity::error, list.source, 1, std::to_string(c + 1), "duplicate-column",
                         fmt::format("a second {} column (the first is column {}): say which to use by removing one", what, col + 1)});
      return;
    }
    col = static_cast<int>(c);
  };
  for (size_t c = 0; c < t.cols(); ++c) {
    const std::string k = heading_key(t.columns[c]);
    if (is_one_of(k, kChildIdHeadings)) take(id_col, c, "child id");
    else if (is_one_of(k, kStartHeadings)) take(start_col, c, "start date");
    else if (is_one_of(k, kEndHeadings)) take(end_col, c, "end date");
  }
  if (id_col < 0)
    list.problems.add({Severity::error, list.source, 1, "child_id", "missing-column",
                       "no child id column: the header row needs one headed child_id (or LAchildID)"});
  if (start_col < 0)
    list.problems.add({Severity::error, list.source, 1, "start_date", "missing-column",
                       "no start date column: the header row needs one headed start_date"});
  if (id_col < 0 || start_col < 0) return list;
  const std::string id_name = t.columns[id_col], start_name = t.columns[start_col];
  const std::string end_name = end_col >= 0 ? t.columns[end_col] : std::string();
  std::unordered_map<std::string, uint32_t> first_line;  // upper-cased id -> line
  for (size_t r = 0; r < t.rows(); ++r) {
    const uint32_t line = t.line(r);
    ++list.rows;
    bool ok = true;
    auto fault = [&](const std::string& column, const char* rule, std::string message) {
      list.problems.add({Severity::error, list.source, line, column, rule, std::move(message)});
      ok = false;
    };
    ListedChild child;
    child.line = line;
    child.id = trim(t.cell(r, id_col));
    if (child.id.empty()) fault(id_name, "missing-child-id", "the child id is empty");
    const ParsedDate start = parse_date(trim(t.cell(r, start_col)));
    if (!start) fault(start_name, "bad-date", fmt::format("start date: {}", describe(start.error)));
    child.start = start.date;
    if (end_col >= 0 && !trim(t.cell(r, end_col)).empty()) {
      const ParsedDate end = parse_date(trim(t.cell(r, end_col)));
      if (!end) {
        fault(end_name, "bad-date", fmt::format("end date: {}", describe(end.error)));
      } else {
        child.end = end.date;
        if (start && end.date < start.date) fault(end_name, "end-before-start", "the end date is before the start date");
      }
    }
    if (!child.id.empty()) {
      const auto [it, fresh] = first_line.emplace(upper(child.id), line);
      if (!fresh)
        fault(id_name, "duplicate-child",
              fmt::format("the same child as line {} (ids compared without regard to case): give each child once, "
                          "with the start of the support evaluated", it->second));
    }
    if (ok) list.children.push_back(std::move(child));
  }
  if (list.rows == 0 && list.usable())
    list.problems.add({Severity::error, list.source, 0, "", "no-children", "the list has a header row but no children"});
  return list;
}

}  // namespace

ChildrenList read_children_list(const std::string& path) {
  std::string bytes;
  if (!read_file(path, bytes)) {
    ChildrenList list;
    list.source = path;
    list.problems.add({Severity::error, path, 0, "", "unreadable",
                       fmt::format("the list of children cannot be read: {}", why_unreadable(path))});
    return list;
  }
  return from_table(parse_csv_owned(std::move(bytes), path));
}

ChildrenList parse_children_list(std::string_view bytes, std::string source) {
  return from_table(parse_csv(bytes, std::move(source)));
}

}  // namespace careflow
