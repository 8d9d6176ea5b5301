// Writing a Children in Need census return as DfE's XML (<Message> with <Header> and <Children>,
// cin-census-spec.md §2): the form careflow synth writes, read back by read_cin_xml into the same
// tables. The writer takes the census's own model (core/cin_timeline.hpp: a child with its
// episodes of need and their modules) as the child stood on the reference date: the caller
// chooses which episodes, assessments, plans, enquiries and reviews the year holds and leaves
// blank what was not yet known then (an end after the reference date). It is appended to a
// buffer, child by child, so a national return is never held twice.
#pragma once

#include <string>

#include "careflow/core/cin_timeline.hpp"
#include "careflow/core/date.hpp"

namespace careflow::cin {

struct XmlHeader {
  CollectionYear year;             // the census: ReferenceDate is its 31 March
  std::string lea;                 // DfE's three-digit LA code
  std::string software_code = "careflow";
  std::string release;
  std::string serial_no = "001";   // at least three digits
  std::string date_time;           // xs:dateTime of the extract; empty: the reference date, midnight
};

// The XML declaration, <Message>, the <Header> and the opening <Children>.
void begin_census_xml(std::string& out, const XmlHeader& header);

// One <Child>. Its sex is written as the year's schema has it: GenderCurrent (1, 2, 0) to
// 2023/24, Sex (M, F, U) from 2024/25, whichever form `child.sex` holds (1/M, 2/F, 0/9/U).
// Empty fields and absent dates are left out; ReferralNFA and ICPCnotRequired are true or false;
// elements follow the schema's order. Disabilities are written when the child has any code.
// Pre-proceedings are not in the model and never written (they are collected from 2026/27).
void append_child_xml(std::string& out, const CinChild& child, CollectionYear year);

// Closes <Children> and <Message>.
void end_census_xml(std::string& out);

// Escapes the five XML special characters of a value.
void append_xml_text(std::string& out, std::string_view text);

}  // namespace careflow::cin
