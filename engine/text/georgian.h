// Georgian: script folding, Georgian typed in Latin or Cyrillic letters, and
// the lossy ASCII matching key (LANGUAGE.md §2). Plain tables, no ICU
// transliterators (those serialize on a process-global mutex).
#ifndef ZARI_ENGINE_TEXT_GEORGIAN_H_
#define ZARI_ENGINE_TEXT_GEORGIAN_H_

#include <string>
#include <string_view>

namespace zari::text::georgian {

// Mkhedruli, Mtavruli, Asomtavruli or Nuskhuri letter.
inline bool IsLetter(char32_t c) {
  return (c >= 0x10A0 && c <= 0x10FF) || (c >= 0x1C90 && c <= 0x1CBF) ||
         (c >= 0x2D00 && c <= 0x2D2F);
}

// Mtavruli, Asomtavruli and Nuskhuri → Mkhedruli; anything else unchanged.
inline char32_t Fold(char32_t c) {
  if (c >= 0x1C90 && c <= 0x1CBF) return c - 0xBC0;                 // Mtavruli
  if (c >= 0x10A0 && c <= 0x10CD) return c + 0x30;                  // Asomtavruli
  if (c >= 0x2D00 && c <= 0x2D2D) return c - 0x1C30;                // Nuskhuri
  return c;
}

// True for a Mkhedruli letter with a matching key (all but the obsolete ჸ ჺ
// ჾ ჿ and the ჻ separator) and for letters of other scripts (kept as they are).
bool HasKey(char32_t mkhedruli);

// True for a Cyrillic letter DecodeCyrillic maps to Georgian (not ъ ь).
bool DecodesFromCyrillic(char32_t c);

// Decodes one token of chat Latin ("baraTis", "shevamowmo", "ts'q'ali") to
// Mkhedruli, appending to *out. `sentence_initial` lowercases the first letter
// (people capitalize the first word; it is not the keyboard's Shift letter).
void DecodeLatin(std::u32string_view token, bool sentence_initial, std::u32string* out);

// Decodes one token of Georgian typed in Cyrillic ("гамарджоба") to Mkhedruli.
void DecodeCyrillic(std::u32string_view token, std::u32string* out);

// Appends the ASCII matching key of a Mkhedruli token: letters users confuse
// merge (თ/ტ→t, კ/ქ/ყ→k, ჩ/ც/წ/ჭ→c, …) and doubled consonants collapse, so
// key(ჩემი შეკვეთა) = key(decode("Cemi SekveTa")) = "cemi sekveta".
// Characters that are not Georgian letters are appended as UTF-8.
void AppendKey(std::u32string_view mkhedruli, std::string* key);

}  // namespace zari::text::georgian

#endif  // ZARI_ENGINE_TEXT_GEORGIAN_H_
