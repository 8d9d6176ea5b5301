#include "careflow/core/cin_codes.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace careflow::cin {

const std::vector<std::string_view>& codes(CodeList list) {
  static const std::array<std::vector<std::string_view>, 10> kLists = {{
      {"1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A", "5B", "5C", "5D", "6",
       "7", "8", "9", "10"},
      {"N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"},
      {"RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9"},
      {"WBRI", "WIRI", "WIRT", "WROM", "WOTH", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN", "AOTH",
       "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"},
      {"NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA"},
      {"1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C", "5A", "5B", "5C", "6A", "6B", "6C",
       "7A", "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A", "13A", "14A", "15A", "16A", "17A", "18A",
       "18B", "18C", "19A", "19B", "19C", "20", "21", "22A", "23A", "24A"},
      {"NEG", "PHY", "SAB", "EMO", "MUL"},
      {"0", "1", "2", "9"},
      {"M", "F", "U"},
      {"UN1", "UN2", "UN3", "UN4", "UN5", "UN6", "UN7"},
  }};
  return kLists[static_cast<size_t>(list)];
}

bool is_known_code(CodeList list, std::string_view code) {
  const auto& c = codes(list);
  return std::any_of(c.begin(), c.end(), [&](std::string_view k) {
    return k.size() == code.size() && std::equal(k.begin(), k.end(), code.begin(), [](char a, char b) {
             return a == std::toupper(static_cast<unsigned char>(b));
           });
  });
}

std::string_view name(CodeList list) {
  static constexpr std::array<std::string_view, 10> kNames = {
      "ReferralSource", "PrimaryNeedCode", "ReasonForClosure", "Ethnicity", "Disability", "AssessmentFactors",
      "CategoryOfAbuse", "GenderCurrent", "Sex", "UPNunknown"};
  return kNames[static_cast<size_t>(list)];
}

}  // namespace careflow::cin
