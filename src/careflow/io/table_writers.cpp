#include "careflow/io/table_writers.hpp"

#include <fmt/format.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include "careflow/io/csv.hpp"
#include "careflow/io/output_folder.hpp"

namespace careflow {

bool needs_formula_guard(std::string_view s) {
  if (s.empty()) return false;
  switch (s[0]) {
    case '=': case '@': case '\t': case '\r': return true;
    case '+': case '-': break;
    default: return false;
  }
  // A signed number stays as it is: digits with at most one decimal point, then perhaps a
  // percent sign. Anything else after the sign (-2+3+cmd|..., or a lone "-") is guarded.
  size_t i = 1, digits = 0, points = 0;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') ++digits;
    else if (s[i] == '.' && points == 0) ++points;
    else break;
  }
  if (i < s.size() && s[i] == '%') ++i;
  return digits == 0 || i != s.size();
}

std::string spreadsheet_text(std::string_view s) {
  if (!needs_formula_guard(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 1);
  out += '\'';
  out += s;
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
  // Appends text made elsewhere: written straight out when there is a file (no copy into buf).
  void append(std::string_view text) {
    if (!f_) {
      buf += text;
      return;
    }
    flush();
    ok_ = ok_ && std::fwrite(text.data(), 1, text.size(), f_) == text.size();
  }

 private:
  std::FILE* f_;
  bool ok_ = true;
};

// As csv_escape, appended in place: half a million error rows each carry a rule message, which
// often has a comma, so the quoted form is common and a temporary per field shows in profiles.
// Whether a field needs quoting: a comma, quote, CR or LF in it. Eight bytes at a time (a word
// has a zero byte where it equals the sought byte after an XOR); the writer runs it on every
// field of half a million rows, most of them long rule messages.
bool needs_quotes(std::string_view f) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  auto has = [](uint64_t w, unsigned char c) {
    const uint64_t x = w ^ (kOnes * c);
    return (x - kOnes) & ~x & kHighs;
  };
  size_t i = 0;
  for (; i + 8 <= f.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, f.data() + i, 8);
    if (has(w, ',') | has(w, '"') | has(w, '\r') | has(w, '\n')) return true;
  }
  for (; i < f.size(); ++i) {
    const char c = f[i];
    if (c == ',' || c == '"' || c == '\r' || c == '\n') return true;
  }
  return false;
}

void append_csv_field(std::string& out, std::string_view f) {
  if (needs_formula_guard(f)) {
    const std::string guarded = spreadsheet_text(f);
    append_csv_field(out, guarded);
    return;
  }
  const bool plain = !needs_quotes(f);
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

// Appends the text of every lazy row to `out`, in order: format(cells, i, text) appends row i.
// With make_row_concurrent, chunks of rows are made and formatted in parallel (format_in_order).
template <class Format>
void append_lazy_rows(Sink& out, const OutputTable& t, Format format) {
  auto make = [&t](size_t i, std::vector<Cell>& cells) {
    t.make_row(i, cells);
    if (cells.size() != t.columns.size())
      throw std::logic_error(fmt::format("table {}: row has {} cells for {} columns", t.id, cells.size(), t.columns.size()));
  };
  if (!t.make_row_concurrent) {
    std::vector<Cell> cells(t.columns.size());
    for (size_t i = 0; i < t.lazy_rows; ++i) {
      make(i, cells);
      format(cells, i, out.buf);
      out.maybe_flush();
    }
    return;
  }
  out.flush();
  format_in_order(
      t.lazy_rows,
      [&](size_t begin, size_t end, std::string& text) {
        std::vector<Cell> cells(t.columns.size());
        for (size_t i = begin; i < end; ++i) {
          make(i, cells);
          format(cells, i, text);
        }
      },
      [&](std::string_view text) { out.append(text); });
}

void append_csv(Sink& out, const OutputTable& t) {
  for (size_t c = 0; c < t.columns.size(); ++c) {
    if (c) out.buf += ',';
    append_csv_field(out.buf, t.columns[c].name);
  }
  out.buf += "\r\n";
  auto format = [&t](const std::vector<Cell>& row, std::string& o) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c) o += ',';
      if (const auto* s = std::get_if<std::string>(&row[c])) {
        append_csv_field(o, *s);
      } else {
        thread_local std::string cell;
        cell.clear();
        append_cell(cell, row[c], t.columns[c].decimals);
        append_csv_field(o, cell);
      }
    }
    o += "\r\n";
  };
  for (const auto& row : t.rows) {
    format(row, out.buf);
    out.maybe_flush();
  }
  if (t.lazy_rows) append_lazy_rows(out, t, [&](const std::vector<Cell>& row, size_t, std::string& o) { format(row, o); });
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
    // Its escaping; bytes that are not UTF-8 (a file name in Latin-1, say) become U+FFFD rather
    // than an exception that ends the run after all the work.
    out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
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
    const size_t n = t.row_count();
    // Row i of n, appended to `text` (the JSON writer's own buffer, or a chunk's).
    auto format = [&](const std::vector<Cell>& row, size_t i, std::string& text) {
      thread_local std::vector<std::string_view> suppressed;
      suppressed.clear();
      for (size_t c = 0; c < row.size(); ++c)
        if (std::holds_alternative<Suppressed>(row[c])) suppressed.push_back(t.columns[c].name);
      const auto& order = suppressed.empty() ? keys : with_suppressed;
      indent(text, level + 2);
      if (order.empty()) {
        text += "{}";
      } else {
        text += "{\n";
        for (size_t k = 0; k < order.size(); ++k) {
          append_key(text, level + 3, order[k].first);
          if (order[k].second == kSuppressedKey) {
            text += "[\n";
            for (size_t j = 0; j < suppressed.size(); ++j) {
              indent(text, level + 4);
              append_json_string(text, suppressed[j]);
              text += j + 1 < suppressed.size() ? ",\n" : "\n";
            }
            indent(text, level + 3);
            text += ']';
          } else {
            const Cell& cell = row[order[k].second];
            if (const auto* s = std::get_if<std::string>(&cell)) append_json_string(text, *s);
            else if (const auto* d = std::get_if<double>(&cell)) append_json_number(text, *d);
            else text += "null";
          }
          text += k + 1 < order.size() ? ",\n" : "\n";
        }
        indent(text, level + 2);
        text += '}';
      }
      text += i + 1 < n ? ",\n" : "\n";
    };
    for (size_t i = 0; i < t.rows.size(); ++i) {
      format(t.rows[i], i, o);
      out.maybe_flush();
    }
    if (t.lazy_rows)
      append_lazy_rows(out, t, [&](const std::vector<Cell>& row, size_t i, std::string& text) {
        format(row, t.rows.size() + i, text);
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

// Writes `path` whole or not at all (output_folder.hpp): `write` fills the sink.
template <class Write>
bool write_file(const std::string& path, std::string* error, Write write) {
  return write_file_replacing(
      path,
      [&](std::FILE* f) {
        Sink out(f);
        write(out);
        return out.flush();
      },
      error);
}

}  // namespace

void format_in_order(size_t items, const std::function<void(size_t, size_t, std::string&)>& format,
                     const std::function<void(std::string_view)>& write, size_t chunk) {
  chunk = std::max<size_t>(chunk, 1);
  if (items < 2 * chunk || tbb::this_task_arena::max_concurrency() < 2) {
    std::string text;
    for (size_t b = 0; b < items; b += chunk) {
      text.clear();
      format(b, std::min(items, b + chunk), text);
      write(text);
    }
    return;
  }
  // Items leave the pipeline in order (its last stage is serial and in order), so when chunk c
  // enters, chunk c - kTokens has left: a buffer per token, chosen by c mod kTokens, is free.
  constexpr size_t kTokens = 6;
  std::string buffers[kTokens];
  const size_t chunks = (items + chunk - 1) / chunk;
  size_t next = 0;
  tbb::parallel_pipeline(
      kTokens,
      tbb::make_filter<void, size_t>(tbb::filter_mode::serial_in_order,
                                     [&](tbb::flow_control& fc) -> size_t {
                                       if (next == chunks) {
                                         fc.stop();
                                         return 0;
                                       }
                                       return next++;
                                     }) &
          tbb::make_filter<size_t, size_t>(tbb::filter_mode::parallel,
                                           [&](size_t c) {
                                             std::string& text = buffers[c % kTokens];
                                             text.clear();
                                             format(c * chunk, std::min(items, (c + 1) * chunk), text);
                                             return c;
                                           }) &
          tbb::make_filter<size_t, void>(tbb::filter_mode::serial_in_order,
                                         [&](size_t c) { write(buffers[c % kTokens]); }));
}

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
  // libxlsxwriter writes the file when the workbook is closed, to the temporary name.
  PendingFile file;
  if (!file.open(path, error)) return false;
  lxw_workbook* wb = workbook_new(file.path().c_str());
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

  // Every text cell, guarded against being run as a formula (needs_formula_guard).
  const auto text = [](lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, const std::string& s, lxw_format* f) {
    if (needs_formula_guard(s)) worksheet_write_string(ws, row, col, spreadsheet_text(s).c_str(), f);
    else worksheet_write_string(ws, row, col, s.c_str(), f);
  };

  lxw_worksheet* contents = workbook_add_worksheet(wb, "Contents");
  used.insert("Contents");
  text(contents, 0, 0, contents_title, title);
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
    worksheet_write_url_opt(contents, contents_row, 0, link.c_str(), nullptr, spreadsheet_text(name).c_str(), nullptr);
    text(contents, contents_row, 1, t.title, nullptr);
    if (!t.notes.empty()) text(contents, contents_row, 2, t.notes, wrap);
    ++contents_row;

    text(ws, 0, 0, t.title, title);
    lxw_row_t header_row = 1;
    if (!t.notes.empty()) {
      text(ws, 1, 0, t.notes, nullptr);
      header_row = 2;
    }
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const auto& col = t.columns[c];
      text(ws, header_row, static_cast<lxw_col_t>(c), col.label.empty() ? col.name : col.label, bold);
      worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                           std::max<double>(10, std::min<double>(45, static_cast<double>(col.label.size()) + 2)), nullptr);
    }
    size_t r = 0;
    t.for_each_row([&](const std::vector<Cell>& cells) {
      const auto row = static_cast<lxw_row_t>(header_row + 1 + r++);
      for (size_t c = 0; c < cells.size(); ++c) {
        const auto col = static_cast<lxw_col_t>(c);
        const Cell& cell = cells[c];
        if (const auto* s = std::get_if<std::string>(&cell)) text(ws, row, col, *s, nullptr);
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
  return file.commit(error);
}

}  // namespace careflow
