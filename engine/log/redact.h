// Masks personal data before anything is stored (DESIGN §9, §13):
//   card numbers (13–19 digits passing the Luhn check)   → [card]
//   e-mail addresses                                      → [email]
//   phone numbers (Georgian, Azerbaijani, international)  → [phone]
//   national ID numbers: Georgian 11-digit personal numbers,
//     Azerbaijani ID card numbers (AZE/AA + digits) and FIN
//     codes next to the word FIN                          → [id]
// What is NOT masked: names, street addresses, dates of birth, IBANs written
// with letters inside the digit groups, numbers shorter than 7 digits (order
// numbers, amounts, USSD codes like *100#). See docs/PRIVACY.md.
#ifndef ZARI_ENGINE_LOG_REDACT_H_
#define ZARI_ENGINE_LOG_REDACT_H_

#include <string>
#include <string_view>

namespace zari::log {

// Returns text with personal data replaced by placeholders. Thread-safe.
std::string Redact(std::string_view text);

// The Luhn checksum over the digits of s (other characters ignored).
bool LuhnValid(std::string_view digits);

}  // namespace zari::log

#endif  // ZARI_ENGINE_LOG_REDACT_H_
