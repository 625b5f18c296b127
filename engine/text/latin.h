// Latin-script helpers shared by Azerbaijani, English and chat Georgian:
// casing (Turkic or not), the ASCII base of accented letters, and the Latin
// matching key (LANGUAGE.md §3.3).
#ifndef ZARI_ENGINE_TEXT_LATIN_H_
#define ZARI_ENGINE_TEXT_LATIN_H_

#include <string>
#include <string_view>

namespace zari::text::latin {

char32_t ToLowerNonAscii(char32_t c);
char AsciiBaseNonAscii(char32_t c);

// Lowercase one code point. Turkic: I→ı, İ→i; otherwise İ→i and default casing.
inline char32_t ToLower(char32_t c, bool turkic) {
  if (c < 0x80) {
    if (c >= 'A' && c <= 'Z') return (turkic && c == 'I') ? U'ı' : c + 32;
    return c;
  }
  return ToLowerNonAscii(c);
}

// The lowercase ASCII letter an accented Latin letter is typed as without its
// keyboard (ş→s, ə→e, ä→e, ı→i, é→e, …); 0 when there is none.
inline char AsciiBase(char32_t c) {
  if (c < 0x80) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c) : (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : 0;
  }
  return AsciiBaseNonAscii(c);
}

// Appends the Latin matching key of a lowercase token: letters reduced to
// ASCII, the digraphs sh/ch/gh merged with s/c/g (how Azerbaijani is typed
// without ş/ç/ğ), doubled consonants collapsed. Non-Latin characters are kept
// as UTF-8. key("Sifarişlərim") = key("sifarishlerim") = "sifarislerim".
void AppendKey(std::u32string_view lower_token, std::string* key);

// Collapses runs of the same ASCII consonant letter in key[start..] to one.
void CollapseDoubledConsonants(std::string* key, size_t start);

inline bool IsAsciiConsonant(char c) {
  return c >= 'b' && c <= 'z' && c != 'e' && c != 'i' && c != 'o' && c != 'u';
}

// Appends key bytes to a string, collapsing doubled ASCII consonants as it
// goes (and, for Latin keys, dropping the h of sh/ch/gh): the same result as
// appending everything and running CollapseDoubledConsonants, in one pass.
// Writes into space reserved up front; the destructor trims it.
class KeyWriter {
 public:
  KeyWriter(std::string* key, size_t max_bytes) : key_(key), start_(key->size()) {
    key->resize(start_ + max_bytes);
    p_ = key->data() + start_;
  }
  ~KeyWriter() { key_->resize(static_cast<size_t>(p_ - key_->data())); }
  KeyWriter(const KeyWriter&) = delete;
  KeyWriter& operator=(const KeyWriter&) = delete;

  void Put(char b) {
    if (b == last_ && IsAsciiConsonant(b)) return;
    *p_++ = b;
    last_ = b;
  }
  void PutLatin(char b) {
    if (b == 'h' && (last_ == 's' || last_ == 'c' || last_ == 'g')) return;
    Put(b);
  }
  void PutUtf8(char32_t c);  // never an ASCII consonant, so nothing collapses

 private:
  std::string* key_;
  size_t start_;
  char* p_;
  char last_ = 0;  // the last byte written (0: none yet)
};

}  // namespace zari::text::latin

#endif  // ZARI_ENGINE_TEXT_LATIN_H_
