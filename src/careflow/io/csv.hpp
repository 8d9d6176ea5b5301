// Reading CSV files as councils' systems export them: UTF-8 with or without a byte-order mark,
// UTF-16 (Excel's "Unicode text"), Windows-1252, CRLF or LF line ends, quoted fields with
// embedded commas, quotes and line breaks. Every cell is text; typing is the caller's job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/core/problems.hpp"

namespace careflow {

enum class TextEncoding : uint8_t { utf8, utf8_bom, utf16le, utf16be, windows1252 };
std::string_view to_string(TextEncoding e);

// Cells are stored in one buffer so that a million-row table is three allocations, not millions.
class CsvTable {
 public:
  static constexpr size_t kMaxCellLength = 65535;
  std::string source;                // file path (or a label for in-memory text)
  TextEncoding encoding = TextEncoding::utf8;
  std::vector<std::string> columns;  // header row, trimmed

  size_t rows() const { return lines_.size(); }
  size_t cols() const { return columns.size(); }
  std::string_view cell(size_t row, size_t col) const {
    const size_t i = row * columns.size() + col;
    return std::string_view(text_.data() + begin_[i], length_[i]);
  }
  // 1-based line of the file on which the row starts (the header is line 1).
  uint32_t line(size_t row) const { return lines_[row]; }
  // Index of a column by exact name, or -1.
  int find_column(std::string_view name) const;

  // Builds a table row by row (used by readers of other formats, and by tests).
  void add_row(const std::vector<std::string_view>& cells, uint32_t line);
  void reserve(size_t rows, size_t bytes);
  // Upper-cases ASCII letters in every cell, in place (codes are case-insensitive).
  void upper_case();

 private:
  friend class CsvParser;
  friend struct CsvReadResult parse_csv_owned(std::string bytes, std::string source);
  std::string text_;
  // Six bytes a cell: a national history has tens of millions of cells. No SSDA903 field comes
  // near kMaxCellLength; a record with a longer cell is rejected and reported.
  std::vector<uint32_t> begin_;
  std::vector<uint16_t> length_;
  std::vector<uint32_t> lines_;
};

struct CsvReadResult {
  CsvTable table;
  ProblemLog problems;
  bool readable = false;       // false: the file could not be opened or has no header
  size_t records_read = 0;     // data records found (excluding the header)
  size_t records_rejected = 0; // records not kept (wrong field count), each reported
  size_t blank_records = 0;    // records whose every field is empty: skipped, and reported
};

// Receives a CSV's rows as they are parsed, for readers that turn each row into their own
// records at once: no cell index is built and the text can be reused for the next file, which
// at national scale saves hundreds of megabytes of memory that would be touched once.
class CsvRowSink {
 public:
  virtual ~CsvRowSink() = default;
  // The header row, as written in the file; called once, before any row.
  virtual void header(const std::vector<std::string>& columns) = 0;
  // A record with as many fields as the header (other records are rejected and reported as by
  // read_csv). Fields are trimmed and upper-cased; the views are valid only during the call.
  virtual void row(const std::string_view* fields, uint32_t line) = 0;
};

// Reads and parses a file. Never throws for bad content; problems are in the result.
CsvReadResult read_csv(const std::string& path);
// Parses `bytes` in place and hands each row to `sink`. The result counts records and reports
// problems exactly as parse_csv does; its table has the header and encoding but no rows.
// `bytes` keeps its capacity, so that the caller can read the next file into it.
CsvReadResult stream_csv(std::string& bytes, std::string source, CsvRowSink& sink);
// Parses bytes already in memory; `source` names them in problems.
CsvReadResult parse_csv(std::string_view bytes, std::string source);
// The same, taking ownership of the bytes so that UTF-8 input is parsed without a copy.
CsvReadResult parse_csv_owned(std::string bytes, std::string source);

// The offset of the first byte that does not belong to well-formed UTF-8 (RFC 3629: no overlong
// forms, surrogates or code points above U+10FFFF), or npos when the text is UTF-8.
size_t first_invalid_utf8(std::string_view text);

// Converts raw bytes of any supported encoding to UTF-8 and says which it was.
std::string decode_to_utf8(std::string_view bytes, TextEncoding& detected);

// Reads a whole file into memory; false if it cannot be opened or is a folder. Reuses `out`'s
// memory: a buffer read into again and again is zero-filled only where it grows.
bool read_file(const std::string& path, std::string& out);
// Why read_file could not read `path`, in a few words for a message: "no such file", "it is a
// folder, not a file", "permission denied"...
std::string why_unreadable(const std::string& path);

// A number as people write one in a spreadsheet cell ("1,234.5", "£765", " 80 "): none unless the
// whole cell is one finite number ("nan", "inf", "12abc" and overflow are not numbers).
std::optional<double> parse_number_cell(std::string_view cell);

// Quotes a field for CSV output when it needs it (RFC 4180).
std::string csv_escape(std::string_view field);

}  // namespace careflow
