// The errors of a validation run as the three tables every format writes (errors, one row per
// error; summary_by_rule; summary_by_child), for any collection of the engine. At national scale
// there are half a million errors: each is kept as a reference (result, table, row, child) and
// turned into cells only as it is written, and each child is labelled (pseudonymised, when
// asked) once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/core/output_table.hpp"
#include "careflow/validate/collection.hpp"

namespace careflow::validate {

struct ErrorTableOptions {
  std::string title;  // of the errors table, e.g. "SSDA903 validation errors, 2024/25"
  std::string notes;  // of the errors table, e.g. how children are shown
  // How a child is shown (its identifier, or a pseudonym): called once per child with errors,
  // from several threads at once. Empty: the identifier itself.
  std::function<std::string(std::string_view child)> label;
  // Identifiers the collection gives messages of no child (a CIN return's whole-return and
  // Header messages): listed under their own label, but not counted in child_count().
  std::vector<std::string_view> not_children;
};

// What the error tables need of a collection (collection.hpp): its tables' names and where a
// flagged row is in its return.
template <class C>
concept LocatesRows = requires(const typename C::Return& ret, typename C::Table table) {
  { C::name } -> std::convertible_to<std::string_view>;
  { C::table_name(table) } -> std::convertible_to<std::string_view>;
  { C::locate(ret, table, size_t{}) } -> std::same_as<RowLocation>;
};

class ErrorTables {
 public:
  // Builds the tables from a collection's results over its return `ret`. The results and the
  // return must outlive the tables (their rows are made from them as they are written).
  template <LocatesRows C>
  static std::unique_ptr<ErrorTables> of(const std::vector<ResultOf<typename C::Table>>& results,
                                         const typename C::Return& ret, ErrorTableOptions options);

  // The same from what the tables need, whatever the collection: each rule's outcome, the rows
  // it flagged by table (tables numbered 0.. with their names), and where a flagged row is.
  struct Rule {
    const RuleVersion* rule;
    Outcome outcome;
    std::string_view reason;
    std::string_view collection;  // C::name: each error and rule row is labelled with it
  };
  struct Flagged {
    uint32_t rule;   // index into the rules
    uint32_t table;  // index into the table names
    const std::vector<size_t>* rows;
  };
  using Locate = std::function<RowLocation(uint32_t table, size_t row)>;
  ErrorTables(std::vector<Rule> rules, std::vector<Flagged> flagged, std::vector<std::string_view> table_names,
              Locate locate, ErrorTableOptions options);

  // One collection's part of the tables: what the constructor takes, for that collection alone.
  struct Part {
    std::vector<Rule> rules;
    std::vector<Flagged> flagged;
    std::vector<std::string_view> table_names;
    Locate locate;
  };
  template <LocatesRows C>
  static Part part(const std::vector<ResultOf<typename C::Table>>& results, const typename C::Return& ret);
  // The tables of several collections' returns checked together (a year folder holding the 903
  // and the CIN census): their rules one after the other, their errors in that order, a child's
  // errors in both counted as one child's.
  static std::unique_ptr<ErrorTables> of_parts(std::vector<Part> parts, ErrorTableOptions options);
  // The tables make their rows from this object: it stays where it was made.
  ErrorTables(const ErrorTables&) = delete;
  ErrorTables& operator=(const ErrorTables&) = delete;

  const OutputTable& errors() const { return errors_; }
  const OutputTable& by_rule() const { return by_rule_; }
  const OutputTable& by_child() const { return by_child_; }
  size_t error_count() const { return refs_.size(); }
  // Children with errors (not counting options.not_children).
  size_t child_count() const { return first_ref_.size() - not_children_with_errors_; }
  // The errors [begin, end) as text lines: "file:line: [rule] message (fields; child label)".
  void text_lines(size_t begin, size_t end, std::string& out) const;

 private:
  struct ErrorRef {
    uint32_t rule, row, child, table;
  };
  std::vector<Rule> rules_;
  std::vector<std::string_view> table_names_;
  Locate locate_;
  std::vector<ErrorRef> refs_;
  std::vector<uint32_t> first_ref_;           // each child's first error
  std::vector<std::string> labels_;           // each child's label
  size_t not_children_with_errors_ = 0;       // of options.not_children, those with errors
  bool several_collections_ = false;          // text lines then say each error's collection
  std::vector<uint32_t> child_start_, refs_of_child_, child_order_;
  OutputTable errors_, by_rule_, by_child_;
};

template <LocatesRows C>
ErrorTables::Part ErrorTables::part(const std::vector<ResultOf<typename C::Table>>& results,
                                    const typename C::Return& ret) {
  Part p;
  std::vector<typename C::Table> tables;
  for (size_t i = 0; i < results.size(); ++i) {
    p.rules.push_back({results[i].rule, results[i].outcome, results[i].reason, C::name});
    for (const auto& [t, rows] : results[i].flagged) {
      size_t k = 0;
      while (k < tables.size() && tables[k] != t) ++k;
      if (k == tables.size()) {
        tables.push_back(t);
        p.table_names.push_back(C::table_name(t));
      }
      p.flagged.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(k), &rows});
    }
  }
  p.locate = [&ret, tables](uint32_t t, size_t row) { return C::locate(ret, tables[t], row); };
  return p;
}

template <LocatesRows C>
std::unique_ptr<ErrorTables> ErrorTables::of(const std::vector<ResultOf<typename C::Table>>& results,
                                             const typename C::Return& ret, ErrorTableOptions options) {
  Part p = part<C>(results, ret);
  return std::make_unique<ErrorTables>(std::move(p.rules), std::move(p.flagged), std::move(p.table_names),
                                       std::move(p.locate), std::move(options));
}

}  // namespace careflow::validate
