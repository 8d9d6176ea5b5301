// An auditor of published outputs, written apart from the suppressor (report/disclosure.cpp) and
// sharing none of its bookkeeping: it reads what was published -- the tables, with "c" where a
// figure is withheld, and the arithmetic published beside them (relations.json: which cells are
// counts, and every relation) -- and tries what a reader could:
//
// - a visible count from 1 to the threshold;
// - a visible figure that depends (not linearly: a median, a mean) on a withheld one;
// - a withheld figure whose value the published linear relations fix: sums, equalities, linear
//   relations, and each visible ratio p = scale x num / den as num - (p / scale) den = 0 (den a
//   known number when it is not a cell). For each group of withheld figures linked by relations,
//   a dense system with Eigen; a figure is fixed when every vector of the system's kernel is 0 in
//   its place (it lies in the row space).
//
// Cells that are neither numbers nor withheld (text, blanks) are unknowns too: a reader cannot put
// a value on them.
#pragma once

#include <Eigen/Dense>

#include <cmath>
#include <map>
#include <numeric>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "careflow/core/output_table.hpp"
#include "careflow/core/table_arithmetic.hpp"

namespace careflow::testing {

struct Finding {
  std::string table;
  size_t row = 0;
  std::string column;
  std::string why;
  std::string describe() const { return table + " row " + std::to_string(row) + " column " + column + ": " + why; }
};

class Auditor {
 public:
  Auditor(const std::vector<OutputTable>& tables, const PublishedArithmetic& a) : a_(a) {
    for (const auto& t : tables) tables_.emplace(t.id, &t);
  }

  std::vector<Finding> run() {
    std::vector<Finding> out;
    // Visible small counts.
    for (const auto& c : a_.counts)
      for (auto [r, col] : c.cells) {
        const Cell* x = cell({c.table, r, col});
        if (!x) continue;
        if (const double* d = std::get_if<double>(x); d && *d >= 1 && *d <= a_.threshold)
          out.push_back(finding({c.table, r, col}, "a count of 1 to " + std::to_string(a_.threshold) + " is shown"));
      }
    // Equations over withheld figures.
    std::map<CellRef, size_t> unknown;
    std::vector<CellRef> unknowns;
    std::vector<std::vector<std::pair<size_t, double>>> equations;
    // Unknowns: withheld cells, and cells not published as numbers (blank, text), which a reader
    // cannot put a value on either (only withheld ones are findings).
    auto term = [&](std::vector<std::pair<size_t, double>>& eq, const CellRef& ref, double coef) {
      if ((!withheld(ref) && number(ref)) || std::fabs(coef) < 1e-12) return;
      auto [it, fresh] = unknown.emplace(ref, unknowns.size());
      if (fresh) unknowns.push_back(ref);
      eq.push_back({it->second, coef});
    };
    for (const auto& r : a_.relations) {
      std::vector<std::pair<size_t, double>> eq;
      switch (r.kind) {
        case Relation::Kind::sum:
          for (size_t i = 0; i < r.cells.size(); ++i) term(eq, r.cells[i], i == 0 ? -1 : 1);
          break;
        case Relation::Kind::equal:
          if (r.cells.size() == 2) term(eq, r.cells[0], 1), term(eq, r.cells[1], -1);
          break;
        case Relation::Kind::linear:
          for (size_t i = 0; i < r.cells.size() && i < r.coefficients.size(); ++i) term(eq, r.cells[i], r.coefficients[i]);
          break;
        case Relation::Kind::ratio: {
          const double* p = number(r.cells[0]);
          if (!p || r.cells.size() < 2) break;  // a withheld or blank ratio says nothing
          term(eq, r.cells[1], 1);
          if (r.cells.size() > 2) term(eq, r.cells[2], -*p / r.scale);
          break;
        }
        case Relation::Kind::depends:
          if (number(r.cells[0]))
            for (size_t i = 1; i < r.cells.size(); ++i)
              if (withheld(r.cells[i])) {
                out.push_back(finding(r.cells[0], "shown although computed from a withheld figure (" + r.cells[i].table +
                                                      " row " + std::to_string(r.cells[i].row) + ")"));
                break;
              }
          break;
      }
      if (!eq.empty()) equations.push_back(std::move(eq));
    }
    // Groups of withheld figures linked by equations.
    std::vector<size_t> parent(unknowns.size());
    std::iota(parent.begin(), parent.end(), size_t{0});
    auto root = [&](size_t x) {
      while (parent[x] != x) x = parent[x] = parent[parent[x]];
      return x;
    };
    for (const auto& eq : equations)
      for (size_t i = 1; i < eq.size(); ++i) parent[root(eq[i].first)] = root(eq[0].first);
    std::map<size_t, std::vector<size_t>> members, rows;
    for (size_t u = 0; u < unknowns.size(); ++u) members[root(u)].push_back(u);
    for (size_t e = 0; e < equations.size(); ++e) rows[root(equations[e][0].first)].push_back(e);
    for (const auto& [g, us] : members) {
      if (!rows.count(g)) continue;
      std::map<size_t, Eigen::Index> col;
      for (size_t i = 0; i < us.size(); ++i) col[us[i]] = static_cast<Eigen::Index>(i);
      Eigen::MatrixXd A = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(rows[g].size()), static_cast<Eigen::Index>(us.size()));
      for (size_t e = 0; e < rows[g].size(); ++e)
        for (auto [u, coef] : equations[rows[g][e]]) A(static_cast<Eigen::Index>(e), col[u]) += coef;
      Eigen::FullPivLU<Eigen::MatrixXd> lu(A);
      lu.setThreshold(1e-10);
      const Eigen::MatrixXd K = lu.kernel();
      for (size_t i = 0; i < us.size(); ++i)
        if (withheld(unknowns[us[i]]) && K.row(static_cast<Eigen::Index>(i)).norm() < 1e-8)
          out.push_back(finding(unknowns[us[i]], "withheld, but the published relations give its value"));
    }
    return out;
  }

  // The relations a finding's cell is in, with what each of their cells shows: for a failure
  // message.
  std::string explain(const Finding& f) const {
    std::string out;
    for (const auto& r : a_.relations) {
      bool in = false;
      for (const auto& c : r.cells) in |= c.table == f.table && c.row == f.row && finding(c, "").column == f.column;
      if (!in) continue;
      out += std::string("\n  ") + kind_name(r.kind) + ":";
      for (const auto& c : r.cells) {
        const Cell* x = cell(c);
        out += " " + c.table + "[" + std::to_string(c.row) + "," + finding(c, "").column + "]=" + (x ? format_cell(*x) : "?");
      }
    }
    return out;
  }

  // Relations that do not hold in an output published without suppression (a false declaration
  // would mislead the suppressor as much as a missing one).
  std::vector<Finding> false_relations() const {
    std::vector<Finding> out;
    for (const auto& r : a_.relations) {
      std::vector<double> v;
      bool all = true;
      for (const auto& c : r.cells) {
        const double* d = number(c);
        all = all && d;
        v.push_back(d ? *d : 0);
      }
      if (!all || r.cells.empty()) continue;
      double residual = 0;
      switch (r.kind) {
        case Relation::Kind::sum:
          residual = -v[0];
          for (size_t i = 1; i < v.size(); ++i) residual += v[i];
          break;
        case Relation::Kind::equal: residual = v.size() == 2 ? v[0] - v[1] : 0; break;
        case Relation::Kind::linear:
          for (size_t i = 0; i < v.size() && i < r.coefficients.size(); ++i) residual += r.coefficients[i] * v[i];
          break;
        case Relation::Kind::ratio:
          if (v.size() > 2 && v[2] != 0) residual = (v[0] - r.scale * v[1] / v[2]) / std::max(1.0, std::fabs(v[0]));
          break;
        case Relation::Kind::depends: break;
      }
      if (std::fabs(residual) > 1e-6)
        out.push_back(finding(r.cells[0], std::string(kind_name(r.kind)) + " relation does not hold (residual " +
                                              std::to_string(residual) + ")"));
    }
    return out;
  }

 private:
  const PublishedArithmetic& a_;
  std::map<std::string, const OutputTable*> tables_;

  const Cell* cell(const CellRef& c) const {
    const auto it = tables_.find(c.table);
    if (it == tables_.end() || c.row >= it->second->rows.size() || c.column >= it->second->rows[c.row].size()) return nullptr;
    return &it->second->rows[c.row][c.column];
  }
  bool withheld(const CellRef& c) const {
    const Cell* x = cell(c);
    return x && std::holds_alternative<Suppressed>(*x);
  }
  const double* number(const CellRef& c) const {
    const Cell* x = cell(c);
    return x ? std::get_if<double>(x) : nullptr;
  }
  Finding finding(const CellRef& c, std::string why) const {
    const auto it = tables_.find(c.table);
    std::string col = std::to_string(c.column);
    if (it != tables_.end() && c.column < it->second->columns.size()) col = it->second->columns[c.column].name;
    return {c.table, c.row, col, std::move(why)};
  }
};

inline std::vector<Finding> audit(const std::vector<OutputTable>& tables, const PublishedArithmetic& a) {
  return Auditor(tables, a).run();
}

// The published files read back: tables.json (suppressed cells are null with the column in the
// row's "suppressed" list) and relations.json (cells by column name), as an outside auditor
// would read them.
struct PublishedFiles {
  std::vector<OutputTable> tables;
  PublishedArithmetic arithmetic;
};
inline PublishedFiles read_published(const nlohmann::json& tables_json, const nlohmann::json& relations_json) {
  PublishedFiles p;
  std::map<std::string, std::map<std::string, size_t>> columns;
  for (const auto& tj : tables_json) {
    OutputTable t;
    t.id = tj.at("id").get<std::string>();
    for (const auto& c : tj.at("columns")) {
      columns[t.id][c.at("name").get<std::string>()] = t.columns.size();
      t.add_column(c.at("name").get<std::string>(), c.at("label").get<std::string>());
    }
    for (const auto& rj : tj.at("rows")) {
      std::vector<Cell> row;
      for (const auto& c : t.columns) {
        bool suppressed = false;
        if (rj.contains("suppressed"))
          for (const auto& s : rj.at("suppressed")) suppressed |= s.get<std::string>() == c.name;
        const auto& v = rj.contains(c.name) ? rj.at(c.name) : nlohmann::json();
        if (suppressed) row.emplace_back(Suppressed{});
        else if (v.is_number()) row.emplace_back(v.get<double>());
        else if (v.is_string()) row.emplace_back(v.get<std::string>());
        else row.emplace_back(std::monostate{});
      }
      t.add_row(std::move(row));
    }
    p.tables.push_back(std::move(t));
  }
  auto col = [&](const std::string& table, const nlohmann::json& c) -> size_t {
    if (c.is_number()) return c.get<size_t>();
    return columns.at(table).at(c.get<std::string>());
  };
  p.arithmetic.disclosure_control = relations_json.at("disclosure_control") == "on";
  p.arithmetic.threshold = relations_json.at("threshold").get<int>();
  for (const auto& cj : relations_json.at("counts")) {
    PublishedArithmetic::Counts c{cj.at("table").get<std::string>(), {}};
    for (const auto& x : cj.at("cells")) c.cells.push_back({x.at(0).get<size_t>(), col(c.table, x.at(1))});
    p.arithmetic.counts.push_back(std::move(c));
  }
  static const std::map<std::string, Relation::Kind> kinds{{"sum", Relation::Kind::sum},
                                                           {"equal", Relation::Kind::equal},
                                                           {"linear", Relation::Kind::linear},
                                                           {"ratio", Relation::Kind::ratio},
                                                           {"depends", Relation::Kind::depends}};
  for (const auto& rj : relations_json.at("relations")) {
    Relation r;
    r.kind = kinds.at(rj.at("kind").get<std::string>());
    for (const auto& x : rj.at("cells"))
      r.cells.push_back({x.at(0).get<std::string>(), x.at(1).get<size_t>(), col(x.at(0).get<std::string>(), x.at(2))});
    if (rj.contains("coefficients")) r.coefficients = rj.at("coefficients").get<std::vector<double>>();
    if (rj.contains("scale")) r.scale = rj.at("scale").get<double>();
    p.arithmetic.relations.push_back(std::move(r));
  }
  return p;
}

}  // namespace careflow::testing
