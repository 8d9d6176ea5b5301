#include "careflow/io/cin_census.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace careflow::cin {

namespace fs = std::filesystem;

const std::string& ReturnTable::source_of(size_t row) const {
  for (auto it = more_sources.rbegin(); it != more_sources.rend(); ++it)
    if (row >= it->first_row) return it->file;
  return data.source;
}

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The schema's spelling of a CIN column name given in any case, or "" when it is none: only
// these are quoted in messages (a file without its header row has a child's values there).
std::string_view known_column(std::string_view name) {
  const std::string key = lower(name);
  for (const auto& s : schemas())
    for (const auto c : s.columns)
      if (lower(c) == key) return c;
  return {};
}

}  // namespace

std::optional<Table> identify_table(const std::vector<std::string>& columns, std::string_view file_name) {
  if (const auto t = table_from_name(fs::path(std::string(file_name)).filename().string())) return t;
  // Each table that has every CIN column of the file; decisive only when one has them all and
  // the file has at least one column beyond LAchildID and CINdetailsID, which most tables share.
  std::vector<std::string_view> known;
  for (const auto& c : columns)
    if (const auto k = known_column(c); !k.empty()) known.push_back(k);
  const size_t distinctive =
      static_cast<size_t>(std::count_if(known.begin(), known.end(), [](std::string_view k) {
        return k != "LAchildID" && k != "CINdetailsID";
      }));
  if (distinctive == 0) return std::nullopt;
  std::optional<Table> found;
  int fits = 0;
  for (const auto& s : schemas()) {
    const bool all = std::all_of(known.begin(), known.end(), [&](std::string_view k) {
      return std::find(s.columns.begin(), s.columns.end(), k) != s.columns.end();
    });
    if (all) {
      ++fits;
      found = s.table;
    }
  }
  return fits == 1 ? found : std::nullopt;
}

std::optional<ReturnTable> to_return_table(CsvTable csv, std::string_view file_name, ProblemLog& problems) {
  const auto t = identify_table(csv.columns, file_name);
  if (!t) {
    problems.add({Severity::error, csv.source, 1, "", "unknown-table",
                  "neither the file's name nor its columns say which CIN census module it holds (ChildIdentifiers, "
                  "CINdetails, Assessments...); the file was not used"});
    return std::nullopt;
  }
  const TableSchema& s = schema(*t);
  std::vector<int> from(s.columns.size(), -1);
  ReturnTable out;
  out.table = *t;
  out.has_column.assign(s.columns.size(), false);
  for (size_t c = 0; c < csv.columns.size(); ++c) {
    const std::string key = lower(csv.columns[c]);
    size_t k = 0;
    while (k < s.columns.size() && lower(s.columns[k]) != key) ++k;
    if (k == s.columns.size()) {
      out.extra_columns.push_back(csv.columns[c]);
      const std::string_view known = known_column(csv.columns[c]);
      problems.add({Severity::warning, csv.source, 1, known.empty() ? std::to_string(c + 1) : std::string(known),
                    "extra-column",
                    known.empty() ? fmt::format("the heading of column {} is not a column of the {} module; the "
                                                "column was ignored", c + 1, s.name)
                                  : fmt::format("column is not part of the {} module and was ignored", s.name)});
      continue;
    }
    if (from[k] >= 0) {
      problems.add({Severity::warning, csv.source, 1, std::string(s.columns[k]), "duplicate-column",
                    fmt::format("column appears twice (columns {} and {}); the first was used", from[k] + 1, c + 1)});
      continue;
    }
    from[k] = static_cast<int>(c);
    out.has_column[k] = true;
  }
  csv.upper_case();
  out.data.source = csv.source;
  out.data.encoding = csv.encoding;
  out.data.columns.assign(s.columns.begin(), s.columns.end());
  out.data.reserve(csv.rows(), 0);
  std::vector<std::string_view> views(s.columns.size());
  for (size_t r = 0; r < csv.rows(); ++r) {
    for (size_t k = 0; k < s.columns.size(); ++k)
      views[k] = from[k] >= 0 ? csv.cell(r, static_cast<size_t>(from[k])) : std::string_view{};
    out.data.add_row(views, csv.line(r));
  }
  return out;
}

Return read_return_csv_files(const std::vector<std::string>& files, CollectionYear year, ProblemLog& problems) {
  Return ret;
  ret.year = year;
  std::vector<std::string> sorted = files;
  std::sort(sorted.begin(), sorted.end());
  for (const auto& path : sorted) {
    CsvReadResult r = read_csv(path);
    for (const auto& p : r.problems.all()) problems.add(p);
    FileReport report{path, std::nullopt, r.table.encoding, r.records_read, r.records_rejected, r.blank_records};
    if (r.blank_records)
      problems.add({Severity::warning, path, 0, "", "blank-rows",
                    fmt::format("{} row(s) with every field empty were skipped", r.blank_records)});
    if (r.readable) {
      const std::string name = fs::path(path).filename().string();
      if (auto t = to_return_table(std::move(r.table), name, problems)) {
        report.table = t->table;
        auto& slot = ret.tables[static_cast<size_t>(t->table)];
        if (!slot) {
          slot = std::move(*t);
        } else {
          // A second file of the same module: its rows follow, each remembering its file.
          slot->more_sources.push_back({slot->rows(), t->source()});
          std::vector<std::string_view> views(slot->data.cols());
          for (size_t row = 0; row < t->rows(); ++row) {
            for (size_t c = 0; c < views.size(); ++c) views[c] = t->cell(row, c);
            slot->data.add_row(views, t->line(row));
          }
        }
      }
    }
    ret.files.push_back(std::move(report));
  }
  return ret;
}

}  // namespace careflow::cin
