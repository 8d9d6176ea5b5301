// DfE's CIN census XML, written (cin_census_write.hpp). Hand-written rather than through a DOM:
// a national return holds hundreds of thousands of children and is built in one buffer.
#include "careflow/io/cin_census_write.hpp"

namespace careflow::cin {

namespace {

void put_date(std::string& out, Date d) {
  const auto ymd = d.ymd();
  const char b[10] = {static_cast<char>('0' + ymd.year / 1000), static_cast<char>('0' + ymd.year / 100 % 10),
                      static_cast<char>('0' + ymd.year / 10 % 10), static_cast<char>('0' + ymd.year % 10), '-',
                      static_cast<char>('0' + ymd.month / 10), static_cast<char>('0' + ymd.month % 10), '-',
                      static_cast<char>('0' + ymd.day / 10), static_cast<char>('0' + ymd.day % 10)};
  out.append(b, 10);
}

// <tag>text</tag>, or nothing when the text is empty.
void element(std::string& out, const char* tag, std::string_view text) {
  if (text.empty()) return;
  out.append("<").append(tag).append(">");
  append_xml_text(out, text);
  out.append("</").append(tag).append(">");
}
void date_element(std::string& out, const char* tag, Date d) {
  if (d.is_open()) return;
  out.append("<").append(tag).append(">");
  put_date(out, d);
  out.append("</").append(tag).append(">");
}
void date_element(std::string& out, const char* tag, const std::optional<Date>& d) {
  if (d) date_element(out, tag, *d);
}
void bool_element(std::string& out, const char* tag, bool v) { element(out, tag, v ? "true" : "false"); }

// The sex in the year's schema: GenderCurrent 1/2/0 to 2023/24, Sex M/F/U from 2024/25.
std::string_view sex_code(std::string_view given, bool as_sex) {
  const bool male = given == "M" || given == "1", female = given == "F" || given == "2";
  const bool unknown = given == "U" || given == "0" || given == "9";
  if (as_sex) return male ? "M" : female ? "F" : unknown ? "U" : given;
  return male ? "1" : female ? "2" : given == "9" ? "9" : unknown ? "0" : given;
}

}  // namespace

void append_xml_text(std::string& out, std::string_view text) {
  for (char c : text) switch (c) {
      case '&': out.append("&amp;"); break;
      case '<': out.append("&lt;"); break;
      case '>': out.append("&gt;"); break;
      case '"': out.append("&quot;"); break;
      case '\'': out.append("&apos;"); break;
      default: out.push_back(c);
    }
}

void begin_census_xml(std::string& out, const XmlHeader& h) {
  out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message>\n<Header>\n<CollectionDetails>");
  element(out, "Collection", "CIN");
  element(out, "Year", std::to_string(h.year.end_year));
  date_element(out, "ReferenceDate", h.year.end());
  out.append("</CollectionDetails>\n<Source>");
  element(out, "SourceLevel", "L");
  element(out, "LEA", h.lea);
  element(out, "SoftwareCode", h.software_code);
  element(out, "Release", h.release);
  element(out, "SerialNo", h.serial_no);
  if (h.date_time.empty()) {
    out.append("<DateTime>");
    put_date(out, h.year.end());
    out.append("T00:00:00</DateTime>");
  } else {
    element(out, "DateTime", h.date_time);
  }
  out.append("</Source>\n</Header>\n<Children>\n");
}

void append_child_xml(std::string& out, const CinChild& c, CollectionYear year) {
  out.append("<Child>\n<ChildIdentifiers>");
  element(out, "LAchildID", c.id);
  element(out, "UPN", c.upn);
  element(out, "FormerUPN", c.former_upn);
  element(out, "UPNunknown", c.upn_unknown);
  date_element(out, "PersonBirthDate", c.dob);
  date_element(out, "ExpectedPersonBirthDate", c.expected_dob);
  element(out, year.end_year <= 2024 ? "GenderCurrent" : "Sex", sex_code(c.sex, year.end_year >= 2025));
  date_element(out, "PersonDeathDate", c.death);
  out.append("</ChildIdentifiers>\n<ChildCharacteristics>");
  element(out, "Ethnicity", c.ethnicity);
  if (!c.disabilities.empty()) {
    out.append("<Disabilities>");
    for (const auto& d : c.disabilities) element(out, "Disability", d);
    out.append("</Disabilities>");
  }
  out.append("</ChildCharacteristics>\n");
  for (const EpisodeOfNeed& e : c.episodes) {
    out.append("<CINdetails>");
    date_element(out, "CINreferralDate", e.referral);
    element(out, "ReferralSource", e.source);
    element(out, "PrimaryNeedCode", e.primary_need);
    date_element(out, "CINclosureDate", e.closure);
    element(out, "ReasonForClosure", e.closure_reason);
    date_element(out, "DateOfInitialCPC", e.icpc);
    for (const Assessment& a : e.assessments) {
      out.append("\n<Assessments>");
      date_element(out, "AssessmentActualStartDate", a.start);
      date_element(out, "AssessmentInternalReviewDate", a.internal_review);
      date_element(out, "AssessmentAuthorisationDate", a.authorised);
      if (!a.factors.empty()) {
        out.append("<FactorsIdentifiedAtAssessment>");
        for (const auto& f : a.factors) element(out, "AssessmentFactors", f);
        out.append("</FactorsIdentifiedAtAssessment>");
      }
      out.append("</Assessments>");
    }
    for (const CinPlan& p : e.cin_plans) {
      out.append("\n<CINPlanDates>");
      date_element(out, "CINPlanStartDate", p.start);
      date_element(out, "CINPlanEndDate", p.end);
      out.append("</CINPlanDates>");
    }
    for (const Section47& s : e.section47s) {
      out.append("\n<Section47>");
      date_element(out, "S47ActualStartDate", s.start);
      date_element(out, "InitialCPCtarget", s.icpc_target);
      date_element(out, "DateOfInitialCPC", s.icpc);
      bool_element(out, "ICPCnotRequired", s.icpc_not_required);
      out.append("</Section47>");
    }
    out.append("\n");
    bool_element(out, "ReferralNFA", e.no_further_action);
    for (const ProtectionPlan& p : e.protection_plans) {
      out.append("\n<ChildProtectionPlans>");
      date_element(out, "CPPstartDate", p.start);
      date_element(out, "CPPendDate", p.end);
      element(out, "InitialCategoryOfAbuse", p.initial_category);
      element(out, "LatestCategoryOfAbuse", p.latest_category);
      if (p.previous_plans) element(out, "NumberOfPreviousCPP", std::to_string(*p.previous_plans));
      if (!p.reviews.empty()) {
        out.append("<Reviews>");
        for (Date d : p.reviews) date_element(out, "CPPreviewDate", d);
        out.append("</Reviews>");
      }
      out.append("</ChildProtectionPlans>");
    }
    out.append("</CINdetails>\n");
  }
  out.append("</Child>\n");
}

void end_census_xml(std::string& out) { out.append("</Children>\n</Message>\n"); }

}  // namespace careflow::cin
