#include "careflow/io/csv.hpp"

#include "careflow/base/huge_pages.hpp"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <emmintrin.h>
#include <sys/stat.h>
#include <zlib.h>

namespace careflow {

std::string_view to_string(TextEncoding e) {
  switch (e) {
    case TextEncoding::utf8: return "UTF-8";
    case TextEncoding::utf8_bom: return "UTF-8 with BOM";
    case TextEncoding::utf16le: return "UTF-16LE";
    case TextEncoding::utf16be: return "UTF-16BE";
    case TextEncoding::windows1252: return "Windows-1252";
  }
  return "";
}

int CsvTable::find_column(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return static_cast<int>(i);
  return -1;
}

void CsvTable::add_row(const std::vector<std::string_view>& cells, uint32_t line) {
  for (size_t c = 0; c < columns.size(); ++c) {
    const auto b = static_cast<uint32_t>(text_.size());
    if (c < cells.size()) text_.append(cells[c].substr(0, kMaxCellLength));
    begin_.push_back(b);
    length_.push_back(static_cast<uint16_t>(std::min(text_.size() - b, kMaxCellLength)));
  }
  lines_.push_back(line);
}

namespace {
void upper_case_ascii(char* p, size_t n) {
  // Branch-free so the compiler vectorises it.
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<char>(p[i] - ((p[i] >= 'a' && p[i] <= 'z') ? 32 : 0));
}
}  // namespace

void CsvTable::upper_case() { upper_case_ascii(text_.data(), text_.size()); }

void CsvTable::reserve(size_t rows, size_t bytes) {
  text_.reserve(bytes);
  begin_.reserve(rows * columns.size());
  length_.reserve(rows * columns.size());
  lines_.reserve(rows);
}

bool read_file(const std::string& path, std::string& out) {
  // Published reference files are often gzipped; read them transparently.
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) {
    gzFile g = gzopen(path.c_str(), "rb");
    if (!g) return false;
    out.clear();
    char buf[1 << 16];
    int n;
    while ((n = gzread(g, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    const bool ok = n == 0;
    gzclose(g);
    return ok;
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  // A folder opens, and its "size" may be the largest offset there is: refuse it before any
  // buffer is sized by it.
  struct stat st {};
  if (::fstat(fileno(f), &st) != 0 || S_ISDIR(st.st_mode)) {
    std::fclose(f);
    return false;
  }
  // Size the buffer once (a national file is hundreds of megabytes), then read into it. Only
  // growth is zero-filled: a buffer that already held a larger file is just overwritten.
  // (Only a regular file's size is known beforehand; a pipe is read as it comes.)
  size_t got = 0;
  if (S_ISREG(st.st_mode)) {
    const auto size = static_cast<long long>(st.st_size);
    if (size > 0) {
      if (out.size() < static_cast<size_t>(size)) {
        // Advised before the zero-fill first touches it: a national file is tens of megabytes.
        out.reserve(static_cast<size_t>(size));
        advise_huge(out.data(), out.capacity());
        out.resize(static_cast<size_t>(size));
      }
      got = std::fread(out.data(), 1, static_cast<size_t>(size), f);
    }
  }
  out.resize(got);
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);  // grew meanwhile, or a pipe
  const bool ok = !std::ferror(f);
  std::fclose(f);
  return ok;
}

std::string why_unreadable(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return errno == ENOENT ? "no such file" : std::strerror(errno);
  if (S_ISDIR(st.st_mode)) return "it is a folder, not a file";
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return std::strerror(errno);
  std::fclose(f);
  return "it could not be read to the end";
}

size_t first_invalid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    // ASCII fast path, eight bytes at a time.
    if (i + 8 <= s.size()) {
      uint64_t chunk;
      std::memcpy(&chunk, s.data() + i, 8);
      if ((chunk & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    // RFC 3629: the second byte's range depends on the first, which rules out overlong forms,
    // UTF-16 surrogates (ED A0..BF) and code points above U+10FFFF (F4 90..).
    size_t continuation;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c < 0xE0) continuation = 1;
    else if (c >= 0xE0 && c < 0xF0) continuation = 2, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c < 0xF5) continuation = 3, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else return i;
    if (i + continuation >= s.size()) return i;
    for (size_t k = 1; k <= continuation; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80) return i;
    }
    i += continuation + 1;
  }
  return std::string_view::npos;
}

namespace {

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string utf16_to_utf8(std::string_view b, bool little_endian) {
  std::string out;
  out.reserve(b.size() / 2);
  auto unit = [&](size_t i) -> uint32_t {
    const auto lo = static_cast<unsigned char>(b[little_endian ? i : i + 1]);
    const auto hi = static_cast<unsigned char>(b[little_endian ? i + 1 : i]);
    return static_cast<uint32_t>(hi << 8 | lo);
  };
  for (size_t i = 0; i + 1 < b.size(); i += 2) {
    uint32_t u = unit(i);
    if (u >= 0xD800 && u < 0xDC00 && i + 3 < b.size()) {
      const uint32_t lo = unit(i + 2);
      if (lo >= 0xDC00 && lo < 0xE000) {
        append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        i += 2;
        continue;
      }
    }
    if (u >= 0xD800 && u < 0xE000) u = 0xFFFD;  // lone surrogate
    append_utf8(out, u);
  }
  return out;
}

bool is_valid_utf8(std::string_view s) { return first_invalid_utf8(s) == std::string_view::npos; }

// Windows-1252 bytes 0x80..0x9F map to these code points; 0xA0..0xFF equal Latin-1.
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

std::string cp1252_to_utf8(std::string_view b) {
  std::string out;
  out.reserve(b.size() + b.size() / 8);
  for (char ch : b) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) out += ch;
    else if (c < 0xA0) append_utf8(out, kCp1252High[c - 0x80]);
    else append_utf8(out, c);
  }
  return out;
}

// UTF-16 without a BOM: ASCII text has a zero in every other byte.
bool looks_like_bomless_utf16(std::string_view b, bool& little_endian) {
  const size_t n = std::min<size_t>(b.size() & ~size_t{1}, 512);
  if (n < 4) return false;
  size_t zero_odd = 0, zero_even = 0;
  for (size_t i = 0; i < n; i += 2) {
    zero_even += b[i] == 0;
    zero_odd += b[i + 1] == 0;
  }
  if (zero_odd * 10 >= n / 2 * 9 && zero_even == 0) { little_endian = true; return true; }
  if (zero_even * 10 >= n / 2 * 9 && zero_odd == 0) { little_endian = false; return true; }
  return false;
}

}  // namespace

std::string decode_to_utf8(std::string_view b, TextEncoding& enc) {
  auto starts = [&](std::string_view p) { return b.substr(0, p.size()) == p; };
  if (starts("\xEF\xBB\xBF")) {
    // A byte-order mark says UTF-8, but the rest may still not be (a file edited in two tools).
    if (is_valid_utf8(b.substr(3))) { enc = TextEncoding::utf8_bom; return std::string(b.substr(3)); }
    enc = TextEncoding::windows1252;
    return cp1252_to_utf8(b.substr(3));
  }
  if (starts("\xFF\xFE")) { enc = TextEncoding::utf16le; return utf16_to_utf8(b.substr(2), true); }
  if (starts("\xFE\xFF")) { enc = TextEncoding::utf16be; return utf16_to_utf8(b.substr(2), false); }
  bool le = true;
  if (looks_like_bomless_utf16(b, le)) {
    enc = le ? TextEncoding::utf16le : TextEncoding::utf16be;
    return utf16_to_utf8(b, le);
  }
  if (is_valid_utf8(b)) { enc = TextEncoding::utf8; return std::string(b); }
  enc = TextEncoding::windows1252;
  return cp1252_to_utf8(b);
}

std::optional<double> parse_number_cell(std::string_view cell) {
  std::string t;
  for (size_t i = 0; i < cell.size(); ++i) {
    if (cell.substr(i, 2) == "\xC2\xA3") ++i;  // a pound sign (UTF-8: every file is decoded to it)
    else if (cell[i] != ',' && cell[i] != ' ') t += cell[i];  // thousands separators, padding
  }
  double v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string csv_escape(std::string_view f) {
  if (f.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(f);
  std::string out = "\"";
  for (char c : f) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// A single pass over the text, in place: fields are unquoted into the buffer as they are read,
// and either indexed in the table or handed to a sink.
class CsvParser {
 public:
  CsvParser(std::string& text, CsvReadResult& r, CsvRowSink* sink) : buf_(text), r_(r), sink_(sink) {}

  void run() {
    // Most exports contain no quote characters at all: such files take a vectorised path that
    // finds delimiters sixteen bytes at a time and copies nothing.
    if (std::memchr(buf_.data(), '"', buf_.size()) == nullptr) {
      run_unquoted();
      return;
    }
    run_general();
  }

  // One record per line is a close upper bound on the rows.
  static size_t count_lines(const char* in, size_t n) {
    size_t lines = 1;
    for (const char* p = in; (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(in + n - p)))); ++p) ++lines;
    return lines;
  }

  // Marks the positions of ',', '\n' and '\r' in the 64 bytes from `p` (fewer at the end).
  static uint64_t delimiter_mask(const char* p, size_t available) {
    alignas(16) char tail[64];
    if (available < 64) {
      std::memset(tail, 0, sizeof tail);
      std::memcpy(tail, p, available);
      p = tail;
    }
    const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
    uint64_t mask = 0;
    for (int k = 0; k < 4; ++k) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, lf)),
                                       _mm_cmpeq_epi8(v, cr));
      mask |= static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(hit))) << (16 * k);
    }
    return mask;
  }

  void run_unquoted() {
    CsvTable& t = r_.table;
    std::string& buf = buf_;
    const char* const in = buf.data();
    const size_t n = buf.size();
    size_t block = SIZE_MAX;
    uint64_t mask = 0;
    auto next_delimiter = [&](size_t pos) -> size_t {
      while (pos < n) {
        const size_t blk = pos & ~size_t{63};
        if (blk != block) {
          block = blk;
          mask = delimiter_mask(in + blk, std::min<size_t>(64, n - blk));
        }
        const uint64_t m = mask & (~uint64_t{0} << (pos - blk));
        if (m) return blk + static_cast<size_t>(__builtin_ctzll(m));
        pos = blk + 64;
      }
      return n;
    };
    if (!sink_) {  // a sink keeps no per-row index
      t.lines_.reserve(count_lines(in, n));
      advise_huge(t.lines_.data(), t.lines_.capacity() * sizeof(uint32_t));
    }

    std::vector<std::pair<uint32_t, uint32_t>> fields;
    fields.reserve(64);
    bool have_header = false;
    uint32_t line = 1;
    size_t i = 0;
    while (i < n) {
      const uint32_t record_line = line;
      fields.clear();
      for (;;) {
        const size_t e = next_delimiter(i);
        size_t b = i, f = e;
        while (b < f && (in[b] == ' ' || in[b] == '\t')) ++b;
        while (f > b && (in[f - 1] == ' ' || in[f - 1] == '\t')) --f;
        fields.emplace_back(static_cast<uint32_t>(b), static_cast<uint32_t>(f));
        i = e;
        if (i < n && in[i] == ',') { ++i; continue; }
        if (i < n && in[i] == '\r') ++i;
        if (i < n && in[i] == '\n') ++i;
        ++line;
        break;
      }
      const bool had_header = have_header;
      accept_record(fields, record_line, have_header, in);
      if (!had_header && have_header) upper_case_rest(i);
    }
    finish(have_header);
  }

  // Files the reader cannot split by plain delimiters alone: quoted fields are unquoted in place.
  void run_general() {
    CsvTable& t = r_.table;
    std::vector<std::pair<uint32_t, uint32_t>> fields;
    // Parsed in place: unquoting never lengthens text, so the write position never passes the
    // read position, and an unquoted field in a file without quotes needs no copy at all.
    std::string& out = buf_;
    char* const base = out.data();
    const char* const in = base;
    size_t w = 0;
    bool have_header = false;
    uint32_t line = 1;
    size_t i = 0;
    const size_t n = out.size();
    // One table load per byte to find the end of an unquoted field.
    static const auto kStops = [] {
      std::array<bool, 256> t{};
      t[static_cast<unsigned char>(',')] = t[static_cast<unsigned char>('\n')] = t[static_cast<unsigned char>('\r')] = true;
      return t;
    }();
    auto plain_run_end = [&](size_t from) {
      while (from < n && !kStops[static_cast<unsigned char>(in[from])]) ++from;
      return from;
    };
    // Reserve for the whole file up front: one record per line is a close upper bound.
    {
      if (!sink_) {
        t.lines_.reserve(count_lines(in, n));
        advise_huge(t.lines_.data(), t.lines_.capacity() * sizeof(uint32_t));
      }
      fields.reserve(64);
    }
    uint32_t quote_line = 0;  // where the last quoted field opened, for the message if it is never closed
    while (i < n) {
      const uint32_t record_line = line;
      fields.clear();
      bool unterminated = false;
      for (;;) {
        // One field.
        while (i < n && (in[i] == ' ' || in[i] == '\t')) ++i;
        const auto begin = static_cast<uint32_t>(w);
        if (i < n && in[i] == '"') {
          quote_line = line;
          ++i;
          for (;;) {
            size_t j = i;
            while (j < n && in[j] != '"') {
              if (in[j] == '\n') ++line;
              ++j;
            }
            if (w != i) std::memmove(base + w, in + i, j - i);
            w += j - i;
            if (j >= n) { i = j; unterminated = true; break; }
            if (j + 1 < n && in[j + 1] == '"') { base[w++] = '"'; i = j + 2; continue; }
            i = j + 1;
            break;
          }
          // Text after the closing quote (e.g. "ab"c) is kept, as spreadsheets do.
          const size_t e = plain_run_end(i);
          if (w != i) std::memmove(base + w, in + i, e - i);
          w += e - i;
          i = e;
        } else {
          const size_t e = plain_run_end(i);
          if (w != i) std::memmove(base + w, in + i, e - i);
          w += e - i;
          i = e;
        }
        size_t end = w;
        while (end > begin && (base[end - 1] == ' ' || base[end - 1] == '\t')) --end;
        w = end;
        fields.emplace_back(begin, static_cast<uint32_t>(end));
        if (i < n && in[i] == ',') { ++i; continue; }
        // End of record: CRLF, LF, lone CR, or end of input.
        if (i < n && in[i] == '\r') ++i;
        if (i < n && in[i] == '\n') ++i;
        ++line;
        break;
      }
      if (unterminated) {
        unterminated_quote(fields, record_line, quote_line, have_header);
        break;
      }
      // A record that did not become a row (the header, a blank or malformed record) leaves
      // its bytes unused; writing resumes at the read position so later fields need no copy.
      const bool had_header = have_header;
      if (!accept_record(fields, record_line, have_header, base)) w = i;
      if (!had_header && have_header) upper_case_rest(i);
    }
    out.resize(w);
    finish(have_header);
  }

  // A quote opened on line `quote_line` and was never closed: the rest of the file was read into
  // the record's last field. Each line it swallowed that held anything would have been a record:
  // they are counted as read and rejected with it, so that the reconciliation of rows read still
  // holds, and the message says how many were lost and where the quote opened.
  void unterminated_quote(const std::vector<std::pair<uint32_t, uint32_t>>& fields, uint32_t record_line,
                          uint32_t quote_line, bool have_header) {
    const CsvTable& t = r_.table;
    // The field holds the rest of the file, unquoted: its line breaks are the file's.
    const auto [b, e] = fields.back();
    size_t lost = 0;  // lines after the quote's own that held more than blanks and commas
    bool first_line = true, content = false;
    for (size_t k = b; k < e; ++k) {
      const char c = buf_[k];
      if (c == '\n') {
        if (!first_line) lost += content;
        first_line = false;
        content = false;
      } else if (c != '\r' && c != ' ' && c != '\t' && c != ',') {
        content = true;
      }
    }
    if (!first_line) lost += content;
    if (!have_header) {
      r_.problems.add({Severity::error, t.source, quote_line, "", "unterminated-quote",
                       fmt::format("a quote opened in the header row is never closed, so the whole file "
                                   "({} more line(s) that held data) was read as the header and nothing was used",
                                   lost)});
      unterminated_header_ = true;
      return;
    }
    const size_t field = fields.size() - 1;
    const std::string column = field < t.columns.size() ? t.columns[field] : "";
    r_.problems.add({Severity::error, t.source, quote_line, column, "unterminated-quote",
                     fmt::format("a quoted field opened on line {} is not closed before the end of the file, so the "
                                 "rest of the file was read as part of it: the record from line {} and the {} "
                                 "line(s) after it that held data were not used (counted as rejected). Close the "
                                 "quote, or double any quote character inside a field", quote_line, record_line, lost)});
    r_.records_read += 1 + lost;
    r_.records_rejected += 1 + lost;
  }

  // Takes one parsed record: the header, a blank record, a malformed one, or a row.
  // Returns true if it became a row of the table.
  bool accept_record(const std::vector<std::pair<uint32_t, uint32_t>>& fields, uint32_t record_line,
                     bool& have_header, const char* base) {
    CsvTable& t = r_.table;
    const bool blank = fields.size() == 1 && fields[0].first == fields[0].second;
    if (!have_header) {
      if (blank) return false;  // leading empty lines before the header
      for (auto [b, e] : fields) t.columns.emplace_back(base + b, e - b);
      have_header = true;
      if (sink_) {
        sink_->header(t.columns);
        views_.resize(t.columns.size());
        return false;
      }
      t.begin_.reserve(t.lines_.capacity() * t.columns.size());
      t.length_.reserve(t.lines_.capacity() * t.columns.size());
      advise_huge(t.begin_.data(), t.begin_.capacity() * sizeof(uint32_t));
      advise_huge(t.length_.data(), t.length_.capacity() * sizeof(uint16_t));
      return false;
    }
    ++r_.records_read;
    bool all_empty = true;
    for (auto [b, e] : fields) all_empty &= b == e;
    if (all_empty) {
      // Spreadsheets leave rows of bare commas; they carry nothing, but say so.
      ++r_.blank_records;
      return false;
    }
    if (fields.size() != t.columns.size()) {
      r_.problems.add({Severity::error, t.source, record_line, "", "field-count",
                       fmt::format("expected {} fields as in the header, found {}; record rejected",
                                   t.columns.size(), fields.size())});
      ++r_.records_rejected;
      return false;
    }
    for (size_t k = 0; k < fields.size(); ++k)
      if (fields[k].second - fields[k].first > CsvTable::kMaxCellLength) {
        // The column by position: its heading may itself be data in a file without a header row.
        r_.problems.add({Severity::error, t.source, record_line, std::to_string(k + 1), "field-too-long",
                         fmt::format("a field of {} characters (the limit is {}); record rejected",
                                     fields[k].second - fields[k].first, CsvTable::kMaxCellLength)});
        ++r_.records_rejected;
        return false;
      }
    if (sink_) {
      for (size_t k = 0; k < fields.size(); ++k)
        views_[k] = std::string_view(base + fields[k].first, fields[k].second - fields[k].first);
      sink_->row(views_.data(), record_line);
      return false;  // consumed: its bytes may be overwritten
    }
    for (auto [b, e] : fields) {
      t.begin_.push_back(b);
      t.length_.push_back(static_cast<uint16_t>(e - b));
    }
    t.lines_.push_back(record_line);
    return true;
  }

  // A sink sees cells upper-cased, as the table's readers do after upper_case(); the header is
  // left as written (problems name the columns that are SSDA903 column names). Unread bytes only: delimiters and quotes are unchanged.
  void upper_case_rest(size_t from) {
    if (sink_ && from < buf_.size()) upper_case_ascii(buf_.data() + from, buf_.size() - from);
  }

  void finish(bool have_header) {
    r_.readable = have_header;
    if (!have_header && !unterminated_header_)
      r_.problems.add({Severity::error, r_.table.source, 0, "", "empty-file",
                       "the file is empty: no header row was found"});
  }

 private:
  std::string& buf_;
  CsvReadResult& r_;
  CsvRowSink* sink_;
  std::vector<std::string_view> views_;
  bool unterminated_header_ = false;
};

namespace {
// Converts bytes to UTF-8 in their own buffer, which is left as it is when they already are.
void decode_in_place(std::string& bytes, TextEncoding& enc) {
  const std::string_view b(bytes);
  if (b.substr(0, 3) == "\xEF\xBB\xBF" && is_valid_utf8(b.substr(3))) {
    enc = TextEncoding::utf8_bom;
    bytes.erase(0, 3);
    return;
  }
  bool le = true;
  if (b.substr(0, 2) != "\xFF\xFE" && b.substr(0, 2) != "\xFE\xFF" && !looks_like_bomless_utf16(b, le) &&
      is_valid_utf8(b)) {
    enc = TextEncoding::utf8;
    return;
  }
  const std::string decoded = decode_to_utf8(b, enc);
  bytes.assign(decoded);  // keeps the buffer's capacity for the caller's next file
}

// What parse_csv_owned and stream_csv share: decoding, its warning, and the size limit.
bool prepare_text(std::string& text, CsvReadResult& r) {
  decode_in_place(text, r.table.encoding);
  if (r.table.encoding == TextEncoding::windows1252)
    r.problems.add({Severity::warning, r.table.source, 0, "", "encoding",
                    "the file is not valid UTF-8; it was read as Windows-1252 (Excel's default)"});
  if (text.size() >= UINT32_MAX) {
    r.problems.add({Severity::error, r.table.source, 0, "", "too-large",
                    "the file is larger than 4 GB; split it by year"});
    return false;
  }
  return true;
}
}  // namespace

CsvReadResult parse_csv(std::string_view bytes, std::string source) {
  return parse_csv_owned(std::string(bytes), std::move(source));
}

CsvReadResult parse_csv_owned(std::string bytes, std::string source) {
  CsvReadResult r;
  r.table.source = std::move(source);
  r.table.text_ = std::move(bytes);
  if (!prepare_text(r.table.text_, r)) {
    r.table.text_.clear();
    return r;
  }
  CsvParser(r.table.text_, r, nullptr).run();
  return r;
}

CsvReadResult stream_csv(std::string& bytes, std::string source, CsvRowSink& sink) {
  CsvReadResult r;
  r.table.source = std::move(source);
  if (!prepare_text(bytes, r)) return r;
  CsvParser(bytes, r, &sink).run();
  return r;
}

CsvReadResult read_csv(const std::string& path) {
  std::string bytes;
  if (!read_file(path, bytes)) {
    CsvReadResult r;
    r.table.source = path;
    r.problems.add({Severity::error, path, 0, "", "unreadable", "the file cannot be read: " + why_unreadable(path)});
    return r;
  }
  return parse_csv_owned(std::move(bytes), path);
}

}  // namespace careflow
