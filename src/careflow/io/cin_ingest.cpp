#include "careflow/io/cin_ingest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "careflow/core/cin_codes.hpp"
#include "careflow/io/ssda903.hpp"

namespace careflow::cin {

namespace {

// Where a record was last read from: its return's year, file and line.
struct Seen {
  int year = 0;
  const std::string* file = nullptr;
  uint32_t line = 0;
};

struct AssessmentRec {
  Assessment v;
  Seen seen;
  int factors_year = 0;                  // the return whose factors these are
  int factors_year_before = 0;           // and the earlier one's, while they are compared
  std::vector<std::string> old_factors;  // an earlier return's, while a later one's are read
  bool compare_factors = false;
};
struct PlanRec { CinPlan v; Seen seen; };
struct S47Rec { Section47 v; Seen seen; };
struct CppRec {
  ProtectionPlan v;
  Seen seen;
  std::map<int32_t, Seen> reviews;
};
struct EpisodeRec {
  EpisodeOfNeed v;
  Seen seen;
  std::map<int32_t, AssessmentRec> assessments;
  std::map<int32_t, PlanRec> plans;
  std::map<int32_t, S47Rec> s47s;
  std::map<int32_t, CppRec> cpps;
};
struct ChildRec {
  CinChild v;
  Seen seen;
  Seen characteristics;
  int disabilities_year = 0;
  std::map<int32_t, EpisodeRec> episodes;  // by referral date
};

class Builder {
 public:
  explicit Builder(TimelineReport& report) : rep_(report) {}

  void add(const Return& r) {
    year_ = r.year.end_year;
    la_.clear();
    if (const ReturnTable* h = r.find(Table::header); h && h->rows() > 0) la_ = std::string(h->cell(0, header_col::LEA));
    episode_of_.clear();
    assessment_of_.clear();
    plan_of_.clear();
    episodes_in_return_.clear();
    for (size_t t = 0; t < kTableCount; ++t)
      if (r.tables[t]) tally(static_cast<Table>(t)).read += r.tables[t]->rows();
    if (const auto* t = r.find(Table::header)) tally(Table::header).kept += t->rows();
    if (const auto* t = r.find(Table::child_identifiers)) identifiers(*t);
    if (const auto* t = r.find(Table::child_characteristics)) characteristics(*t);
    if (const auto* t = r.find(Table::disabilities)) disabilities(*t);
    if (const auto* t = r.find(Table::cin_details)) details(*t);
    if (const auto* t = r.find(Table::assessments)) assessments(*t);
    if (const auto* t = r.find(Table::assessment_factors)) factors(*t);
    if (const auto* t = r.find(Table::cin_plan_dates)) plans(*t);
    if (const auto* t = r.find(Table::section47)) section47s(*t);
    if (const auto* t = r.find(Table::child_protection_plans)) protection_plans(*t);
    if (const auto* t = r.find(Table::reviews)) reviews(*t);
    // An assessment returned again with other factors: the later return's are used, and said.
    for (auto& [id, c] : children_)
      for (auto& [d, e] : c.episodes)
        for (auto& [s, a] : e.assessments) {
          if (!a.compare_factors) continue;
          a.compare_factors = false;
          auto x = a.old_factors, y = a.v.factors;
          std::sort(x.begin(), x.end());
          std::sort(y.begin(), y.end());
          if (x != y && !x.empty())
            repair(*a.seen.file, a.seen.line, "AssessmentFactors", "Assessments", a.factors_year_before);
          a.old_factors.clear();
        }
    years_.insert(year_);
  }

  Timeline finish() {
    Timeline out;
    for (const int y : years_) out.years.push_back(CollectionYear{y});
    const int last = years_.empty() ? 0 : *years_.rbegin();
    std::vector<std::pair<std::string, ChildRec*>> sorted;
    for (auto& [id, c] : children_) sorted.emplace_back(id, &c);
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    auto kept = [&](Table t) -> size_t& { return tally(t).kept; };
    for (auto& [id, cp] : sorted) {
      ChildRec& c = *cp;
      ++kept(Table::child_identifiers);
      kept(Table::child_characteristics) += c.characteristics.year != 0;
      kept(Table::disabilities) += c.v.disabilities.size();
      for (auto& [d, e] : c.episodes) {
        ++kept(Table::cin_details);
        // Every case open on 1 April is in that year's return: an episode open at the end of its
        // last return and missing from a later one was lost. As the 903's ingest does, it ends on
        // that return's 31 March, reason unknown: left open, it would count the child for ever.
        if (e.v.is_open() && e.v.last_return < last && e.seen.file) {
          e.v.closure = CollectionYear{e.v.last_return}.end();
          rep_.problems.add({Severity::repair, *e.seen.file, e.seen.line, "CINclosureDate",
                             "open-episode-missing-from-later-return",
                             fmt::format("CINdetails: an episode open at the end of the {} return is not in a later "
                                         "return; it ends on that return's 31 March, reason unknown",
                                         CollectionYear{e.v.last_return}.label())});
          ++rep_.repairs_by_rule["open-episode-missing-from-later-return"];
        }
        for (auto& [s, a] : e.assessments) {
          ++kept(Table::assessments);
          kept(Table::assessment_factors) += a.v.factors.size();
          e.v.assessments.push_back(std::move(a.v));
        }
        for (auto& [s, p] : e.plans) {
          ++kept(Table::cin_plan_dates);
          e.v.cin_plans.push_back(p.v);
        }
        for (auto& [s, x] : e.s47s) {
          ++kept(Table::section47);
          e.v.section47s.push_back(x.v);
        }
        for (auto& [s, p] : e.cpps) {
          ++kept(Table::child_protection_plans);
          kept(Table::reviews) += p.reviews.size();
          for (const auto& [rd, seen] : p.reviews) p.v.reviews.push_back(Date(rd));
          e.v.protection_plans.push_back(std::move(p.v));
        }
        c.v.episodes.push_back(std::move(e.v));
      }
      c.v.id = id;
      out.children.push_back(std::move(c.v));
    }
    return out;
  }

 private:
  TableTally& tally(Table t) { return rep_.tables[static_cast<size_t>(t)]; }

  void problem(Severity s, const ReturnTable& t, size_t row, std::string_view column, const char* rule,
               std::string message) {
    rep_.problems.add({s, t.source_of(row), t.line(row), std::string(column), rule,
                       fmt::format("{}: {}", schema(t.table).name, message)});
  }

  // A field that differs from an earlier return's: the later is used, and said.
  void repair(const std::string& file, uint32_t line, std::string_view column, std::string_view table, int earlier) {
    rep_.problems.add({Severity::repair, file, line, std::string(column), "cin-later-return",
                       fmt::format("{}: {} differs from the {} return's for the same record; this return's, the "
                                   "latest, is used (values are not shown)",
                                   table, column, CollectionYear{earlier}.label())});
    ++rep_.repairs_by_rule["cin-later-return"];
  }
  template <class T>
  void compare(const T& before, const T& after, bool before_given, const ReturnTable& t, size_t row,
               std::string_view column, int earlier) {
    if (before_given && before != after) repair(t.source_of(row), t.line(row), column, schema(t.table).name, earlier);
  }

  std::optional<Date> date(const ReturnTable& t, size_t row, size_t col) {
    const auto text = t.cell(row, col);
    if (text.empty()) return std::nullopt;
    const auto d = parse_date(text);
    if (d) return d.date;
    problem(Severity::warning, t, row, schema(t.table).columns[col], "bad-date",
            fmt::format("{}; treated as missing", describe(d.error)));
    return std::nullopt;
  }
  // The row's key date: without it the record cannot be placed, and is rejected with all it holds.
  std::optional<Date> key_date(const ReturnTable& t, size_t row, size_t col, std::string_view what) {
    const auto text = t.cell(row, col);
    const auto d = parse_date(text);
    if (d) return d.date;
    ++tally(t.table).rejected;
    problem(Severity::error, t, row, schema(t.table).columns[col], "bad-key-date",
            fmt::format("{}: {} is its key; the row{} rejected", describe(d.error), what,
                        t.table == Table::cin_details || t.table == Table::child_protection_plans ||
                                t.table == Table::assessments
                            ? " and everything in it were"
                            : " was"));
    return std::nullopt;
  }
  std::string code(const ReturnTable& t, size_t row, size_t col, CodeList list) {
    std::string text(t.cell(row, col));
    if (!text.empty() && !is_known_code(list, text)) {
      const std::string column(schema(t.table).columns[col]);
      ++rep_.unknown_codes[column];
      problem(Severity::warning, t, row, column, "unknown-code",
              fmt::format("the code is not in the census's {} list; kept as given (the validation rules flag it)", name(list)));
    }
    return text;
  }
  bool boolean(const ReturnTable& t, size_t row, size_t col) {
    const auto text = t.cell(row, col);
    if (text.empty()) return false;
    if (const auto b = parse_cin_bool(text)) return *b;
    problem(Severity::warning, t, row, schema(t.table).columns[col], "bad-boolean",
            "not true, false, 1 or 0; read as false");
    return false;
  }
  Seen here(const ReturnTable& t, size_t row) const { return {year_, &t.source_of(row), t.line(row)}; }

  ChildRec* child(const ReturnTable& t, size_t row) {
    const std::string id(t.cell(row, 0));
    if (id.empty()) {
      ++tally(t.table).rejected;
      problem(Severity::error, t, row, "LAchildID", "missing-key", "no LAchildID; the row was rejected");
      return nullptr;
    }
    const auto it = children_.find(id);
    if (it == children_.end() || it->second.seen.year != year_) {
      ++tally(t.table).rejected;
      problem(Severity::error, t, row, "LAchildID", "no-child",
              "the child has no ChildIdentifiers row in this return; the row was rejected");
      return nullptr;
    }
    return &it->second;
  }

  void identifiers(const ReturnTable& t) {
    namespace ci = child_identifiers_col;
    for (size_t row = 0; row < t.rows(); ++row) {
      const std::string id(t.cell(row, ci::LAchildID));
      if (id.empty()) {
        ++tally(t.table).rejected;
        problem(Severity::error, t, row, "LAchildID", "missing-key",
                "no LAchildID; the child and everything of it in this return were rejected");
        continue;
      }
      auto [it, fresh] = children_.try_emplace(id);
      ChildRec& c = it->second;
      const bool duplicate = !fresh && c.seen.year == year_;
      if (duplicate) {
        ++tally(t.table).duplicates;
        problem(Severity::warning, t, row, "LAchildID", "duplicate-child",
                fmt::format("the child's identifiers are here twice (first on line {}); this row, the later, is used",
                            c.seen.line));
      }
      const int earlier = duplicate ? 0 : c.seen.year;
      if (!fresh && !duplicate) ++tally(t.table).superseded;
      CinChild& v = c.v;
      const auto dob = date(t, row, ci::PersonBirthDate);
      const std::string gender = code(t, row, ci::GenderCurrent, CodeList::gender_current);
      const std::string sex = code(t, row, ci::Sex, CodeList::sex);
      CinChild next;
      next.sex = !sex.empty() ? sex : gender;
      next.sex_is_gender_current = sex.empty() && !gender.empty();
      if (earlier) {
        compare(v.dob, dob, v.dob.has_value(), t, row, "PersonBirthDate", earlier);
        const char a = v.male_or_female(), b = next.male_or_female();
        compare(a, b, a != 0 && b != 0, t, row, next.sex_is_gender_current ? "GenderCurrent" : "Sex", earlier);
      }
      v.upn = t.cell(row, ci::UPN);
      v.former_upn = t.cell(row, ci::FormerUPN);
      v.upn_unknown = code(t, row, ci::UPNunknown, CodeList::upn_unknown);
      v.dob = dob;
      v.expected_dob = date(t, row, ci::ExpectedPersonBirthDate);
      v.death = date(t, row, ci::PersonDeathDate);
      if (!next.sex.empty()) {
        v.sex = next.sex;
        v.sex_is_gender_current = next.sex_is_gender_current;
      }
      v.la = la_;
      v.latest_return = year_;
      c.seen = here(t, row);
    }
  }

  void characteristics(const ReturnTable& t) {
    for (size_t row = 0; row < t.rows(); ++row) {
      ChildRec* c = child(t, row);
      if (!c) continue;
      const std::string ethnicity = code(t, row, child_characteristics_col::Ethnicity, CodeList::ethnicity);
      if (c->characteristics.year == year_) {
        ++tally(t.table).duplicates;
        problem(Severity::warning, t, row, "LAchildID", "duplicate-child",
                fmt::format("a second ChildCharacteristics row for the child (first on line {}); this row, the "
                            "later, is used", c->characteristics.line));
      } else if (c->characteristics.year) {
        ++tally(t.table).superseded;
        compare(c->v.ethnicity, ethnicity, !c->v.ethnicity.empty() && !ethnicity.empty(), t, row, "Ethnicity",
                c->characteristics.year);
      }
      if (!ethnicity.empty() || c->v.ethnicity.empty()) c->v.ethnicity = ethnicity;
      c->characteristics = here(t, row);
    }
  }

  void disabilities(const ReturnTable& t) {
    for (size_t row = 0; row < t.rows(); ++row) {
      ChildRec* c = child(t, row);
      if (!c) continue;
      const std::string d = code(t, row, disabilities_col::Disability, CodeList::disability);
      if (d.empty()) {
        ++tally(t.table).rejected;
        problem(Severity::warning, t, row, "Disability", "missing-key", "no Disability code; the row was not used");
        continue;
      }
      if (c->disabilities_year != year_) {  // a later return's list replaces an earlier one's
        tally(t.table).superseded += c->v.disabilities.size();
        c->v.disabilities.clear();
        c->disabilities_year = year_;
      }
      if (std::find(c->v.disabilities.begin(), c->v.disabilities.end(), d) != c->v.disabilities.end()) {
        ++tally(t.table).duplicates;
        problem(Severity::warning, t, row, "Disability", "duplicate-code",
                "the child's Disability code is here twice; counted once");
        continue;
      }
      c->v.disabilities.push_back(d);
    }
  }

  // The episode a row below CINdetails belongs to: by (LAchildID, CINdetailsID) in this return; a
  // file without CINdetailsID (blank) belongs to the child's only episode in the return, if one.
  EpisodeRec* episode(const ReturnTable& t, size_t row) {
    const std::string id(t.cell(row, 0));
    if (id.empty()) {
      ++tally(t.table).rejected;
      problem(Severity::error, t, row, "LAchildID", "missing-key", "no LAchildID; the row was rejected");
      return nullptr;
    }
    const std::string eid(t.cell(row, 1));
    if (const auto it = episode_of_.find({id, eid}); it != episode_of_.end()) {
      if (!it->second) {
        ++tally(t.table).rejected;
        problem(Severity::error, t, row, "CINdetailsID", "parent-rejected",
                "its CINdetails row was rejected, and so was this row");
      }
      return it->second;
    }
    if (eid.empty())
      if (const auto n = episodes_in_return_.find(id); n != episodes_in_return_.end() && n->second.size() == 1)
        return n->second.front();
    ++tally(t.table).rejected;
    problem(Severity::error, t, row, "CINdetailsID", "no-episode",
            "no CINdetails row of this return has the row's LAchildID and CINdetailsID; the row was rejected");
    return nullptr;
  }

  // A record below the child, keyed by its date within its parent: new, the same twice in this
  // return (a duplicate: the later row is used, as the 903's ingest does), or returned again from
  // an earlier year (the earlier is superseded). Returns the record and the earlier year (0 when
  // new or a duplicate: there is nothing to compare with then).
  template <class Rec>
  std::pair<Rec*, int> place(std::map<int32_t, Rec>& recs, Date key, const ReturnTable& t, size_t row,
                             bool& duplicate) {
    auto [it, fresh] = recs.try_emplace(key.days());
    Rec& r = it->second;
    duplicate = !fresh && r.seen.year == year_;
    if (duplicate) {
      ++tally(t.table).duplicates;
      problem(Severity::warning, t, row, "", "duplicate-record",
              fmt::format("the same record as on line {} (the same key date in the same parent); this row, the "
                          "later, is used", r.seen.line));
      r.seen = here(t, row);
      return {&r, 0};
    }
    const int earlier = r.seen.year;
    if (!fresh) ++tally(t.table).superseded;
    r.seen = here(t, row);
    return {&r, earlier};
  }

  void details(const ReturnTable& t) {
    namespace cd = cin_details_col;
    for (size_t row = 0; row < t.rows(); ++row) {
      const std::string id(t.cell(row, cd::LAchildID)), eid(t.cell(row, cd::CINdetailsID));
      ChildRec* c = child(t, row);
      if (!c) {
        episode_of_.emplace(std::pair{id, eid}, nullptr);
        continue;
      }
      const auto referral = key_date(t, row, cd::CINreferralDate, "the referral date");
      if (!referral) {
        episode_of_.emplace(std::pair{id, eid}, nullptr);
        continue;
      }
      bool duplicate = false;
      auto [e, earlier] = place(c->episodes, *referral, t, row, duplicate);
      episode_of_.emplace(std::pair{id, eid}, e);
      auto& in_return = episodes_in_return_[id];
      if (std::find(in_return.begin(), in_return.end(), e) == in_return.end()) in_return.push_back(e);
      EpisodeOfNeed next;
      next.referral = *referral;
      next.source = code(t, row, cd::ReferralSource, CodeList::referral_source);
      next.primary_need = code(t, row, cd::PrimaryNeedCode, CodeList::primary_need);
      next.closure = date(t, row, cd::CINclosureDate).value_or(Date::open());
      next.closure_reason = code(t, row, cd::ReasonForClosure, CodeList::closure_reason);
      next.icpc = date(t, row, cd::DateOfInitialCPC);
      next.no_further_action = boolean(t, row, cd::ReferralNFA);
      EpisodeOfNeed& v = e->v;
      if (earlier) {
        compare(v.source, next.source, !v.source.empty(), t, row, "ReferralSource", earlier);
        compare(v.primary_need, next.primary_need, !v.primary_need.empty(), t, row, "PrimaryNeedCode", earlier);
        compare(v.closure, next.closure, !v.closure.is_open(), t, row, "CINclosureDate", earlier);
        compare(v.closure_reason, next.closure_reason, !v.closure_reason.empty(), t, row, "ReasonForClosure", earlier);
        compare(v.icpc, next.icpc, v.icpc.has_value(), t, row, "DateOfInitialCPC", earlier);
        compare(v.no_further_action, next.no_further_action, true, t, row, "ReferralNFA", earlier);
      }
      next.first_return = v.first_return ? v.first_return : year_;
      next.last_return = year_;
      v = std::move(next);
    }
  }

  void assessments(const ReturnTable& t) {
    namespace ac = assessments_col;
    for (size_t row = 0; row < t.rows(); ++row) {
      const std::tuple<std::string, std::string, std::string> key{
          std::string(t.cell(row, ac::LAchildID)), std::string(t.cell(row, ac::CINdetailsID)),
          std::string(t.cell(row, ac::AssessmentID))};
      EpisodeRec* e = episode(t, row);
      const auto start = e ? key_date(t, row, ac::AssessmentActualStartDate, "the assessment's start") : std::nullopt;
      if (!e || !start) {
        assessment_of_.emplace(key, nullptr);
        continue;
      }
      bool duplicate = false;
      auto [a, earlier] = place(e->assessments, *start, t, row, duplicate);
      assessment_of_.emplace(key, a);
      const auto review = date(t, row, ac::AssessmentInternalReviewDate);
      const auto authorised = date(t, row, ac::AssessmentAuthorisationDate);
      if (earlier) {
        compare(a->v.internal_review, review, a->v.internal_review.has_value(), t, row,
                "AssessmentInternalReviewDate", earlier);
        compare(a->v.authorised, authorised, a->v.authorised.has_value(), t, row, "AssessmentAuthorisationDate",
                earlier);
        // This return's factors replace the earlier's (compared once they are read).
        tally(Table::assessment_factors).superseded += a->v.factors.size();
        a->old_factors = std::move(a->v.factors);
        a->v.factors.clear();
        a->compare_factors = true;
        a->factors_year_before = a->factors_year;
      }
      a->factors_year = year_;
      a->v.start = *start;
      a->v.internal_review = review;
      a->v.authorised = authorised;
    }
  }

  void factors(const ReturnTable& t) {
    namespace fc = assessment_factors_col;
    for (size_t row = 0; row < t.rows(); ++row) {
      const auto it = assessment_of_.find({std::string(t.cell(row, fc::LAchildID)),
                                           std::string(t.cell(row, fc::CINdetailsID)),
                                           std::string(t.cell(row, fc::AssessmentID))});
      if (it == assessment_of_.end() || !it->second) {
        ++tally(t.table).rejected;
        problem(Severity::error, t, row, "AssessmentID", it == assessment_of_.end() ? "no-assessment" : "parent-rejected",
                it == assessment_of_.end()
                    ? "no Assessments row of this return has the row's LAchildID, CINdetailsID and AssessmentID; the "
                      "row was rejected"
                    : "its Assessments row was rejected, and so was this row");
        continue;
      }
      AssessmentRec& a = *it->second;
      const std::string f = code(t, row, fc::AssessmentFactor, CodeList::assessment_factor);
      if (f.empty()) {
        ++tally(t.table).rejected;
        problem(Severity::warning, t, row, "AssessmentFactor", "missing-key", "no factor code; the row was not used");
        continue;
      }
      if (a.seen.year != year_) {
        ++tally(t.table).superseded;  // an earlier return's factor, its assessment returned again later
        continue;
      }
      if (std::find(a.v.factors.begin(), a.v.factors.end(), f) != a.v.factors.end()) {
        ++tally(t.table).duplicates;
        problem(Severity::warning, t, row, "AssessmentFactor", "duplicate-code",
                "the assessment has this factor code twice; counted once");
        continue;
      }
      a.v.factors.push_back(f);
    }
  }

  void plans(const ReturnTable& t) {
    namespace pc = cin_plan_dates_col;
    for (size_t row = 0; row < t.rows(); ++row) {
      EpisodeRec* e = episode(t, row);
      const auto start = e ? key_date(t, row, pc::CINPlanStartDate, "the plan's start") : std::nullopt;
      if (!start) continue;
      bool duplicate = false;
      auto [p, earlier] = place(e->plans, *start, t, row, duplicate);
      const Date end = date(t, row, pc::CINPlanEndDate).value_or(Date::open());
      if (earlier) compare(p->v.end, end, !p->v.end.is_open(), t, row, "CINPlanEndDate", earlier);
      p->v = {*start, end};
    }
  }

  void section47s(const ReturnTable& t) {
    namespace sc = section47_col;
    for (size_t row = 0; row < t.rows(); ++row) {
      EpisodeRec* e = episode(t, row);
      const auto start = e ? key_date(t, row, sc::S47ActualStartDate, "the enquiry's start") : std::nullopt;
      if (!start) continue;
      bool duplicate = false;
      auto [s, earlier] = place(e->s47s, *start, t, row, duplicate);
      Section47 next{*start, date(t, row, sc::InitialCPCtarget), date(t, row, sc::DateOfInitialCPC),
                     boolean(t, row, sc::ICPCnotRequired)};
      if (earlier) {
        compare(s->v.icpc_target, next.icpc_target, s->v.icpc_target.has_value(), t, row, "InitialCPCtarget", earlier);
        compare(s->v.icpc, next.icpc, s->v.icpc.has_value(), t, row, "DateOfInitialCPC", earlier);
        compare(s->v.icpc_not_required, next.icpc_not_required, true, t, row, "ICPCnotRequired", earlier);
      }
      s->v = next;
    }
  }

  void protection_plans(const ReturnTable& t) {
    namespace pc = child_protection_plans_col;
    for (size_t row = 0; row < t.rows(); ++row) {
      const std::tuple<std::string, std::string, std::string> key{
          std::string(t.cell(row, pc::LAchildID)), std::string(t.cell(row, pc::CINdetailsID)),
          std::string(t.cell(row, pc::CPPID))};
      EpisodeRec* e = episode(t, row);
      const auto start = e ? key_date(t, row, pc::CPPstartDate, "the plan's start") : std::nullopt;
      if (!e || !start) {
        plan_of_.emplace(key, nullptr);
        continue;
      }
      bool duplicate = false;
      auto [p, earlier] = place(e->cpps, *start, t, row, duplicate);
      plan_of_.emplace(key, p);
      ProtectionPlan next;
      next.start = *start;
      next.end = date(t, row, pc::CPPendDate).value_or(Date::open());
      next.initial_category = code(t, row, pc::InitialCategoryOfAbuse, CodeList::category_of_abuse);
      next.latest_category = code(t, row, pc::LatestCategoryOfAbuse, CodeList::category_of_abuse);
      if (const auto text = t.cell(row, pc::NumberOfPreviousCPP); !text.empty()) {
        int n = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec == std::errc() && end == text.data() + text.size() && n >= 0) next.previous_plans = n;
        else
          problem(Severity::warning, t, row, "NumberOfPreviousCPP", "bad-number",
                  "not a whole number of plans; treated as missing");
      }
      ProtectionPlan& v = p->v;
      if (earlier) {
        compare(v.end, next.end, !v.end.is_open(), t, row, "CPPendDate", earlier);
        compare(v.initial_category, next.initial_category, !v.initial_category.empty(), t, row,
                "InitialCategoryOfAbuse", earlier);
        compare(v.latest_category, next.latest_category, !v.latest_category.empty(), t, row, "LatestCategoryOfAbuse",
                earlier);
        compare(v.previous_plans, next.previous_plans, v.previous_plans.has_value(), t, row, "NumberOfPreviousCPP",
                earlier);
      }
      v = std::move(next);
    }
  }

  void reviews(const ReturnTable& t) {
    namespace rc = reviews_col;
    for (size_t row = 0; row < t.rows(); ++row) {
      const auto it = plan_of_.find({std::string(t.cell(row, rc::LAchildID)), std::string(t.cell(row, rc::CINdetailsID)),
                                     std::string(t.cell(row, rc::CPPID))});
      if (it == plan_of_.end() || !it->second) {
        ++tally(t.table).rejected;
        problem(Severity::error, t, row, "CPPID", it == plan_of_.end() ? "no-plan" : "parent-rejected",
                it == plan_of_.end()
                    ? "no ChildProtectionPlans row of this return has the row's LAchildID, CINdetailsID and CPPID; "
                      "the row was rejected"
                    : "its ChildProtectionPlans row was rejected, and so was this row");
        continue;
      }
      const auto d = key_date(t, row, rc::CPPreviewDate, "the review's date");
      if (!d) continue;
      auto [r, fresh] = it->second->reviews.try_emplace(d->days(), here(t, row));
      if (fresh) continue;
      if (r->second.year == year_) {
        ++tally(t.table).duplicates;
        problem(Severity::warning, t, row, "CPPreviewDate", "duplicate-record",
                fmt::format("the same review date as on line {}; counted once", r->second.line));
      } else {
        ++tally(t.table).superseded;
        r->second = here(t, row);
      }
    }
  }

  TimelineReport& rep_;
  int year_ = 0;
  std::string la_;
  std::set<int> years_;
  std::unordered_map<std::string, ChildRec> children_;
  std::map<std::pair<std::string, std::string>, EpisodeRec*> episode_of_;
  std::unordered_map<std::string, std::vector<EpisodeRec*>> episodes_in_return_;
  std::map<std::tuple<std::string, std::string, std::string>, AssessmentRec*> assessment_of_;
  std::map<std::tuple<std::string, std::string, std::string>, CppRec*> plan_of_;
};

}  // namespace

Timeline build_timeline(const std::vector<Return>& returns_in, TimelineReport& report) {
  std::vector<const Return*> returns;
  for (const auto& r : returns_in) returns.push_back(&r);
  std::stable_sort(returns.begin(), returns.end(), [](const Return* a, const Return* b) { return a->year < b->year; });
  Builder b(report);
  for (const Return* r : returns) b.add(*r);
  return b.finish();
}

std::unordered_map<std::string, std::string> read_903_upns(const std::vector<std::string>& files) {
  std::unordered_map<std::string, std::string> out;
  auto take = [&](const ssda903::ReturnTable& t) {
    namespace hc = ssda903::header_col;
    for (size_t row = 0; row < t.rows(); ++row)
      if (const auto child = t.cell(row, hc::CHILD), upn = t.cell(row, hc::UPN); !child.empty() && !upn.empty())
        out[std::string(child)] = std::string(upn);
  };
  std::string bytes;
  for (const auto& f : files) {
    ProblemLog ignored;  // said already by the 903's ingest, which read the same files
    ssda903::Return r;
    if (f.size() >= 4 && (f.compare(f.size() - 4, 4, ".xml") == 0 || f.compare(f.size() - 4, 4, ".XML") == 0)) {
      ssda903::read_return_xml(f, r, ignored);
    } else {
      if (!read_file(f, bytes)) continue;
      TextEncoding enc{};
      const std::string head = decode_to_utf8(std::string_view(bytes).substr(0, std::min<size_t>(bytes.size(), 4096) & ~size_t{1}), enc);
      const std::string first_line = head.substr(0, head.find_first_of("\r\n"));
      std::string upper_line = first_line;
      for (auto& c : upper_line) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (upper_line.find("UPN") == std::string::npos) continue;
      auto csv = parse_csv(bytes, f);
      if (!csv.readable) continue;
      if (auto t = ssda903::to_return_table(std::move(csv.table), f, ignored); t && t->table == ssda903::Table::header)
        take(*t);
      continue;
    }
    if (const auto* h = r.find(ssda903::Table::header)) take(*h);
  }
  return out;
}

}  // namespace careflow::cin
