#include "careflow/report/data_quality.hpp"

#include <fmt/format.h>

#include <map>
#include <utility>

#include "careflow/report/needs_assessment.hpp"
#include "careflow/report/svg_chart.hpp"

namespace careflow::report {

std::string_view describe_problem_rule(std::string_view rule) {
  static const std::map<std::string_view, std::string_view> kRules = {
      // Whole inputs and files.
      {"missing-year", "A collection year between the first and the last has no return: its figures are not shown, "
                       "and episodes open before it are closed at its end (open-episode-closed-at-gap)."},
      {"not-read", "A file or folder in a return's folder that is not a .csv or .xml file was not read."},
      {"same-folder-twice", "A year's folder was given twice; it was read once."},
      {"duplicate-year-folder", "Two folders held byte-identical copies of one year's return; it was read once."},
      {"same-file-twice", "A file was given twice; it was read once."},
      {"unreadable", "A file could not be read; nothing in it was used."},
      {"empty-file", "A file had no header row; nothing in it was used."},
      {"unknown-table", "A file's columns are not those of any SSDA903 table; nothing in it was used."},
      {"bad-xml", "An XML file could not be read as the return's XML form; nothing in it was used."},
      {"unknown-element", "Elements of an XML file that are not part of the return were not read."},
      {"encoding", "A file was not UTF-8 and was read as Windows-1252."},
      {"too-large", "A file larger than 4 GB was not read."},
      {"extra-column", "A column that is not part of its table was ignored."},
      {"missing-column", "A column of its table was missing from a file and treated as blank in every row."},
      {"duplicate-column", "A column appeared twice in a file; the first was used."},
      // Rows.
      {"unterminated-quote", "A quoted field was never closed, so the rest of its file was not used; the rows lost "
                             "are counted as rejected."},
      {"field-count", "A row had a different number of fields from its header and was rejected."},
      {"field-too-long", "A row with an overlong field was rejected."},
      {"blank-rows", "Rows with every field empty were skipped."},
      {"missing-key", "A row without a CHILD identifier was rejected."},
      {"bad-key-date", "A row whose key date (DECOM, REVIEW...) is missing or invalid was rejected."},
      {"bad-date", "A date that is not a valid date was treated as missing."},
      {"unknown-code", "A value that is not a code of its field was treated as missing."},
      {"date-after-year", "A date falls after 31 March of the collection year its return is for: an end date (DEC) "
                          "is taken as still open at 31 March; other dates are used as given."},
      {"episode-before-birth", "An episode starts before the child's date of birth: it is kept, and the child's age "
                               "at its start is taken as 0."},
      {"dec-before-decom", "An episode ends before it starts: its end date was treated as missing."},
      {"rec-without-dec", "A child's last episode has a reason ceased but no end date: it is treated as open."},
      // Children's header rows.
      {"duplicate-header", "A child has two header rows in one return: the later row is used."},
      {"conflicting-header", "Two header rows of one child in one return disagree on sex or date of birth: the "
                             "later row is used."},
      {"dob-changed", "A child's date of birth differs between returns: the latest return's is used."},
      {"sex-changed", "A child's sex differs between returns: the latest return's is used."},
      {"no-header", "A child has episodes but no header row: sex, age and ethnicity are unknown."},
      // Repairs (docs/ingestion.md).
      {"duplicate-episode", "Two episodes of one child start on the same day in one return: the later row is used."},
      {"overlap-truncated", "An episode ends after the next one starts: it is taken to end when the next starts."},
      {"open-episode-closed", "An episode has no end date but another follows: it is taken to end when the next "
                              "starts."},
      {"missing-rec-set-x1", "An episode without a reason ceased is continued by the next the same day: X1 is "
                             "assumed."},
      {"open-episode-missing-from-later-return",
       "An episode open at 31 March is not in the next year's return: it is taken to end on that 31 March."},
      {"open-episode-closed-at-gap", "An episode open before a missing year is not in the return after it: it is "
                                     "taken to end by the day before that return begins."},
      {"gap-starts-new-period", "An episode starts after a gap without RNE S: a new period of care starts."},
      {"new-period-after-x1", "RNE S on the day the previous episode ended X1: a new period of care starts."},
      {"re-entry-without-s", "An episode continues one that ended care: a new period of care starts."},
  };
  const auto it = kRules.find(rule);
  return it == kRules.end() ? std::string_view{} : it->second;
}

namespace {

// Kinds whose count is of years, folders, files or columns rather than of children's rows.
bool is_about_files(std::string_view rule) {
  for (const std::string_view r : {"missing-year", "not-read", "same-folder-twice", "duplicate-year-folder",
                                   "same-file-twice", "unreadable", "empty-file", "unknown-table", "bad-xml",
                                   "unknown-element", "encoding", "too-large", "extra-column", "missing-column",
                                   "duplicate-column", "blank-rows"})
    if (rule == r) return true;
  return false;
}

}  // namespace

ExtraSection data_quality_section(const IngestReport& report, bool suppression) {
  ExtraSection s;
  s.id = "data-quality";
  s.title = "Data quality";
  s.intro = "What careflow found while reading the returns, by kind: how often, and what it did. careflow ingest "
            "with --out lists each one with its file, line and column.";
  // Rules in the order first met, each with its severity and count (listed and not listed).
  struct Kind {
    Severity severity;
    size_t count = 0;
  };
  std::vector<std::pair<std::string, Kind>> kinds;
  auto add = [&](const std::string& rule, Severity severity, size_t n) {
    for (auto& [r, k] : kinds)
      if (r == rule && k.severity == severity) {
        k.count += n;
        return;
      }
    kinds.push_back({rule, {severity, n}});
  };
  for (const auto& p : report.problems.all()) add(p.rule, p.severity, 1);
  for (const auto& o : report.problems.omitted()) add(o.rule, o.severity, o.count);

  OutputTable t;
  t.id = "data_quality";
  t.title = "Problems found in the returns, by kind";
  t.add_column("rule", "Kind").add_column("severity", "Severity").add_column("count", "Number")
      .add_column("meaning", "What it means and what careflow did");
  // Errors first (rows or files not used), then warnings, then repairs, as a reader ranks them.
  for (const Severity sev : {Severity::error, Severity::warning, Severity::repair})
    for (const auto& [rule, k] : kinds)
      if (k.severity == sev) {
        const auto meaning = describe_problem_rule(rule);
        t.add_row({rule, std::string(to_string(sev)), static_cast<double>(k.count),
                   meaning.empty() ? std::string("See docs/ingestion.md.") : std::string(meaning)});
      }
  // A count of rows is a count of children's records: small ones are withheld as any count of
  // children is. Counts of years, files and columns are not.
  if (suppression) {
    bool withheld = false;
    for (auto& row : t.rows) {
      const double n = std::get<double>(row[2]);
      if (n >= 1 && n <= 5 && !is_about_files(std::get<std::string>(row[0]))) {
        row[2] = Suppressed{};
        withheld = true;
      }
    }
    if (withheld) t.notes = "c = withheld: counts of 1 to 5 rows.";
  }

  // A missing year changes what every table can say: in the notes at the end as well.
  for (const auto& p : report.problems.all())
    if (p.rule == "missing-year") s.limitations.push_back("Data quality: " + p.message + ".");

  if (!s.limitations.empty()) {
    s.html += "<p class=\"warn\">";
    for (size_t i = 0; i < s.limitations.size(); ++i) s.html += (i ? "<br>" : "") + xml_escape(s.limitations[i]);
    s.html += "</p>";
  }
  if (t.rows.empty()) {
    s.html += "<p class=\"note\">No problems were found in the returns.</p>";
  } else {
    s.html += fmt::format("<h3 id=\"t-{}\">{}</h3>", t.id, xml_escape(t.title));
    s.html += table_html(t);
    if (!t.notes.empty()) s.html += "<p class=\"note\">" + xml_escape(t.notes) + "</p>";
  }
  s.tables.push_back(std::move(t));
  return s;
}

}  // namespace careflow::report
