// The needs-assessment report: the analyses of analyse/ made safe to publish (disclosure
// control) and written as one self-contained HTML page (inline SVG charts, no scripts, no
// network), an XLSX workbook with one sheet per table, and CSV and JSON of every table.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "careflow/analyse/analyse.hpp"
#include "careflow/report/disclosure.hpp"
#include "careflow/report/sections.hpp"

namespace careflow::report {

struct ReportOptions {
  bool suppression = true;   // --no-suppression turns it off (internal use only)
  std::string area_label;    // "Birmingham (E08000025)"; from the assessment when empty
  // Sections from benchmark and forecast (sections.hpp), after analyse's own; their tables are
  // written with the others.
  std::vector<ExtraSection> extra;
};

// An HTML table (numbers right-aligned with thousands separators, withheld cells as c).
std::string table_html(const OutputTable& t, std::optional<size_t> total_row = std::nullopt);

// The spec disclosure control uses for an analysis table.
DisclosureSpec disclosure_spec(const analyse::Table& t);

// Every table with disclosure control applied (or not) over the tables jointly, with the
// relations between them (Assessment::relations), and each table's note saying what was
// withheld. `arithmetic`, when given, receives every count cell and relation (relations.json).
std::vector<analyse::Table> publishable(const analyse::Assessment& a, bool suppression,
                                        PublishedArithmetic* arithmetic = nullptr);

// The key messages that can be published: with suppression on, a message resting on a count of
// 1 to 5 (see KeyMessage::counts) is held back, and so is one resting on a count equal to one
// withheld in `published` (the tables as published), since a message does not say which cell it
// quotes.
std::vector<analyse::KeyMessage> publishable_messages(const analyse::Assessment& a, bool suppression,
                                                      const std::vector<analyse::Table>* published = nullptr);

// Counts of children at 31 March as the published tables show them (the looked-after column),
// for other sections that show the same figure (the forecast's actual numbers) to withhold them
// alike.
std::vector<PublishedCount> published_stock(const std::vector<analyse::Table>& published);

// The HTML page.
std::string render_html(const analyse::Assessment& a, const std::vector<analyse::Table>& tables,
                        const ReportOptions& o);

// What the report publishes besides its HTML: every table as written to CSV, JSON and XLSX
// (the notes first, then the analyses, then the other sections'), and their arithmetic
// (relations.json).
struct PublishedReport {
  std::vector<analyse::Table> analyses;  // the analyses as published (for the HTML)
  std::vector<OutputTable> tables;
  PublishedArithmetic arithmetic;
};
PublishedReport published_report(const analyse::Assessment& a, const ReportOptions& o);

struct ReportFiles {
  std::string html, xlsx, json, relations;
  std::vector<std::string> csv;
};
// Writes report.html, needs_assessment.xlsx, tables.json, relations.json and csv/<id>.csv into
// `dir`, each file whole or not at all. The commands write into an OutputFolder
// (io/output_folder.hpp), so that the folder is replaced whole too: never a new report beside an
// old workbook. With suppression off, every table is marked (mark_not_for_publication).
bool write_report(const analyse::Assessment& a, const std::string& dir, const ReportOptions& o, ReportFiles& files,
                  std::string* error = nullptr);

}  // namespace careflow::report
