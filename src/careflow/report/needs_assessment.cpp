#include "careflow/io/relations_json.hpp"
#include "careflow/io/table_writers.hpp"
#include "careflow/report/needs_assessment.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "careflow/io/output_folder.hpp"
#include "careflow/report/svg_chart.hpp"

// g++ 12 false positive inside std::variant copies (see analyse/analyse.cpp).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace careflow::report {
namespace {


struct Section {
  const char* id;
  const char* title;
  const char* intro;
  // Shown only when it has tables: a section drawn from a return the council may not have given
  // (the CIN census), which is otherwise absent rather than empty.
  bool only_with_tables = false;
};
constexpr Section kSections[] = {
    {"profile", "Who is looked after: profile at 31 March",
     "The number of children looked after at 31 March each year, the rate per 10,000 children, and who they are."},
    {"flows", "Flows into and out of care",
     "Children starting and ceasing to be looked after each year, and how the balance between them changes the "
     "number in care."},
    {"durations", "Time in care and in placements",
     "How long children stay in care (Kaplan–Meier estimates that count children still in care), how long placements "
     "last, and the days spent in each type of placement."},
    {"stability", "Placement stability", "Placement moves, measured as DfE measures them, and why placements end."},
    {"reentry", "Re-entry to care", "Children who come back into care after leaving, especially after returning home."},
    {"permanence", "Permanence", "Adoption, special guardianship, child arrangements orders and placements with parents."},
    {"costs", "Costs", "Estimated placement spend from days in care and weekly unit costs."},
    {"projection", "Projected demand", "What today's rates by age would mean for a projected child population."},
    {"front_door", "The front door and child protection",
     "From the council's Children in Need census returns: referrals to children's social care and what became of "
     "them, child protection plans, section 47 enquiries and child protection conferences, by collection year (1 "
     "April to 31 March), beside England's figures from DfE's 'Children in need' statistics.",
     true},
};

bool has_tables(const std::vector<analyse::Table>& tables, const char* section) {
  return std::any_of(tables.begin(), tables.end(), [&](const analyse::Table& t) { return t.section == section; });
}

std::string cell_text(const Cell& c, int decimals) {
  if (std::holds_alternative<Suppressed>(c)) return "c";
  if (const double* d = std::get_if<double>(&c)) {
    if (decimals < 0 && *d == std::floor(*d) && std::fabs(*d) < 1e15) {
      // Thousands separators for whole numbers a person reads.
      std::string s = fmt::format("{:.0f}", std::fabs(*d)), out;
      for (size_t i = 0; i < s.size(); ++i) {
        if (i && (s.size() - i) % 3 == 0) out += ',';
        out += s[i];
      }
      return (*d < 0 ? "-" : "") + out;
    }
    return format_cell(c, decimals);
  }
  return format_cell(c, decimals);
}

// A table column as a chart series: values by row (NaN where missing or withheld, with the
// withheld ones flagged so the chart marks them "c").
Series column_series(const OutputTable& tb, size_t col, size_t begin, size_t end, size_t colour) {
  Series s{tb.columns[col].label, {}, {}, palette(colour)};
  for (size_t r = begin; r < end; ++r) {
    const Cell& c = tb.rows[r][col];
    const double* d = std::get_if<double>(&c);
    s.x.push_back(double(s.x.size()));
    s.y.push_back(d ? *d : std::nan(""));
    s.withheld.push_back(std::holds_alternative<Suppressed>(c));
  }
  return s;
}

std::string chart_for(const analyse::Table& t, size_t year_count) {
  using analyse::Chart;
  const auto& tb = t.table;
  if (tb.rows.empty()) return "";
  ChartOptions o;
  o.title = tb.title;
  o.y_label = t.y_label;
  o.width = 760;
  o.height = 320;
  o.legend_right = true;
  const size_t end = t.total_row ? *t.total_row : tb.rows.size();
  switch (t.chart) {
    case Chart::none: return "";
    case Chart::year_lines: {
      for (const auto& r : tb.rows) o.x_categories.push_back(cell_text(r[0], 0));
      std::vector<Series> lines;
      for (size_t col : t.series) lines.push_back(column_series(tb, col, 0, tb.rows.size(), lines.size()));
      return line_chart(o, lines);
    }
    case Chart::step: {  // x = days in the first column
      o.x_label = tb.columns[0].label;
      std::vector<Series> lines;
      for (size_t col : t.series) {
        Series s = column_series(tb, col, 0, tb.rows.size(), lines.size());
        for (size_t r = 0; r < tb.rows.size(); ++r) {
          const double* d = std::get_if<double>(&tb.rows[r][0]);
          s.x[r] = d ? *d : std::nan("");
        }
        s.step = true;
        lines.push_back(std::move(s));
      }
      return line_chart(o, lines);
    }
    case Chart::category_lines: {
      if (year_count <= 1) {  // one year: a bar per category
        std::vector<std::string> cats;
        for (size_t r = 0; r < end; ++r) cats.push_back(cell_text(tb.rows[r][0], 0));
        o.x_label = tb.columns[1].label;
        return grouped_bar_chart(o, cats, {column_series(tb, 1, 0, end, 0)});
      }
      for (size_t y = 1; y <= year_count; ++y) o.x_categories.push_back(tb.columns[y].label);
      // The largest categories in the latest year, so the chart stays readable.
      std::vector<std::pair<double, size_t>> order;
      for (size_t r = 0; r < end; ++r) {
        const double* d = std::get_if<double>(&tb.rows[r][year_count]);
        order.push_back({d ? *d : 0, r});
      }
      std::stable_sort(order.begin(), order.end(), [](auto& a, auto& b) { return a.first > b.first; });
      if (order.size() > 8) order.resize(8);
      std::vector<Series> lines;
      for (auto [v, r] : order) {
        Series s{cell_text(tb.rows[r][0], 0), {}, {}, palette(lines.size())};
        for (size_t y = 1; y <= year_count; ++y) {
          const double* d = std::get_if<double>(&tb.rows[r][y]);
          s.x.push_back(double(y - 1));
          s.y.push_back(d ? *d : std::nan(""));
          s.withheld.push_back(std::holds_alternative<Suppressed>(tb.rows[r][y]));
        }
        lines.push_back(std::move(s));
      }
      return line_chart(o, lines);
    }
    case Chart::bars: {
      std::vector<std::string> cats;
      for (size_t r = 0; r < end; ++r) {
        std::string label = cell_text(tb.rows[r][0], 0);
        if (tb.columns.size() > 1 && tb.columns[1].name == "group") label += ": " + cell_text(tb.rows[r][1], 0);
        cats.push_back(label);
      }
      std::vector<Series> bars;
      for (size_t col : t.series) bars.push_back(column_series(tb, col, 0, end, bars.size()));
      o.x_label = t.y_label;
      o.legend_right = bars.size() > 1;
      return grouped_bar_chart(o, cats, bars);
    }
  }
  return "";
}

}  // namespace

std::string table_html(const OutputTable& tb, std::optional<size_t> total_row) {
  std::string s = "<div class=\"scroll\"><table><thead><tr>";
  for (const auto& c : tb.columns) s += "<th>" + xml_escape(c.label) + "</th>";
  s += "</tr></thead><tbody>";
  for (size_t r = 0; r < tb.rows.size(); ++r) {
    s += total_row && *total_row == r ? "<tr class=\"total\">" : "<tr>";
    for (size_t c = 0; c < tb.rows[r].size(); ++c) {
      const auto& cell = tb.rows[r][c];
      const bool num = std::holds_alternative<double>(cell) || std::holds_alternative<Suppressed>(cell);
      s += num ? "<td class=\"n\">" : "<td>";
      s += xml_escape(cell_text(cell, tb.columns[c].decimals)) + "</td>";
    }
    s += "</tr>";
  }
  s += "</tbody></table></div>";
  return s;
}

namespace {

constexpr const char* kCss = R"(
body{font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;margin:0;background:#f3f2f1}
main{max-width:1000px;margin:0 auto;background:#fff;padding:24px 32px}
h1{font-size:28px;margin:0 0 4px} h2{font-size:22px;border-bottom:3px solid #1d70b8;padding-bottom:4px;margin-top:36px}
h3{font-size:16px;margin:24px 0 6px} p.meta{color:#505a5f;margin:0 0 12px}
.keys{background:#e8f1f8;border-left:6px solid #1d70b8;padding:8px 16px} .keys li{margin:6px 0}
.scroll{overflow-x:auto} table{border-collapse:collapse;font-size:12px;margin:6px 0}
th,td{border-bottom:1px solid #b1b4b6;padding:3px 6px;text-align:left;vertical-align:top} th{background:#f3f2f1}
td.n{text-align:right;font-variant-numeric:tabular-nums} tr.total td{font-weight:bold}
p.note{font-size:12px;color:#505a5f;margin:2px 0 8px} nav ol{columns:2;font-size:14px}
.warn{background:#fff7bf;border-left:6px solid #ffdd00;padding:6px 12px;font-size:13px}
svg{max-width:100%;height:auto;display:block;margin:6px 0}
)";

}  // namespace

std::vector<analyse::KeyMessage> publishable_messages(const analyse::Assessment& a, bool suppression,
                                                      const std::vector<analyse::Table>* published) {
  std::vector<analyse::KeyMessage> out;
  if (!suppression) return a.messages;
  // The values of the counts withheld anywhere (the tables as made beside the tables as published).
  std::vector<double> withheld;
  const auto tables = published ? *published : publishable(a, true);
  for (size_t i = 0; i < tables.size() && i < a.tables.size(); ++i) {
    const auto& before = a.tables[i].table.rows;
    const auto& after = tables[i].table.rows;
    for (size_t r = 0; r < before.size() && r < after.size(); ++r)
      for (size_t c = 0; c < before[r].size() && c < after[r].size(); ++c)
        if (std::holds_alternative<Suppressed>(after[r][c]) && std::holds_alternative<double>(before[r][c]))
          withheld.push_back(std::get<double>(before[r][c]));
  }
  std::sort(withheld.begin(), withheld.end());
  for (const auto& m : a.messages) {
    bool hold = false;
    for (double c : m.counts) hold |= (c >= 1 && c <= 5) || std::binary_search(withheld.begin(), withheld.end(), c);
    if (!hold) out.push_back(m);
  }
  return out;
}

DisclosureSpec disclosure_spec(const analyse::Table& t) {
  DisclosureSpec s;
  s.count_columns = t.count_columns;
  s.total_row = t.total_row;
  s.total_column = t.total_column;
  s.row_groups = t.row_groups;
  s.derived = t.derived;
  s.ratios = t.ratios;
  s.row_relations = t.row_relations;
  return s;
}

std::vector<analyse::Table> publishable(const analyse::Assessment& a, bool suppression, PublishedArithmetic* arithmetic) {
  std::vector<analyse::Table> out = a.tables;
  // Every table, counts or not: one without counts may hold figures resting on another's (a
  // Kaplan-Meier curve on a group's periods).
  std::vector<TableToPublish> in;
  for (auto& t : out) in.push_back({&t.table, disclosure_spec(t)});
  const auto r = suppress_output(std::move(in), a.relations, suppression);
  for (size_t k = 0; k < out.size(); ++k) out[k].table.notes += withheld_note(r.per_table[k]);
  if (arithmetic) *arithmetic = r.arithmetic;
  return out;
}

std::vector<PublishedCount> published_stock(const std::vector<analyse::Table>& published) {
  std::vector<PublishedCount> out;
  for (const auto& t : published) {
    if (t.table.id != "looked_after_at_31_march") continue;
    const size_t col = t.table.column_index("looked_after");
    for (size_t r = 0; r < t.table.rows.size(); ++r) {
      const auto* label = std::get_if<std::string>(&t.table.rows[r][0]);
      const auto year = label ? parse_collection_year(*label) : std::nullopt;
      if (!year) continue;
      PublishedCount c;
      c.date = year->end();
      c.cell = {t.table.id, r, col};
      c.withheld = std::holds_alternative<Suppressed>(t.table.rows[r][col]);
      if (const double* d = std::get_if<double>(&t.table.rows[r][col])) c.value = *d;
      out.push_back(c);
    }
  }
  return out;
}

std::string render_html(const analyse::Assessment& a, const std::vector<analyse::Table>& tables, const ReportOptions& o) {
  const std::string area = !o.area_label.empty() ? o.area_label : !a.la_name.empty() ? a.la_name : "Council";
  const std::string span = a.years.empty() ? std::string("no years")
                                           : a.years.front().label() + " to " + a.years.back().label();
  std::string s = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">";
  s += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  s += "<title>" + xml_escape("Children looked after: needs assessment, " + area) + "</title>";
  s += std::string("<style>") + kCss + "</style></head><body><main>";
  s += "<h1>Children looked after: needs assessment</h1>";
  s += "<p class=\"meta\">" + xml_escape(fmt::format("{}. Collection years {}; reference date {}. Made by careflow from "
                                                     "the council's SSDA903 returns.",
                                                     area, span, a.reference_date.to_string())) +
       "</p>";
  if (!a.filter.empty())
    s += "<p class=\"warn\">" + xml_escape("Only some children are counted: " + a.filter + ".") + "</p>";
  s += o.suppression
           ? "<p class=\"warn\">Disclosure control is on: counts of 1 to 5 are shown as c, with further cells withheld where "
             "totals would reveal them, and percentages of withheld counts withheld.</p>"
           : "<p class=\"warn\"><strong>Not for publication:</strong> disclosure control is off (--no-suppression); small "
             "numbers are shown.</p>";
  s += "<nav><h2>Contents</h2><ol><li><a href=\"#key\">Key messages</a></li>";
  for (const auto& sec : kSections)
    if (!sec.only_with_tables || has_tables(tables, sec.id))
      s += fmt::format("<li><a href=\"#{}\">{}</a></li>", sec.id, xml_escape(sec.title));
  for (const auto& sec : o.extra) s += fmt::format("<li><a href=\"#{}\">{}</a></li>", sec.id, xml_escape(sec.title));
  s += "<li><a href=\"#notes\">What could not be done, and definitions</a></li></ol></nav>";
  s += "<h2 id=\"key\">Key messages</h2><ul class=\"keys\">";
  const auto messages = publishable_messages(a, o.suppression, &tables);
  if (messages.empty()) s += "<li>Too few children in the data for key messages that do not risk identifying them.</li>";
  for (const auto& m : messages) s += "<li>" + xml_escape(m.text) + "</li>";
  s += "</ul>";
  for (const auto& sec : kSections) {
    if (sec.only_with_tables && !has_tables(tables, sec.id)) continue;
    s += fmt::format("<section><h2 id=\"{}\">{}</h2><p>{}</p>", sec.id, xml_escape(sec.title), xml_escape(sec.intro));
    bool any = false;
    for (const auto& t : tables) {
      if (t.section != sec.id) continue;
      any = true;
      s += fmt::format("<h3 id=\"t-{}\">{}</h3>", t.table.id, xml_escape(t.table.title));
      s += chart_for(t, a.years.size());
      s += table_html(t.table, t.total_row);
      if (!t.table.notes.empty()) s += "<p class=\"note\">" + xml_escape(t.table.notes) + "</p>";
    }
    if (!any) s += "<p class=\"note\">Nothing to show: see the notes at the end.</p>";
    s += "</section>";
  }
  for (const auto& sec : o.extra)
    s += fmt::format("<section><h2 id=\"{}\">{}</h2><p>{}</p>", sec.id, xml_escape(sec.title), xml_escape(sec.intro)) +
         sec.html + "</section>";
  s += "<h2 id=\"notes\">What could not be done, and definitions</h2><ul>";
  for (const auto& l : a.limitations) s += "<li>" + xml_escape(l) + "</li>";
  for (const auto& sec : o.extra)
    for (const auto& l : sec.limitations) s += "<li>" + xml_escape(l) + "</li>";
  s += "<li>Definitions (period of care, looked after on a date, starters and ceasers, days in care) are those of "
       "careflow's docs/model.md and follow DfE's; each table's note gives its own.</li>";
  s += "<li>England figures: DfE 'Children looked after in England including adoptions'";
  if (has_tables(tables, "front_door")) s += " and 'Children in need'";
  s += ". Contains public sector information licensed under the Open Government Licence v3.0.</li></ul>";
  // Tables about the report itself (from which year each measure is reliable).
  for (const auto& t : tables)
    if (t.section == "notes") {
      s += fmt::format("<h3 id=\"t-{}\">{}</h3>", t.table.id, xml_escape(t.table.title)) + table_html(t.table);
      if (!t.table.notes.empty()) s += "<p class=\"note\">" + xml_escape(t.table.notes) + "</p>";
    }
  s += "</main></body></html>\n";
  return s;
}

PublishedReport published_report(const analyse::Assessment& a, const ReportOptions& o) {
  PublishedReport p;
  p.analyses = publishable(a, o.suppression, &p.arithmetic);
  for (const auto& t : p.analyses) p.tables.push_back(t.table);
  OutputTable notes;
  notes.id = "notes";
  notes.title = "Key messages and limitations";
  notes.add_column("kind", "Kind").add_column("text", "Text");
  for (const auto& m : publishable_messages(a, o.suppression, &p.analyses)) notes.add_row({std::string("key message"), m.text});
  for (const auto& l : a.limitations) notes.add_row({std::string("limitation"), l});
  for (const auto& sec : o.extra) {
    for (const auto& l : sec.limitations) notes.add_row({std::string("limitation"), l});
    p.tables.insert(p.tables.end(), sec.tables.begin(), sec.tables.end());
    p.arithmetic.append(sec.arithmetic);
  }
  notes.add_row({std::string("disclosure control"), std::string(o.suppression ? "on" : "OFF: not for publication")});
  p.tables.insert(p.tables.begin(), notes);
  return p;
}

bool write_report(const analyse::Assessment& a, const std::string& dir, const ReportOptions& o, ReportFiles& files,
                  std::string* error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "csv", ec);
  if (ec) {
    if (error) *error = "cannot create " + dir + ": " + ec.message();
    return false;
  }
  auto p = published_report(a, o);
  // Relations name columns as they are before the mark below adds one.
  files.relations = (fs::path(dir) / "relations.json").string();
  if (!write_relations_json(p.arithmetic, p.tables, files.relations, error)) return false;
  if (!o.suppression) mark_not_for_publication(p.tables);
  for (const auto& t : p.tables) {
    const auto path = (fs::path(dir) / "csv" / (t.id + ".csv")).string();
    if (!write_csv(t, path, error)) return false;
    files.csv.push_back(path);
  }
  files.json = (fs::path(dir) / "tables.json").string();
  if (!write_json(p.tables, files.json, error)) return false;
  files.xlsx = (fs::path(dir) / "needs_assessment.xlsx").string();
  if (!write_xlsx(p.tables, files.xlsx, error, "careflow needs assessment")) return false;
  // The page last: someone who opens a folder written directly (not through an OutputFolder)
  // never finds a complete-looking report beside tables still being written.
  files.html = (fs::path(dir) / "report.html").string();
  return write_text_file(files.html, render_html(a, p.analyses, o), error);
}

}  // namespace careflow::report
