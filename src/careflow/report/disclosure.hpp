// Statistical disclosure control for published tables, as DfE applies it to children-looked-after
// statistics: small counts (1 to 5) are withheld ("c"), and further cells are withheld wherever
// the figures published beside them would let a reader work a withheld count out.
//
// "Beside" means everything a reader has: the totals of a table, the percentages and rates
// (numerator and denominator), and the same children counted in other tables of the same output
// (a total repeated in ten profile tables, age bands that are sums of single years of age, the
// number in care that is last year's plus starters minus ceasers). Tables declare this
// arithmetic (core/table_arithmetic.hpp), and the rules work over an output's tables jointly:
//
// 1. Primary: every count from 1 to the threshold is withheld (zeros are shown).
// 2. A percentage, rate or other figure computed from a withheld count is withheld; a ratio
//    also when its denominator is withheld, unless its numerator is a published 0 (0 / n = 0
//    says nothing of n).
// 3. Secondary: while some withheld figure can be recovered from the published linear relations
//    (sums, equalities, net changes; a published ratio gives none once rule 2 has run), one more
//    figure of a relation through which it can be recovered is withheld: a figure that is not a
//    count (a net change beside its started and ceased), else the smallest visible non-zero
//    count, else a zero, and a total only when nothing else remains. First the quick test (a
//    relation with one withheld figure), then an exact one (Gaussian elimination over the
//    withheld figures: a figure is recovered when the published relations fix its value), until
//    neither finds anything. A recovered figure that is not a count (a net change that two
//    published stocks give) is shown again: withholding it would hide nothing.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "careflow/core/output_table.hpp"
#include "careflow/core/table_arithmetic.hpp"

namespace careflow::report {

using careflow::DisclosureSpec;

struct DisclosureResult {
  size_t primary = 0;    // cells withheld because they were small counts
  size_t secondary = 0;  // further count cells withheld to protect them through the relations
  size_t derived = 0;    // percentages, rates and other figures withheld with their counts
};

// One table of an output with its declared arithmetic.
struct TableToPublish {
  OutputTable* table = nullptr;
  DisclosureSpec spec;
};

struct OutputDisclosure {
  PublishedArithmetic arithmetic;          // every count cell and relation, to publish beside the tables
  std::vector<DisclosureResult> per_table;  // in the order given
};

// Applies the rules in place to every table of one output, jointly: `relations` are those
// between tables (or any beyond the specs'). Cells that are not numbers are left alone; in a
// relation they are unknowns to a reader, as withheld cells are. Deterministic. With `suppression` off nothing is withheld and
// the arithmetic is still returned (marked off).
OutputDisclosure suppress_output(std::vector<TableToPublish> tables, const std::vector<Relation>& relations = {},
                                 bool suppression = true);

// One table on its own.
DisclosureResult suppress(OutputTable& t, const DisclosureSpec& spec);

// The tables of one output (a command's folder), each with the spec `spec_of` gives it:
// suppress_output, and each table's notes say what was withheld.
// Returns the arithmetic to publish (relations.json).
PublishedArithmetic publish(std::vector<OutputTable>& tables, const std::function<DisclosureSpec(const OutputTable&)>& spec_of,
                            const std::vector<Relation>& relations, bool suppression);
// The same with each table's spec given beside it.
PublishedArithmetic publish(const std::vector<TableToPublish>& tables, const std::vector<Relation>& relations, bool suppression);

// The sentence a table's notes carry after suppression ("" when nothing was withheld).
std::string withheld_note(const DisclosureResult& r);

// With disclosure control off, every table carries the mark: a last column `disclosure_control`
// reading "off" in every row (CSV, JSON and each sheet keep it, and pandas or Power BI load it as
// an ordinary column) and its notes begin "NOT FOR PUBLICATION".
void mark_not_for_publication(std::vector<OutputTable>& tables);
void mark_not_for_publication(OutputTable& t);
inline constexpr const char* kNotForPublication =
    "NOT FOR PUBLICATION: disclosure control is off (--no-suppression); counts of 1 to 5 are shown.";

}  // namespace careflow::report
