#include "careflow/io/ssda903.hpp"
#include "careflow/base/edit_distance.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <pugixml.hpp>
#include <tbb/parallel_for.h>
#include <unordered_map>

namespace careflow::ssda903 {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Names users give these files, beyond the schema's own ("placed_adoption", "prev_perm"...).
std::optional<Table> table_from_file_name(std::string_view file_name) {
  std::string stem = lower(fs::path(std::string(file_name)).stem().string());
  // Strip separators so "Placed_For_Adoption", "placed-for-adoption" and "placedforadoption" agree.
  std::erase_if(stem, [](char c) { return c == '_' || c == '-' || c == ' '; });
  static const std::vector<std::pair<std::string_view, Table>> kNames = {
      {"header", Table::header}, {"episodes", Table::episodes}, {"reviews", Table::reviews},
      {"uasc", Table::uasc}, {"oc2", Table::oc2}, {"oc3", Table::oc3}, {"ad1", Table::ad1},
      {"placedforadoption", Table::placed_for_adoption}, {"placedadoption", Table::placed_for_adoption},
      {"previouspermanence", Table::previous_permanence}, {"prevperm", Table::previous_permanence},
      {"missing", Table::missing}, {"swepisodes", Table::sw_episodes},
      {"socialworkerepisodes", Table::sw_episodes}, {"dolo", Table::dolo}, {"dolos", Table::dolo}};
  // Longest name contained in the stem wins ("swepisodes" before "episodes").
  std::optional<Table> best;
  size_t best_len = 0;
  for (auto [name, t] : kNames)
    if (stem.find(name) != std::string::npos && name.size() > best_len) {
      best = t;
      best_len = name.size();
    }
  return best;
}

}  // namespace

std::optional<Table> table_from_name(std::string_view name) {
  for (const auto& s : schemas())
    if (lower(s.name) == lower(name)) return s.table;
  return table_from_file_name(name);
}

std::optional<Table> identify_table(const std::vector<std::string>& columns,
                                    std::string_view file_name) {
  // Score each table by how many of the file's columns it has; a table that lacks any of the
  // file's columns is a worse fit than one that has them all.
  struct Fit { Table t; size_t matched; size_t foreign; size_t schema_size; };
  std::vector<Fit> fits;
  // Each column name of any table, with the tables that have it: one look-up per column of the
  // file, whose header may have a million columns.
  static const auto kTablesOf = [] {
    std::unordered_map<std::string_view, uint16_t> m;
    for (const auto& s : schemas())
      for (const auto c : s.columns) m[c] |= static_cast<uint16_t>(1u << static_cast<unsigned>(s.table));
    return m;
  }();
  std::array<size_t, kTableCount> matched{};
  std::string name;
  for (const auto& c : columns) {
    name.assign(c);
    for (auto& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    const auto it = kTablesOf.find(name);
    if (it == kTablesOf.end()) continue;
    for (size_t t = 0; t < kTableCount; ++t) matched[t] += (it->second >> t) & 1u;
  }
  for (const auto& s : schemas()) {
    const size_t m = matched[static_cast<size_t>(s.table)];
    if (m == 0) continue;
    fits.push_back({s.table, m, columns.size() - m, s.columns.size()});
  }
  if (fits.empty()) return std::nullopt;
  // Exact column set: decisive, whatever the file is called.
  for (const auto& f : fits)
    if (f.foreign == 0 && f.matched == f.schema_size) return f.t;
  const auto hint = table_from_file_name(file_name);
  // A file named as a table and holding only some of its columns (even one: "MISSING" alone in
  // missing.csv), or at least two of them beside columns it does not have (CHILD, DOB and SEX in
  // ad1.csv): trust the name, since no other table fits exactly (that was checked above).
  if (hint)
    for (const auto& f : fits)
      if (f.t == *hint && (f.foreign == 0 || f.matched >= 2)) return f.t;
  // Otherwise the best fit: fewest foreign columns, then most matched, then fewest missing.
  std::sort(fits.begin(), fits.end(), [](const Fit& a, const Fit& b) {
    if (a.foreign != b.foreign) return a.foreign < b.foreign;
    if (a.matched != b.matched) return a.matched > b.matched;
    return a.schema_size - a.matched < b.schema_size - b.matched;
  });
  if (hint)
    for (const auto& f : fits)
      if (f.t == *hint && f.foreign == fits.front().foreign && f.matched >= 2) return f.t;
  // Without a hint, a fit is only trusted if it is unique: CHILD+DOB alone fits nine tables.
  if (fits.size() > 1 && fits[0].foreign == fits[1].foreign && fits[0].matched == fits[1].matched)
    return std::nullopt;
  if (fits.front().matched < 2) return std::nullopt;
  return fits.front().t;
}

namespace {

// A header cell is quoted in a message only when it is an SSDA903 column name: in a file
// without its header row the first row is a child's data, and any cell careflow does not know
// might be a value (an identifier, a date of birth, a postcode). Others are named by position.
std::string_view known_column(std::string_view cell) {
  // Every table's column names, sorted (a header of a million cells looks each one up).
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> names;
    for (const auto& s : schemas()) names.insert(names.end(), s.columns.begin(), s.columns.end());
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
  }();
  const std::string name = upper(cell);
  const auto it = std::lower_bound(kNames.begin(), kNames.end(), std::string_view(name));
  return it != kNames.end() && *it == name ? *it : std::string_view{};
}

std::string column_position(size_t c) { return std::to_string(c + 1); }


std::string unknown_table_message(const std::vector<std::string>& columns, std::string_view file_name) {
  // The first fields are enough to say what the row is; a header of a million fields must not
  // make a message of megabytes.
  constexpr size_t kLooked = 20;
  std::vector<std::string_view> known;
  size_t known_cells = 0;
  for (size_t c = 0; c < std::min(columns.size(), kLooked); ++c)
    if (const auto k = known_column(columns[c]); !k.empty()) {
      ++known_cells;
      if (std::find(known.begin(), known.end(), k) == known.end()) known.push_back(k);
    }
  if (!known.empty())
    return fmt::format("the first row's column names ({}{}) do not match any one SSDA903 table; the file was "
                       "not used. Each table's columns are listed in docs/ingestion.md",
                       fmt::join(known, ", "),
                       known_cells < columns.size() ? fmt::format(", and {} other field(s)", columns.size() - known_cells) : "");
  // No column name at all: most often a file saved without its header row. Say which table
  // has as many columns (the file's name decides between several), never what the row holds.
  std::vector<const TableSchema*> same_width;
  const auto hint = table_from_file_name(file_name);
  for (const auto& s : schemas())
    if (s.columns.size() == columns.size() && (!hint || *hint == s.table)) same_width.push_back(&s);
  std::string guess;
  if (same_width.size() == 1)
    guess = fmt::format(" It has as many fields as the {} table, whose header row is {}.", same_width[0]->name,
                        fmt::join(same_width[0]->columns, ","));
  return fmt::format("none of the first row's {} field(s) is an SSDA903 column name: the file may have no "
                     "header row (its values are not shown, as they may identify a child); the file was not "
                     "used.{} Each table's columns are listed in docs/ingestion.md",
                     columns.size() > kLooked ? fmt::format("first {} of its {}", kLooked, columns.size())
                                              : fmt::format("{}", columns.size()),
                     guess);
}

}  // namespace

std::optional<ColumnMap> map_columns(const std::vector<std::string>& columns, const std::string& source,
                                     std::string_view file_name, ProblemLog& problems) {
  const auto t = identify_table(columns, file_name);
  if (!t) {
    problems.add({Severity::error, source, 1, "", "unknown-table", unknown_table_message(columns, file_name)});
    return std::nullopt;
  }
  const TableSchema& s = schema(*t);
  ColumnMap m;
  m.table = *t;
  m.has_column.assign(s.columns.size(), false);
  m.from.assign(s.columns.size(), -1);
  size_t unknown_headings = 0;
  const std::string extra_column = "extra-column";
  for (size_t c = 0; c < columns.size(); ++c) {
    const std::string name = upper(columns[c]);
    const auto it = std::find(s.columns.begin(), s.columns.end(), name);
    if (it == s.columns.end()) {
      m.extra_columns.push_back(columns[c]);
      // Beyond the warnings listed, counted without building a message (a million columns).
      if (!problems.lists(source, extra_column)) {
        problems.add_unlisted(source, extra_column, Severity::warning);
        continue;
      }
      const std::string_view known = known_column(name);
      if (!known.empty()) {
        problems.add({Severity::warning, source, 1, std::string(known), extra_column,
                      fmt::format("column is not part of the {} table and was ignored", s.name)});
        continue;
      }
      // A near miss of one of the table's names (a typo of at most two letters) is suggested,
      // for the first few unknown headings: a file with dozens of them has not a typo but
      // another layout, and a header of a million cells must stay quick.
      std::string_view closest;
      if (++unknown_headings <= 20) {
        size_t best = 3;
        for (const auto& col : s.columns)
          if (name.size() <= col.size() + 2 && col.size() <= name.size() + 2)
            if (const size_t d = edit_distance(name, col); d < best && d < col.size() / 2 + 1) {
              best = d;
              closest = col;
            }
      }
      problems.add({Severity::warning, source, 1, column_position(c), extra_column,
                    fmt::format("the heading of column {} is not a column name of the {} table{}; the column was "
                                "ignored", c + 1, s.name,
                                closest.empty() ? "" : fmt::format(" (is it {}?)", closest))});
      continue;
    }
    const auto k = static_cast<size_t>(it - s.columns.begin());
    if (m.from[k] >= 0) {
      problems.add({Severity::warning, source, 1, std::string(s.columns[k]), "duplicate-column",
                    fmt::format("column appears twice (columns {} and {}); the first was used", m.from[k] + 1, c + 1)});
      continue;
    }
    m.from[k] = static_cast<int>(c);
    m.has_column[k] = true;
  }
  for (size_t k = 0; k < s.columns.size(); ++k)
    if (m.from[k] < 0)
      problems.add({Severity::warning, source, 1, std::string(s.columns[k]), "missing-column",
                    fmt::format("the {} table has no {} column; it is treated as blank in every row",
                                s.name, s.columns[k])});
  m.identity = columns.size() == s.columns.size();
  for (size_t k = 0; k < s.columns.size() && m.identity; ++k) m.identity = m.from[k] == static_cast<int>(k);
  return m;
}

std::optional<ReturnTable> to_return_table(CsvTable csv, std::string_view file_name,
                                           ProblemLog& problems) {
  auto map = map_columns(csv.columns, csv.source, file_name, problems);
  if (!map) return std::nullopt;
  const TableSchema& s = schema(map->table);
  const std::vector<int>& from = map->from;
  ReturnTable out;
  out.table = map->table;
  out.data.source = csv.source;
  out.data.encoding = csv.encoding;
  out.data.columns.assign(s.columns.begin(), s.columns.end());
  out.has_column = std::move(map->has_column);
  out.extra_columns = std::move(map->extra_columns);
  csv.upper_case();
  if (map->identity) {
    // The usual case: the file's columns are the table's, in order. Keep its cells as they are.
    auto columns = std::move(out.data.columns);
    out.data = std::move(csv);
    out.data.columns = std::move(columns);
    return out;
  }
  out.data.reserve(csv.rows(), 0);
  std::vector<std::string_view> views(s.columns.size());
  for (size_t r = 0; r < csv.rows(); ++r) {
    for (size_t k = 0; k < s.columns.size(); ++k)
      views[k] = from[k] >= 0 ? csv.cell(r, static_cast<size_t>(from[k])) : std::string_view{};
    out.data.add_row(views, csv.line(r));
  }
  return out;
}

namespace {

void append_table(Return& ret, ReturnTable t) {
  auto& slot = ret.tables[static_cast<size_t>(t.table)];
  if (!slot) {
    slot = std::move(t);
    return;
  }
  // A second file for the same table: append its rows, remembering where they came from.
  if (t.source() != slot->source() || !slot->more_sources.empty())
    slot->more_sources.push_back({slot->rows(), t.source()});
  std::vector<std::string_view> views(slot->data.cols());
  for (size_t r = 0; r < t.rows(); ++r) {
    for (size_t c = 0; c < views.size(); ++c) views[c] = t.cell(r, c);
    slot->data.add_row(views, t.line(r));
  }
}

bool has_extension(const fs::path& p, std::string_view ext) { return lower(p.extension().string()) == ext; }

}  // namespace

std::vector<Return> read_returns_by_year(const std::vector<std::pair<CollectionYear, std::vector<std::string>>>& years,
                                         ProblemLog& problems) {
  struct Parsed {
    ProblemLog problems;
    FileReport report;
    std::optional<ReturnTable> table;
  };
  // Every file of every year, in (year, name) order.
  struct Job { size_t year; std::string path; };
  std::vector<Job> jobs;
  for (size_t y = 0; y < years.size(); ++y) {
    std::vector<std::string> sorted = years[y].second;
    std::sort(sorted.begin(), sorted.end());
    for (auto& f : sorted) jobs.push_back({y, std::move(f)});
  }
  std::vector<Parsed> parsed(jobs.size());
  tbb::parallel_for(size_t{0}, jobs.size(), [&](size_t i) {
    const std::string& path = jobs[i].path;
    if (has_extension(path, ".xml")) return;  // XML fills several tables: read below, in order
    CsvReadResult r = read_csv(path);
    Parsed& p = parsed[i];
    p.problems = std::move(r.problems);
    p.report = FileReport{path, std::nullopt, r.table.encoding, r.records_read, r.records_rejected, r.blank_records};
    if (r.blank_records)
      p.problems.add({Severity::warning, path, 0, "", "blank-rows",
                      fmt::format("{} row(s) with every field empty were skipped", r.blank_records)});
    if (r.readable) {
      const std::string name = fs::path(path).filename().string();
      p.table = to_return_table(std::move(r.table), name, p.problems);
      if (p.table) p.report.table = p.table->table;
      else p.report.records_rejected = p.report.records_read;  // nothing of an unrecognised file is used
    }
  });
  std::vector<Return> out(years.size());
  for (size_t y = 0; y < years.size(); ++y) out[y].year = years[y].first;
  for (size_t i = 0; i < jobs.size(); ++i) {
    Return& ret = out[jobs[i].year];
    if (has_extension(jobs[i].path, ".xml")) {
      read_return_xml(jobs[i].path, ret, problems);
      continue;
    }
    problems.append(parsed[i].problems);
    if (parsed[i].table) append_table(ret, std::move(*parsed[i].table));
    ret.files.push_back(std::move(parsed[i].report));
  }
  return out;
}

namespace {

// Puts a file's columns into the table's order as each row is parsed.
class MappedRows final : public CsvRowSink {
 public:
  MappedRows(const std::string& path, std::string_view file_name, TableRowSink& out)
      : path_(path), file_name_(file_name), out_(out) {}

  void header(const std::vector<std::string>& columns) override {
    map = map_columns(columns, path_, file_name_, column_problems);
    if (map) cells_.resize(map->from.size());
  }

  void row(const std::string_view* fields, uint32_t line) override {
    if (!map) return;  // not a table: reported once, and every record counted as rejected
    if (map->identity) {
      out_.row(map->table, fields, line);
      return;
    }
    for (size_t k = 0; k < cells_.size(); ++k)
      cells_[k] = map->from[k] >= 0 ? fields[map->from[k]] : std::string_view{};
    out_.row(map->table, cells_.data(), line);
  }

  std::optional<ColumnMap> map;
  ProblemLog column_problems;  // reported after the parser's own problems, as read_return_files does

 private:
  const std::string& path_;
  std::string_view file_name_;
  TableRowSink& out_;
  std::vector<std::string_view> cells_;
};

}  // namespace

FileReport stream_return_csv(const std::string& path, std::string& buffer, TableRowSink& sink,
                             ProblemLog& problems) {
  if (!read_file(path, buffer)) {
    problems.add({Severity::error, path, 0, "", "unreadable", "the file cannot be read: " + why_unreadable(path)});
    return FileReport{path, std::nullopt, TextEncoding::utf8, 0, 0, 0};
  }
  const std::string name = fs::path(path).filename().string();
  MappedRows rows(path, name, sink);
  const CsvReadResult r = stream_csv(buffer, path, rows);
  problems.append(r.problems);
  FileReport report{path, std::nullopt, r.table.encoding, r.records_read, r.records_rejected, r.blank_records};
  if (r.blank_records)
    problems.add({Severity::warning, path, 0, "", "blank-rows",
                  fmt::format("{} row(s) with every field empty were skipped", r.blank_records)});
  if (r.readable) {
    problems.append(rows.column_problems);
    if (rows.map) report.table = rows.map->table;
    else report.records_rejected = report.records_read;  // nothing of an unrecognised file is used
  }
  return report;
}

Return read_return_files(const std::vector<std::string>& files, CollectionYear year, ProblemLog& problems) {
  return std::move(read_returns_by_year({{year, files}}, problems).front());
}

bool is_return_file_name(std::string_view path) {
  const fs::path p{std::string(path)};
  return has_extension(p, ".csv") || has_extension(p, ".xml");
}

FolderContents list_folder(const std::string& folder) {
  FolderContents c;
  std::error_code ec;
  fs::directory_iterator it(folder, ec);
  if (ec) {
    c.error = ec.message();
    return c;
  }
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path p = it->path();
    const std::string name = p.filename().string();
    if (name.empty() || name[0] == '.') continue;
    std::error_code sec;
    const auto st = fs::status(p, sec);  // through symbolic links: a link to a file is read
    if (sec) {
      c.not_read.push_back(fmt::format("{} (it cannot be read: {})", name, sec.message()));
      c.unreadable.emplace_back(p.string(), sec.message());
    } else if (fs::is_directory(st)) {
      c.folders.push_back(p.string());
    } else if (!fs::is_regular_file(st)) {
      c.not_read.push_back(fmt::format("{} (not a regular file)", name));
    } else if (is_return_file_name(name)) {
      c.files.push_back(p.string());
    } else {
      c.not_read.push_back(fmt::format("{} (only .csv and .xml files are read)", name));
    }
  }
  if (ec) c.error = ec.message();
  std::sort(c.files.begin(), c.files.end());
  std::sort(c.folders.begin(), c.folders.end());
  std::sort(c.not_read.begin(), c.not_read.end());
  std::sort(c.unreadable.begin(), c.unreadable.end());
  return c;
}

Return read_return_folder(const std::string& folder, CollectionYear year, ProblemLog& problems) {
  const FolderContents c = list_folder(folder);
  if (!c.error.empty())
    problems.add({Severity::error, folder, 0, "", "unreadable", "the folder cannot be read: " + c.error});
  else if (c.files.empty())
    problems.add({Severity::error, folder, 0, "", "no-files", "the folder holds no .csv or .xml files"});
  for (const auto& n : c.not_read)
    problems.add({Severity::warning, folder, 0, "", "not-read", "not read: " + n});
  for (const auto& f : c.folders)
    problems.add({Severity::warning, folder, 0, "", "not-read",
                  fmt::format("not read: {} (a folder; a year's return is the files directly in its folder)",
                              fs::path(f).filename().string())});
  return read_return_files(c.files, year, problems);
}

size_t usable_episode_rows(const Return& r) {
  const ReturnTable* t = r.find(Table::episodes);
  if (!t) return 0;
  size_t n = 0;
  for (size_t row = 0; row < t->rows(); ++row)
    n += !t->cell(row, episodes_col::CHILD).empty() && parse_date(t->cell(row, episodes_col::DECOM));
  return n;
}

Problem no_usable_episodes(CollectionYear year, const std::string& where, const std::vector<FileReport>& files,
                           size_t episode_rows, const std::vector<std::string>& not_read) {
  bool episodes_file = false, any_xml = false;
  std::vector<std::string> read;
  for (const auto& f : files) {
    const std::string name = fs::path(f.path).filename().string();
    const bool xml = has_extension(f.path, ".xml");
    episodes_file |= f.table == Table::episodes;
    any_xml |= xml;
    if (xml)
      read.push_back(fmt::format("{} (the XML form, {} <CHILD> element(s))", name, f.records_read));
    else if (f.table)
      read.push_back(fmt::format("{} ({}, {} row(s))", name, schema(*f.table).name, f.records_read));
    else
      read.push_back(fmt::format("{} (not read as a table of the return: see its error)", name));
  }
  std::string why;
  if (episode_rows > 0)
    why = fmt::format("none of its {} Episodes row(s) has both a CHILD and a valid DECOM (see the errors listed "
                      "for them)", episode_rows);
  else if (episodes_file)
    why = "its Episodes table has no rows";
  else if (any_xml)
    why = "no file holds the Episodes table, and no <EPISODE> element was read from the XML";
  else
    why = "no file holds the Episodes table";
  std::string msg = fmt::format("the {} return has no usable episodes: {}. A council's return always has "
                                "episodes; without them every figure from {} on would be wrong. ",
                                year.label(), why, year.label());
  msg += read.empty() ? std::string("No file was read.")
                      : fmt::format("Files read: {}.", fmt::join(read, ", "));
  if (!not_read.empty()) msg += fmt::format(" Not read: {}.", fmt::join(not_read, ", "));
  if (!episodes_file && episode_rows == 0)
    msg += " The Episodes table is a .csv file with the columns CHILD, DECOM, RNE, LS, CIN, PLACE, PLACE_PROVIDER, "
           "DEC, REC, REASON_PLACE_CHANGE, HOME_POST, PL_POST and URN (any order), or the <EPISODE> elements of the "
           "XML form.";
  return {Severity::error, where, 0, "", "no-episodes", std::move(msg)};
}

// ---- XML ------------------------------------------------------------------------------------

namespace {

// Maps byte offsets in the XML text to 1-based line numbers.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    for (size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') newlines_.push_back(i);
  }
  uint32_t line(ptrdiff_t offset) const {
    return static_cast<uint32_t>(std::lower_bound(newlines_.begin(), newlines_.end(),
                                                  static_cast<size_t>(std::max<ptrdiff_t>(offset, 0))) -
                                 newlines_.begin()) + 1;
  }

 private:
  std::vector<size_t> newlines_;
};

struct XmlTables {
  std::array<std::optional<ReturnTable>, kTableCount> tables;
  ReturnTable& get(Table t, const std::string& source) {
    auto& slot = tables[static_cast<size_t>(t)];
    if (!slot) {
      slot.emplace();
      slot->table = t;
      slot->data.source = source;
      const auto& s = schema(t);
      slot->data.columns.assign(s.columns.begin(), s.columns.end());
      slot->has_column.assign(s.columns.size(), true);
    }
    return *slot;
  }
};

std::string text_of(const pugi::xml_node& parent, const char* tag) {
  std::string v = parent.child(tag).text().as_string();
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.pop_back();
  size_t i = 0;
  while (i < v.size() && std::isspace(static_cast<unsigned char>(v[i]))) ++i;
  return upper(v.substr(i));
}

// Adds one row; `values` maps schema column to XML tag (or a literal from the header).
void add_xml_row(ReturnTable& t, const std::vector<std::string>& values, uint32_t line) {
  std::vector<std::string_view> views(values.begin(), values.end());
  t.data.add_row(views, line);
}

}  // namespace

void read_return_xml(const std::string& path, Return& into, ProblemLog& problems) {
  std::string bytes;
  if (!read_file(path, bytes)) {
    problems.add({Severity::error, path, 0, "", "unreadable", "the file cannot be read: " + why_unreadable(path)});
    into.files.push_back(FileReport{path, std::nullopt, TextEncoding::utf8, 0, 0, 0});
    return;
  }
  read_return_xml_text(bytes, path, into, problems);
}

void read_return_xml_text(std::string_view bytes, const std::string& path, Return& into, ProblemLog& problems) {
  FileReport rep{path, std::nullopt, TextEncoding::utf8, 0, 0, 0};
  pugi::xml_document doc;
  const auto res = doc.load_buffer(bytes.data(), bytes.size(), pugi::parse_default, pugi::encoding_auto);
  LineIndex lines(bytes);
  if (!res) {
    problems.add({Severity::error, path, lines.line(res.offset), "", "bad-xml",
                  fmt::format("the XML cannot be parsed: {}; nothing in the file was used", res.description())});
    into.files.push_back(rep);
    return;
  }
  // pugixml takes UTF-8 on trust: bytes that are not would reach problems and outputs (and
  // JSON writers refuse them). Other encodings it converts itself.
  if (const size_t bad = res.encoding == pugi::encoding_utf8 ? first_invalid_utf8(bytes) : std::string_view::npos;
      bad != std::string_view::npos) {
    problems.add({Severity::error, path, lines.line(static_cast<ptrdiff_t>(bad)), "", "bad-xml",
                  "the XML is not valid UTF-8 on this line: save it as UTF-8 (or declare its encoding, e.g. "
                  "ISO-8859-1); nothing in the file was used"});
    into.files.push_back(rep);
    return;
  }
  // pugixml accepts several top-level elements; an XML document has one, and reading only the
  // first would drop the others' children without a word.
  std::vector<pugi::xml_node> roots;
  for (auto n : doc.children())
    if (n.type() == pugi::node_element) roots.push_back(n);
  if (roots.size() > 1) {
    problems.add({Severity::error, path, lines.line(roots[1].offset_debug()), "", "bad-xml",
                  fmt::format("the file has {} top-level elements (<{}>, then <{}> on this line); an XML document "
                              "has one, <EXPSSDA903>, so nothing in the file was used",
                              roots.size(), roots[0].name(), roots[1].name())});
    into.files.push_back(rep);
    return;
  }
  auto root = doc.document_element();
  if (std::string_view(root.name()) != "EXPSSDA903") {
    const bool case_only = lower(root.name()) == "expssda903";
    problems.add({Severity::error, path, lines.line(root.offset_debug()), "", "bad-xml",
                  fmt::format("the root element is <{}>, not <EXPSSDA903>{}; nothing was used", root.name(),
                              case_only ? " (element names are case-sensitive)" : "")});
    into.files.push_back(rep);
    return;
  }
  // Elements the reader does not know are named, counted once per name: <child> for <CHILD>
  // would otherwise leave a return without a single child and no message.
  struct Unknown { std::string name; uint32_t line; size_t count; };
  std::vector<Unknown> unknown;
  auto note_unknown = [&](const pugi::xml_node& n) {
    for (auto& u : unknown)
      if (u.name == n.name()) {
        ++u.count;
        return;
      }
    unknown.push_back({n.name(), lines.line(n.offset_debug()), 1});
  };
  for (auto n : root.children())
    if (n.type() == pugi::node_element && std::string_view(n.name()) != "CHILD") note_unknown(n);
  for (auto child : root.children("CHILD"))
    for (auto n : child.children())
      if (n.type() == pugi::node_element && std::string_view(n.name()) != "HEADER" &&
          std::string_view(n.name()) != "EPISODE")
        note_unknown(n);
  for (const auto& u : unknown)
    problems.add({Severity::error, path, u.line, "", "unknown-element",
                  fmt::format("{} <{}> element(s) from this line on are not part of the return and were not read "
                              "(the return holds <CHILD> elements, each with a <HEADER> and <EPISODE>s; element "
                              "names are case-sensitive)", u.count, u.name)});
  XmlTables xt;
  for (auto child : root.children("CHILD")) {
    ++rep.records_read;
    const uint32_t line = lines.line(child.offset_debug());
    auto h = child.child("HEADER");
    const std::string id = text_of(h, "CHILDID");
    if (id.empty()) {
      problems.add({Severity::error, path, line, "CHILDID", "missing-key",
                    "a <CHILD> has no <CHILDID>; the child and its episodes were rejected"});
      ++rep.records_rejected;
      continue;
    }
    const std::string dob = text_of(h, "DOB");
    add_xml_row(xt.get(Table::header, path),
                {id, text_of(h, "SEX"), dob, text_of(h, "ETHNIC"), text_of(h, "UPN"),
                 text_of(h, "MOTHER"), text_of(h, "MC_DOB")}, line);
    const std::string uasc = text_of(h, "UASC");
    const std::string duc = text_of(h, "DUC");
    if (uasc == "1" || !duc.empty())
      add_xml_row(xt.get(Table::uasc, path), {id, text_of(h, "SEX"), dob, duc}, line);
    if (h.child("DATE_INT"))
      add_xml_row(xt.get(Table::ad1, path),
                  {id, dob, text_of(h, "DATE_INT"), text_of(h, "DATE_MATCH"), text_of(h, "FOSTER_CARE"),
                   text_of(h, "NB_ADOPTR"), text_of(h, "SEX_ADOPTR"), text_of(h, "LS_ADOPTR")}, line);
    if (h.child("IN_TOUCH"))
      add_xml_row(xt.get(Table::oc3, path),
                  {id, dob, text_of(h, "IN_TOUCH"), text_of(h, "ACTIV"), text_of(h, "ACCOM")}, line);
    for (auto m : h.children("AMISSING"))
      add_xml_row(xt.get(Table::missing, path),
                  {id, dob, text_of(m, "MISSING"), text_of(m, "MIS_START"), text_of(m, "MIS_END")},
                  lines.line(m.offset_debug()));
    for (auto r : h.children("AREVIEW"))
      add_xml_row(xt.get(Table::reviews, path), {id, dob, text_of(r, "REVIEW"), text_of(r, "REVIEW_CODE")},
                  lines.line(r.offset_debug()));
    // PERMANENCE may wrap the fields, or they may sit directly in HEADER.
    auto perm = h.child("PERMANENCE") ? h.child("PERMANENCE") : h;
    if (perm.child("PREV_PERM") || perm.child("LA_PERM") || perm.child("DATE_PERM"))
      add_xml_row(xt.get(Table::previous_permanence, path),
                  {id, dob, text_of(perm, "PREV_PERM"), text_of(perm, "LA_PERM"), text_of(perm, "DATE_PERM")},
                  lines.line(perm.offset_debug()));
    if (auto oc2 = h.child("OC2"))
      add_xml_row(xt.get(Table::oc2, path),
                  {id, dob, text_of(oc2, "SDQ_SCORE"), text_of(oc2, "SDQ_REASON"), text_of(oc2, "CONVICTED"),
                   text_of(oc2, "HEALTH_CHECK"), text_of(oc2, "IMMUNISATIONS"), text_of(oc2, "TEETH_CHECK"),
                   text_of(oc2, "HEALTH_ASSESSMENT"), text_of(oc2, "SUBSTANCE_MISUSE"),
                   text_of(oc2, "INTERVENTION_RECEIVED"), text_of(oc2, "INTERVENTION_OFFERED")},
                  lines.line(oc2.offset_debug()));
    for (auto p : h.children("AD_PLACED"))
      add_xml_row(xt.get(Table::placed_for_adoption, path),
                  {id, dob, text_of(p, "DATE_PLACED"), text_of(p, "DATE_PLACED_CEASED"),
                   text_of(p, "REASON_PLACED_CEASED")}, lines.line(p.offset_debug()));
    for (auto e : child.children("EPISODE"))
      add_xml_row(xt.get(Table::episodes, path),
                  {id, text_of(e, "DECOM"), text_of(e, "RNE"), text_of(e, "LS"), text_of(e, "CIN"),
                   text_of(e, "PL"), text_of(e, "PLACE_PROVIDER"), text_of(e, "DEC"), text_of(e, "REC"),
                   text_of(e, "REASON_PLACE_CHANGE"), text_of(e, "HOME_POST"), text_of(e, "PL_POST"),
                   text_of(e, "URN")}, lines.line(e.offset_debug()));
  }
  rep.table = Table::header;
  for (auto& t : xt.tables)
    if (t) append_table(into, std::move(*t));
  into.files.push_back(std::move(rep));
}

}  // namespace careflow::ssda903
