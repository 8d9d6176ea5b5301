// A list of children a service supported, as a council gives it to `careflow evaluate`: a CSV
// with a header row naming a child id column, a start date column and, optionally, an end date
// column, in any order (docs/edge-of-care.md). Every fault is a located problem (file, line,
// column, rule) that never quotes a value: the ids are personal data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "careflow/core/date.hpp"
#include "careflow/core/problems.hpp"

namespace careflow {

struct ListedChild {
  std::string id;               // as written (trimmed): personal data, never print it
  Date start;                   // when the service began to support the child
  std::optional<Date> end;      // when it stopped, if it has
  uint32_t line = 0;            // the row's line in the file, for messages
};

struct ChildrenList {
  std::string source;                 // the file, as given
  std::vector<ListedChild> children;  // the rows without a fault, in file order
  ProblemLog problems;                // every fault; the list is usable only without errors
  size_t rows = 0;                    // data rows read (blank rows are not counted)
  bool usable() const { return problems.count(Severity::error) == 0; }
};

// The headings each column is known by, compared without regard to case, spaces, hyphens or
// underscores ("Child ID", "child_id", "LAchildID").
inline constexpr std::string_view kChildIdHeadings[] = {"childid", "lachildid", "child", "id", "personid"};
inline constexpr std::string_view kStartHeadings[] = {"startdate", "start", "supportstart", "supportstartdate",
                                                      "referraldate", "datestarted"};
inline constexpr std::string_view kEndHeadings[] = {"enddate", "end", "supportend", "supportenddate", "dateended"};

// Reads the file (any encoding io/csv reads). Never throws on bad content.
ChildrenList read_children_list(const std::string& path);
// The same from bytes in memory; `source` names them in problems.
ChildrenList parse_children_list(std::string_view bytes, std::string source);

}  // namespace careflow
