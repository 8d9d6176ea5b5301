#include "careflow/validate/error_tables.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

namespace careflow::validate {

ErrorTables::ErrorTables(std::vector<Rule> rules, std::vector<Flagged> flagged, std::vector<std::string_view> table_names,
                         Locate locate, ErrorTableOptions options)
    : rules_(std::move(rules)), table_names_(std::move(table_names)), locate_(std::move(locate)) {
  // Each rule's flagged rows of each table, in order, and where their references start.
  struct Group {
    Flagged f;
    size_t first;
  };
  std::vector<Group> groups;
  std::vector<size_t> per_rule(rules_.size(), 0);
  size_t total = 0;
  for (const Flagged& f : flagged) {
    groups.push_back({f, total});
    total += f.rows->size();
    per_rule[f.rule] += f.rows->size();
  }
  // The references, and their children's identifiers and hashes, filled in parallel.
  refs_.resize(total);
  std::vector<std::string_view> ids(total);
  std::vector<uint64_t> hashes(total);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, total, 8192), [&](const tbb::blocked_range<size_t>& range) {
    auto g = std::upper_bound(groups.begin(), groups.end(), range.begin(),
                              [](size_t k, const Group& x) { return k < x.first; }) - 1;
    for (size_t k = range.begin(); k < range.end(); ++k) {
      while (k >= g->first + g->f.rows->size()) ++g;
      const size_t row = (*g->f.rows)[k - g->first];
      refs_[k] = {g->f.rule, static_cast<uint32_t>(row), 0, g->f.table};
      ids[k] = locate_(g->f.table, row).child;
      hashes[k] = std::hash<std::string_view>()(ids[k]);
    }
  });
  // Children with errors, numbered in order of their first error (one pass over the references
  // in an open-addressing table; the hashes being known, the slot of a reference a few ahead is
  // fetched early).
  {
    struct Slot {
      uint64_t hash;
      uint32_t child;
    };
    constexpr uint32_t kFree = UINT32_MAX;
    std::vector<Slot> slots(1024, Slot{0, kFree});
    size_t mask = slots.size() - 1;
    constexpr size_t kAhead = 8;
    for (size_t k = 0; k < total; ++k) {
      if (k + kAhead < total) __builtin_prefetch(&slots[hashes[k + kAhead] & mask]);
      if (2 * (first_ref_.size() + 1) > slots.size()) {
        std::vector<Slot> bigger(slots.size() * 2, Slot{0, kFree});
        mask = bigger.size() - 1;
        for (const Slot& s : slots)
          if (s.child != kFree) {
            size_t j = s.hash & mask;
            while (bigger[j].child != kFree) j = (j + 1) & mask;
            bigger[j] = s;
          }
        slots = std::move(bigger);
      }
      const uint64_t h = hashes[k];
      for (size_t j = h & mask;; j = (j + 1) & mask) {
        Slot& s = slots[j];
        if (s.child == kFree) {
          s = {h, static_cast<uint32_t>(first_ref_.size())};
          refs_[k].child = s.child;
          first_ref_.push_back(static_cast<uint32_t>(k));
          break;
        }
        if (s.hash == h && ids[first_ref_[s.child]] == ids[k]) {
          refs_[k].child = s.child;
          break;
        }
      }
    }
  }
  const size_t child_count = first_ref_.size();
  for (uint32_t c = 0; c < child_count; ++c)
    if (std::find(options.not_children.begin(), options.not_children.end(), ids[first_ref_[c]]) !=
        options.not_children.end())
      ++not_children_with_errors_;
  for (const Rule& r : rules_) several_collections_ = several_collections_ || r.collection != rules_.front().collection;
  // Labels (pseudonyms when asked, made once per child).
  labels_.resize(child_count);
  tbb::parallel_for(size_t{0}, child_count, [&](size_t c) {
    const std::string_view id = ids[first_ref_[c]];
    labels_[c] = options.label ? options.label(id) : std::string(id);
  });
  // Each child's references, in order: refs_of_child_[child_start_[c] .. child_start_[c + 1]).
  child_start_.assign(child_count + 1, 0);
  refs_of_child_.resize(total);
  for (const ErrorRef& e : refs_) ++child_start_[e.child + 1];
  for (size_t c = 0; c < child_count; ++c) child_start_[c + 1] += child_start_[c];
  {
    std::vector<uint32_t> next(child_start_.begin(), child_start_.end() - 1);
    for (size_t k = 0; k < total; ++k) refs_of_child_[next[refs_[k].child]++] = static_cast<uint32_t>(k);
  }

  errors_.id = "errors";
  errors_.title = std::move(options.title);
  errors_.notes = std::move(options.notes);
  errors_.add_column("collection", "Collection").add_column("rule", "Rule").add_column("message", "Message")
      .add_column("table", "Table").add_column("line", "Line in file").add_column("file", "File")
      .add_column("child", "Child").add_column("fields", "Fields");
  errors_.lazy_rows = refs_.size();
  errors_.make_row = [this](size_t k, std::vector<Cell>& cells) {
    const ErrorRef& e = refs_[k];
    const RuleVersion& rule = *rules_[e.rule].rule;
    const RowLocation at = locate_(e.table, e.row);
    set_text(cells[0], rules_[e.rule].collection);
    set_text(cells[1], rule.code);
    set_text(cells[2], rule.message);
    set_text(cells[3], table_names_[e.table]);
    cells[4] = static_cast<double>(at.line);
    set_text(cells[5], at.file);
    set_text(cells[6], labels_[e.child]);
    set_text(cells[7], rule.affected_fields);
  };
  errors_.make_row_concurrent = true;

  by_rule_.id = "summary_by_rule";
  by_rule_.title = "Errors per rule";
  by_rule_.add_column("collection", "Collection").add_column("rule", "Rule").add_column("status", "Status")
      .add_column("errors", "Errors").add_column("message", "Message").add_column("note", "Note");
  for (size_t i = 0; i < rules_.size(); ++i) {
    const auto& r = rules_[i];
    const char* status = r.outcome == Outcome::ran ? "run" : r.outcome == Outcome::not_run ? "not run" : "not implemented";
    by_rule_.add_row({std::string(r.collection), std::string(r.rule->code), std::string(status),
                      static_cast<double>(per_rule[i]), std::string(r.rule->message), std::string(r.reason)});
  }

  // Children in label order, each with its rule codes sorted and distinct.
  child_order_.resize(child_count);
  for (uint32_t i = 0; i < child_order_.size(); ++i) child_order_[i] = i;
  std::sort(child_order_.begin(), child_order_.end(), [&](uint32_t a, uint32_t b) { return labels_[a] < labels_[b]; });
  by_child_.id = "summary_by_child";
  by_child_.title = "Errors per child";
  by_child_.add_column("child", "Child").add_column("errors", "Errors").add_column("rules", "Rules");
  by_child_.lazy_rows = child_count;
  by_child_.make_row = [this](size_t k, std::vector<Cell>& cells) {
    const uint32_t c = child_order_[k];
    std::vector<std::string_view> codes;
    for (uint32_t i = child_start_[c]; i < child_start_[c + 1]; ++i) {
      const std::string_view code = rules_[refs_[refs_of_child_[i]].rule].rule->code;
      if (codes.empty() || codes.back() != code) codes.push_back(code);
    }
    std::sort(codes.begin(), codes.end());
    codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
    std::string rules;
    for (const auto& code : codes) {
      if (!rules.empty()) rules += ',';
      rules += code;
    }
    set_text(cells[0], labels_[c]);
    cells[1] = static_cast<double>(child_start_[c + 1] - child_start_[c]);
    set_text(cells[2], rules);
  };
  by_child_.make_row_concurrent = true;
}

void ErrorTables::text_lines(size_t begin, size_t end, std::string& out) const {
  for (size_t k = begin; k < end; ++k) {
    const ErrorRef& e = refs_[k];
    const RuleVersion& rule = *rules_[e.rule].rule;
    const RowLocation at = locate_(e.table, e.row);
    // With one collection the file says which it is; with two, each line says it too.
    fmt::format_to(std::back_inserter(out), "{}:{}: [{}{}{}] {} ({}; child {})\n", at.file, at.line,
                   several_collections_ ? rules_[e.rule].collection : "", several_collections_ ? " " : "", rule.code,
                   rule.message, rule.affected_fields, labels_[e.child]);
  }
}

std::unique_ptr<ErrorTables> ErrorTables::of_parts(std::vector<Part> parts, ErrorTableOptions options) {
  // Rules and tables numbered on from the parts before; each part's rows located by its own
  // locate, found from the table's number.
  std::vector<Rule> rules;
  std::vector<Flagged> flagged;
  std::vector<std::string_view> names;
  std::vector<std::pair<uint32_t, Locate>> locates;  // first table number of each part, its locate
  for (Part& p : parts) {
    const auto rule0 = static_cast<uint32_t>(rules.size()), table0 = static_cast<uint32_t>(names.size());
    rules.insert(rules.end(), p.rules.begin(), p.rules.end());
    for (Flagged f : p.flagged) {
      f.rule += rule0;
      f.table += table0;
      flagged.push_back(f);
    }
    names.insert(names.end(), p.table_names.begin(), p.table_names.end());
    locates.emplace_back(table0, std::move(p.locate));
  }
  Locate locate = [locates = std::move(locates)](uint32_t t, size_t row) {
    size_t k = locates.size() - 1;
    while (k > 0 && locates[k].first > t) --k;
    return locates[k].second(t - locates[k].first, row);
  };
  return std::make_unique<ErrorTables>(std::move(rules), std::move(flagged), std::move(names), std::move(locate),
                                       std::move(options));
}

}  // namespace careflow::validate
