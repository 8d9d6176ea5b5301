// Pseudonyms (SipHash-2-4 under a key only the caller can give) and what ingest's messages say
// about children and their data: a pseudonym or nothing, never an identifier, date of birth or
// any cell of the input.
#include "careflow/core/privacy.hpp"

#include <gtest/gtest.h>

#include "careflow/io/ingest.hpp"
#include "io/temp_returns.hpp"

using namespace careflow;
using careflow::testing::kEpisodesHeader;
using careflow::testing::kHeaderHeader;
using careflow::testing::TempReturns;

namespace {
std::string bytes_0_to(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += static_cast<char>(i);
  return s;
}
}  // namespace

// The published SipHash-2-4 test vectors (Aumasson & Bernstein, "SipHash: a fast short-input
// PRF", appendix A, and the reference implementation's vectors.h): key bytes 00 01 .. 0f, so
// k0 = 0x0706050403020100 and k1 = 0x0f0e0d0c0b0a0908 read little-endian, and messages of the
// first n bytes 00 01 ...:
//   n = 15: a129ca6149be45e5 (the paper's worked example)
//   n = 0:  726fdb47dd0e0e31 (vectors_sip64[0], bytes 31 0e 0e dd 47 db 6f 72)
//   n = 8:  93f5f5799a932462 (vectors_sip64[8], bytes 62 24 93 9a 79 f5 f5 93: one full word
//           and an empty last block)
// The pseudonym is "C" and the low 48 bits in hex: for n = 15, C + ca6149be45e5.
TEST(Pseudonym, SipHashTestVectors) {
  const PseudonymKey key = PseudonymKey::from_words(0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL);
  EXPECT_EQ(key.hash(bytes_0_to(15)), 0xa129ca6149be45e5ULL);
  EXPECT_EQ(key.hash(bytes_0_to(0)), 0x726fdb47dd0e0e31ULL);
  EXPECT_EQ(key.hash(bytes_0_to(8)), 0x93f5f5799a932462ULL);
  EXPECT_EQ(pseudonymise(bytes_0_to(15), key), "Cca6149be45e5");
}

// Key text is folded into SipHash's two words by FNV-1a, one stream offset by 0x9e per byte.
// For the text "k" (0x6b), by hand (mod 2^64, prime 0x100000001b3 = 2^40 + 0x1b3):
//   k0: 0xcbf29ce484222325 ^ 0x6b = 0xcbf29ce48422234e;
//       x * 2^40 = 0x22234e0000000000, x * 0x1b3 = 0x8d40984c8601fd8a; sum 0xaf63e64c8601fd8a
//   k1: 0x84222325cbf29ce4 ^ (0x6b + 0x9e = 0x109) = 0x84222325cbf29ded; times the prime
//       = 0x789fa6398d4259b7 (checked with Python's integers)
TEST(Pseudonym, KeyTextFoldsAsByHand) {
  const auto from_text = PseudonymKey::from_text("k");
  ASSERT_TRUE(from_text);
  const PseudonymKey by_hand = PseudonymKey::from_words(0xaf63e64c8601fd8aULL, 0x789fa6398d4259b7ULL);
  for (const char* id : {"", "A1", "ZQ7731", "a child's identifier longer than eight bytes"})
    EXPECT_EQ(from_text->hash(id), by_hand.hash(id)) << id;
  // No key text, no key: there is no default to fall back to.
  EXPECT_FALSE(PseudonymKey::from_text(""));
}

// An independent implementation (SipHash-2-4 and the fold, in Python, checked against the
// vectors above) gives, for the key text "a region's shared key, 2026":
//   ZQ7731 -> C1d6cef1529ae, 3961709 -> C1e7e82be8011
// Two keys give two unrelated pseudonyms for one child.
TEST(Pseudonym, GivenKeyReproducesIndependentComputation) {
  const auto region = PseudonymKey::from_text("a region's shared key, 2026");
  ASSERT_TRUE(region);
  EXPECT_EQ(pseudonymise("ZQ7731", *region), "C1d6cef1529ae");
  EXPECT_EQ(pseudonymise("3961709", *region), "C1e7e82be8011");
  EXPECT_NE(pseudonymise("ZQ7731", *PseudonymKey::from_text("another council's key")), "C1d6cef1529ae");
}

namespace {
// A return whose problems name children: ZQ7731 has two Header rows in one return (one with
// a changed date of birth from last year's) and a duplicated episode; ZQ8842 has episodes but
// no Header row anywhere. The values a message must never quote are listed in `kSecrets`.
const char* kSecrets[] = {"ZQ7731", "ZQ8842", "14/05/2004", "15/05/2004", "2004-05-14", "2004-05-15",
                          "A123456789012", "PO6 1JT", "LE17 6FE"};

void write_return(TempReturns& tr) {
  tr.write("2023_24", "header.csv", std::string(kHeaderHeader) + "ZQ7731,F,14/05/2004,WBRI,A123456789012,,\n");
  tr.write("2023_24", "episodes.csv", std::string(kEpisodesHeader) +
           "ZQ7731,01/06/2023,S,C2,N1,U4,PR1,,,,PO6 1JT,LE17 6FE,\n");
  tr.write("2024_25", "header.csv", std::string(kHeaderHeader) +
           "ZQ7731,F,15/05/2004,WBRI,A123456789012,,\n"
           "ZQ7731,F,15/05/2004,WBRI,A123456789012,,\n");
  tr.write("2024_25", "episodes.csv", std::string(kEpisodesHeader) +
           "ZQ7731,01/06/2023,S,C2,N1,U4,PR1,,,,PO6 1JT,LE17 6FE,\n"
           "ZQ7731,01/06/2023,S,C2,N1,U4,PR1,,,,PO6 1JT,LE17 6FE,\n"
           "ZQ8842,01/07/2024,S,C2,N1,U4,PR1,,,,PO6 1JT,LE17 6FE,\n");
}

void expect_no_secret(const IngestReport& r) {
  for (const auto& p : r.problems.all())
    for (const char* s : kSecrets) EXPECT_EQ(to_string(p).find(s), std::string::npos) << to_string(p);
}
}  // namespace

// With a key, ingest names each child by its pseudonym under that key; the date of birth that
// changed is not shown (only which year's return had the other one).
TEST(Pseudonym, IngestMessagesNameChildrenByPseudonymOnly) {
  TempReturns tr;
  write_return(tr);
  const auto key = PseudonymKey::from_text("a region's shared key, 2026");
  IngestReport r;
  ingest({tr.root()}, std::nullopt, r, &*key);
  expect_no_secret(r);
  const std::string a = "child " + pseudonymise("ZQ7731", *key), b = "child " + pseudonymise("ZQ8842", *key);
  EXPECT_EQ(a, "child C1d6cef1529ae");
  // Which messages name which child (rule: child): duplicate-header and dob-changed (2024/25
  // header.csv), duplicate-episode (2024/25 episodes.csv line 3): ZQ7731; no-header: ZQ8842.
  size_t named = 0;
  for (const auto& p : r.problems.all()) {
    if (p.rule == "duplicate-header" || p.rule == "duplicate-episode" || p.rule == "dob-changed") {
      EXPECT_NE(p.message.find(a), std::string::npos) << p.message;
      ++named;
    }
    if (p.rule == "dob-changed") {
      EXPECT_NE(p.message.find("2023/24"), std::string::npos) << p.message;
    }
    if (p.rule == "no-header") {
      EXPECT_NE(p.message.find(b), std::string::npos) << p.message;
      ++named;
    }
  }
  EXPECT_EQ(named, 4u);
}

// Without a key (a library caller that gave none) the same messages say "a child": there is
// no built-in key to make a pseudonym with, and the identifier is never the fallback.
TEST(Pseudonym, IngestWithoutKeyNamesNoChild) {
  TempReturns tr;
  write_return(tr);
  IngestReport r;
  ingest({tr.root()}, std::nullopt, r);
  expect_no_secret(r);
  size_t unnamed = 0;
  for (const auto& p : r.problems.all()) {
    EXPECT_EQ(p.message.find("child C"), std::string::npos) << p.message;
    unnamed += p.message.rfind("a child", 0) == 0;
  }
  EXPECT_EQ(unnamed, 4u);  // duplicate-header, dob-changed, duplicate-episode, no-header
}

// Values in the wrong columns (a header that does not describe its rows): SEX holds the date
// of birth, DOB holds the child's identifier, DECOM holds a postcode, and codes hold the UPN.
// Every value is refused or treated as missing, and no message quotes one.
TEST(Pseudonym, MessagesNeverQuoteCells) {
  TempReturns tr;
  tr.write("2024_25", "header.csv", std::string(kHeaderHeader) + "ZQ7731,14/05/2004,ZQ7731,A123456789012,,,\n");
  tr.write("2024_25", "episodes.csv", std::string(kEpisodesHeader) +
           "ZQ7731,PO6 1JT,S,C2,N1,U4,PR1,,,,,,\n"                      // DECOM: rejected
           "ZQ7731,01/06/2024,S,A123456789012,N1,LE17 6FE,PR1,14/05/2004,,,,,\n");  // LS, PLACE; DEC < DECOM
  const auto key = PseudonymKey::from_text("a region's shared key, 2026");
  IngestReport r;
  ingest({tr.root()}, std::nullopt, r, &*key);
  expect_no_secret(r);
  // Hand count: header line 2: SEX unknown-code, DOB bad-date, ETHNIC unknown-code (the UPN);
  // episodes line 2: DECOM bad-key-date; line 3: LS and PLACE unknown-code, DEC before DECOM.
  size_t unknown = 0, bad = 0, key_date = 0, dec = 0;
  for (const auto& p : r.problems.all()) {
    unknown += p.rule == "unknown-code";
    bad += p.rule == "bad-date";
    key_date += p.rule == "bad-key-date";
    dec += p.rule == "dec-before-decom";
  }
  EXPECT_EQ(unknown, 4u);
  EXPECT_EQ(bad, 1u);
  EXPECT_EQ(key_date, 1u);
  EXPECT_EQ(dec, 1u);
}
