// The Ofsted provider list (DfE's provider_info) as the user supplies it, from the file as the
// caller read it (api::validate, with io's CSV reader).
#include <algorithm>
#include <cctype>
#include <string>

#include "careflow/io/csv.hpp"
#include "careflow/validate/rule_support.hpp"

namespace careflow::validate {

namespace {
std::string upper_trim(std::string_view v) {
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
  std::string s(v);
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

std::optional<ProviderInfo> provider_info_from_csv(const CsvReadResult& csv, const std::string& path,
                                                   ProblemLog& problems) {
  const int urn = csv.table.find_column("URN"), end = csv.table.find_column("REG_END");
  const int places = csv.table.find_column("PLACE_CODES"), prov = csv.table.find_column("PROVIDER_CODES");
  auto add_codes = [&](size_t r, int c, std::vector<std::string>& into) {
    if (c < 0) return;
    const std::string list = upper_trim(csv.table.cell(r, static_cast<size_t>(c)));
    size_t from = 0;
    while (from <= list.size()) {
      const size_t comma = std::min(list.find(',', from), list.size());
      std::string code = upper_trim(std::string_view(list).substr(from, comma - from));
      if (!code.empty() && std::find(into.begin(), into.end(), code) == into.end()) into.push_back(code);
      from = comma + 1;
    }
  };
  if (!csv.readable) {
    problems.append(csv.problems);  // why: a folder, no such file, an empty file...
    problems.add({Severity::error, path, 0, "", "provider-list",
                  "the Ofsted provider list cannot be read; the provider-list rules were not run"});
    return std::nullopt;
  }
  if (urn < 0) {
    problems.add({Severity::error, path, 1, "URN", "provider-list",
                  "the Ofsted provider list has no URN column; the provider-list rules were not run"});
    return std::nullopt;
  }
  ProviderInfo info;
  for (size_t r = 0; r < csv.table.rows(); ++r) {
    const std::string u = upper_trim(csv.table.cell(r, static_cast<size_t>(urn)));
    if (u.empty()) continue;
    auto& p = info.by_urn[u];
    const std::string e = end < 0 ? std::string() : upper_trim(csv.table.cell(r, static_cast<size_t>(end)));
    if (e.empty()) p.reg_end_blank = true;
    else p.reg_end.push_back(detail::return_date(e));
    add_codes(r, places, p.place_codes);
    auto add_text = [&](int c, std::vector<std::string>& into, bool strip_spaces) {
      if (c < 0) return;
      std::string v = upper_trim(csv.table.cell(r, static_cast<size_t>(c)));
      if (strip_spaces) v.erase(std::remove(v.begin(), v.end(), ' '), v.end());
      if (std::find(into.begin(), into.end(), v) == into.end()) into.push_back(v);
    };
    add_text(csv.table.find_column("POSTCODE"), p.postcodes, true);
    add_text(csv.table.find_column("LA_CODE_INFERRED"), p.la_codes, false);
    add_codes(r, prov, p.provider_codes);
  }
  return info;
}

}  // namespace careflow::validate
