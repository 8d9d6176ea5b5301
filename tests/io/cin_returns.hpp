// Two hand-built Children in Need census returns in DfE's XML (2022/23 and 2023/24) for three
// children, for the CIN reader, timeline and ingest tests. What they hold, and so every expected
// figure, is written out beside them (tests/io/cin_census_test.cpp, tests/io/cin_ingest_test.cpp).
//
// 2022/23: A1 (born 2015-05-01, boy, WBRI, AUT+LD): one open episode from 2022-06-01, source 2A,
//   need N1; an assessment 2022-06-02 -> 2022-07-10 with factors 3B, 4B; a s47 from 2022-06-05
//   with its ICPC on 2022-06-20; a CPP from 2022-06-20 (NEG/NEG, 0 previous), reviews 2022-09-15
//   and 2023-03-10.
//   B2 (born 2010-01-10, girl, AIND, NONE): an episode 2022-04-10 -> 2022-05-01 (RC8), source 6,
//   need N4, with an assessment 2022-04-11 -> 2022-04-30, factor 21; a second, NFA, 2023-01-05 ->
//   2023-01-06 (RC7), source 1A.
// 2023/24: A1 again: the same episode, now closed 2024-02-01 (RC3) and with source 2B (changed);
//   the same assessment and factors; a CIN plan 2024-01-31 -> 2024-02-01; the same CPP, ended
//   2024-01-31 with latest category PHY (changed), reviews 2023-03-10 (again) and 2023-09-01.
//   C3 (born 2020-02-02, GenderCurrent 9, ethnicity XXXX: not a code): an open episode from
//   2023-10-01, source 5D, need N2, an assessment started 2023-10-02 (not authorised), a CIN
//   plan from 2023-11-01.
#pragma once

namespace careflow::testing {

inline const char* kCin2023 = R"(<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>2023</Year>
      <ReferenceDate>2023-03-31</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>201</LEA>
      <SoftwareCode>Local Authority</SoftwareCode>
      <Release>ver 3.1.21</Release>
      <SerialNo>001</SerialNo>
      <DateTime>2023-05-23T11:14:05</DateTime>
    </Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID>A1</LAchildID>
        <UPN>A123456789012</UPN>
        <PersonBirthDate>2015-05-01</PersonBirthDate>
        <GenderCurrent>1</GenderCurrent>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>WBRI</Ethnicity>
        <Disabilities>
          <Disability>AUT</Disability>
          <Disability>LD</Disability>
        </Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2022-06-01</CINreferralDate>
        <ReferralSource>2A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <Assessments>
          <AssessmentActualStartDate>2022-06-02</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2022-07-10</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>3B</AssessmentFactors>
            <AssessmentFactors>4B</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <Section47>
          <S47ActualStartDate>2022-06-05</S47ActualStartDate>
          <InitialCPCtarget>2022-06-24</InitialCPCtarget>
          <DateOfInitialCPC>2022-06-20</DateOfInitialCPC>
          <ICPCnotRequired>false</ICPCnotRequired>
        </Section47>
        <ReferralNFA>false</ReferralNFA>
        <ChildProtectionPlans>
          <CPPstartDate>2022-06-20</CPPstartDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>
          <Reviews>
            <CPPreviewDate>2022-09-15</CPPreviewDate>
            <CPPreviewDate>2023-03-10</CPPreviewDate>
          </Reviews>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers>
        <LAchildID>B2</LAchildID>
        <PersonBirthDate>2010-01-10</PersonBirthDate>
        <GenderCurrent>2</GenderCurrent>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>AIND</Ethnicity>
        <Disabilities><Disability>NONE</Disability></Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2022-04-10</CINreferralDate>
        <ReferralSource>6</ReferralSource>
        <PrimaryNeedCode>N4</PrimaryNeedCode>
        <CINclosureDate>2022-05-01</CINclosureDate>
        <ReasonForClosure>RC8</ReasonForClosure>
        <Assessments>
          <AssessmentActualStartDate>2022-04-11</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2022-04-30</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>21</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <ReferralNFA>0</ReferralNFA>
      </CINdetails>
      <CINdetails>
        <CINreferralDate>2023-01-05</CINreferralDate>
        <ReferralSource>1A</ReferralSource>
        <CINclosureDate>2023-01-06</CINclosureDate>
        <ReasonForClosure>RC7</ReasonForClosure>
        <ReferralNFA>TRUE</ReferralNFA>
      </CINdetails>
    </Child>
  </Children>
</Message>
)";

inline const char* kCin2024 = R"(<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>2024</Year>
      <ReferenceDate>2024-03-31</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>201</LEA>
    </Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID>A1</LAchildID>
        <UPN>A123456789012</UPN>
        <PersonBirthDate>2015-05-01</PersonBirthDate>
        <GenderCurrent>1</GenderCurrent>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>WBRI</Ethnicity>
        <Disabilities>
          <Disability>AUT</Disability>
          <Disability>LD</Disability>
        </Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2022-06-01</CINreferralDate>
        <ReferralSource>2B</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <CINclosureDate>2024-02-01</CINclosureDate>
        <ReasonForClosure>RC3</ReasonForClosure>
        <Assessments>
          <AssessmentActualStartDate>2022-06-02</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2022-07-10</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>3B</AssessmentFactors>
            <AssessmentFactors>4B</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <CINPlanDates>
          <CINPlanStartDate>2024-01-31</CINPlanStartDate>
          <CINPlanEndDate>2024-02-01</CINPlanEndDate>
        </CINPlanDates>
        <ReferralNFA>false</ReferralNFA>
        <ChildProtectionPlans>
          <CPPstartDate>2022-06-20</CPPstartDate>
          <CPPendDate>2024-01-31</CPPendDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>PHY</LatestCategoryOfAbuse>
          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>
          <Reviews>
            <CPPreviewDate>2023-03-10</CPPreviewDate>
            <CPPreviewDate>2023-09-01</CPPreviewDate>
          </Reviews>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers>
        <LAchildID>C3</LAchildID>
        <PersonBirthDate>2020-02-02</PersonBirthDate>
        <GenderCurrent>9</GenderCurrent>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>XXXX</Ethnicity>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2023-10-01</CINreferralDate>
        <ReferralSource>5D</ReferralSource>
        <PrimaryNeedCode>N2</PrimaryNeedCode>
        <Assessments>
          <AssessmentActualStartDate>2023-10-02</AssessmentActualStartDate>
        </Assessments>
        <CINPlanDates>
          <CINPlanStartDate>2023-11-01</CINPlanStartDate>
        </CINPlanDates>
        <ReferralNFA>false</ReferralNFA>
      </CINdetails>
    </Child>
  </Children>
</Message>
)";

}  // namespace careflow::testing
