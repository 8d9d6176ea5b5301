#include "careflow/io/relations_json.hpp"

#include <map>
#include <nlohmann/json.hpp>

#include "careflow/io/output_folder.hpp"

namespace careflow {

std::string relations_json(const PublishedArithmetic& a, const std::vector<OutputTable>& tables) {
  std::map<std::string, const OutputTable*> by_id;
  for (const auto& t : tables) by_id.emplace(t.id, &t);
  auto column = [&](const std::string& table, size_t c) -> nlohmann::json {
    const auto it = by_id.find(table);
    if (it != by_id.end() && c < it->second->columns.size()) return it->second->columns[c].name;
    return c;
  };
  nlohmann::json j;
  j["disclosure_control"] = a.disclosure_control ? "on" : "off";
  j["threshold"] = a.threshold;
  j["counts"] = nlohmann::json::array();
  for (const auto& c : a.counts) {
    nlohmann::json cells = nlohmann::json::array();
    for (auto [r, col] : c.cells) cells.push_back({r, column(c.table, col)});
    j["counts"].push_back({{"table", c.table}, {"cells", std::move(cells)}});
  }
  j["relations"] = nlohmann::json::array();
  for (const auto& r : a.relations) {
    nlohmann::json rel{{"kind", kind_name(r.kind)}};
    nlohmann::json cells = nlohmann::json::array();
    for (const auto& c : r.cells) cells.push_back({c.table, c.row, column(c.table, c.column)});
    rel["cells"] = std::move(cells);
    if (r.kind == Relation::Kind::linear) rel["coefficients"] = r.coefficients;
    if (r.kind == Relation::Kind::ratio) rel["scale"] = r.scale;
    j["relations"].push_back(std::move(rel));
  }
  return j.dump() + "\n";
}

bool write_relations_json(const PublishedArithmetic& a, const std::vector<OutputTable>& tables, const std::string& path,
                          std::string* error) {
  return write_text_file(path, relations_json(a, tables), error);  // whole or not at all
}

}  // namespace careflow
