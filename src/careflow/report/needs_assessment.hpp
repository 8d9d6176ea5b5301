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

// Every table with disclosure control applied (or not), and each table's note saying so.
std::vector<analyse::Table> publishable(const analyse::Assessment& a, bool suppression);

// The key messages that can be published: with suppression on, a message resting on a count of
// 1 to 5 (see KeyMessage::counts) is held back.
std::vector<analyse::KeyMessage> publishable_messages(const analyse::Assessment& a, bool suppression);

// The HTML page.
std::string render_html(const analyse::Assessment& a, const std::vector<analyse::Table>& tables,
                        const ReportOptions& o);

struct ReportFiles {
  std::string html, xlsx, json;
  std::vector<std::string> csv;
};
// Writes report.html, needs_assessment.xlsx, tables.json and csv/<id>.csv into `dir`, each file
// whole or not at all. The commands write into an OutputFolder (io/output_folder.hpp), so that
// the folder is replaced whole too: never a new report beside an old workbook.
bool write_report(const analyse::Assessment& a, const std::string& dir, const ReportOptions& o, ReportFiles& files,
                  std::string* error = nullptr);

}  // namespace careflow::report
