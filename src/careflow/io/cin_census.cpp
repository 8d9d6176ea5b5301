#include "careflow/io/cin_census.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <pugixml.hpp>
#include <set>

namespace careflow::cin {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The schema's spelling of a CIN column name given in any case, or "" when it is none: only
// these are quoted in messages (a file without its header row has a child's values there).
std::string_view known_column(std::string_view name) {
  const std::string key = lower(name);
  for (const auto& s : schemas())
    for (const auto c : s.columns)
      if (lower(c) == key) return c;
  return {};
}

}  // namespace

std::optional<Table> identify_table(const std::vector<std::string>& columns, std::string_view file_name) {
  if (const auto t = table_from_name(fs::path(std::string(file_name)).filename().string())) return t;
  // Each table that has every CIN column of the file; decisive only when one has them all and
  // the file has at least one column beyond LAchildID and CINdetailsID, which most tables share.
  std::vector<std::string_view> known;
  for (const auto& c : columns)
    if (const auto k = known_column(c); !k.empty()) known.push_back(k);
  const size_t distinctive =
      static_cast<size_t>(std::count_if(known.begin(), known.end(), [](std::string_view k) {
        return k != "LAchildID" && k != "CINdetailsID";
      }));
  if (distinctive == 0) return std::nullopt;
  std::optional<Table> found;
  int fits = 0;
  for (const auto& s : schemas()) {
    const bool all = std::all_of(known.begin(), known.end(), [&](std::string_view k) {
      return std::find(s.columns.begin(), s.columns.end(), k) != s.columns.end();
    });
    if (all) {
      ++fits;
      found = s.table;
    }
  }
  return fits == 1 ? found : std::nullopt;
}

std::optional<ReturnTable> to_return_table(CsvTable csv, std::string_view file_name, ProblemLog& problems) {
  const auto t = identify_table(csv.columns, file_name);
  if (!t) {
    problems.add({Severity::error, csv.source, 1, "", "unknown-table",
                  "neither the file's name nor its columns say which CIN census module it holds (ChildIdentifiers, "
                  "CINdetails, Assessments...); the file was not used"});
    return std::nullopt;
  }
  const TableSchema& s = schema(*t);
  std::vector<int> from(s.columns.size(), -1);
  ReturnTable out;
  out.table = *t;
  out.has_column.assign(s.columns.size(), false);
  for (size_t c = 0; c < csv.columns.size(); ++c) {
    const std::string key = lower(csv.columns[c]);
    size_t k = 0;
    while (k < s.columns.size() && lower(s.columns[k]) != key) ++k;
    if (k == s.columns.size()) {
      out.extra_columns.push_back(csv.columns[c]);
      const std::string_view known = known_column(csv.columns[c]);
      problems.add({Severity::warning, csv.source, 1, known.empty() ? std::to_string(c + 1) : std::string(known),
                    "extra-column",
                    known.empty() ? fmt::format("the heading of column {} is not a column of the {} module; the "
                                                "column was ignored", c + 1, s.name)
                                  : fmt::format("column is not part of the {} module and was ignored", s.name)});
      continue;
    }
    if (from[k] >= 0) {
      problems.add({Severity::warning, csv.source, 1, std::string(s.columns[k]), "duplicate-column",
                    fmt::format("column appears twice (columns {} and {}); the first was used", from[k] + 1, c + 1)});
      continue;
    }
    from[k] = static_cast<int>(c);
    out.has_column[k] = true;
  }
  csv.upper_case();
  out.data.source = csv.source;
  out.data.encoding = csv.encoding;
  out.data.columns.assign(s.columns.begin(), s.columns.end());
  out.data.reserve(csv.rows(), 0);
  std::vector<std::string_view> views(s.columns.size());
  for (size_t r = 0; r < csv.rows(); ++r) {
    for (size_t k = 0; k < s.columns.size(); ++k)
      views[k] = from[k] >= 0 ? csv.cell(r, static_cast<size_t>(from[k])) : std::string_view{};
    out.data.add_row(views, csv.line(r));
  }
  return out;
}

Return read_return_csv_files(const std::vector<std::string>& files, CollectionYear year, ProblemLog& problems) {
  Return ret;
  ret.year = year;
  std::vector<std::string> sorted = files;
  std::sort(sorted.begin(), sorted.end());
  for (const auto& path : sorted) {
    CsvReadResult r = read_csv(path);
    for (const auto& p : r.problems.all()) problems.add(p);
    FileReport report{path, std::nullopt, r.table.encoding, r.records_read, r.records_rejected, r.blank_records};
    if (r.blank_records)
      problems.add({Severity::warning, path, 0, "", "blank-rows",
                    fmt::format("{} row(s) with every field empty were skipped", r.blank_records)});
    if (r.readable) {
      const std::string name = fs::path(path).filename().string();
      if (auto t = to_return_table(std::move(r.table), name, problems)) {
        report.table = t->table;
        auto& slot = ret.tables[static_cast<size_t>(t->table)];
        if (!slot) {
          slot = std::move(*t);
        } else {
          // A second file of the same module: its rows follow, each remembering its file.
          slot->more_sources.push_back({slot->rows(), t->source()});
          std::vector<std::string_view> views(slot->data.cols());
          for (size_t row = 0; row < t->rows(); ++row) {
            for (size_t c = 0; c < views.size(); ++c) views[c] = t->cell(row, c);
            slot->data.add_row(views, t->line(row));
          }
        }
      }
    }
    ret.files.push_back(std::move(report));
  }
  return ret;
}

namespace {

// Lower case without '_', '-' or spaces: "CINplanDates", "cin_plan_dates" and "CIN Plan Dates" meet.
std::string fold(std::string_view s) {
  std::string out;
  for (const char c : s)
    if (c != '_' && c != '-' && c != ' ') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && fold(s.substr(s.size() - suffix.size())) == fold(suffix);
}

std::string stem_of(std::string_view path) { return fs::path(std::string(path)).stem().string(); }

// The first line of a CSV's text, split into its headings (quotes and padding removed).
std::vector<std::string> first_row(std::string_view text) {
  std::vector<std::string> out;
  std::string cell;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') cell += '"', ++i;
      else if (c == '"') quoted = false;
      else cell += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',' || c == '\n' || c == '\r') {
      out.push_back(cell);
      cell.clear();
      if (c != ',') return out;
    } else if (c != ' ' && c != '\t') {
      cell += c;
    }
  }
  out.push_back(cell);
  return out;
}

// The 903's table names that are also CIN modules: such a file is told by its columns alone.
bool shared_with_903(Table t) { return t == Table::header || t == Table::reviews; }

}  // namespace

bool is_cin_text(std::string_view first_bytes, std::string_view file_name) {
  TextEncoding enc{};
  // UTF-16 needs an even number of bytes to decode; the tail of a cut-off prefix is not needed.
  std::string_view b = first_bytes;
  const std::string text = decode_to_utf8(b, enc);
  if (ends_with_ci(file_name, ".xml")) {
    size_t i = 0;
    for (;;) {
      while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
      if (text.compare(i, 2, "<?") == 0) {
        const size_t e = text.find("?>", i);
        if (e == std::string::npos) return false;
        i = e + 2;
      } else if (text.compare(i, 4, "<!--") == 0) {
        const size_t e = text.find("-->", i);
        if (e == std::string::npos) return false;
        i = e + 3;
      } else if (text.compare(i, 2, "<!") == 0) {
        // A document type declaration, with or without an internal subset: the CIN reader refuses
        // it, so the file must reach the CIN reader to be refused with its line.
        size_t e = text.find('>', i);
        const size_t open = text.find('[', i);
        if (open != std::string::npos && (e == std::string::npos || open < e)) {
          const size_t close = text.find(']', open);
          e = close == std::string::npos ? std::string::npos : text.find('>', close);
        }
        if (e == std::string::npos) return false;
        i = e + 1;
      } else {
        break;
      }
    }
    if (i >= text.size() || text[i] != '<') return false;
    size_t e = i + 1;
    while (e < text.size() && (std::isalnum(static_cast<unsigned char>(text[e])) || text[e] == ':' ||
                               text[e] == '_' || text[e] == '-' || text[e] == '.'))
      ++e;
    std::string_view name(text.data() + i + 1, e - i - 1);
    if (const size_t colon = name.rfind(':'); colon != std::string_view::npos) name.remove_prefix(colon + 1);
    return name == "Message";
  }
  if (!ends_with_ci(file_name, ".csv")) return false;
  bool child = false, la_child_id = false, header = false;
  for (const auto& h : first_row(text)) {
    const std::string f = fold(h);
    child |= f == "child";
    la_child_id |= f == "lachildid";
    header |= f == "referencedate" || f == "collection";
  }
  if (la_child_id) return true;
  if (child) return false;
  if (header) return true;
  const auto t = table_from_name(stem_of(file_name));
  return t && !shared_with_903(*t);
}

bool is_cin_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::string head(64 * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  if (head.size() % 2 && head.size() == 64 * 1024) head.pop_back();
  return is_cin_text(head, fs::path(path).filename().string());
}

std::optional<bool> parse_cin_bool(std::string_view text) {
  const std::string f = fold(text);
  if (f == "true" || f == "1") return true;
  if (f == "false" || f == "0") return false;
  return std::nullopt;
}

namespace {

void append_table(Return& ret, ReturnTable t) {
  auto& slot = ret.tables[static_cast<size_t>(t.table)];
  if (!slot) {
    slot = std::move(t);
    return;
  }
  if (t.data.source != slot->data.source || !slot->more_sources.empty())
    slot->more_sources.push_back({slot->rows(), t.data.source});
  for (size_t c = 0; c < slot->has_column.size(); ++c) slot->has_column[c] = slot->has_column[c] || t.has_column[c];
  std::vector<std::string_view> views(slot->data.cols());
  for (size_t r = 0; r < t.rows(); ++r) {
    for (size_t c = 0; c < views.size(); ++c) views[c] = t.cell(r, c);
    slot->data.add_row(views, t.line(r));
  }
}

}  // namespace

// ---- CSV ------------------------------------------------------------------------------------

void read_cin_csv_text(std::string_view bytes, const std::string& path, Return& into, ProblemLog& problems) {
  CsvReadResult r = parse_csv(bytes, path);
  problems.append(r.problems);
  FileReport rep{path, std::nullopt, r.table.encoding, r.records_read, r.records_read, r.blank_records};
  if (r.blank_records)
    problems.add({Severity::warning, path, 0, "", "blank-rows",
                  fmt::format("{} row(s) with every field empty were skipped", r.blank_records)});
  if (r.readable) {
    if (auto t = to_return_table(std::move(r.table), fs::path(path).filename().string(), problems)) {
      rep.table = t->table;
      rep.records_rejected = r.records_rejected + r.blank_records;
      rep.used = true;
      append_table(into, std::move(*t));
    }
  }
  into.files.push_back(std::move(rep));
}

void read_cin_csv(const std::string& path, Return& into, ProblemLog& problems) {
  std::string bytes;
  if (!read_file(path, bytes)) {
    problems.add({Severity::error, path, 0, "", "unreadable", "the file cannot be read: " + why_unreadable(path)});
    into.files.push_back(FileReport{path, std::nullopt, TextEncoding::utf8, 0, 0, 0});
    return;
  }
  read_cin_csv_text(bytes, path, into, problems);
}

// ---- XML ------------------------------------------------------------------------------------

namespace {

class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    for (size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') newlines_.push_back(i);
  }
  uint32_t line(ptrdiff_t offset) const {
    return static_cast<uint32_t>(std::lower_bound(newlines_.begin(), newlines_.end(),
                                                  static_cast<size_t>(std::max<ptrdiff_t>(offset, 0))) -
                                 newlines_.begin()) + 1;
  }

 private:
  std::vector<size_t> newlines_;
};

// The census's elements: under each element, the elements it may hold (cin-census-spec.md §2-3).
const std::map<std::string_view, std::set<std::string_view>>& known_children() {
  static const std::map<std::string_view, std::set<std::string_view>> kKnown = {
      {"Message", {"Header", "Children"}},
      {"Header", {"CollectionDetails", "Source"}},
      {"CollectionDetails", {"Collection", "Year", "ReferenceDate"}},
      {"Source", {"SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"}},
      {"Children", {"Child"}},
      {"Child", {"ChildIdentifiers", "ChildCharacteristics", "CINdetails"}},
      {"ChildIdentifiers", {"LAchildID", "UPN", "FormerUPN", "UPNunknown", "PersonBirthDate",
                            "ExpectedPersonBirthDate", "GenderCurrent", "Sex", "PersonDeathDate"}},
      {"ChildCharacteristics", {"Ethnicity", "Disabilities"}},
      {"Disabilities", {"Disability"}},
      {"CINdetails", {"CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate", "ReasonForClosure",
                      "DateOfInitialCPC", "Assessments", "CINPlanDates", "Section47", "ReferralNFA",
                      "ChildProtectionPlans", "PreProceedingsandFGDM"}},
      {"Assessments", {"AssessmentActualStartDate", "AssessmentInternalReviewDate", "AssessmentAuthorisationDate",
                       "FactorsIdentifiedAtAssessment"}},
      {"FactorsIdentifiedAtAssessment", {"AssessmentFactors"}},
      {"CINPlanDates", {"CINPlanStartDate", "CINPlanEndDate"}},
      {"Section47", {"S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"}},
      {"ChildProtectionPlans", {"CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse", "LatestCategoryOfAbuse",
                                "NumberOfPreviousCPP", "Reviews"}},
      {"Reviews", {"CPPreviewDate"}},
      {"PreProceedingsandFGDM", {"PPStartDate", "LBPSentDate", "FGDMMeetingOffer", "FGDMMeetingFac",
                                 "InitialPPMeetingDate", "ReviewMeetingsCount", "StepDecisionDate", "PPOutcome",
                                 "CourtAppDate", "LetterInitCPDate"}},
  };
  return kKnown;
}

// An element's text as a cell: trimmed and upper-cased, as the CSV reader makes its cells.
std::string trimmed(std::string_view v) {
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
  std::string out(v);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string text_of(const pugi::xml_node& parent, const char* tag) { return trimmed(parent.child(tag).text().as_string()); }

// Elements met where the census has none of that name, or in a schema year other than theirs:
// each said once per file and name, with the line of the first and how many there were.
struct Tally {
  std::string what;
  uint32_t line;
  size_t count;
};
void count(std::vector<Tally>& v, std::string what, uint32_t line) {
  // Beyond the first 50 names, one line for the rest: a file of a million made-up names must not
  // make a million messages, nor take a look-up per name per name.
  if (v.size() >= 50 && std::none_of(v.begin(), v.end(), [&](const Tally& t) { return t.what == what; }))
    what = "element(s) of other names, each";
  for (auto& t : v)
    if (t.what == what) {
      ++t.count;
      return;
    }
  v.push_back({std::move(what), line, 1});
}

}  // namespace

void read_cin_xml(const std::string& path, Return& into, ProblemLog& problems) {
  std::string bytes;
  if (!read_file(path, bytes)) {
    problems.add({Severity::error, path, 0, "", "unreadable", "the file cannot be read: " + why_unreadable(path)});
    into.files.push_back(FileReport{path, std::nullopt, TextEncoding::utf8, 0, 0, 0, true});
    return;
  }
  read_cin_xml_text(bytes, path, into, problems);
}

void read_cin_xml_text(std::string_view bytes, const std::string& path, Return& into, ProblemLog& problems) {
  FileReport rep{path, std::nullopt, TextEncoding::utf8, 0, 0, 0, true};
  LineIndex lines(bytes);
  auto refuse = [&](uint32_t line, const char* rule, std::string message) {
    problems.add({Severity::error, path, line, "", rule, std::move(message) + "; nothing in the file was used"});
    into.files.push_back(rep);
  };
  if (bytes.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return refuse(0, "bad-xml", "the file is empty");
  // An entity declaration anywhere (even in a document type pugixml would skip) is refused before
  // parsing: careflow never expands an entity nor fetches one (billion laughs, external entities).
  if (const size_t at = bytes.find("<!ENTITY"); at != std::string_view::npos)
    return refuse(lines.line(static_cast<ptrdiff_t>(at)), "xml-entity",
                  "the XML declares an entity (<!ENTITY>); careflow neither expands nor fetches entities, and a "
                  "census return has none");
  pugi::xml_document doc;
  const auto res =
      doc.load_buffer(bytes.data(), bytes.size(), pugi::parse_default | pugi::parse_doctype, pugi::encoding_auto);
  if (!res)
    return refuse(lines.line(res.offset), "bad-xml",
                  fmt::format("the XML cannot be parsed: {}{}", res.description(),
                              res.status == pugi::status_no_document_element ? " (no root element)" : ""));
  if (const size_t bad = res.encoding == pugi::encoding_utf8 ? first_invalid_utf8(bytes) : std::string_view::npos;
      bad != std::string_view::npos)
    return refuse(lines.line(static_cast<ptrdiff_t>(bad)), "bad-xml",
                  "the XML is not valid UTF-8 on this line: save it as UTF-8 (or declare its encoding)");
  std::vector<pugi::xml_node> roots;
  for (auto n : doc.children()) {
    if (n.type() == pugi::node_doctype)
      return refuse(lines.line(n.offset_debug()), "xml-dtd",
                    "the XML has a document type declaration (<!DOCTYPE>); careflow reads no DTD (it could declare "
                    "entities to expand or fetch), and a census return has none");
    if (n.type() == pugi::node_element) roots.push_back(n);
  }
  if (roots.size() != 1)
    return refuse(roots.size() > 1 ? lines.line(roots[1].offset_debug()) : 0, "bad-xml",
                  fmt::format("the file has {} top-level elements; an XML document has one, <Message>", roots.size()));
  const auto root = roots.front();
  if (std::string_view(root.name()) != "Message")
    return refuse(lines.line(root.offset_debug()), "bad-xml",
                  fmt::format("the root element is <{}>, not <Message>: not a Children in Need census return{}",
                              std::string_view(root.name()).substr(0, 40),
                              fold(root.name()) == "message" ? " (element names are case-sensitive)" : ""));
  const auto details = root.child("Header").child("CollectionDetails");
  const std::string collection = text_of(details, "Collection");
  if (!collection.empty() && fold(collection) != "cin")
    return refuse(lines.line(details.offset_debug()), "wrong-collection",
                  "the header's <Collection> is not CIN: the file is another collection's return");

  // Elements the census does not have, named once per name (a <child> for <Child> would otherwise
  // leave a return without children and no word).
  std::vector<Tally> unknown;
  const auto& known = known_children();
  // Depth first, without recursion (a file nested a million deep must not exhaust the stack), and
  // not into an element the census does not have: its contents are not the census's either.
  std::vector<pugi::xml_node> stack{root};
  while (!stack.empty()) {
    const pugi::xml_node parent = stack.back();
    stack.pop_back();
    const auto k = known.find(parent.name());
    for (auto n : parent.children()) {
      if (n.type() != pugi::node_element) continue;
      if (k != known.end() && k->second.count(n.name())) {
        stack.push_back(n);
        continue;
      }
      count(unknown, fmt::format("<{}> in <{}>", std::string_view(n.name()).substr(0, 60),
                                 std::string_view(parent.name()).substr(0, 60)),
            lines.line(n.offset_debug()));
    }
  }
  for (const auto& u : unknown)
    problems.add({Severity::error, path, u.line, "", "unknown-element",
                  fmt::format("{} {} element(s) from this line on are not part of the Children in Need census and "
                              "were not read (element names are case-sensitive; docs/cin.md)", u.count, u.what)});

  // The header: one row per file.
  const auto source = root.child("Header").child("Source");
  const std::string reference_date = text_of(details, "ReferenceDate");
  into.get(Table::header, path)
      .data.add_row({collection, text_of(details, "Year"), reference_date, text_of(source, "SourceLevel"),
                     text_of(source, "LEA"), text_of(source, "SoftwareCode"), text_of(source, "Release"),
                     text_of(source, "SerialNo"), text_of(source, "DateTime")},
                    lines.line(root.child("Header").offset_debug()));
  std::optional<int> year;
  if (const auto d = parse_date(reference_date)) year = collection_year_of(d.date).end_year;
  std::vector<Tally> schema_year;
  auto add = [&](Table t, std::vector<std::string> cells, const pugi::xml_node& at) {
    std::vector<std::string_view> views(cells.begin(), cells.end());
    into.get(t, path).data.add_row(views, lines.line(at.offset_debug()));
  };
  for (auto child : root.child("Children").children("Child")) {
    ++rep.records_read;
    const auto ids = child.child("ChildIdentifiers");
    const std::string id = text_of(ids, "LAchildID");
    // A <Child> without <LAchildID> is kept, blank: the validation rules flag it, and the timeline
    // rejects it (saying so, with this line).
    if (ids.child("Sex") && year && *year <= 2024)
      count(schema_year, "<Sex> (the 2024/25 schema's; earlier returns have <GenderCurrent>)",
            lines.line(ids.child("Sex").offset_debug()));
    if (ids.child("GenderCurrent") && year && *year >= 2025)
      count(schema_year, "<GenderCurrent> (replaced by <Sex> from 2024/25)",
            lines.line(ids.child("GenderCurrent").offset_debug()));
    add(Table::child_identifiers,
        {id, text_of(ids, "UPN"), text_of(ids, "FormerUPN"), text_of(ids, "UPNunknown"), text_of(ids, "PersonBirthDate"),
         text_of(ids, "ExpectedPersonBirthDate"), text_of(ids, "GenderCurrent"), text_of(ids, "Sex"),
         text_of(ids, "PersonDeathDate")},
        ids ? ids : child);
    const auto chars = child.child("ChildCharacteristics");
    if (chars) add(Table::child_characteristics, {id, text_of(chars, "Ethnicity")}, chars);
    for (auto d : chars.child("Disabilities").children("Disability")) add(Table::disabilities, {id, trimmed(d.text().as_string())}, d);
    int episode = 0;
    for (auto e : child.children("CINdetails")) {
      const std::string eid = std::to_string(++episode);
      add(Table::cin_details,
          {id, eid, text_of(e, "CINreferralDate"), text_of(e, "ReferralSource"), text_of(e, "PrimaryNeedCode"),
           text_of(e, "CINclosureDate"), text_of(e, "ReasonForClosure"), text_of(e, "DateOfInitialCPC"),
           text_of(e, "ReferralNFA")},
          e);
      int assessment = 0;
      for (auto a : e.children("Assessments")) {
        const std::string aid = std::to_string(++assessment);
        std::vector<std::string> factors;
        for (auto f : a.child("FactorsIdentifiedAtAssessment").children("AssessmentFactors"))
          if (std::string v = trimmed(f.text().as_string()); !v.empty()) factors.push_back(std::move(v));
        add(Table::assessments,
            {id, eid, aid, text_of(a, "AssessmentActualStartDate"), text_of(a, "AssessmentInternalReviewDate"),
             text_of(a, "AssessmentAuthorisationDate"), fmt::format("{}", fmt::join(factors, ","))},
            a);
        for (auto f : a.child("FactorsIdentifiedAtAssessment").children("AssessmentFactors"))
          if (std::string v = trimmed(f.text().as_string()); !v.empty())
            add(Table::assessment_factors, {id, eid, aid, std::move(v)}, f);
      }
      for (auto p : e.children("CINPlanDates"))
        add(Table::cin_plan_dates, {id, eid, text_of(p, "CINPlanStartDate"), text_of(p, "CINPlanEndDate")}, p);
      for (auto s : e.children("Section47"))
        add(Table::section47,
            {id, eid, text_of(s, "S47ActualStartDate"), text_of(s, "InitialCPCtarget"), text_of(s, "DateOfInitialCPC"),
             text_of(s, "ICPCnotRequired")},
            s);
      int plan = 0;
      for (auto p : e.children("ChildProtectionPlans")) {
        const std::string pid = std::to_string(++plan);
        add(Table::child_protection_plans,
            {id, eid, pid, text_of(p, "CPPstartDate"), text_of(p, "CPPendDate"), text_of(p, "InitialCategoryOfAbuse"),
             text_of(p, "LatestCategoryOfAbuse"), text_of(p, "NumberOfPreviousCPP")},
            p);
        for (auto r : p.child("Reviews").children("CPPreviewDate"))
          add(Table::reviews, {id, eid, pid, trimmed(r.text().as_string())}, r);
      }
      for (auto p : e.children("PreProceedingsandFGDM")) {
        if (year && *year <= 2026)
          count(schema_year, "<PreProceedingsandFGDM> (expected from 2026/27)", lines.line(p.offset_debug()));
        add(Table::pre_proceedings,
            {id, eid, text_of(p, "PPStartDate"), text_of(p, "LBPSentDate"), text_of(p, "FGDMMeetingOffer"),
             text_of(p, "FGDMMeetingFac"), text_of(p, "InitialPPMeetingDate"), text_of(p, "ReviewMeetingsCount"),
             text_of(p, "StepDecisionDate"), text_of(p, "PPOutcome"), text_of(p, "CourtAppDate"),
             text_of(p, "LetterInitCPDate")},
            p);
      }
    }
  }
  for (const auto& s : schema_year)
    problems.add({Severity::warning, path, s.line, "", "schema-year",
                  fmt::format("{} {} element(s) from this line on do not belong to the {} return's schema; kept as "
                              "given", s.count, s.what, CollectionYear{*year}.label())});
  rep.used = true;
  into.files.push_back(std::move(rep));
}

// ---- A year's files -------------------------------------------------------------------------

namespace {

// Splits an AssessmentFactors cell: "3B,4B", "3B 4B" or the validator's list form ["3B", "4B"].
std::vector<std::string_view> split_factors(std::string_view cell) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < cell.size()) {
    while (i < cell.size() && (cell[i] == ',' || cell[i] == ' ' || cell[i] == '[' || cell[i] == ']' ||
                               cell[i] == '"' || cell[i] == '\'' || cell[i] == ';'))
      ++i;
    size_t e = i;
    while (e < cell.size() && cell[e] != ',' && cell[e] != ' ' && cell[e] != ']' && cell[e] != '"' &&
           cell[e] != '\'' && cell[e] != ';')
      ++e;
    if (e > i) out.push_back(cell.substr(i, e - i));
    i = e;
  }
  return out;
}

// A CSV export holding the factors only one way: the other derived, so that both tables agree.
void derive_factors(Return& r) {
  namespace ac = assessments_col;
  namespace fc = assessment_factors_col;
  ReturnTable* assessments = r.tables[static_cast<size_t>(Table::assessments)] ? &*r.tables[static_cast<size_t>(Table::assessments)] : nullptr;
  if (!assessments) return;
  auto& factors_slot = r.tables[static_cast<size_t>(Table::assessment_factors)];
  if (!factors_slot && assessments->has_column[ac::AssessmentFactors]) {
    ReturnTable f;
    f.table = Table::assessment_factors;
    f.data.source = assessments->data.source;
    const auto& s = schema(Table::assessment_factors);
    f.data.columns.assign(s.columns.begin(), s.columns.end());
    f.has_column.assign(s.columns.size(), true);
    for (size_t row = 0; row < assessments->rows(); ++row)
      for (const auto factor : split_factors(assessments->cell(row, ac::AssessmentFactors))) {
        f.data.add_row({assessments->cell(row, ac::LAchildID), assessments->cell(row, ac::CINdetailsID),
                        assessments->cell(row, ac::AssessmentID), factor},
                       assessments->line(row));
      }
    // more_sources are row ranges of the assessments table: recount them for the factors' rows.
    f.more_sources.clear();
    size_t out_row = 0;
    for (size_t row = 0; row < assessments->rows(); ++row) {
      const auto& src = assessments->source_of(row);
      const size_t n = split_factors(assessments->cell(row, ac::AssessmentFactors)).size();
      if (n && out_row > 0 && src != f.source_of(out_row - 1)) f.more_sources.push_back({out_row, src});
      if (n && out_row == 0) f.data.source = src;
      out_row += n;
    }
    factors_slot = std::move(f);
  } else if (factors_slot && !assessments->has_column[ac::AssessmentFactors]) {
    std::map<std::tuple<std::string, std::string, std::string>, std::vector<std::string>> by_assessment;
    const ReturnTable& f = *factors_slot;
    for (size_t row = 0; row < f.rows(); ++row)
      by_assessment[{std::string(f.cell(row, fc::LAchildID)), std::string(f.cell(row, fc::CINdetailsID)),
                     std::string(f.cell(row, fc::AssessmentID))}]
          .emplace_back(f.cell(row, fc::AssessmentFactor));
    CsvTable t;
    t.source = assessments->data.source;
    t.encoding = assessments->data.encoding;
    t.columns = assessments->data.columns;
    std::vector<std::string_view> views(t.columns.size());
    std::string joined;
    for (size_t row = 0; row < assessments->rows(); ++row) {
      for (size_t c = 0; c < views.size(); ++c) views[c] = assessments->cell(row, c);
      const auto it = by_assessment.find({std::string(assessments->cell(row, ac::LAchildID)),
                                          std::string(assessments->cell(row, ac::CINdetailsID)),
                                          std::string(assessments->cell(row, ac::AssessmentID))});
      joined = it == by_assessment.end() ? std::string() : fmt::format("{}", fmt::join(it->second, ","));
      views[ac::AssessmentFactors] = joined;
      t.add_row(views, assessments->line(row));
    }
    assessments->data = std::move(t);
    assessments->has_column[ac::AssessmentFactors] = true;
  }
}

bool is_xml(const std::string& path) { return ends_with_ci(path, ".xml"); }

}  // namespace

Return read_cin_files(const std::vector<std::string>& files_in, std::optional<CollectionYear> folder_year,
                      ProblemLog& problems) {
  std::vector<std::string> files = files_in;
  std::sort(files.begin(), files.end());
  Return r;
  for (const auto& f : files) {
    if (is_xml(f)) read_cin_xml(f, r, problems);
    else read_cin_csv(f, r, problems);
  }
  derive_factors(r);
  // The year: the header's ReferenceDate, else the folder's.
  std::optional<CollectionYear> from_header;
  if (const ReturnTable* h = r.find(Table::header)) {
    for (size_t row = 0; row < h->rows(); ++row) {
      const auto text = h->cell(row, header_col::ReferenceDate);
      if (text.empty()) continue;
      const auto d = parse_date(text);
      if (!d) {
        problems.add({Severity::warning, h->source_of(row), h->line(row), "ReferenceDate", "bad-date",
                      fmt::format("{}; the census year is taken from elsewhere", describe(d.error))});
        continue;
      }
      const CollectionYear y = collection_year_of(d.date);
      if (!from_header) {
        from_header = y;
      } else if (y != *from_header) {
        problems.add({Severity::warning, h->source_of(row), h->line(row), "ReferenceDate", "year-mismatch",
                      fmt::format("this file's ReferenceDate is in {}, another file of the return's in {}; the "
                                  "first is used", y.label(), from_header->label())});
      }
    }
  }
  if (from_header) {
    r.year = *from_header;
    if (folder_year && *folder_year != *from_header && !files.empty())
      problems.add({Severity::warning, files.front(), 0, "ReferenceDate", "year-mismatch",
                    fmt::format("the return's ReferenceDate is in {}, but its folder is named for {}; the "
                                "ReferenceDate's year is used", from_header->label(), folder_year->label())});
  } else if (folder_year) {
    r.year = *folder_year;
  } else {
    problems.add({Severity::error, files.empty() ? std::string() : files.front(), 0, "ReferenceDate", "no-year",
                  "cannot tell which collection year this Children in Need return is for: its header has no "
                  "ReferenceDate and its folder is not named by a year (2024_25)"});
  }
  return r;
}

std::vector<Return> read_cin_returns(const std::vector<std::pair<CollectionYear, std::vector<std::string>>>& years,
                                     ProblemLog& problems) {
  std::vector<Return> out;
  for (const auto& [year, files] : years) out.push_back(read_cin_files(files, year, problems));
  std::stable_sort(out.begin(), out.end(), [](const Return& a, const Return& b) { return a.year < b.year; });
  return out;
}

}  // namespace careflow::cin
