#include "careflow/core/cin_timeline.hpp"

#include <algorithm>
#include <cctype>

namespace careflow::cin {

namespace {
std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

char CinChild::male_or_female() const {
  const std::string s = upper(sex);
  if (s == "M" || (sex_is_gender_current && s == "1")) return 'M';
  if (s == "F" || (sex_is_gender_current && s == "2")) return 'F';
  return 0;
}

const CinChild* Timeline::find(std::string_view id) const {
  const auto it = std::lower_bound(children.begin(), children.end(), id,
                                   [](const CinChild& c, std::string_view k) { return c.id < k; });
  return it != children.end() && it->id == id ? &*it : nullptr;
}

Timeline::Counts Timeline::counts() const {
  Counts n;
  n.children = children.size();
  for (const auto& c : children) {
    n.children_with_disability +=
        std::any_of(c.disabilities.begin(), c.disabilities.end(), [](const std::string& d) { return upper(d) != "NONE"; });
    for (const auto& e : c.episodes) {
      ++n.episodes;
      n.referrals_nfa += e.no_further_action;
      n.open_episodes += e.is_open();
      n.assessments += e.assessments.size();
      for (const auto& a : e.assessments) n.assessment_factors += a.factors.size();
      n.cin_plans += e.cin_plans.size();
      n.section47s += e.section47s.size();
      n.icpcs += e.icpc.has_value();
      for (const auto& s : e.section47s) n.icpcs += s.icpc.has_value();
      n.protection_plans += e.protection_plans.size();
      for (const auto& p : e.protection_plans) n.reviews += p.reviews.size();
    }
  }
  return n;
}

Linkage link_to_903(const Timeline& cin, const History& history,
                    const std::unordered_map<std::string, std::string>* upn_of_903_child) {
  Linkage k;
  k.cin_children = cin.children.size();
  constexpr uint32_t kNone = UINT32_MAX;
  std::unordered_map<std::string, ChildIndex> by_id;
  by_id.reserve(history.children.size());
  for (ChildIndex c = 0; c < history.children.size(); ++c) by_id.emplace(upper(history.children[c].id), c);
  std::vector<uint32_t> cin_of(history.children.size(), kNone);  // 903 child -> CIN child
  std::vector<uint32_t> linked(cin.children.size(), kNone);      // CIN child -> 903 child
  for (uint32_t i = 0; i < cin.children.size(); ++i) {
    const auto it = by_id.find(upper(cin.children[i].id));
    if (it == by_id.end() || cin_of[it->second] != kNone) continue;
    linked[i] = it->second;
    cin_of[it->second] = i;
    ++k.found_by_id;
  }
  // The fallback: a UPN held by exactly one 903 child not already linked, with no disagreeing
  // date of birth (a UPN typed against the wrong child must not join two children).
  if (upn_of_903_child) {
    std::unordered_map<std::string, ChildIndex> by_upn;
    std::unordered_map<std::string, bool> shared;
    for (const auto& [child, upn] : *upn_of_903_child) {
      if (upn.empty()) continue;
      const auto c = by_id.find(upper(child));
      if (c == by_id.end()) continue;
      const std::string u = upper(upn);
      if (!by_upn.emplace(u, c->second).second && by_upn[u] != c->second) shared[u] = true;
    }
    for (uint32_t i = 0; i < cin.children.size(); ++i) {
      if (linked[i] != kNone) continue;
      const CinChild& ch = cin.children[i];
      for (const std::string* upn : {&ch.upn, &ch.former_upn}) {
        if (upn->empty()) continue;
        const std::string u = upper(*upn);
        const auto it = by_upn.find(u);
        if (it == by_upn.end() || shared.count(u) || cin_of[it->second] != kNone) continue;
        const Child& h = history.children[it->second];
        if (ch.dob && h.dob_known && *ch.dob != h.dob) continue;
        linked[i] = it->second;
        cin_of[it->second] = i;
        ++k.found_by_upn;
        break;
      }
    }
  }
  for (uint32_t i = 0; i < cin.children.size(); ++i) {
    if (linked[i] == kNone) {
      ++k.not_found;
      continue;
    }
    const CinChild& ch = cin.children[i];
    const Child& h = history.children[linked[i]];
    k.dob_mismatch += ch.dob && h.dob_known && *ch.dob != h.dob;
    const char s = ch.male_or_female();
    k.sex_mismatch += s && ((s == 'M' && h.is_female()) || (s == 'F' && h.is_male()));
  }
  if (cin.years.empty() || history.years.empty()) return k;
  k.span_start = std::max(cin.data_start(), history.data_start());
  k.span_end = std::min(cin.data_end(), history.data_end());
  k.spans_overlap = k.span_start <= k.span_end;
  if (!k.spans_overlap) return k;
  std::vector<bool> looked_after(history.children.size(), false);
  for (const PeriodOfCare& p : history.periods) {
    if (p.short_breaks) continue;
    if (p.start <= k.span_end && (p.is_open() || p.end >= k.span_start)) looked_after[p.child] = true;
    if (p.start < k.span_start || p.start > k.span_end) continue;
    ++k.entrants;
    if (cin_of[p.child] == kNone) continue;
    const CinChild& ch = cin.children[cin_of[p.child]];
    bool episode = false, plan = false;
    for (const auto& e : ch.episodes) {
      episode |= e.referral <= p.start;
      for (const auto& cp : e.protection_plans) plan |= cp.start <= p.start;
    }
    k.entrants_with_earlier_episode += episode;
    k.entrants_with_earlier_protection_plan += plan;
  }
  for (ChildIndex c = 0; c < history.children.size(); ++c)
    k.looked_after_not_in_cin += looked_after[c] && cin_of[c] == kNone;
  return k;
}

}  // namespace careflow::cin
