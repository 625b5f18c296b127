// Masks personal data before anything is stored (docs/RELIABILITY.md; the full
// policy with examples is docs/PRIVACY.md):
//   e-mail addresses                                        → [email]
//   IBANs (GE, AZ and other countries' account numbers)      → [account]
//   card numbers: 13–19 digits passing the Luhn check,
//     with or without spaces or dashes                       → [card]
//   phone numbers: Georgian (5XX XX XX XX, 032 2XX XX XX,
//     +995/995/00995 …), Azerbaijani (0XX XXX XX XX for
//     050/051/055/070/077/099/010/060/012, +994/994/00994 …),
//     any +CC or 00CC international number                  → [phone]
//   national IDs: Georgian 11-digit personal numbers,
//     Azerbaijani ID cards (AZE12345678, AA1234567) and FIN
//     codes written next to the word FIN                    → [id]
//   any other run of 7 or more digits (account, contract,
//     long order numbers)                                   → [number]
// Not masked: numbers with fewer than 7 digits (order numbers, amounts,
// PIN-length codes), USSD codes such as *100#, dates (05.11.2026,
// 2026-11-05), amounts written with a currency (1 500 000 ₾, $2500000),
// names, street addresses, and numbers spelled out in words.
#ifndef ZARI_ENGINE_LOG_REDACT_H_
#define ZARI_ENGINE_LOG_REDACT_H_

#include <string>
#include <string_view>
#include <vector>

namespace zari::log {

// Returns text with personal data replaced by the placeholders above.
// Idempotent (Redact(Redact(x)) == Redact(x)); invalid UTF-8 is copied
// through unchanged. Thread-safe.
std::string Redact(std::string_view text);

// The phone numbers in text, as written ("599 12 34 56", "+994 50 123 45 67"),
// by the rules that mask them as [phone]. Thread-safe.
std::vector<std::string> FindPhones(std::string_view text);

// The Luhn checksum over the digits of s (other characters ignored).
bool LuhnValid(std::string_view digits);

}  // namespace zari::log

#endif  // ZARI_ENGINE_LOG_REDACT_H_
