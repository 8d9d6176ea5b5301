#include "careflow/forecast/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <vector>
#include <toml++/toml.h>

#include "careflow/io/csv.hpp"
#include "careflow/io/unit_costs.hpp"


namespace careflow::forecast {

double CostSettings::inflation_factor(Date day, Date forecast_start) const {
  if (inflation == 0.0) return 1.0;
  const int years = financial_year_of(day) - financial_year_of(forecast_start + 1);
  return std::pow(1.0 + inflation, std::max(0, years));
}

std::optional<LegalGroup> legal_group_from_name(std::string_view n) {
  for (int g = 0; g < kLegalGroupCount; ++g)
    if (legal_group_name(static_cast<LegalGroup>(g)) == n) return static_cast<LegalGroup>(g);
  return std::nullopt;
}

std::optional<Kind> kind_from_name(std::string_view n) {
  for (int k = 0; k < kKindCount; ++k)
    if (kind_name(static_cast<Kind>(k)) == n) return static_cast<Kind>(k);
  return std::nullopt;
}

std::optional<LeftHow> left_how_from_name(std::string_view n) {
  if (n == "home") return LeftHow::home;
  if (n == "other") return LeftHow::other;
  if (n == "any") return LeftHow::any;
  return std::nullopt;
}

namespace {
// NaN and infinities are TOML numbers too (nan, inf); no lever means anything with them.
bool factor_ok(double f) { return std::isfinite(f) && f >= 0; }
}  // namespace

std::optional<std::string> make_shift(std::string_view from_kind, std::string_view to_kind, double children, MixShift& out) {
  const auto fk = kind_from_name(from_kind), tk = kind_from_name(to_kind);
  if (!fk || !tk) return "scenario: [[shift]] needs from_kind and to_kind (e.g. foster_ifa, foster_in_house)";
  out.from_kind = *fk;
  out.to_kind = *tk;
  out.children = children;
  if (!factor_ok(out.children)) return "scenario: [[shift]] children must be a number, not negative";
  return std::nullopt;
}

std::optional<std::string> set_reentry(double factor, std::string_view after, Scenario& out) {
  out.reentry_factor = factor;
  if (!factor_ok(out.reentry_factor)) return "scenario: reentry.factor must be a number, not negative";
  const auto how = left_how_from_name(after);
  if (!how) return fmt::format("scenario: reentry.after must be home, other or any, not '{}'", after);
  out.reentry_after = *how;
  return std::nullopt;
}

std::optional<std::string> make_legal_change(std::string_view from_group, std::string_view to_group, double factor,
                                             LegalChangeLever& out) {
  const auto fg = legal_group_from_name(from_group);
  if (!fg) return "scenario: [legal_status] needs from_group (interim_care_order, full_care_order, placement_order, section_20, detained, youth_justice, other)";
  out.from_group = *fg;
  if (to_group == "any") out.to_group.reset();
  else if (const auto tg = legal_group_from_name(to_group)) out.to_group = *tg;
  else return fmt::format("scenario: unknown legal status group '{}' in [legal_status] to_group", to_group);
  if (out.to_group && *out.to_group == out.from_group) return "scenario: [legal_status] from_group and to_group must differ";
  out.factor = factor;
  if (!factor_ok(out.factor)) return "scenario: legal_status.factor must be a number, not negative";
  return std::nullopt;
}

namespace {
// A folder opens as a stream on Linux and reads as empty: say what it is instead.
bool is_folder(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}
}  // namespace

bool Scenario::is_baseline() const {
  return entry_changes.empty() && return_home_factor == 1.0 && shifts.empty() && population_growth == 0.0 &&
         reentry_factor == 1.0 && (!legal_change || legal_change->factor == 1.0);
}

double Scenario::entry_multiplier(int age, Date day, Date forecast_start) const {
  double m = 1.0;
  for (const auto& c : entry_changes)
    if (age >= c.age_from && age <= c.age_to && day >= c.from) m *= c.factor;
  if (population_growth != 0.0) m *= std::pow(1.0 + population_growth, (day - forecast_start) / 365.25);
  return m;
}

double Scenario::shifted(const MixShift& s, Date day) const {
  if (day < s.from) return 0.0;
  if (day >= s.to || s.to <= s.from) return s.children;
  return s.children * static_cast<double>(day - s.from) / static_cast<double>(s.to - s.from);
}

namespace {
std::optional<Date> get_date(const toml::node* n) {
  if (!n) return std::nullopt;
  if (auto d = n->as_date()) {
    const auto v = d->get();
    return Date::from_ymd(v.year, v.month, v.day);
  }
  if (auto s = n->value<std::string>()) {
    const auto p = parse_date(*s);
    if (p) return p.date;
  }
  return std::nullopt;
}

// Line and column (1-based, in characters) of a byte of the text.
std::pair<size_t, size_t> line_and_column(std::string_view text, size_t offset) {
  const size_t from = offset == 0 ? 0 : text.rfind('\n', offset - 1) + 1;  // npos + 1 is 0: the first line
  size_t column = 1;
  for (size_t i = from; i < offset; ++i) column += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  return {1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(from), '\n')), column};
}

// toml++ 3.3 (Debian 12) runs into a point its authors marked unreachable (undefined behaviour)
// when it asks whether some characters other than ASCII are white space (é is one): it asks
// outside strings, in numbers it scans past their end, and where a line-ending backslash trims
// a multi-line string. So toml++ is given only ASCII: the same document with every character
// other than ASCII in a string written as its \u escape (literal strings become basic ones, which
// have escapes) and in a comment as "?". Outside strings and comments TOML allows no such
// character, nor control characters anywhere, nor malformed UTF-8: those are refused here, with
// where they are. `origin` maps each byte given to toml++ to the file's byte, for its messages.
struct AsciiToml {
  std::string text;
  std::vector<size_t> origin;
};

std::optional<std::string> to_ascii_toml(std::string_view text, const std::string& source, AsciiToml& out) {
  auto at = [&](size_t offset, std::string_view what) {
    const auto [line, column] = line_and_column(text, offset);
    return fmt::format("{}:{}:{}: {}", source, line, column, what);
  };
  if (const size_t bad = first_invalid_utf8(text); bad != std::string_view::npos)
    return at(bad, "the file is not UTF-8 text; save it as UTF-8 (TOML files must be)");
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F || (c == '\r' && text.substr(i + 1, 1) != "\n"))
      return at(i, fmt::format("a control character (byte {:#04x}); TOML allows none but tab and line ends", c));
  }
  auto emit = [&](std::string_view s, size_t from) {
    out.text += s;
    out.origin.insert(out.origin.end(), s.size(), from);
  };
  // The code point of the (valid UTF-8) character at i, and its length in bytes.
  auto code_point = [&](size_t i, size_t& length) -> uint32_t {
    const auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(text[i + k])); };
    length = b(0) < 0xE0 ? 2 : b(0) < 0xF0 ? 3 : 4;
    if (length == 2) return (b(0) & 0x1F) << 6 | (b(1) & 0x3F);
    if (length == 3) return (b(0) & 0x0F) << 12 | (b(1) & 0x3F) << 6 | (b(2) & 0x3F);
    return (b(0) & 0x07) << 18 | (b(1) & 0x3F) << 12 | (b(2) & 0x3F) << 6 | (b(3) & 0x3F);
  };
  size_t i = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;  // a byte-order mark, as Notepad writes one
  while (i < text.size()) {
    const char c = text[i];
    if (c == '#') {  // a comment, to the end of the line
      while (i < text.size() && text[i] != '\n') {
        size_t length = 1;
        if (static_cast<unsigned char>(text[i]) >= 0x80) code_point(i, length);
        emit(length == 1 ? text.substr(i, 1) : "?", i);
        i += length;
      }
    } else if (c == '"' || c == '\'') {  // a string: basic ("...", """...""") or literal ('...', '''...''')
      const bool literal = c == '\'';
      const std::string_view quotes = literal ? "'''" : "\"\"\"";
      const bool multi_line = text.substr(i, 3) == quotes;
      const std::string_view close = multi_line ? quotes : quotes.substr(0, 1);
      const std::string_view basic_close = multi_line ? "\"\"\"" : "\"";
      emit(basic_close, i);
      for (i += close.size(); i < text.size();) {
        const auto ch = static_cast<unsigned char>(text[i]);
        if (!multi_line && ch == '\n') break;  // unterminated; toml++ says so
        if (text.substr(i, close.size()) == close) {
          // Up to two more quotes belong to the string: """a"""" holds a".
          size_t extra = 0;
          while (multi_line && extra < 2 && i + close.size() + extra < text.size() && text[i + close.size() + extra] == c)
            ++extra;
          emit(std::string(extra, c), i);  // a literal string's ' needs no escape in a basic one
          emit(basic_close, i);
          i += close.size() + extra;
          break;
        }
        if (ch >= 0x80) {
          size_t length = 0;
          const uint32_t cp = code_point(i, length);
          emit(cp <= 0xFFFF ? fmt::format("\\u{:04X}", cp) : fmt::format("\\U{:08X}", cp), i);
          i += length;
        } else if (literal && (ch == '\\' || ch == '"')) {
          emit(ch == '\\' ? "\\\\" : "\\\"", i++);
        } else if (!literal && ch == '\\' && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80) {
          emit("\\?", i);  // an escape TOML does not have: toml++ says so, here
          size_t length = 0;
          code_point(i + 1, length);
          i += 1 + length;
        } else if (!literal && ch == '\\' && i + 1 < text.size()) {
          emit(text.substr(i, 2), i);  // an escape: the next character is the string's
          i += 2;
        } else {
          emit(text.substr(i, 1), i);
          ++i;
        }
      }
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      return at(i, "a character other than ASCII outside quotes; TOML allows other characters only in quoted "
                   "strings and comments");
    } else {
      emit(text.substr(i, 1), i);
      ++i;
    }
  }
  return std::nullopt;
}

// `unit_costs_csv`, when given, receives [costs] unit_costs_csv (the file's job to resolve).
std::optional<std::string> parse_scenario(const std::string& text, Scenario& out, const std::string& source,
                                          std::string* unit_costs_csv) {
  AsciiToml ascii;
  if (auto e = to_ascii_toml(text, source, ascii)) return e;
  toml::table t;
  try {
    t = toml::parse(ascii.text);
  } catch (const toml::parse_error& e) {
    // toml++'s line and column are in the ASCII text, where a column is a byte: back to the file's.
    size_t offset = 0;
    for (size_t line = 1; line < e.source().begin.line && offset < ascii.text.size(); ++line)
      offset = std::min(ascii.text.find('\n', offset), ascii.text.size()) + 1;
    offset = std::min(offset + std::max<size_t>(e.source().begin.column, 1) - 1, ascii.text.size());
    const size_t in_file = offset < ascii.origin.size() ? ascii.origin[offset] : text.size();
    const auto [line, column] = line_and_column(text, in_file);
    return fmt::format("{}:{}:{}: {}", source, line, column, e.description());
  }
  if (auto v = t["name"].value<std::string>()) out.name = *v;
  if (auto v = t["description"].value<std::string>()) out.description = *v;
  auto rate_ok = [](double r) { return std::isfinite(r) && r > -1; };  // a yearly rate of change
  if (auto v = t["population_growth"].value<double>()) out.population_growth = *v;
  if (!rate_ok(out.population_growth)) return "scenario: population_growth must be a yearly rate above -1 (e.g. 0.01)";
  if (auto* arr = t["entries"].as_array()) {
    for (auto& node : *arr) {
      auto* e = node.as_table();
      if (!e) return "scenario: [[entries]] must be tables";
      EntryChange c;
      if (auto* ages = (*e)["ages"].as_array(); ages && ages->size() == 2) {
        // value_exact: toml++'s value<int64_t>() converts a float such as 1.6e52 without a range
        // check (undefined behaviour), and ages are whole numbers anyway.
        const auto from = ages->get(0)->value_exact<int64_t>(), to = ages->get(1)->value_exact<int64_t>();
        if (!from || !to || *from < 0 || *from > *to || *to > 17)
          return "scenario: [[entries]] ages must be [FROM, TO], whole numbers with 0 <= FROM <= TO <= 17";
        c.age_from = static_cast<int>(*from);
        c.age_to = static_cast<int>(*to);
      }
      if (auto f = (*e)["factor"].value<double>()) c.factor = *f;
      else if (auto ch = (*e)["change"].value<double>()) c.factor = 1.0 + *ch;
      else return "scenario: [[entries]] needs factor or change";
      if (!factor_ok(c.factor)) return "scenario: an entry factor must be a number, not negative";
      const auto from = get_date((*e)["from"].node());
      if (!from) return "scenario: [[entries]] needs a from date (YYYY-MM-DD)";
      c.from = *from;
      out.entry_changes.push_back(c);
    }
  }
  if (auto* rh = t["return_home"].as_table()) {
    if (auto f = (*rh)["factor"].value<double>()) out.return_home_factor = *f;
    if (const auto* node = (*rh)["within_days"].node()) {
      const auto w = node->value_exact<int64_t>();  // as for ages: no float through value<int64_t>()
      if (!w || *w < 1 || *w > 36525) return "scenario: return_home.within_days must be a whole number of days from 1 to 36525";
      out.return_home_days = static_cast<int>(*w);
    }
    if (auto d = get_date((*rh)["from"].node())) out.return_home_from = *d;
    if (!factor_ok(out.return_home_factor)) return "scenario: return_home.factor must be a number, not negative";
  }
  if (auto* re = t["reentry"].as_table()) {
    double factor = 1.0;
    if (auto f = (*re)["factor"].value<double>()) factor = *f;
    else if (auto ch = (*re)["change"].value<double>()) factor = 1.0 + *ch;
    else return "scenario: [reentry] needs factor or change";
    if (auto e = set_reentry(factor, (*re)["after"].value<std::string>().value_or("any"), out)) return e;
    if (auto d = get_date((*re)["from"].node())) out.reentry_from = *d;
    else if ((*re)["from"].node()) return "scenario: reentry.from is not a date (YYYY-MM-DD)";
  }
  if (auto* ls = t["legal_status"].as_table()) {
    // The groups are checked before whether there is a factor (a missing one is 1 until then).
    std::optional<double> factor = (*ls)["factor"].value<double>();
    if (!factor)
      if (auto ch = (*ls)["change"].value<double>()) factor = 1.0 + *ch;
    LegalChangeLever l;
    if (auto e = make_legal_change((*ls)["from_group"].value<std::string>().value_or(""),
                                   (*ls)["to_group"].value<std::string>().value_or("any"), factor.value_or(1.0), l))
      return e;
    if (!factor) return "scenario: [legal_status] needs factor or change";
    if (auto d = get_date((*ls)["from"].node())) l.from = *d;
    else if ((*ls)["from"].node()) return "scenario: legal_status.from is not a date (YYYY-MM-DD)";
    out.legal_change = l;
  }
  if (auto* arr = t["shift"].as_array()) {
    for (auto& node : *arr) {
      auto* s = node.as_table();
      if (!s) return "scenario: [[shift]] must be tables";
      MixShift m;
      if (auto e = make_shift((*s)["from_kind"].value<std::string>().value_or(""),
                              (*s)["to_kind"].value<std::string>().value_or(""),
                              (*s)["children"].value<double>().value_or(0), m))
        return e;
      const auto a = get_date((*s)["start"].node()), b = get_date((*s)["end"].node());
      if (!a || !b) return "scenario: [[shift]] needs start and end dates";
      m.from = *a;
      m.to = *b;
      out.shifts.push_back(m);
    }
  }
  if (auto* c = t["costs"].as_table()) {
    if (auto v = (*c)["inflation"].value<double>()) out.costs.inflation = *v;
    if (!rate_ok(out.costs.inflation)) return "scenario: costs.inflation must be a yearly rate above -1 (e.g. 0.03)";
    if (auto* w = (*c)["weekly"].as_table()) {
      for (auto& [key, val] : *w) {
        const auto k = kind_from_name(key.str());
        if (!k) return fmt::format("scenario: unknown placement kind '{}' in [costs.weekly]", key.str());
        if (auto x = val.value<double>()) {
          if (!factor_ok(*x)) return fmt::format("scenario: [costs.weekly] {} must be a weekly cost in pounds", key.str());
          out.costs.weekly[static_cast<size_t>(*k)] = *x;
        }
        out.costs.illustrative = false;
      }
    }
    if (auto f = (*c)["unit_costs_csv"].value<std::string>(); f && unit_costs_csv) *unit_costs_csv = *f;
  }
  return std::nullopt;
}

std::optional<std::string> parse_named(const std::string& text, Scenario& out, const std::string& source,
                                       std::string* unit_costs_csv) {
  auto err = parse_scenario(text, out, source, unit_costs_csv);
  // The checks of the scenario's meaning say "scenario: ..."; name the file instead.
  if (err && err->starts_with("scenario: ")) err = source + err->substr(8);
  return err;
}

}  // namespace

std::optional<std::string> parse_scenario_toml(const std::string& text, Scenario& out, const std::string& source) {
  return parse_named(text, out, source, nullptr);
}

std::optional<std::string> load_scenario_toml(const std::string& path, Scenario& out) {
  if (is_folder(path)) return fmt::format("cannot read scenario '{}': it is a folder, not a file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return fmt::format("cannot read scenario '{}'", path);
  std::stringstream ss;
  ss << in.rdbuf();
  if (out.name == "baseline") out.name = std::filesystem::path(path).stem().string();
  std::string unit_costs_csv;
  if (auto err = parse_named(ss.str(), out, path, &unit_costs_csv)) return err;
  // unit_costs_csv is resolved relative to the scenario file.
  if (!unit_costs_csv.empty()) {
    auto p = std::filesystem::path(unit_costs_csv);
    if (p.is_relative()) p = std::filesystem::path(path).parent_path() / p;
    UnitCosts u;
    u.weekly = out.costs.weekly;
    if (auto e = read_unit_costs(p.string(), u)) return e;
    out.costs.use(u);
  }
  return std::nullopt;
}

}  // namespace careflow::forecast
