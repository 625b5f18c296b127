#include "text/georgian.h"

#include "text/chars.h"
#include "text/latin.h"
#include "util/utf8.h"

namespace zari::text::georgian {
namespace {

// ASCII key of U+10D0..U+10FF (0 = dropped). Mirrors LANGUAGE.md §2.4.
constexpr char kKey[48] = {
    'a', 'b', 'g', 'd', 'e', 'v', 'z', 't',  // ა ბ გ დ ე ვ ზ თ
    'i', 'k', 'l', 'm', 'n', 'o', 'p', 'j',  // ი კ ლ მ ნ ო პ ჟ
    'r', 's', 't', 'u', 'p', 'k', 'g', 'k',  // რ ს ტ უ ფ ქ ღ ყ
    's', 'c', 'c', 'z', 'c', 'c', 'x', 'j',  // შ ჩ ც ძ წ ჭ ხ ჯ
    'h', 'e', 'i', 'v', 'x', 'o', 'p', 'e',  // ჰ ჱ ჲ ჳ ჴ ჵ ჶ ჷ
    0,   'g', 0,   0,   'n', 'e', 0,   0,    // ჸ ჹ ჺ ჻ ჼ ჽ ჾ ჿ
};

// Mkhedruli for a lowercase ASCII letter typed in chat.
constexpr char32_t kFromLatin[26] = {
    U'ა', U'ბ', U'ც', U'დ', U'ე', U'ფ', U'გ', U'ჰ', U'ი', U'ჯ', U'კ', U'ლ', U'მ',
    U'ნ', U'ო', U'პ', U'ქ', U'რ', U'ს', U'თ', U'უ', U'ვ', U'წ', U'ხ', U'ყ', U'ზ',
};

inline char32_t Lower(char32_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
inline bool Is(char32_t c, char lower) { return Lower(c) == static_cast<char32_t>(lower); }
inline bool IsApostrophe(char32_t c) { return c == '\''; }

char32_t CyrillicLower(char32_t c) {
  if (c >= 0x0410 && c <= 0x042F) return c + 0x20;
  if (c >= 0x0400 && c <= 0x040F) return c + 0x50;
  if (c < 0x0460 || c > 0x052F) return c;
  return latin::ToLower(c, false);  // the extended letters: Ә ә, Ҹ ҹ, …
}

// The keyboard's Shift letters (xkb "ge" basic layout).
char32_t ShiftLetter(char32_t c) {
  switch (c) {
    case 'W': return U'ჭ';
    case 'T': return U'თ';
    case 'S': return U'შ';
    case 'C': return U'ჩ';
    case 'Z': return U'ძ';
    case 'J': return U'ჟ';
    case 'R': return U'ღ';
    default: return 0;
  }
}

}  // namespace

bool HasKey(char32_t c) {
  if (c >= 0x10D0 && c <= 0x10FF) return kKey[c - 0x10D0] != 0;
  return ClassOf(c) == CharClass::kLetter;
}

bool DecodesFromCyrillic(char32_t c) {
  const char32_t l = CyrillicLower(c);
  if (l >= U'а' && l <= U'я') return l != U'ъ' && l != U'ь';
  switch (l) {
    case U'ё': case U'і': case U'ї': case U'є': case U'ґ': case U'ў':
    case U'ә': case U'Ә': case U'ј': case U'Ј': case U'ҹ': case U'Ҹ': case U'ғ': case U'Ғ':
    case U'ҝ': case U'Ҝ': case U'һ': case U'Һ': case U'ө': case U'Ө': case U'ү': case U'Ү':
    case U'ұ': case U'Ұ': case U'қ': case U'Қ': case U'ң': case U'Ң': case U'ҳ': case U'Ҳ':
      return true;
    default:
      return false;
  }
}

void DecodeLatin(std::u32string_view in, bool sentence_initial, std::u32string* out) {
  // ALL-CAPS words carry no keyboard-case information.
  bool has_lower = false;
  int letters = 0;
  for (char32_t c : in) {
    if (IsLetter(c)) continue;
    if (c >= 'a' && c <= 'z') has_lower = true;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) ++letters;
  }
  const bool all_caps = !has_lower && letters >= 2;
  auto at = [&](size_t i) -> char32_t {
    if (i >= in.size()) return 0;
    char32_t c = in[i];
    if (all_caps || (sentence_initial && i == 0)) c = Lower(c);
    return c;
  };
  auto is_letter_at = [&](size_t i) {
    char32_t c = at(i);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c > 0x7F;
  };
  for (size_t i = 0; i < in.size();) {
    char32_t c = at(i), c1 = at(i + 1), c2 = at(i + 2);
    // 1. National-system ejectives marked with an apostrophe.
    if (Is(c, 't') && Is(c1, 's') && IsApostrophe(c2)) { out->push_back(U'წ'); i += 3; continue; }
    if (Is(c, 'c') && Is(c1, 'h') && IsApostrophe(c2)) { out->push_back(U'ჭ'); i += 3; continue; }
    if (IsApostrophe(c1)) {
      char32_t e = 0;
      switch (Lower(c)) {
        case 'k': e = U'კ'; break;
        case 'p': e = U'პ'; break;
        case 't': e = U'ტ'; break;
        case 'q': e = U'ყ'; break;
        default: break;
      }
      if (e) { out->push_back(e); i += 2; continue; }
    }
    // 2. baratshi = ბარათ+ში, not ბარაც+ჰი.
    if (Is(c, 't') && Is(c1, 's') && c2 == 'h') { out->push_back(U'თ'); i += 1; continue; }
    // 3. Word-final "ts" is the dative of a t-stem: barats = ბარათს.
    if (Is(c, 't') && c1 == 's' && !is_letter_at(i + 2)) {
      out->push_back(U'თ');
      out->push_back(U'ს');
      i += 2;
      continue;
    }
    // 4. Digraphs (second letter lowercase: "Sh" but not "SH" inside a word).
    if (c1 == 'h' || c1 == 'z' || c1 == 's') {
      char32_t d = 0;
      char32_t lc = Lower(c);
      if (c1 == 'h') {
        switch (lc) {
          case 's': d = U'შ'; break;
          case 'c': d = U'ჩ'; break;
          case 'z': d = U'ჟ'; break;
          case 'g': d = U'ღ'; break;
          case 'k': d = U'ხ'; break;
          case 't': d = U'თ'; break;
          case 'p': d = U'ფ'; break;
          default: break;
        }
      } else if (c1 == 'z' && lc == 'd') {
        d = U'ძ';
      } else if (c1 == 's' && lc == 't') {
        d = U'ც';
      }
      if (d) { out->push_back(d); i += 2; continue; }
    }
    // 5. Shift letters, then 6. the plain layout.
    if (char32_t s = ShiftLetter(c)) { out->push_back(s); ++i; continue; }
    char32_t lc = Lower(c);
    if (lc >= 'a' && lc <= 'z') { out->push_back(kFromLatin[lc - 'a']); ++i; continue; }
    switch (c) {
      case U'š': case U'Š': out->push_back(U'შ'); break;
      case U'ž': case U'Ž': out->push_back(U'ჟ'); break;
      case U'č': case U'Č': out->push_back(U'ჩ'); break;
      case U'ǯ': out->push_back(U'ჯ'); break;
      case U'ɣ': out->push_back(U'ღ'); break;
      case '\'': break;  // leftover apostrophes carry nothing
      default: {
        // Latin letters with diacritics: decode their base letter. Latin
        // letters without one (ƙ, Ʈ) and combining marks are dropped, so a
        // decoded word holds Georgian letters only and reads the same when
        // normalized again; other characters (digits of other scripts are
        // already ASCII) stay.
        char base = latin::AsciiBase(c);
        if (base >= 'a' && base <= 'z') {
          out->push_back(kFromLatin[base - 'a']);
        } else if (ScriptOf(c) != ScriptClass::kLatin && ClassOf(c) != CharClass::kMark) {
          out->push_back(IsLetter(c) ? Fold(c) : latin::ToLower(c, false));
        }
      }
    }
    ++i;
  }
}

void DecodeCyrillic(std::u32string_view in, std::u32string* out) {
  auto lower = [](char32_t c) { return CyrillicLower(c); };
  for (size_t i = 0; i < in.size(); ++i) {
    char32_t c = lower(in[i]);
    char32_t n = i + 1 < in.size() ? lower(in[i + 1]) : 0;
    char32_t d = 0;
    if (c == U'д' && n == U'ж') d = U'ჯ';
    else if (c == U'д' && n == U'з') d = U'ძ';
    else if (c == U'к' && n == U'х') d = U'ხ';
    else if (c == U'г' && n == U'х') d = U'ღ';
    else if (c == U'т' && n == U'с') d = U'ც';
    if (d) { out->push_back(d); ++i; continue; }
    switch (c) {
      case U'а': out->push_back(U'ა'); break;
      case U'б': out->push_back(U'ბ'); break;
      case U'в': out->push_back(U'ვ'); break;
      case U'г': out->push_back(U'გ'); break;
      case U'д': out->push_back(U'დ'); break;
      case U'е': case U'э': case U'ё': out->push_back(U'ე'); break;
      case U'ж': out->push_back(U'ჟ'); break;
      case U'з': out->push_back(U'ზ'); break;
      case U'и': case U'ы': case U'й': out->push_back(U'ი'); break;
      case U'к': out->push_back(U'კ'); break;
      case U'л': out->push_back(U'ლ'); break;
      case U'м': out->push_back(U'მ'); break;
      case U'н': out->push_back(U'ნ'); break;
      case U'о': out->push_back(U'ო'); break;
      case U'п': out->push_back(U'პ'); break;
      case U'р': out->push_back(U'რ'); break;
      case U'с': out->push_back(U'ს'); break;
      case U'т': out->push_back(U'თ'); break;
      case U'у': out->push_back(U'უ'); break;
      case U'ф': out->push_back(U'ფ'); break;
      case U'х': out->push_back(U'ხ'); break;
      case U'ц': out->push_back(U'ც'); break;
      case U'ч': out->push_back(U'ჩ'); break;
      case U'ш': case U'щ': out->push_back(U'შ'); break;
      case U'ъ': case U'ь': break;
      case U'ю': out->push_back(U'ი'); out->push_back(U'უ'); break;
      case U'я': out->push_back(U'ი'); out->push_back(U'ა'); break;
      // Letters of other Cyrillic alphabets (Azerbaijani, Ukrainian, Kazakh).
      case U'ә': case U'є': out->push_back(U'ე'); break;
      case U'ј': case U'і': case U'ї': out->push_back(U'ი'); break;
      case U'ҹ': out->push_back(U'ჯ'); break;
      case U'ғ': out->push_back(U'ღ'); break;
      case U'ҝ': case U'ґ': out->push_back(U'გ'); break;
      case U'һ': out->push_back(U'ჰ'); break;
      case U'ө': out->push_back(U'ო'); break;
      case U'ү': case U'ў': case U'ұ': out->push_back(U'უ'); break;
      case U'қ': out->push_back(U'ქ'); break;
      case U'ң': out->push_back(U'ნ'); break;
      case U'ҳ': out->push_back(U'ხ'); break;
      default:
        // Other Cyrillic letters and marks are dropped (see DecodeLatin).
        if (ScriptOf(c) != ScriptClass::kCyrillic && ClassOf(c) != CharClass::kMark) {
          out->push_back(IsLetter(c) ? Fold(c) : latin::ToLower(c, false));
        }
    }
  }
}

void AppendKey(std::u32string_view s, std::string* key) {
  latin::KeyWriter out(key, 4 * s.size());  // doubled consonants collapse as it goes
  for (size_t i = 0; i < s.size(); ++i) {
    char32_t c = s[i];
    if (c < 0x10D0 || c > 0x10FF) {
      out.PutUtf8(c);
      continue;
    }
    // Mirrors of chat digraphs: native სჰ meets chat "sh" (→ შ), and so on.
    if (i + 1 < s.size() && s[i + 1] == U'ჰ') {
      char m = 0;
      switch (c) {
        case U'ს': m = 's'; break;
        case U'ც': m = 'c'; break;
        case U'ზ': m = 'j'; break;
        case U'გ': m = 'g'; break;
        case U'კ': case U'ქ': m = 'x'; break;
        case U'თ': case U'ტ': m = 't'; break;
        case U'პ': case U'ფ': m = 'p'; break;
        default: break;
      }
      if (m) { out.Put(m); ++i; continue; }
    }
    if (c == U'დ' && i + 1 < s.size() && s[i + 1] == U'ზ') { out.Put('z'); ++i; continue; }
    // "ts" is typed for ც, for თს (ბარათს "barats", რაც "rats") and, on the
    // keyboard without Shift, for თშ (ხუთშაბათი "xutsabati"): the decoder
    // cannot tell them apart, so the key does not either.
    if ((c == U'თ' || c == U'ტ') && i + 1 < s.size() && (s[i + 1] == U'ს' || s[i + 1] == U'შ')) {
      out.Put('c');
      ++i;
      continue;
    }
    if (char k = kKey[c - 0x10D0]) out.Put(k);
  }
}

}  // namespace zari::text::georgian
