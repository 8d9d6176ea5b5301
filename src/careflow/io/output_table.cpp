#include "careflow/io/output_table.hpp"

#include <fmt/format.h>
#include <xlsxwriter.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "careflow/io/csv.hpp"

namespace careflow {

OutputTable& OutputTable::add_column(std::string name, std::string label, int decimals) {
  columns.push_back({std::move(name), std::move(label), decimals});
  return *this;
}

OutputTable& OutputTable::add_row(std::vector<Cell> row) {
  if (row.size() != columns.size())
    throw std::logic_error(fmt::format("table {}: row has {} cells for {} columns", id, row.size(), columns.size()));
  rows.push_back(std::move(row));
  return *this;
}

size_t OutputTable::column_index(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == name) return i;
  throw std::out_of_range("no column " + name + " in table " + id);
}

std::string format_cell(const Cell& c, int decimals) {
  if (std::holds_alternative<std::monostate>(c)) return "";
  if (const auto* s = std::get_if<std::string>(&c)) return *s;
  if (std::holds_alternative<Suppressed>(c)) return "c";
  const double v = std::get<double>(c);
  if (!std::isfinite(v)) return "";
  if (decimals >= 0) return fmt::format("{:.{}f}", v, decimals);
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
  return fmt::format("{}", v);
}

std::string to_csv(const OutputTable& t) {
  std::string out;
  for (size_t c = 0; c < t.columns.size(); ++c) {
    if (c) out += ',';
    out += csv_escape(t.columns[c].name);
  }
  out += "\r\n";
  for (const auto& row : t.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c) out += ',';
      out += csv_escape(format_cell(row[c], t.columns[c].decimals));
    }
    out += "\r\n";
  }
  return out;
}

namespace {
bool write_text(const std::string& text, const std::string& path, std::string* error) {
  std::ofstream f(path, std::ios::binary);
  if (f) f << text;
  if (!f) {
    if (error) *error = "cannot write " + path;
    return false;
  }
  return true;
}

nlohmann::json to_json_value(const OutputTable& t) {
  nlohmann::json j;
  j["id"] = t.id;
  j["title"] = t.title;
  if (!t.notes.empty()) j["notes"] = t.notes;
  j["columns"] = nlohmann::json::array();
  for (const auto& c : t.columns) j["columns"].push_back({{"name", c.name}, {"label", c.label}});
  j["rows"] = nlohmann::json::array();
  for (const auto& row : t.rows) {
    nlohmann::json r = nlohmann::json::object();
    nlohmann::json suppressed = nlohmann::json::array();
    for (size_t c = 0; c < row.size(); ++c) {
      const auto& name = t.columns[c].name;
      if (const auto* s = std::get_if<std::string>(&row[c])) r[name] = *s;
      else if (const auto* d = std::get_if<double>(&row[c])) r[name] = std::isfinite(*d) ? nlohmann::json(*d) : nlohmann::json();
      else {
        r[name] = nullptr;
        if (std::holds_alternative<Suppressed>(row[c])) suppressed.push_back(name);
      }
    }
    if (!suppressed.empty()) r["suppressed"] = suppressed;
    j["rows"].push_back(std::move(r));
  }
  return j;
}
}  // namespace

std::string to_json(const OutputTable& t) { return to_json_value(t).dump(1); }

bool write_csv(const OutputTable& t, const std::string& path, std::string* error) {
  return write_text(to_csv(t), path, error);
}

bool write_json(const std::vector<OutputTable>& tables, const std::string& path, std::string* error) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& t : tables) j.push_back(to_json_value(t));
  return write_text(j.dump(1), path, error);
}

bool write_xlsx(const std::vector<OutputTable>& tables, const std::string& path, std::string* error,
                const std::string& contents_title) {
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) {
    if (error) *error = "cannot create " + path;
    return false;
  }
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* title = workbook_add_format(wb);
  format_set_bold(title);
  format_set_font_size(title, 14);
  lxw_format* wrap = workbook_add_format(wb);
  format_set_text_wrap(wrap);
  format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);

  // Sheet names: at most 31 characters, unique, without []:*?/\ .
  std::set<std::string> used;
  auto sheet_name = [&](const std::string& id) {
    std::string s;
    for (char c : id) s += std::string("[]:*?/\\").find(c) == std::string::npos ? c : '_';
    if (s.empty()) s = "table";
    s = s.substr(0, 31);
    std::string base = s;
    for (int k = 2; used.count(s); ++k) {
      const std::string suffix = fmt::format("_{}", k);
      s = base.substr(0, 31 - suffix.size()) + suffix;
    }
    used.insert(s);
    return s;
  };

  lxw_worksheet* contents = workbook_add_worksheet(wb, "Contents");
  used.insert("Contents");
  worksheet_write_string(contents, 0, 0, contents_title.c_str(), title);
  worksheet_write_string(contents, 2, 0, "Sheet", bold);
  worksheet_write_string(contents, 2, 1, "Table", bold);
  worksheet_write_string(contents, 2, 2, "Notes", bold);
  worksheet_set_column(contents, 0, 0, 32, nullptr);
  worksheet_set_column(contents, 1, 1, 70, nullptr);
  worksheet_set_column(contents, 2, 2, 90, wrap);

  lxw_row_t contents_row = 3;
  for (const auto& t : tables) {
    const std::string name = sheet_name(t.id);
    lxw_worksheet* ws = workbook_add_worksheet(wb, name.c_str());
    const std::string link = "internal:'" + name + "'!A1";
    worksheet_write_url_opt(contents, contents_row, 0, link.c_str(), nullptr, name.c_str(), nullptr);
    worksheet_write_string(contents, contents_row, 1, t.title.c_str(), nullptr);
    if (!t.notes.empty()) worksheet_write_string(contents, contents_row, 2, t.notes.c_str(), wrap);
    ++contents_row;

    worksheet_write_string(ws, 0, 0, t.title.c_str(), title);
    lxw_row_t header_row = 1;
    if (!t.notes.empty()) {
      worksheet_write_string(ws, 1, 0, t.notes.c_str(), nullptr);
      header_row = 2;
    }
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const auto& col = t.columns[c];
      worksheet_write_string(ws, header_row, static_cast<lxw_col_t>(c), (col.label.empty() ? col.name : col.label).c_str(), bold);
      worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                           std::max<double>(10, std::min<double>(45, static_cast<double>(col.label.size()) + 2)), nullptr);
    }
    for (size_t r = 0; r < t.rows.size(); ++r) {
      const auto row = static_cast<lxw_row_t>(header_row + 1 + r);
      for (size_t c = 0; c < t.rows[r].size(); ++c) {
        const auto col = static_cast<lxw_col_t>(c);
        const Cell& cell = t.rows[r][c];
        if (const auto* s = std::get_if<std::string>(&cell)) worksheet_write_string(ws, row, col, s->c_str(), nullptr);
        else if (const auto* d = std::get_if<double>(&cell)) {
          if (std::isfinite(*d)) worksheet_write_number(ws, row, col, *d, nullptr);
        } else if (std::holds_alternative<Suppressed>(cell)) worksheet_write_string(ws, row, col, "c", nullptr);
      }
    }
    if (!t.columns.empty())
      worksheet_autofilter(ws, header_row, 0, static_cast<lxw_row_t>(header_row + t.rows.size()),
                           static_cast<lxw_col_t>(t.columns.size() - 1));
    worksheet_freeze_panes(ws, header_row + 1, 0);
  }
  const lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR) {
    if (error) *error = std::string("cannot write ") + path + ": " + lxw_strerror(err);
    return false;
  }
  return true;
}

}  // namespace careflow
