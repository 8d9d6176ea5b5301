// Problems found while reading input: every one names where it is (file, line, column) and what
// rule it breaks, so an analyst can open the file and fix it. Reading never stops at the first.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace careflow {

enum class Severity : uint8_t {
  error,    // the row (or file) could not be used and was rejected
  warning,  // the row was kept, but a value in it was unusable and is treated as missing
  repair,   // the data were changed by a documented repair rule (see docs/ingestion.md)
};

struct Problem {
  Severity severity = Severity::error;
  std::string file;    // path as given by the user
  uint32_t line = 0;   // 1-based line in the file; 0 when the problem is about the whole file
  std::string column;  // SSDA903 column name, or 1-based position ("8") when the file's heading
                       // is not one; empty when about a whole row or file
  std::string rule;    // short stable identifier, e.g. "bad-date", "field-count"
  // Plain-English explanation. Never quotes the input's values: not a child identifier, date of
  // birth, postcode or UPN, nor any cell or row text (a file without a header row, or with its
  // columns out of place, puts those anywhere). A child is named by pseudonym, if at all.
  std::string message;
};

std::string to_string(const Problem& p);
std::string_view to_string(Severity s);

// Collects problems; callers keep going after adding one.
//
// Only the first kListedPerFileAndRule problems of one rule in one file are listed; the rest are
// counted. A file with a fault on every line (or a header of a million unknown columns) then gives
// a list proportional to what a person can act on, not to the size of the fault, and the count
// still says how many there were. count() and size() include the problems not listed.
class ProblemLog {
 public:
  static constexpr uint32_t kListedPerFileAndRule = 1000;

  // Problems of one rule in one file beyond those listed.
  struct Omitted {
    std::string file, rule;
    Severity severity = Severity::error;
    size_t count = 0;
  };

  void add(Problem p);
  // Whether the next problem of this rule in this file would be listed. When it would not, a caller
  // meeting a fault once per column or row can count it with add_unlisted and skip building its
  // message: time then stays proportional to what is listed, not to the size of the fault.
  bool lists(const std::string& file, const std::string& rule);
  void add_unlisted(const std::string& file, const std::string& rule, Severity severity);
  // The problems listed, in the order found.
  const std::vector<Problem>& all() const { return problems_; }
  // Per file and rule, the problems not listed, in the order their first was met.
  const std::vector<Omitted>& omitted() const { return omitted_; }
  // Listed and not listed.
  size_t count(Severity s) const;
  size_t size() const;
  bool empty() const { return problems_.empty() && omitted_.empty(); }
  void append(const ProblemLog& other);
  // Adds only `other`'s counts of problems not listed: for a caller that adds other's listed
  // problems one by one (in its own order) and must not lose the count of the rest.
  void append_omitted(const ProblemLog& other);

 private:
  struct Tally {
    uint32_t listed = 0;
    uint32_t omitted = UINT32_MAX;  // index into omitted_, once there is one
  };
  Tally& tally(const std::string& file, const std::string& rule);
  std::vector<Problem> problems_;
  std::vector<Omitted> omitted_;
  std::unordered_map<std::string, Tally> tallies_;  // by file + '\n' + rule
  std::string key_;                                 // reused, so a look-up allocates nothing
};

// "12,345 more problems [rule] in this file are not listed (the first 1,000 are)", located at the
// file: the line that stands for problems a log did not list.
Problem summary_of(const ProblemLog::Omitted& o);

}  // namespace careflow
