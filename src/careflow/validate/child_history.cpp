#include "careflow/validate/child_history.hpp"

#include <fmt/format.h>

namespace careflow::validate::detail {

const EpisodesByChild& episodes_by_child_in_order(const Episodes& e) {
  return shared<EpisodesByChild>(e.cache, "episodes_in_order", e.t, [&e] {
    const ChildRows& bc = by_child(e);
    EpisodesByChild m(bc.size());
    for (const auto& [c, rs] : bc) m.try_emplace(c, episodes_in_order(e, rs));
    return m;
  });
}

const Dated& episodes_in_order(const Episodes& e, std::string_view child) {
  const EpisodesByChild& all = episodes_by_child_in_order(e);
  static const Dated kNone;
  const auto it = all.find(child);
  return it == all.end() ? kNone : it->second;
}

TableCheck<T::episodes> per_child_episodes(SequenceTest test) {
  return [test](const Episodes& e, const Run&) -> Rows {
    Rows rows;
    for (const auto& [child, eps] : episodes_by_child_in_order(e)) test(e, eps, rows);
    return rows;
  };
}

const std::vector<size_t>& first_row_in(const TableRef& to, const TableRef& from) {
  const std::string name = fmt::format("first_row_in {}", static_cast<const void*>(to.t));
  return shared<std::vector<size_t>>(from.cache, name, from.t, [&] {
    const auto& first = first_row_by_child(to);
    std::vector<size_t> join(from.rows(), kNoRow);
    for (size_t r = 0; r < from.rows(); ++r) {
      const auto it = first.find(from.child(r));
      if (it != first.end()) join[r] = it->second;
    }
    return join;
  });
}

const ChildMap<std::pair<Date, size_t>>& last_open_final_episodes(const Episodes& l) {
  return shared<ChildMap<std::pair<Date, size_t>>>(l.cache, "last_open_final_episodes", l.t, [&l] {
    ChildMap<std::pair<Date, size_t>> open_final;
    for (size_t r = 0; r < l.rows(); ++r) {
      if (!l.blank(r, E::DEC)) continue;
      const auto d = l.date(r, E::DECOM);
      if (!d) continue;
      auto [it, inserted] = open_final.try_emplace(l(r, E::CHILD), *d, r);
      if (!inserted && *d >= it->second.first) it->second = {*d, r};
    }
    return open_final;
  });
}

TableCheck<T::episodes> against_last_open_final(E::Column field, Differs differs) {
  return [field, differs](const Episodes& e, const Run& in) -> Rows {
    const Episodes l = last_tab<T::episodes>(in);
    if (!l) return {};
    const auto& open_final = last_open_final_episodes(l);
    Rows rows;
    for (const auto& [child, eps] : episodes_by_child_in_order(e)) {
      const auto it = open_final.find(child);
      if (it == open_final.end() || eps.empty()) continue;
      const size_t first = eps.front().second;
      if (differs(e(first, field), l(it->second.second, field))) rows.push_back(first);
    }
    return rows;
  };
}

// A chain of contiguous episodes (each starting the day the previous ended), not short breaks
// (V3/V4), from on or before 1 April of the year to 31 March. `to_31_march`: the child is looked
// after at 31 March, as DfE's messages say: the episode is still open (DEC blank; the return
// leaves it blank for care going on past 31 March, so care that ceased on 31 March itself has
// ended). Without it care ending on 30 March or later counts, as the reference's helper has it:
// the fixtures of 157, 185, 190, 197B, 198 and 543-546 need that (docs/validate.md).
const ChildMap<bool>& twelve_month_cohort(const Run& in, bool to_31_march) {
  const Episodes e = tab<T::episodes>(in);
  return shared<ChildMap<bool>>(in.cache, to_31_march ? "twelve_month_cohort_31" : "twelve_month_cohort", e.t,
                                [&in, &e, to_31_march] {
    ChildMap<bool> out;
    const Date start = in.year.start(), end = in.year.end();
    const Date reaches = to_31_march ? end + 1 : end - 1;
    for (const auto& [child, rs] : by_child(e)) {
      std::vector<size_t> kept;
      for (size_t r : rs)
        if (e(r, E::LS) != "V3" && e(r, E::LS) != "V4") kept.push_back(r);
      const auto eps = episodes_in_order(e, kept);
      // The episode covering 31 March, then back through contiguous ones. Only the child's last
      // episode can be open: an earlier one without a DEC (blank or unreadable; 142, 147 and
      // 148 flag it) ended on a day the return does not say, no later than the next began, so it
      // is taken as running on to it. A missing date is no evidence of a break: without this one
      // blank DEC inside a long period made a child looked after for years look newly looked after.
      const int last = static_cast<int>(eps.size()) - 1;
      auto dec_of = [&](int k) { return e.date(eps[static_cast<size_t>(k)].second, E::DEC); };
      int i = last;
      for (; i >= 0; --i) {
        const size_t r = eps[static_cast<size_t>(i)].second;
        const auto dec = dec_of(i);
        const bool open = i == last && e.blank(r, E::DEC);
        if (eps[static_cast<size_t>(i)].first <= end && (open || (dec && *dec >= reaches))) break;
      }
      if (i < 0) continue;
      while (i > 0) {
        const auto prev_end = dec_of(i - 1);
        if (prev_end && *prev_end != eps[static_cast<size_t>(i)].first) break;
        --i;
      }
      if (eps[static_cast<size_t>(i)].first <= start) out.try_emplace(child, true);
    }
    return out;
  });
}

Rules::Check episode_with_dob(EpisodeAgeTest test, bool flag_header) {
  return [test, flag_header](const Run& in) {
    Flags f;
    const Header h = tab<T::header>(in);
    const Episodes e = tab<T::episodes>(in);
    if (!h || !e) return f;
    const auto& hr = first_row_in(h, e);
    std::vector<size_t> rows, hrows;
    for (size_t r = 0; r < e.rows(); ++r) {
      if (hr[r] == kNoRow) continue;
      const auto dob = h.date(hr[r], H::DOB);
      if (dob && test(e, r, *dob, in)) {
        rows.push_back(r);
        hrows.push_back(hr[r]);
      }
    }
    put(f, T::episodes, std::move(rows));
    if (flag_header) put(f, T::header, std::move(hrows));
    return f;
  };
}

const ChildMap<Date>& dob_by_child(const Header& h) {
  return shared<ChildMap<Date>>(h.cache, "dob_by_child", h.t, [&h] {
    ChildMap<Date> dob(h.rows());
    for (size_t r = 0; r < h.rows(); ++r)
      if (const auto d = h.date(r, H::DOB)) dob.emplace(h(r, H::CHILD), *d);
    return dob;
  });
}

std::vector<Period> periods_of_care(const Episodes& e, const Dated& eps) {
  std::vector<Period> out;
  for (const auto& [decom, r] : eps) {
    const auto dec = e.date(r, E::DEC);
    const bool open = e.blank(r, E::DEC);
    if (out.empty() || (out.back().end && decom > *out.back().end)) {
      out.push_back({decom, open ? std::nullopt : dec, r});
      continue;
    }
    // Contiguous or overlapping: the period runs to the later end (open if any episode is open).
    auto& p = out.back();
    if (open) p.end.reset();
    else if (p.end && dec && *dec > *p.end) p.end = dec;
  }
  // An episode with a DEC that is not a valid date leaves its period's end unknown: treated as
  // open, so nothing is flagged on a guess.
  return out;
}

std::unordered_set<std::string_view> uasc_children(const Run& in, bool last_year) {
  std::unordered_set<std::string_view> out;
  const Header h = last_year ? last_tab<T::header>(in) : tab<T::header>(in);
  const auto* stated = last_year ? in.header_uasc_last : in.header_uasc;
  if (h && stated) {
    for (size_t r = 0; r < h.rows() && r < stated->size(); ++r)
      if ((*stated)[r] == "1") out.insert(h(r, H::CHILD));
    return out;
  }
  const Uasc u = last_year ? last_tab<T::uasc>(in) : tab<T::uasc>(in);
  for (size_t r = 0; r < u.rows(); ++r) out.insert(u(r, U::CHILD));
  return out;
}

}  // namespace careflow::validate::detail
