#include "careflow/io/output_table.hpp"

#include <fmt/format.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
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

void OutputTable::for_each_row(const std::function<void(const std::vector<Cell>&)>& f) const {
  for (const auto& row : rows) f(row);
  if (!lazy_rows) return;
  std::vector<Cell> cells(columns.size());
  for (size_t i = 0; i < lazy_rows; ++i) {
    make_row(i, cells);
    if (cells.size() != columns.size())
      throw std::logic_error(fmt::format("table {}: row has {} cells for {} columns", id, cells.size(), columns.size()));
    f(cells);
  }
}

void set_text(Cell& c, std::string_view text) {
  if (auto* s = std::get_if<std::string>(&c)) s->assign(text);
  else c.emplace<std::string>(text);
}

void append_cell(std::string& out, const Cell& c, int decimals) {
  if (std::holds_alternative<std::monostate>(c)) return;
  if (const auto* s = std::get_if<std::string>(&c)) {
    out += *s;
    return;
  }
  if (std::holds_alternative<Suppressed>(c)) {
    out += 'c';
    return;
  }
  const double v = std::get<double>(c);
  if (!std::isfinite(v)) return;
  if (decimals >= 0) fmt::format_to(std::back_inserter(out), "{:.{}f}", v, decimals);
  else if (v == std::floor(v) && std::fabs(v) < 1e15) fmt::format_to(std::back_inserter(out), "{}", static_cast<long long>(v));
  else fmt::format_to(std::back_inserter(out), "{}", v);
}

std::string format_cell(const Cell& c, int decimals) {
  std::string out;
  append_cell(out, c, decimals);
  return out;
}

namespace {

// Text written in chunks: to a file (a table is never held whole), or kept (to_csv, to_json).
class Sink {
 public:
  explicit Sink(std::FILE* f = nullptr) : f_(f) {}
  std::string buf;
  // Writes out what is buffered once it is large; false if the file could not be written.
  bool maybe_flush() { return buf.size() < (1u << 20) || flush(); }
  bool flush() {
    if (!f_ || buf.empty()) return ok_;
    ok_ = ok_ && std::fwrite(buf.data(), 1, buf.size(), f_) == buf.size();
    buf.clear();
    return ok_;
  }

 private:
  std::FILE* f_;
  bool ok_ = true;
};

// As csv_escape, appended in place: half a million error rows each carry a rule message, which
// often has a comma, so the quoted form is common and a temporary per field shows in profiles.
void append_csv_field(std::string& out, std::string_view f) {
  bool plain = true;
  for (char c : f) plain &= !(c == ',' || c == '"' || c == '\r' || c == '\n');
  if (plain) {
    out += f;
    return;
  }
  out += '"';
  size_t from = 0;
  for (size_t q; (q = f.find('"', from)) != std::string_view::npos; from = q + 1) {
    out.append(f.data() + from, q + 1 - from);
    out += '"';
  }
  out.append(f.data() + from, f.size() - from);
  out += '"';
}

void append_csv(Sink& out, const OutputTable& t) {
  for (size_t c = 0; c < t.columns.size(); ++c) {
    if (c) out.buf += ',';
    append_csv_field(out.buf, t.columns[c].name);
  }
  out.buf += "\r\n";
  std::string cell;
  t.for_each_row([&](const std::vector<Cell>& row) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c) out.buf += ',';
      if (const auto* s = std::get_if<std::string>(&row[c])) {
        append_csv_field(out.buf, *s);
      } else {
        cell.clear();
        append_cell(cell, row[c], t.columns[c].decimals);
        append_csv_field(out.buf, cell);
      }
    }
    out.buf += "\r\n";
    out.maybe_flush();
  });
}

// JSON exactly as nlohmann::json's dump(1) writes the document the tables make (keys sorted,
// one space per level), but streamed row by row instead of built as a tree first.
void append_json_string(std::string& out, std::string_view s) {
  bool plain = true;
  for (unsigned char c : s)
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
      plain = false;
      break;
    }
  if (plain) {
    out += '"';
    out += s;
    out += '"';
  } else {
    out += nlohmann::json(std::string(s)).dump();  // its escaping and UTF-8 checks
  }
}

void append_json_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
  } else if (v == std::floor(v) && std::fabs(v) < 1e15 && !(v == 0 && std::signbit(v))) {
    fmt::format_to(std::back_inserter(out), "{}.0", static_cast<long long>(v));  // as nlohmann prints it
  } else {
    out += nlohmann::json(v).dump();
  }
}

void indent(std::string& out, int level) { out.append(static_cast<size_t>(level), ' '); }

void append_key(std::string& out, int level, std::string_view key) {
  indent(out, level);
  append_json_string(out, key);
  out += ": ";
}

// One table as a JSON object whose braces sit at `level`.
void append_json(Sink& out, const OutputTable& t, int level) {
  std::string& o = out.buf;
  o += "{\n";
  append_key(o, level + 1, "columns");
  if (t.columns.empty()) {
    o += "[]";
  } else {
    o += "[\n";
    for (size_t c = 0; c < t.columns.size(); ++c) {
      indent(o, level + 2);
      o += "{\n";
      append_key(o, level + 3, "label");
      append_json_string(o, t.columns[c].label);
      o += ",\n";
      append_key(o, level + 3, "name");
      append_json_string(o, t.columns[c].name);
      o += '\n';
      indent(o, level + 2);
      o += c + 1 < t.columns.size() ? "},\n" : "}\n";
    }
    indent(o, level + 1);
    o += ']';
  }
  o += ",\n";
  append_key(o, level + 1, "id");
  append_json_string(o, t.id);
  o += ",\n";
  if (!t.notes.empty()) {
    append_key(o, level + 1, "notes");
    append_json_string(o, t.notes);
    o += ",\n";
  }
  append_key(o, level + 1, "rows");
  if (t.row_count() == 0) {
    o += "[]";
  } else {
    // A row's keys in the order an object keeps them (sorted; a repeated name keeps its last
    // column), "suppressed" among them when a row has suppressed cells.
    std::vector<std::pair<std::string_view, size_t>> keys;
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const std::string_view name = t.columns[c].name;
      const auto it = std::find_if(keys.begin(), keys.end(), [&](const auto& k) { return k.first == name; });
      if (it != keys.end()) it->second = c;
      else keys.emplace_back(name, c);
    }
    std::sort(keys.begin(), keys.end());
    constexpr size_t kSuppressedKey = static_cast<size_t>(-1);
    std::vector<std::pair<std::string_view, size_t>> with_suppressed = keys;
    with_suppressed.erase(std::remove_if(with_suppressed.begin(), with_suppressed.end(),
                                         [](const auto& k) { return k.first == "suppressed"; }),
                          with_suppressed.end());
    with_suppressed.emplace_back("suppressed", kSuppressedKey);
    std::sort(with_suppressed.begin(), with_suppressed.end());
    o += "[\n";
    size_t done = 0;
    const size_t n = t.row_count();
    std::vector<std::string_view> suppressed;
    t.for_each_row([&](const std::vector<Cell>& row) {
      suppressed.clear();
      for (size_t c = 0; c < row.size(); ++c)
        if (std::holds_alternative<Suppressed>(row[c])) suppressed.push_back(t.columns[c].name);
      const auto& order = suppressed.empty() ? keys : with_suppressed;
      indent(o, level + 2);
      if (order.empty()) {
        o += "{}";
      } else {
        o += "{\n";
        for (size_t k = 0; k < order.size(); ++k) {
          append_key(o, level + 3, order[k].first);
          if (order[k].second == kSuppressedKey) {
            o += "[\n";
            for (size_t i = 0; i < suppressed.size(); ++i) {
              indent(o, level + 4);
              append_json_string(o, suppressed[i]);
              o += i + 1 < suppressed.size() ? ",\n" : "\n";
            }
            indent(o, level + 3);
            o += ']';
          } else {
            const Cell& cell = row[order[k].second];
            if (const auto* s = std::get_if<std::string>(&cell)) append_json_string(o, *s);
            else if (const auto* d = std::get_if<double>(&cell)) append_json_number(o, *d);
            else o += "null";
          }
          o += k + 1 < order.size() ? ",\n" : "\n";
        }
        indent(o, level + 2);
        o += '}';
      }
      o += ++done < n ? ",\n" : "\n";
      out.maybe_flush();
    });
    indent(o, level + 1);
    o += ']';
  }
  o += ",\n";
  append_key(o, level + 1, "title");
  append_json_string(o, t.title);
  o += '\n';
  indent(o, level);
  o += '}';
}

// Opens `path`, lets `write` fill the sink, and closes it; false (with `error`) on failure.
template <class Write>
bool write_file(const std::string& path, std::string* error, Write write) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  bool ok = f != nullptr;
  if (f) {
    Sink out(f);
    write(out);
    ok = out.flush();
    ok = std::fclose(f) == 0 && ok;
  }
  if (!ok && error) *error = "cannot write " + path;
  return ok;
}

}  // namespace

std::string to_csv(const OutputTable& t) {
  Sink out;
  append_csv(out, t);
  return std::move(out.buf);
}

std::string to_json(const OutputTable& t) {
  Sink out;
  append_json(out, t, 0);
  return std::move(out.buf);
}

bool write_csv(const OutputTable& t, const std::string& path, std::string* error) {
  return write_file(path, error, [&](Sink& out) { append_csv(out, t); });
}

bool write_json(const std::vector<OutputTable>& tables, const std::string& path, std::string* error) {
  return write_file(path, error, [&](Sink& out) {
    if (tables.empty()) {
      out.buf += "[]";
      return;
    }
    out.buf += "[\n";
    for (size_t i = 0; i < tables.size(); ++i) {
      indent(out.buf, 1);
      append_json(out, tables[i], 1);
      out.buf += i + 1 < tables.size() ? ",\n" : "\n";
    }
    out.buf += ']';
  });
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
    size_t r = 0;
    t.for_each_row([&](const std::vector<Cell>& cells) {
      const auto row = static_cast<lxw_row_t>(header_row + 1 + r++);
      for (size_t c = 0; c < cells.size(); ++c) {
        const auto col = static_cast<lxw_col_t>(c);
        const Cell& cell = cells[c];
        if (const auto* s = std::get_if<std::string>(&cell)) worksheet_write_string(ws, row, col, s->c_str(), nullptr);
        else if (const auto* d = std::get_if<double>(&cell)) {
          if (std::isfinite(*d)) worksheet_write_number(ws, row, col, *d, nullptr);
        } else if (std::holds_alternative<Suppressed>(cell)) worksheet_write_string(ws, row, col, "c", nullptr);
      }
    });
    if (!t.columns.empty())
      worksheet_autofilter(ws, header_row, 0, static_cast<lxw_row_t>(header_row + t.row_count()),
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
