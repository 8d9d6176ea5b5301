// Writing result tables (core/output_table.hpp) as CSV, JSON and XLSX, and guarding text that
// spreadsheet programs would run as a formula.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/core/output_table.hpp"

namespace careflow {

// Spreadsheet programs take a cell that begins with = + - @ (or a tab or carriage return,
// after OWASP's CSV-injection guidance) as a formula: a child identifier such as
// =HYPERLINK("http://...") would run when the file is opened. Such text is written with a
// leading apostrophe, which makes it text in Excel and LibreOffice; text that is just a number
// ("-2", "+1.5", "-3%") and every number cell are written as they are. Used for every cell,
// heading, title and note of the CSV and XLSX writers below (not JSON, which no spreadsheet runs).
bool needs_formula_guard(std::string_view text);
// `text`, with the apostrophe when needs_formula_guard(text).
std::string spreadsheet_text(std::string_view text);

// Text made in chunks on several threads and used in order: format(begin, end, text) appends
// the text of items [begin, end) to `text`; write(text) gets each chunk's text, in item order,
// on one thread at a time. The result is the text one thread would make, item after item; the
// writers below use it for tables whose make_row is concurrent, careflow validate for its text.
void format_in_order(size_t items, const std::function<void(size_t begin, size_t end, std::string& text)>& format,
                     const std::function<void(std::string_view text)>& write, size_t chunk = 4096);

// Writers (streamed: a table is never held whole as text). Each writes its file whole or not at
// all (a temporary file beside it, renamed over it: output_folder.hpp) and returns false (and
// sets `error`) if the file cannot be written.
bool write_csv(const OutputTable& t, const std::string& path, std::string* error = nullptr);
std::string to_csv(const OutputTable& t);
// JSON: {"id","title","notes","columns":[{name,label}], "rows":[{name: value}...]};
// suppressed cells are null with a "suppressed" list of column names per row when any.
std::string to_json(const OutputTable& t);
bool write_json(const std::vector<OutputTable>& tables, const std::string& path, std::string* error = nullptr);
// One sheet per table, with a contents sheet first; headings bold, filters on, panes frozen.
bool write_xlsx(const std::vector<OutputTable>& tables, const std::string& path,
                std::string* error = nullptr, const std::string& contents_title = "careflow");

}  // namespace careflow
