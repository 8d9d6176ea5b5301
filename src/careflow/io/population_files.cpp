#include "careflow/io/population_files.hpp"

#include <cmath>
#include <optional>

namespace careflow {

namespace {
// A cell holding a whole number in [lo, hi] ("2,024" and " 7 " are; "3.5", "nan", 1e300 are not).
std::optional<int> whole_number(std::string_view cell, int lo, int hi) {
  const auto v = parse_number_cell(cell);
  if (!v || *v < lo || *v > hi || *v != std::trunc(*v)) return std::nullopt;
  return static_cast<int>(*v);
}
}  // namespace

PopulationFile population_file_from_csv(const CsvReadResult& r, std::string file) {
  PopulationFile out;
  out.file = std::move(file);
  const int yc = r.table.find_column("year"), pc = r.table.find_column("population");
  if (!r.readable || yc < 0 || pc < 0) return out;
  out.readable = true;
  for (size_t i = 0; i < r.table.rows(); ++i) {
    const auto y = whole_number(r.table.cell(i, static_cast<size_t>(yc)), 1900, 2200);
    const auto p = parse_number_cell(r.table.cell(i, static_cast<size_t>(pc)));
    if (y && p && *p > 0) out.rows.push_back({*y, *p});
    else out.unread_lines.push_back(r.table.line(i));
  }
  return out;
}

ProjectionFile projection_file_from_csv(const CsvReadResult& r, std::string file) {
  ProjectionFile out;
  out.file = std::move(file);
  const int yc = r.table.find_column("year"), ac = r.table.find_column("age"), pc = r.table.find_column("population");
  if (!r.readable || yc < 0 || ac < 0 || pc < 0) return out;
  out.readable = true;
  for (size_t i = 0; i < r.table.rows(); ++i) {
    const auto y = whole_number(r.table.cell(i, static_cast<size_t>(yc)), 1900, 2200);
    const auto age = whole_number(r.table.cell(i, static_cast<size_t>(ac)), 0, 200);
    const auto p = parse_number_cell(r.table.cell(i, static_cast<size_t>(pc)));
    if (y && age && p && *p >= 0) out.rows.push_back({*y, *age, *p});
    else out.unread_lines.push_back(r.table.line(i));
  }
  return out;
}

PopulationFile read_population_file(const std::string& path) { return population_file_from_csv(read_csv(path), path); }
ProjectionFile read_projection_file(const std::string& path) { return projection_file_from_csv(read_csv(path), path); }

}  // namespace careflow
