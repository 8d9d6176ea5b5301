#include "careflow/report/disclosure.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

namespace careflow::report {
namespace {

constexpr double kEps = 1e-9;

// A figure some relation or the primary rule is about.
struct Figure {
  size_t table = 0, row = 0, column = 0;
  double value = std::numeric_limits<double>::quiet_NaN();  // NaN: not a number (text, blank)
  bool withheld = false;
  bool count = false;    // a count: the primary rule applies
  bool primary = false;  // withheld by the primary rule
  bool fixed = false;    // not a count, and its value follows from published figures: shown
  bool number() const { return !std::isnan(value); }
  // Unknown to a reader: withheld, or not published as a number at all (a blank the analysis
  // left, text), which a reader cannot use in a relation either.
  bool hidden() const { return withheld || !number(); }
  bool figure() const { return withheld || number(); }
};

// sum of coef x figure = constant: the linear relations a reader can use.
struct LinearRow {
  std::vector<std::pair<uint32_t, double>> terms;
  int64_t total = -1;  // the figure that is the total, if a sum
  bool same = false;   // an equality: one figure in two places
};

struct Ratio {
  uint32_t target, numerator;
  int64_t denominator = -1;  // -1: a number the reader knows
};

struct Depends {
  uint32_t target;
  std::vector<uint32_t> inputs;
};

class Engine {
 public:
  Engine(std::vector<TableToPublish>& tables, const std::vector<Relation>& links, bool suppression)
      : tables_(tables), suppression_(suppression) {
    for (size_t i = 0; i < tables_.size(); ++i) {
      by_id_.emplace(tables_[i].table->id, i);
      index_.emplace_back(tables_[i].table->rows.size() * tables_[i].table->columns.size(), -1);
    }
    for (size_t i = 0; i < tables_.size(); ++i) {
      const OutputTable& t = *tables_[i].table;
      PublishedArithmetic::Counts counts{t.id, count_cells_of(t, tables_[i].spec)};
      for (auto [r, c] : counts.cells) figures_[figure(i, r, c)].count = true;
      published_.counts.push_back(std::move(counts));
      for (auto& rel : relations_of(t, tables_[i].spec)) add(std::move(rel));
    }
    for (const auto& rel : links) add(rel);
    published_.disclosure_control = suppression;
    if (!tables_.empty()) published_.threshold = tables_.front().spec.threshold;
  }

  OutputDisclosure run() {
    OutputDisclosure out;
    out.per_table.resize(tables_.size());
    if (suppression_) {
      primary();
      for (;;) {
        propagate();
        if (greedy()) continue;
        if (!exact()) break;
      }
      for (auto& f : figures_) {
        if (!f.withheld) continue;
        Cell& c = cell(f);
        if (std::holds_alternative<Suppressed>(c)) continue;  // withheld before we came
        c = Suppressed{};
        auto& r = out.per_table[f.table];
        if (f.primary) ++r.primary;
        else if (f.count) ++r.secondary;
        else ++r.derived;
      }
    }
    out.arithmetic = std::move(published_);
    return out;
  }

 private:
  std::vector<TableToPublish>& tables_;
  bool suppression_;
  std::unordered_map<std::string, size_t> by_id_;
  std::vector<std::vector<int64_t>> index_;  // per table, row * columns + column -> figure
  std::vector<Figure> figures_;
  std::vector<LinearRow> rows_;
  std::vector<std::vector<uint32_t>> rows_of_;  // figure -> linear rows containing it
  std::vector<Ratio> ratios_;
  std::vector<Depends> depends_;
  PublishedArithmetic published_;

  Cell& cell(const Figure& f) { return tables_[f.table].table->rows[f.row][f.column]; }

  uint32_t figure(size_t t, size_t r, size_t c) {
    const size_t cols = tables_[t].table->columns.size();
    int64_t& slot = index_[t][r * cols + c];
    if (slot < 0) {
      slot = static_cast<int64_t>(figures_.size());
      Figure f{t, r, c};
      const Cell& v = tables_[t].table->rows[r][c];
      if (const double* d = std::get_if<double>(&v); d && std::isfinite(*d)) f.value = *d;
      f.withheld = std::holds_alternative<Suppressed>(v);
      figures_.push_back(f);
      rows_of_.emplace_back();
    }
    return static_cast<uint32_t>(slot);
  }

  // The figure a reference names, if it is a cell of a table of this output.
  std::optional<uint32_t> find(const CellRef& ref) {
    const auto it = by_id_.find(ref.table);
    if (it == by_id_.end()) return std::nullopt;
    const OutputTable& t = *tables_[it->second].table;
    if (ref.row >= t.rows.size() || ref.column >= t.columns.size()) return std::nullopt;
    return figure(it->second, ref.row, ref.column);
  }

  void add(Relation rel) {
    std::vector<uint32_t> f;
    for (const auto& c : rel.cells) {
      const auto i = find(c);
      if (!i) return;  // about a table not in this output: not a relation of it
      f.push_back(*i);
    }
    switch (rel.kind) {
      case Relation::Kind::sum:
      case Relation::Kind::equal:
      case Relation::Kind::linear: {
        if (rel.kind == Relation::Kind::linear && rel.coefficients.size() != f.size()) return;
        LinearRow row;
        for (size_t i = 0; i < f.size(); ++i) {
          const double coef = rel.kind == Relation::Kind::linear ? rel.coefficients[i] : i == 0 ? -1.0 : 1.0;
          row.terms.push_back({f[i], coef});
        }
        if (rel.kind == Relation::Kind::sum) row.total = f[0];
        row.same = rel.kind == Relation::Kind::equal;
        for (auto [v, c] : row.terms) rows_of_[v].push_back(static_cast<uint32_t>(rows_.size()));
        rows_.push_back(std::move(row));
        break;
      }
      case Relation::Kind::ratio:
        if (f.size() < 2) return;
        ratios_.push_back({f[0], f[1], f.size() > 2 ? int64_t(f[2]) : -1});
        break;
      case Relation::Kind::depends:
        if (f.empty()) return;
        depends_.push_back({f[0], std::vector<uint32_t>(f.begin() + 1, f.end())});
        break;
    }
    published_.relations.push_back(std::move(rel));
  }

  void withhold(uint32_t v) { figures_[v].withheld = true; }

  void primary() {
    for (auto& f : figures_) {
      if (!f.count || f.withheld || !f.number()) continue;
      const double threshold = tables_[f.table].spec.threshold;
      if (f.value >= 1 && f.value <= threshold) f.withheld = f.primary = true;
    }
  }

  // Rule 2, to a fixed point (a derived figure may feed another); and a figure withheld in one
  // place is withheld wherever else it is published (an equality), which costs nothing more.
  void propagate() {
    for (bool changed = true; changed;) {
      changed = false;
      for (const auto& row : rows_) {
        if (!row.same || row.terms.size() != 2) continue;
        auto& a = figures_[row.terms[0].first];
        auto& b = figures_[row.terms[1].first];
        if (a.figure() && b.figure() && a.withheld != b.withheld && !a.fixed && !b.fixed)
          a.withheld = b.withheld = changed = true;
      }
      for (const auto& r : ratios_) {
        if (figures_[r.target].withheld || figures_[r.target].fixed) continue;
        const Figure& num = figures_[r.numerator];
        bool hide = num.withheld;
        if (r.denominator >= 0 && figures_[r.denominator].withheld) hide |= !(num.number() && num.value == 0);
        if (hide) withhold(r.target), changed = true;
      }
      for (const auto& d : depends_) {
        if (figures_[d.target].withheld || figures_[d.target].fixed) continue;
        for (uint32_t i : d.inputs)
          if (figures_[i].withheld) {
            withhold(d.target), changed = true;
            break;
          }
      }
    }
  }

  // Which visible figure of a row to withhold next, and how much we would rather not: lower is
  // better. A figure that is not a count first (a net change beside the started and ceased it is
  // computed from), then non-zero counts (smallest first: least information lost), then zeros
  // (withholding a zero beside a small count protects less, zeros being easy to guess), then the
  // row's total.
  std::pair<int, double> cost(const LinearRow& row, uint32_t v) const {
    const Figure& f = figures_[v];
    if (int64_t(v) == row.total) return {3, f.value};
    if (!f.count) return {0, std::fabs(f.value)};
    if (f.value != 0) return {1, f.value};
    return {2, 0};
  }

  std::optional<uint32_t> best_candidate(const LinearRow& row, std::pair<int, double>* best_cost = nullptr) const {
    std::optional<uint32_t> best;
    std::pair<int, double> bc{};
    for (auto [v, coef] : row.terms) {
      const Figure& f = figures_[v];
      if (f.withheld || f.fixed || !f.number() || std::fabs(coef) < kEps) continue;
      const auto c = cost(row, v);
      if (!best || c < bc || (c == bc && v < *best)) best = v, bc = c;
    }
    if (best && best_cost) *best_cost = bc;
    return best;
  }

  // Unknowns of a relation to a reader (withheld or blank), and whether one is withheld.
  std::pair<size_t, bool> hidden_terms(const LinearRow& row) const {
    size_t n = 0;
    bool withheld = false;
    for (auto [v, coef] : row.terms)
      if (figures_[v].hidden() && std::fabs(coef) >= kEps) ++n, withheld |= figures_[v].withheld;
    return {n, withheld};
  }

  // The quick test: a relation with exactly one withheld figure (and no other unknown) gives it
  // away.
  bool greedy() {
    bool any = false;
    for (bool changed = true; changed;) {
      changed = false;
      for (const auto& row : rows_) {
        if (hidden_terms(row) != std::pair<size_t, bool>{1, true}) continue;
        if (const auto v = best_candidate(row)) {
          withhold(*v);
          changed = any = true;
          propagate();
        }
      }
    }
    return any;
  }

  // The exact test: Gaussian elimination over the withheld figures, the visible ones being
  // known. A withheld figure is recovered when its row of the reduced system has no other
  // unknown. A recovered figure that is not a count (a net change that two published stocks
  // give) is shown again: withholding it hides nothing, and showing what is already known fixes
  // nothing new. For each group of withheld figures linked by relations that has a recovered
  // count, one more figure is withheld. Returns whether anything changed.
  bool exact() {
    // Sparse reduced row echelon form, built a relation at a time.
    struct Sparse {
      std::vector<std::pair<uint32_t, double>> terms;  // sorted by figure
    };
    std::vector<Sparse> basis;                          // each with a pivot no other row has
    std::unordered_map<uint32_t, size_t> pivot_row;     // pivot figure -> basis row
    std::unordered_map<uint32_t, std::vector<size_t>> holders;  // figure -> basis rows containing it (may be stale)
    auto axpy = [](std::vector<std::pair<uint32_t, double>>& a, const std::vector<std::pair<uint32_t, double>>& b,
                   double k) {  // a += k b, both sorted
      std::vector<std::pair<uint32_t, double>> out;
      out.reserve(a.size() + b.size());
      size_t i = 0, j = 0;
      while (i < a.size() || j < b.size()) {
        if (j == b.size() || (i < a.size() && a[i].first < b[j].first)) out.push_back(a[i++]);
        else if (i == a.size() || b[j].first < a[i].first) out.push_back({b[j].first, k * b[j].second}), ++j;
        else {
          const double c = a[i].second + k * b[j].second;
          if (std::fabs(c) >= kEps) out.push_back({a[i].first, c});
          ++i, ++j;
        }
      }
      a.swap(out);
    };
    for (const auto& row : rows_) {
      Sparse s;
      for (auto [v, coef] : row.terms)
        if (figures_[v].hidden() && std::fabs(coef) >= kEps) s.terms.push_back({v, coef});
      if (s.terms.empty()) continue;
      std::sort(s.terms.begin(), s.terms.end());
      // Merge repeated figures.
      std::vector<std::pair<uint32_t, double>> merged;
      for (auto t : s.terms) {
        if (!merged.empty() && merged.back().first == t.first) merged.back().second += t.second;
        else merged.push_back(t);
      }
      std::erase_if(merged, [](const auto& t) { return std::fabs(t.second) < kEps; });
      s.terms.swap(merged);
      // Eliminate the pivots it holds (basis rows hold no other pivot, so one pass does).
      for (bool again = true; again;) {
        again = false;
        for (const auto& [v, coef] : s.terms) {
          const auto p = pivot_row.find(v);
          if (p == pivot_row.end()) continue;
          const auto& b = basis[p->second].terms;
          double bc = 0;
          for (const auto& t : b)
            if (t.first == v) bc = t.second;
          axpy(s.terms, b, -coef / bc);
          again = true;
          break;
        }
      }
      if (s.terms.empty()) continue;  // follows from the others
      // Pivot on the largest coefficient, and clear it from every basis row holding it.
      size_t pi = 0;
      for (size_t i = 1; i < s.terms.size(); ++i)
        if (std::fabs(s.terms[i].second) > std::fabs(s.terms[pi].second)) pi = i;
      const uint32_t pivot = s.terms[pi].first;
      const double pc = s.terms[pi].second;
      const size_t id = basis.size();
      const std::vector<size_t> holding = holders[pivot];
      for (size_t r : holding) {
        auto& b = basis[r].terms;
        const auto it = std::lower_bound(b.begin(), b.end(), std::pair<uint32_t, double>{pivot, -1e300});
        if (it == b.end() || it->first != pivot) continue;
        const double k = -it->second / pc;
        const auto before = b;
        axpy(b, s.terms, k);
        for (const auto& t : b)
          if (!std::binary_search(before.begin(), before.end(), t,
                                  [](const auto& x, const auto& y) { return x.first < y.first; }))
            holders[t.first].push_back(r);
      }
      for (const auto& t : s.terms) holders[t.first].push_back(id);
      pivot_row[pivot] = id;
      basis.push_back(std::move(s));
    }
    // Recovered: a basis row with its pivot alone.
    std::vector<uint32_t> recovered;
    for (const auto& [v, r] : pivot_row)
      if (basis[r].terms.size() == 1) recovered.push_back(v);
    if (recovered.empty()) return false;
    std::sort(recovered.begin(), recovered.end());
    // One more figure per group of linked withheld figures with a recovered one.
    std::vector<uint32_t> parent(figures_.size());
    std::iota(parent.begin(), parent.end(), 0u);
    auto root = [&](uint32_t x) {
      while (parent[x] != x) x = parent[x] = parent[parent[x]];
      return x;
    };
    for (const auto& row : rows_) {
      int64_t first = -1;
      for (auto [v, coef] : row.terms)
        if (figures_[v].hidden() && std::fabs(coef) >= kEps) {
          if (first < 0) first = v;
          else parent[root(v)] = root(static_cast<uint32_t>(first));
        }
    }
    std::vector<char> done(figures_.size(), 0);
    bool any = false;
    for (uint32_t v : recovered) {
      if (!figures_[v].withheld) continue;  // a blank: nothing to protect
      if (!figures_[v].count) {
        if (figures_[v].number()) figures_[v].withheld = false, figures_[v].fixed = any = true;
        continue;
      }
      const uint32_t g = root(v);
      if (done[g]) continue;
      // A visible figure of a relation through which it is recovered; failing that (it is
      // recovered through others), of any relation of its group.
      std::optional<uint32_t> best;
      std::pair<int, double> bc{};
      auto consider = [&](const LinearRow& row) {
        std::pair<int, double> c;
        if (const auto cand = best_candidate(row, &c); cand && (!best || c < bc || (c == bc && *cand < *best)))
          best = cand, bc = c;
      };
      for (uint32_t r : rows_of_[v]) consider(rows_[r]);
      if (!best)
        for (const auto& row : rows_)
          for (auto [x, coef] : row.terms)
            if (figures_[x].hidden() && std::fabs(coef) >= kEps && root(x) == g) {
              consider(row);
              break;
            }
      if (!best) continue;  // nothing visible in its group: its value comes from nowhere
      withhold(*best);
      done[g] = 1;
      any = true;
    }
    return any;
  }
};

}  // namespace

OutputDisclosure suppress_output(std::vector<TableToPublish> tables, const std::vector<Relation>& relations,
                                 bool suppression) {
  return Engine(tables, relations, suppression).run();
}

DisclosureResult suppress(OutputTable& t, const DisclosureSpec& spec) {
  const auto r = suppress_output({{&t, spec}});
  return r.per_table.front();
}

PublishedArithmetic publish(std::vector<OutputTable>& tables, const std::function<DisclosureSpec(const OutputTable&)>& spec_of,
                            const std::vector<Relation>& relations, bool suppression) {
  // Every table, with a spec or not: a table with nothing to declare may still hold figures that
  // rest on another's (a summary of withheld counts).
  std::vector<TableToPublish> in;
  for (auto& t : tables) in.push_back({&t, spec_of(t)});
  return publish(in, relations, suppression);
}

PublishedArithmetic publish(const std::vector<TableToPublish>& tables, const std::vector<Relation>& relations, bool suppression) {
  const auto r = suppress_output(tables, relations, suppression);
  for (size_t i = 0; i < tables.size(); ++i) tables[i].table->notes += withheld_note(r.per_table[i]);
  return r.arithmetic;
}

std::string withheld_note(const DisclosureResult& r) {
  if (r.primary + r.secondary + r.derived == 0) return "";
  std::string s = " c = withheld: counts of 1 to 5";
  if (r.secondary) s += fmt::format(", and {} further count(s) so that totals and other tables do not reveal them", r.secondary);
  if (r.derived) s += r.secondary ? "; percentages, rates and figures computed from withheld counts"
                                  : ", and percentages, rates and figures computed from withheld counts";
  return s + ".";
}

void mark_not_for_publication(OutputTable& t) {
  if (!t.columns.empty() && t.columns.back().name == "disclosure_control") return;
  t.add_column("disclosure_control", "Disclosure control");
  for (auto& row : t.rows) row.push_back(std::string("off"));
  if (t.lazy_rows && t.make_row) {
    auto inner = t.make_row;
    const size_t n = t.columns.size();
    t.make_row = [inner, n](size_t i, std::vector<Cell>& cells) {
      cells.resize(n - 1);
      inner(i, cells);
      cells.resize(n);
      cells.back() = std::string("off");
    };
  }
  t.notes = t.notes.empty() ? std::string(kNotForPublication) : std::string(kNotForPublication) + " " + t.notes;
}

void mark_not_for_publication(std::vector<OutputTable>& tables) {
  for (auto& t : tables) mark_not_for_publication(t);
}

}  // namespace careflow::report
