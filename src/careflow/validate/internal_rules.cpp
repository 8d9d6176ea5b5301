// The reference tool's own consistency checks: every child of a table is in the Header (INT01-09)
// with the same date of birth and sex (INT11-21), once in a one-row-per-child table (INT31-36),
// and has episodes or care leaver data (EPI).
#include "careflow/validate/child_history.hpp"
#include "careflow/validate/ssda903_rules.hpp"

namespace careflow::validate::detail {

namespace {

// INT01-09: a child in the table who is not in Header.
template <Table Tb>
Rows child_not_in_header(const Tab<Tb>& x, const Run& in) {
  const Header h = tab<T::header>(in);
  if (!h) return {};
  const auto& hr = first_row_in(h, x);
  Rows rows;
  for (size_t r = 0; r < x.rows(); ++r)
    if (hr[r] == kNoRow) rows.push_back(r);
  return rows;
}

// INT11-21: a field differs from Header's for the same child (the reference highlights only the
// other table's row).
template <class C>
TableCheck<table_of<C>> differs_from_header(C field, H::Column header_field) {
  return [field, header_field](const Tab<table_of<C>>& x, const Run& in) -> Rows {
    const Header h = tab<T::header>(in);
    if (!h) return {};
    const auto& hr = first_row_in(h, x);
    Rows rows;
    for (size_t r = 0; r < x.rows(); ++r)
      if (hr[r] != kNoRow && h(hr[r], header_field) != x(r, field)) rows.push_back(r);
    return rows;
  };
}

// INT31-36: a child appears more than once in a one-row-per-child table.
template <Table Tb>
Rows duplicate_child(const Tab<Tb>& x, const Run&) {
  Rows rows;
  for (const auto& [child, rs] : by_child(x))
    if (rs.size() > 1) rows.insert(rows.end(), rs.begin(), rs.end());
  return rows;
}

// EPI: a Header child with no episodes and no care leaver (OC3) row. Care leavers aged 17-21
// who left care before this year have a Header row and an OC3 row and no episode: a normal
// part of every return (about 170 a council), which DfE checks against the history it holds.
// A return without an Episodes table has no episodes: every other Header child is flagged.
Rows no_episodes_nor_care_leaver_data(const Header& h, const Run& in) {
  const ChildRows& ec = by_child(tab<T::episodes>(in));
  const ChildRows& oc = by_child(tab<T::oc3>(in));
  Rows rows;
  for (size_t r = 0; r < h.rows(); ++r)
    if (!ec.count(h(r, H::CHILD)) && !oc.count(h(r, H::CHILD))) rows.push_back(r);
  return rows;
}

}  // namespace

void internal_rules(Rules& r) {
  add_table_rule(r, "INT01", 0, {}, child_not_in_header<T::ad1>);
  add_table_rule(r, "INT02", 0, {}, child_not_in_header<T::placed_for_adoption>);
  add_table_rule(r, "INT03", 0, {}, child_not_in_header<T::episodes>);
  add_table_rule(r, "INT04", 0, {}, child_not_in_header<T::missing>);
  add_table_rule(r, "INT05", 0, {}, child_not_in_header<T::oc2>);
  add_table_rule(r, "INT06", 0, {}, child_not_in_header<T::oc3>);
  add_table_rule(r, "INT07", 0, {}, child_not_in_header<T::previous_permanence>);
  add_table_rule(r, "INT08", 0, {}, child_not_in_header<T::reviews>);
  add_table_rule(r, "INT09", 0, {}, child_not_in_header<T::uasc>);
  add_table_rule(r, "INT11", 0, {}, differs_from_header(AD::DOB, H::DOB));
  add_table_rule(r, "INT12", 0, {}, differs_from_header(PA::DOB, H::DOB));
  add_table_rule(r, "INT13", 0, {}, differs_from_header(M::DOB, H::DOB));
  add_table_rule(r, "INT14", 0, {}, differs_from_header(O2::DOB, H::DOB));
  add_table_rule(r, "INT15", 0, {}, differs_from_header(O3::DOB, H::DOB));
  add_table_rule(r, "INT16", 0, {}, differs_from_header(PP::DOB, H::DOB));
  add_table_rule(r, "INT17", 0, {}, differs_from_header(RV::DOB, H::DOB));
  add_table_rule(r, "INT18", 0, {}, differs_from_header(U::DOB, H::DOB));
  add_table_rule(r, "INT21", 0, {}, differs_from_header(U::SEX, H::SEX));
  add_table_rule(r, "INT31", 0, {}, duplicate_child<T::ad1>);
  add_table_rule(r, "INT32", 0, {}, duplicate_child<T::header>);
  add_table_rule(r, "INT33", 0, {}, duplicate_child<T::oc2>);
  add_table_rule(r, "INT34", 0, {}, duplicate_child<T::oc3>);
  add_table_rule(r, "INT35", 0, {}, duplicate_child<T::previous_permanence>);
  add_table_rule(r, "INT36", 0, {}, duplicate_child<T::uasc>);
  add_table_rule(r, "EPI", 0, {}, no_episodes_nor_care_leaver_data);
}

}  // namespace careflow::validate::detail
