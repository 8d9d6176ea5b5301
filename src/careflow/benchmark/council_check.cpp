#include "careflow/benchmark/council_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "careflow/io/reference_data.hpp"

namespace careflow::benchmark {
namespace {

std::string upper_trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return r;
}

constexpr const char* kEngland = "E92000001";
constexpr const char* kPostcodeFile = "postcodes/onspd_postcodes.csv.gz";

// The area --la names: England, a region (E12) or a council, with the ONS codes its postcodes
// may carry (a council's codes over the years, their aliases, and the councils it was split
// from or merged into, so that returns from before a boundary change still match).
struct Area {
  enum class Kind { england, region, council } kind = Kind::council;
  std::string code, name;
  int la_number = 0;
  std::set<std::string> codes;
  std::string label() const { return name.empty() || name == code ? code : name + " (" + code + ")"; }
};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The latest published row of a council (for its current name and code).
const AreaYear* latest_row(const PublicData& d, int la_number) {
  const AreaYear* best = nullptr;
  for (const auto& a : d.cla)
    if (a.level == Level::council && a.la_number == la_number && (!best || a.year > best->year)) best = &a;
  return best;
}

Area resolve(const std::string& la, const PublicData& d) {
  Area area;
  area.code = upper_trimmed(la);
  if (area.code == kEngland || lower(area.code) == "england") {
    area.kind = Area::Kind::england;
    area.code = kEngland;
    area.name = "England";
    return area;
  }
  if (area.code.rfind("E12", 0) == 0) {
    area.kind = Area::Kind::region;
    for (const auto& a : d.cla)
      if (a.level == Level::regional && a.ons_code == area.code) area.name = a.name;
    return area;
  }
  area.la_number = d.find_council(la);
  if (!area.la_number) {
    area.codes.insert(area.code);  // not in the series: the code as given
    return area;
  }
  std::set<int> related{area.la_number};
  for (const auto& c : boundary_changes()) {
    const auto has = [&](const std::vector<int>& v) { return std::find(v.begin(), v.end(), area.la_number) != v.end(); };
    if (has(c.predecessors)) related.insert(c.successors.begin(), c.successors.end());
    if (has(c.successors)) related.insert(c.predecessors.begin(), c.predecessors.end());
  }
  for (const auto& a : d.cla)
    if (a.level == Level::council && related.count(a.la_number) && !a.ons_code.empty()) {
      area.codes.insert(a.ons_code);
      for (const auto& alias : code_aliases(a.ons_code)) area.codes.insert(alias);
    }
  if (const AreaYear* r = latest_row(d, area.la_number)) {
    area.name = r->name;
    area.code = r->ons_code;
  }
  return area;
}

// The published number looked after at 31 March for the area in a year, if published.
std::optional<double> published_stock(const PublicData& d, const Area& area, int year) {
  const AreaYear* a = nullptr;
  switch (area.kind) {
    case Area::Kind::england: a = d.national_year(year); break;
    case Area::Kind::region: a = area.name.empty() ? nullptr : d.region_year(area.name, year); break;
    case Area::Kind::council: a = area.la_number ? d.council_year(area.la_number, year) : nullptr; break;
  }
  if (!a || !a->stock.has() || a->stock.value <= 0) return std::nullopt;
  return a->stock.value;
}

// Where a postcode is, in the terms of the area checked: its country (for England), its region's
// code (for a region) or its upper-tier council's code.
class Places {
 public:
  Places(const PublicData& d, const Area& area) : d_(d), area_(area) {
    for (const auto& a : d.cla)
      if (a.level == Level::regional && a.ons_code.rfind("E12", 0) == 0) region_code_[lower(a.name)] = a.ons_code;
  }
  std::string key(const PostcodeInfo& p) {
    const std::string utla(p.utla);
    switch (area_.kind) {
      case Area::Kind::england:
        if (!p.laua.empty() && p.laua[0] == 'E') return kEngland;
        if (!p.laua.empty() && p.laua[0] == 'W') return "Wales";
        if (!p.laua.empty() && p.laua[0] == 'S') return "Scotland";
        return "Northern Ireland or elsewhere";
      case Area::Kind::region: {
        auto [it, fresh] = region_of_utla_.try_emplace(utla);
        if (fresh) it->second = region_of(utla);
        return it->second;
      }
      case Area::Kind::council: return utla;
    }
    return utla;
  }
  bool inside(const PostcodeInfo& p, const std::string& key) const {
    if (area_.kind != Area::Kind::council) return key == area_.code;
    return area_.codes.count(std::string(p.utla)) || area_.codes.count(std::string(p.laua));
  }
  // "Portsmouth (E06000044)" for a council's code, "South East (E12000008)" for a region's.
  std::string label(const std::string& key) const {
    if (key == kEngland) return "England";
    for (const auto& a : d_.cla)
      if (a.level == Level::regional && a.ons_code == key) return a.name + " (" + key + ")";
    if (const int n = key.size() == 9 ? d_.find_council(key) : 0)
      if (const AreaYear* r = latest_row(d_, n)) return r->name + " (" + key + ")";
    return key;
  }

 private:
  std::string region_of(const std::string& utla) const {
    if (utla.empty() || utla[0] != 'E') return "outside England";
    const int n = d_.find_council(utla);
    const auto r = d_.region_of.find(n);
    if (!n || r == d_.region_of.end()) return "a council in no region of the published series";
    std::string name = lower(r->second);
    if (name == "inner london" || name == "outer london") name = "london";  // the LA list splits London
    const auto code = region_code_.find(name);
    return code == region_code_.end() ? r->second : code->second;
  }
  const PublicData& d_;
  const Area& area_;
  std::map<std::string, std::string> region_code_;
  std::unordered_map<std::string, std::string> region_of_utla_;
};

}  // namespace

ReturnsEvidence returns_evidence(const History& h) {
  ReturnsEvidence e;
  for (ChildIndex c = 0; c < h.children.size(); ++c) {
    const auto eps = h.episodes_of(c);
    for (auto it = eps.rbegin(); it != eps.rend(); ++it)
      if (it->home_postcode) {
        e.home_postcodes.push_back(h.string(it->home_postcode));
        break;
      }
  }
  for (const auto& y : h.years) e.looked_after[y.end_year] = static_cast<double>(h.count_looked_after_on(y.end()));
  return e;
}

ReturnsEvidence returns_evidence(const ssda903::Return& r) {
  using namespace ssda903;
  ReturnsEvidence e;
  const ReturnTable* eps = r.find(Table::episodes);
  if (!eps) return e;
  const Date end = r.year.end();
  std::unordered_map<std::string_view, std::pair<Date, std::string_view>> latest;  // child -> (DECOM, HOME_POST)
  std::unordered_set<std::string_view> in_care;
  for (size_t i = 0; i < eps->rows(); ++i) {
    const auto child = eps->cell(i, episodes_col::CHILD);
    const auto start = parse_date(eps->cell(i, episodes_col::DECOM));
    if (child.empty() || !start) continue;
    if (const auto home = eps->cell(i, episodes_col::HOME_POST); !home.empty()) {
      auto [it, fresh] = latest.try_emplace(child, start.date, home);
      if (!fresh && start.date >= it->second.first) it->second = {start.date, home};
    }
    const auto ls = eps->cell(i, episodes_col::LS);
    if (start.date > end || ls == "V3" || ls == "V4") continue;
    const auto dec = eps->cell(i, episodes_col::DEC);
    const auto ended = parse_date(dec);
    if (dec.empty() || (ended && ended.date > end)) in_care.insert(child);
  }
  for (const auto& [child, at] : latest) e.home_postcodes.emplace_back(at.second);
  e.looked_after[r.year.end_year] = static_cast<double>(in_care.size());
  return e;
}

void add_postcodes(const ReturnsEvidence& e, PostcodeSelection& selection) {
  for (const auto& p : e.home_postcodes) selection.add(p);
}

namespace {
// A number of children as a sentence may state it: "1 to 5" for a count disclosure control would
// withhold.
std::string count_words(double n) { return n >= 1 && n <= 5 ? std::string("1 to 5") : fmt::format("{:.0f}", n); }
}  // namespace

std::string CouncilCheck::mismatch_found() const {
  std::string s = fmt::format("the returns do not look like those of {}, given with --la", area);
  for (size_t i = 0; i < findings.size(); ++i) s += (i ? "; " : ": ") + findings[i];
  if (!likely.empty()) s += fmt::format(". They look like those of {}", likely);
  return s;
}

std::string CouncilCheck::refusal(const std::string& option) const {
  return mismatch_found() + fmt::format(". Check --la, or give {} if they really are the returns of {}.", option, area);
}

CouncilCheck check_council(const std::string& la, const ReturnsEvidence& e, const PublicData& d,
                           const PostcodeDirectory* postcodes, const std::string& why_no_postcodes,
                           const MismatchThresholds& t) {
  CouncilCheck out;
  const Area area = resolve(la, d);
  out.area = area.label();
  if (area.kind == Area::Kind::council && !area.la_number && !d.cla.empty())
    out.findings.push_back(fmt::format("{} is not a council in the published series", area.code));

  // How many children, against the published figure of the latest year both have.
  if (d.cla.empty()) {
    // The reader's message about the absent series, as the loader recorded it.
    std::string why = "the published series holds no figure";
    for (const auto& m : d.missing)
      if (m.find(kClaSeries) != std::string::npos) why = m;
    out.not_made.push_back("the number looked after could not be compared with the published figure: " + why);
  } else {
    bool compared = false;
    for (auto it = e.looked_after.rbegin(); it != e.looked_after.rend() && !compared; ++it) {
      const auto pub = published_stock(d, area, it->first);
      if (!pub || it->second <= 0) continue;
      compared = true;
      const double ratio = it->second / *pub;
      const bool off = ratio > t.count_factor || ratio < 1 / t.count_factor;
      out.mismatch |= off;
      // The findings reach the outputs' notes (with --la-mismatch-ok): no own count of 1 to 5 in
      // them, as disclosure control would withhold it in a table (docs/report.md).
      out.findings.push_back(fmt::format("the returns hold {} children looked after at 31 March {} against {:.0f} "
                                         "published for {}{}",
                                         count_words(it->second), it->first, *pub, out.area,
                                         off ? fmt::format(" (a factor of {:.1f})", ratio > 1 ? ratio : 1 / ratio)
                                             : std::string()));
    }
    if (!compared)
      out.not_made.push_back(fmt::format("the number looked after could not be compared: no figure is published for {} "
                                         "in the years of the returns",
                                         out.area));
  }

  // Where the children's homes are.
  if (e.home_postcodes.empty()) {
    out.not_made.push_back("the children's home postcodes could not be placed: the returns hold none (HOME_POST)");
  } else if (!postcodes) {
    out.not_made.push_back("the children's home postcodes could not be placed: " +
                           (why_no_postcodes.empty() ? fmt::format("needs {} in the reference data folder", kPostcodeFile)
                                                     : why_no_postcodes));
  } else {
    Places places(d, area);
    std::map<std::string, size_t> by_place;
    size_t found = 0, inside = 0;
    for (const auto& pc : e.home_postcodes) {
      const auto info = postcodes->find(pc);
      if (!info) continue;
      ++found;
      const std::string key = places.key(*info);
      if (places.inside(*info, key)) ++inside;
      else ++by_place[key];
    }
    if (found < t.min_postcodes) {
      out.not_made.push_back(fmt::format("the children's home postcodes could not be placed: fewer than {} of them are in "
                                         "the postcode directory",
                                         t.min_postcodes));
    } else {
      const auto top = std::max_element(by_place.begin(), by_place.end(),
                                        [](const auto& a, const auto& b) { return a.second < b.second; });
      const double in_share = double(inside) / double(found);
      const double top_share = top == by_place.end() ? 0 : double(top->second) / double(found);
      // A share resting on 1 to 5 homes is said as such (a count of 1 to 5 children by area).
      auto share = [&](size_t n, double s) {
        return n >= 1 && n <= 5 ? std::string("1 to 5") : fmt::format("{:.0f}%", 100 * s);
      };
      std::string said = fmt::format("{} of the children's home postcodes (found in the postcode directory) are in {}",
                                     share(inside, in_share), out.area);
      if (top != by_place.end())
        said += fmt::format(", {} in {}", share(top->second, top_share), places.label(top->first));
      out.findings.push_back(said);
      if (in_share < t.own_share_below && top_share >= t.other_share_at_least) {
        out.mismatch = true;
        out.likely = places.label(top->first);
      }
    }
  }
  return out;
}

}  // namespace careflow::benchmark
