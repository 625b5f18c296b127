#include "text/azerbaijani.h"

#include <unicode/uchar.h>

#include "text/chars.h"

namespace zari::text::azerbaijani {

bool IsAzCyrillicLetter(char32_t c) {
  switch (c) {
    case U'ә': case U'Ә': case U'ғ': case U'Ғ': case U'ҝ': case U'Ҝ': case U'ҹ': case U'Ҹ':
    case U'һ': case U'Һ': case U'ө': case U'Ө': case U'ү': case U'Ү': case U'ј': case U'Ј':
      return true;
    default:
      return false;
  }
}

void DecodeCyrillic(std::u32string_view in, std::u32string* out) {
  for (char32_t raw : in) {
    char32_t c = static_cast<char32_t>(u_tolower(static_cast<UChar32>(raw)));
    switch (c) {
      case U'а': out->push_back('a'); break;
      case U'б': out->push_back('b'); break;
      case U'в': out->push_back('v'); break;
      case U'г': out->push_back('q'); break;
      case U'ғ': out->push_back(U'ğ'); break;
      case U'д': out->push_back('d'); break;
      case U'е': case U'э': out->push_back('e'); break;
      case U'ә': out->push_back(U'ə'); break;
      case U'ж': out->push_back('j'); break;
      case U'з': out->push_back('z'); break;
      case U'и': out->push_back('i'); break;
      case U'ы': out->push_back(U'ı'); break;
      case U'ј': case U'й': out->push_back('y'); break;
      case U'к': out->push_back('k'); break;
      case U'ҝ': out->push_back('g'); break;
      case U'л': out->push_back('l'); break;
      case U'м': out->push_back('m'); break;
      case U'н': out->push_back('n'); break;
      case U'о': out->push_back('o'); break;
      case U'ө': out->push_back(U'ö'); break;
      case U'п': out->push_back('p'); break;
      case U'р': out->push_back('r'); break;
      case U'с': out->push_back('s'); break;
      case U'т': out->push_back('t'); break;
      case U'у': out->push_back('u'); break;
      case U'ү': out->push_back(U'ü'); break;
      case U'ф': out->push_back('f'); break;
      case U'х': out->push_back('x'); break;
      case U'һ': out->push_back('h'); break;
      case U'ч': out->push_back(U'ç'); break;
      case U'ҹ': out->push_back('c'); break;
      case U'ш': out->push_back(U'ş'); break;
      case U'щ': out->push_back(U'ş'); out->push_back(U'ç'); break;
      case U'ц': out->push_back('t'); out->push_back('s'); break;
      case U'ю': out->push_back('y'); out->push_back('u'); break;
      case U'я': out->push_back('y'); out->push_back('a'); break;
      case U'ё': out->push_back('y'); out->push_back('o'); break;
      case U'ъ': case U'ь': break;
      // Letters of neighbouring Cyrillic alphabets.
      case U'і': case U'ї': out->push_back('i'); break;
      case U'є': out->push_back('y'); out->push_back('e'); break;
      case U'ґ': out->push_back('g'); break;
      case U'ў': case U'ұ': out->push_back('u'); break;
      case U'қ': out->push_back('q'); break;
      case U'ң': out->push_back('n'); break;
      case U'ҳ': out->push_back('h'); break;
      default:
        // Any other Cyrillic letter or mark is dropped: the word must come out
        // in Latin letters only, or normalizing it again would split it.
        if (ScriptOf(c) != ScriptClass::kCyrillic && ClassOf(c) != CharClass::kMark) out->push_back(c);  // lowercased above
    }
  }
}

}  // namespace zari::text::azerbaijani
