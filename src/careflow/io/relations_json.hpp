// The arithmetic of published tables (core/table_arithmetic.hpp) written out beside them, so that
// anyone can audit what disclosure control withheld.
#pragma once

#include <string>
#include <vector>

#include "careflow/core/output_table.hpp"
#include "careflow/core/table_arithmetic.hpp"

namespace careflow {

// relations.json: {"disclosure_control": "on"|"off", "threshold": 5,
//   "counts": [{"table": id, "cells": [[row, column name]...]}...],
//   "relations": [{"kind": "sum"|"equal"|"linear"|"ratio"|"depends", "cells": [[table, row,
//   column name]...], "coefficients": [...] (linear), "scale": x (ratio)}...]}.
// Column names are looked up in `tables` (a cell of a table not among them keeps its index).
std::string relations_json(const PublishedArithmetic& a, const std::vector<OutputTable>& tables);
bool write_relations_json(const PublishedArithmetic& a, const std::vector<OutputTable>& tables, const std::string& path,
                          std::string* error = nullptr);

}  // namespace careflow
