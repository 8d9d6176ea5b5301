// Reading the published tables of the reference data folder (public_data.cpp and
// direct_measures.cpp). A file laid out otherwise than expected (a column renamed or dropped in a
// new release, fewer columns than a row needs) is never read out of bounds: a cell of an absent
// column reads as blank, and a file without a column it cannot do without is reported and not used.
#pragma once

#include <initializer_list>
#include <optional>
#include <string_view>
#include <utility>

#include "careflow/benchmark/public_data.hpp"
#include "careflow/io/csv.hpp"

namespace careflow::benchmark::detail {

// A reference file as `read` gives it, or why not recorded in `d.missing`.
std::optional<CsvTable> open_published(const PublishedFileReader& read, const char* rel, PublicData& d);
// A cell's text; blank when the column is absent (c < 0 or beyond the table's columns).
std::string_view text(const CsvTable& t, size_t row, int c);
// A cell as published (a number or a marker); not available when the column is absent.
Published published(const CsvTable& t, size_t row, int c);
// The value when it is a whole number an int holds (a year, a DfE LA number).
std::optional<int> whole_number(const Published& p);
// A year of a publication: a whole number from 1990 to 2100, the years careflow reads (a typo
// such as 20000025 would otherwise make a table of twenty million years).
std::optional<int> year_number(const Published& p);
// Whether every column a file needs is there (by position, e.g. find_column's result); if
// not, says which in `d.problems` and the caller does not use the file.
bool has_columns(const CsvTable& t, const char* rel, std::initializer_list<std::pair<int, std::string_view>> needed,
                 PublicData& d);

}  // namespace careflow::benchmark::detail
