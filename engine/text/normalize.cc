#include "text/normalize.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>
#include <unicode/unistr.h>

#include "text/azerbaijani.h"
#include "text/chars.h"
#include "text/english.h"
#include "text/georgian.h"
#include "text/langid.h"
#include "text/latin.h"
#include "text/utf8.h"

namespace zari::text {
namespace {

// A token after cleanup: code points with the user's case, in Scratch::cps.
struct RawToken {
  uint32_t begin, end;
  ScriptClass script;       // script of its letters (kOther: no letters)
  bool sentence_initial;
  bool has_digit;
};

// Per-thread working memory: grows to the largest message seen, then the
// pipeline runs without allocating.
struct Scratch {
  std::string utf8;
  std::string nfkc;
  std::u32string cps;
  std::vector<RawToken> raw;
  std::vector<LangIdToken> langid;
  std::u32string word;
  std::u32string word2;
};

Scratch& GetScratch() {
  thread_local Scratch s;
  return s;
}

const icu::Normalizer2* Nfkc() {
  static const icu::Normalizer2* n = [] {
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* p = icu::Normalizer2::getNFKCInstance(err);
    return U_SUCCESS(err) ? p : nullptr;
  }();
  return n;
}

// Stage 0–2: repair UTF-8, NUL → space, № → #, cap the length, NFKC.
// Returns the text to tokenize (one of the scratch strings).
std::string_view Prepare(std::string_view in, size_t max_cps, Scratch* s, bool* truncated) {
  std::string& out = s->utf8;
  out.clear();
  bool ascii = true;
  size_t cps = 0;
  for (size_t i = 0; i < in.size();) {
    if (++cps > max_cps) {
      *truncated = true;
      break;
    }
    unsigned char b = static_cast<unsigned char>(in[i]);
    if (b < 0x80) {
      out.push_back(b == 0 ? ' ' : static_cast<char>(b));
      ++i;
      continue;
    }
    char32_t c = DecodeUtf8(in, &i);
    if (c == 0x2116) {  // № would become "No" under NFKC
      out.push_back('#');
      continue;
    }
    // Ignorables (ZWSP, soft hyphen, ZWJ, variation selectors, BOM) go before
    // NFKC: left in, they would block the composition of what they separate.
    if (ClassOf(c) == CharClass::kDrop) continue;
    ascii = false;
    AppendUtf8(&out, c);
  }
  if (ascii) return out;
  const icu::Normalizer2* nfkc = Nfkc();
  if (!nfkc) return out;
  UErrorCode err = U_ZERO_ERROR;
  if (nfkc->isNormalizedUTF8(icu::StringPiece(out.data(), static_cast<int32_t>(out.size())), err) ||
      U_FAILURE(err)) {
    return out;
  }
  s->nfkc.clear();
  icu::StringByteSink<std::string> sink(&s->nfkc);
  err = U_ZERO_ERROR;
  nfkc->normalizeUTF8(0, icu::StringPiece(out.data(), static_cast<int32_t>(out.size())), sink,
                      nullptr, err);
  if (U_FAILURE(err)) return out;
  return s->nfkc;
}

inline bool IsLetterish(char32_t c) {
  CharClass k = ClassOf(c);
  return k == CharClass::kLetter || k == CharClass::kMark;
}
inline bool IsAlnum(char32_t c) { return IsAsciiDigit(c) || IsLetterish(c); }

inline ScriptClass LetterScript(char32_t c) {
  ScriptClass s = ScriptOf(c);
  return s;
}

// Stage 3–4 and tokenization: cleanup and the rules for characters that join
// or split tokens. Appends RawTokens over s->cps.
void Tokenize(std::string_view text, Scratch* s) {
  std::u32string& cps = s->cps;
  cps.clear();
  s->raw.clear();
  // First pass: map every code point; spaces separate raw chunks.
  for (size_t i = 0; i < text.size();) {
    char32_t c = DecodeUtf8(text, &i);
    switch (ClassOf(c)) {
      case CharClass::kSpace:
        // Sentence ends make the next word sentence-initial (chat Georgian
        // capitalizes it without meaning the Shift letter).
        cps.push_back(c == '!' || c == '?' || c == 0x2026 ? U'\x01' : U' ');
        break;
      case CharClass::kDrop:
        break;
      case CharClass::kDigit:
        cps.push_back(static_cast<char32_t>('0' + DigitValue(c)));
        break;
      case CharClass::kApostrophe:
        cps.push_back('\'');
        break;
      case CharClass::kJoiner:
        cps.push_back(c == 0x2010 || c == 0x2011 ? U'-' : c);
        break;
      case CharClass::kNumSym:
        cps.push_back(c);
        break;
      case CharClass::kLetter:
      case CharClass::kMark:
        if (c == 0x01DD) c = U'ə';        // ǝ (turned e) typed for ə
        else if (c == 0x018E) c = U'Ə';
        cps.push_back(c);
        break;
    }
  }
  // Second pass: split chunks into tokens, compacting cps in place (tokens
  // never grow, so the write position never passes the read position).
  const size_t n = cps.size();
  size_t w = 0;
  bool sentence_start = true;
  size_t r = 0;
  while (r < n) {
    while (r < n && (cps[r] == ' ' || cps[r] == U'\x01')) {
      if (cps[r] == U'\x01') sentence_start = true;
      ++r;
    }
    if (r >= n) break;
    size_t chunk_end = r;
    bool has_digit = false;
    while (chunk_end < n && cps[chunk_end] != ' ' && cps[chunk_end] != U'\x01') {
      has_digit |= IsAsciiDigit(cps[chunk_end]);
      ++chunk_end;
    }
    // Emit sub-tokens of the chunk [r, chunk_end). A token is either a word
    // (letters of one script, with marks and inner apostrophes) or a number
    // (digits with * # + . inside): never both, so a surface normalizes again
    // into the same tokens.
    size_t tok_begin = w;
    ScriptClass tok_script = ScriptClass::kOther;
    bool tok_letters = false;  // a word
    bool tok_number = false;   // digits or * # +
    bool tok_digits = false;
    bool next_sentence = false;
    auto flush = [&]() {
      // Drop joiners left dangling at the end.
      while (w > tok_begin && (cps[w - 1] == '\'' || cps[w - 1] == '.' || cps[w - 1] == '-' ||
                               cps[w - 1] == '@')) {
        if (cps[w - 1] == '.') next_sentence = true;
        --w;
      }
      // Symbols without a digit (a lone "#" or "+") and marks without a base
      // are not tokens.
      if (w > tok_begin && (tok_letters || tok_digits)) {
        s->raw.push_back({static_cast<uint32_t>(tok_begin), static_cast<uint32_t>(w), tok_script,
                          sentence_start, tok_number && !tok_letters});
        sentence_start = false;
      } else {
        w = tok_begin;
      }
      if (next_sentence) sentence_start = true;
      next_sentence = false;
      tok_begin = w;
      tok_script = ScriptClass::kOther;
      tok_letters = tok_number = tok_digits = false;
    };
    for (size_t i = r; i < chunk_end; ++i) {
      char32_t c = cps[i];
      char32_t prev = i > r ? cps[i - 1] : 0;
      char32_t next = i + 1 < chunk_end ? cps[i + 1] : 0;
      if (c == '\'') {
        // Inside a word only: Bakı'da, can't, ts'q'ali.
        if (tok_letters && ClassOf(prev) == CharClass::kLetter && next && ClassOf(next) == CharClass::kLetter) {
          cps[w++] = c;
        } else {
          flush();
        }
        continue;
      }
      if (c == '-') {
        // Joined only inside a word of one script: e-mail, Microsoft-un.
        if (tok_letters && ClassOf(prev) == CharClass::kLetter && next && ClassOf(next) == CharClass::kLetter &&
            LetterScript(prev) == LetterScript(next)) {
          continue;
        }
        flush();
        continue;
      }
      if (c == '.') {
        if (tok_digits && !tok_letters && IsAsciiDigit(prev) && IsAsciiDigit(next)) {
          cps[w++] = c;
        } else {
          flush();
          sentence_start = true;
        }
        continue;
      }
      if (c == '@') {
        if (w > tok_begin && ClassOf(prev) != CharClass::kMark && IsAlnum(prev) && next &&
            ClassOf(next) != CharClass::kMark && IsAlnum(next)) {
          cps[w++] = c;
          continue;
        }
        flush();
        continue;
      }
      if (c == '*' || c == '#' || c == '+') {
        if (has_digit) {
          // USSD codes and phone numbers: *100#, +995. Kept in a number.
          if (tok_letters) flush();
          cps[w++] = c;
          tok_number = true;
        } else {
          flush();
        }
        continue;
      }
      if (IsAsciiDigit(c)) {
        if (tok_letters) flush();  // sim2 → sim 2
        cps[w++] = c;
        tok_number = tok_digits = true;
        continue;
      }
      // A letter or mark.
      if (ClassOf(c) == CharClass::kMark) {
        if (w > tok_begin) cps[w++] = c;
        continue;
      }
      ScriptClass sc = LetterScript(c);
      if (sc == ScriptClass::kCyrillic && (c == U'ә' || c == U'Ә') &&
          (tok_script == ScriptClass::kLatin ||
           (next && LetterScript(next) == ScriptClass::kLatin))) {
        // Cyrillic schwa typed inside a Latin Azerbaijani word.
        c = c == U'ә' ? U'ə' : U'Ə';
        sc = ScriptClass::kLatin;
      }
      if (tok_number && !tok_letters) flush();  // 100mb → 100 mb, 4g → 4 g
      if (tok_script != ScriptClass::kOther && sc != ScriptClass::kOther && sc != tok_script) {
        flush();  // SIMბარათი → SIM ბარათი
      }
      if (sc != ScriptClass::kOther) tok_script = sc;
      tok_letters = true;
      cps[w++] = c;
    }
    flush();
    r = chunk_end;
  }
  cps.resize(w);
}

void SqueezeRepeats(std::u32string* word, int keep) {
  size_t w = 0;
  for (size_t r = 0; r < word->size();) {
    size_t run = 1;
    while (r + run < word->size() && (*word)[r + run] == (*word)[r]) ++run;
    size_t out = run;
    if (run >= 3 && IsLetterish((*word)[r])) out = static_cast<size_t>(keep);
    for (size_t k = 0; k < out; ++k) (*word)[w++] = (*word)[r];
    r += run;
  }
  word->resize(w);
}

// Lowercasing can leave a letter and a combining mark that NFKC composes
// (J + ̌ → j + ̌ → ǰ): compose them now, so the surface normalizes again to
// itself. Rare (NFKC has composed everything it could before lowercasing).
void ComposeIfMarks(std::u32string* word) {
  bool marks = false;  // or conjoining Hangul jamo, which NFKC also composes
  for (char32_t c : *word) marks |= ClassOf(c) == CharClass::kMark || (c >= 0x1100 && c <= 0x11FF);
  const icu::Normalizer2* nfkc = Nfkc();
  if (!marks || !nfkc) return;
  thread_local icu::UnicodeString src, dst;
  src.remove();
  for (char32_t c : *word) src.append(static_cast<UChar32>(c));
  UErrorCode err = U_ZERO_ERROR;
  nfkc->normalize(src, dst, err);
  if (U_FAILURE(err)) return;
  word->clear();
  for (int32_t i = 0; i < dst.length();) {
    UChar32 c = dst.char32At(i);
    word->push_back(static_cast<char32_t>(c));
    i += U16_LENGTH(c);
  }
}

// Removes joiners a decoding left at either end ("ƙ@a" → "ა": ƙ has no
// Georgian reading).
void TrimJoiners(std::u32string* word) {
  auto joiner = [](char32_t c) { return c == '@' || c == '.' || c == '-' || c == '\''; };
  size_t b = 0, e = word->size();
  while (b < e && joiner((*word)[b])) ++b;
  while (e > b && joiner((*word)[e - 1])) --e;
  word->erase(e);
  word->erase(0, b);
}

void RemoveApostrophes(std::u32string* word) {
  size_t w = 0;
  for (char32_t c : *word) {
    if (c != '\'') (*word)[w++] = c;
  }
  word->resize(w);
}

// Whether a word yields at least one letter in the form it is read as.
bool LatinWordSurvives(std::u32string_view w) {
  for (char32_t c : w) {
    if (latin::AsciiBase(c)) return true;
  }
  return false;
}
bool CyrillicWordSurvives(std::u32string_view w) {
  for (char32_t c : w) {
    if (georgian::DecodesFromCyrillic(c)) return true;
  }
  return false;
}
bool GeorgianWordSurvives(std::u32string_view w) {
  for (char32_t c : w) {
    if (georgian::HasKey(georgian::Fold(c))) return true;
  }
  return false;
}

class Emitter {
 public:
  Emitter(Normalized* out, bool stems) : out_(out), stems_(stems) {}

  // Appends one output token from its surface form (already folded).
  void Georgian(std::u32string_view mkhedruli) {
    Token t = Begin(mkhedruli);
    georgian::AppendKey(mkhedruli, &out_->key);
    End(&t);
    if (stems_) stem::Georgian(mkhedruli, &out_->stem_buf, &out_->stem_spans);
    Finish(&t);
  }

  void Latin(std::u32string_view lower, Lang lang) {
    Token t = Begin(lower);
    latin::AppendKey(lower, &out_->key);
    End(&t);
    if (stems_) {
      std::string_view key = out_->KeyOf(t);
      if (lang == Lang::kAz) stem::Azerbaijani(key, &out_->stem_buf, &out_->stem_spans);
      else if (lang == Lang::kEn) stem::English(out_->SurfaceOf(t), &out_->stem_buf, &out_->stem_spans);
    }
    Finish(&t);
  }

  void LatinInGeorgian(std::u32string_view latin, std::u32string_view mkhedruli) {
    Token t = Begin(latin);
    georgian::AppendKey(mkhedruli, &out_->key);
    End(&t);
    if (stems_) stem::Georgian(mkhedruli, &out_->stem_buf, &out_->stem_spans);
    Finish(&t);
  }

  void Verbatim(std::u32string_view word, bool numeric) {
    Token t = Begin(word);
    for (char32_t c : word) AppendUtf8(&out_->key, c);
    End(&t);
    t.numeric = numeric;
    Finish(&t);
  }

 private:
  Token Begin(std::u32string_view surface) {
    Token t;
    if (!out_->surface.empty()) out_->surface.push_back(' ');
    t.surface_begin = static_cast<uint32_t>(out_->surface.size());
    for (char32_t c : surface) AppendUtf8(&out_->surface, c);
    t.surface_len = static_cast<uint32_t>(out_->surface.size() - t.surface_begin);
    t.key_begin = static_cast<uint32_t>(out_->key.size());
    t.stem_begin = static_cast<uint32_t>(out_->stem_spans.size());
    return t;
  }
  void End(Token* t) {
    t->key_len = static_cast<uint32_t>(out_->key.size() - t->key_begin);
  }
  void Finish(Token* t) {
    t->stem_count = static_cast<uint32_t>(out_->stem_spans.size() - t->stem_begin);
    if (t->key_len == 0 || t->surface_len == 0) {
      // Everything folded away (e.g. a lone ჸ): undo the token.
      out_->surface.resize(t->surface_begin > 0 ? t->surface_begin - 1 : 0);
      out_->key.resize(t->key_begin);
      out_->stem_spans.resize(t->stem_begin);
      return;
    }
    out_->key.push_back(' ');
    out_->tokens.push_back(*t);
  }

  Normalized* out_;
  bool stems_;
};

}  // namespace

void Normalized::Clear() {
  lang = Lang::kUnknown;
  script = Script::kNative;
  detected = false;
  truncated = false;
  detection = LangGuess();
  surface.clear();
  key.clear();
  tokens.clear();
  stem_buf.clear();
  stem_spans.clear();
}

void Normalize(std::string_view text, const NormalizeOptions& opt, Normalized* out) {
  out->Clear();
  Scratch& s = GetScratch();
  std::string_view prepared = Prepare(text, opt.max_code_points, &s, &out->truncated);
  Tokenize(prepared, &s);

  // Language: forced > detected > the conversation's > the pack's default.
  s.langid.clear();
  for (const RawToken& t : s.raw) {
    if (opt.forced != Lang::kUnknown) break;
    s.langid.push_back({std::u32string_view(s.cps).substr(t.begin, t.end - t.begin), t.script});
  }
  // Identification is skipped when the caller forces the language.
  LangGuess guess;
  if (opt.forced == Lang::kUnknown) guess = DetectLanguage(s.langid.data(), s.langid.size(), opt.allowed);
  out->detection = guess;
  Lang lang = opt.forced;
  if (lang == Lang::kUnknown && guess.lang != Lang::kUnknown &&
      (guess.confident || opt.hint == Lang::kUnknown)) {
    // Without a conversation language, a clear guess counts as detected even
    // without a known word ("Operator"); a weak one ("ok", "human") is used
    // but does not count: it neither sets the conversation's language nor
    // stops the engine from asking the pack's vocabulary.
    lang = guess.lang;
    out->detected = guess.confident || guess.margin >= kConfidentMargin;
  }
  if (lang == Lang::kUnknown) lang = opt.hint;
  if (lang == Lang::kUnknown) lang = opt.fallback;
  out->lang = lang;
  // Which words to read another way: Latin words as chat Georgian, Cyrillic
  // words as old-orthography Azerbaijani. Decided by counting words (not
  // letters) that yield something, so the decision is the same when the
  // surface is normalized again (squeezing and digraphs change letter counts).
  int latin_words = 0, cyrillic_words = 0, other_words = 0;
  for (const RawToken& t : s.raw) {
    std::u32string_view tok = std::u32string_view(s.cps).substr(t.begin, t.end - t.begin);
    switch (t.script) {
      case ScriptClass::kLatin: latin_words += LatinWordSurvives(tok); break;
      case ScriptClass::kCyrillic: cyrillic_words += CyrillicWordSurvives(tok); break;
      case ScriptClass::kGeorgian: other_words += GeorgianWordSurvives(tok); break;
      default: break;
    }
  }
  const int words = latin_words + cyrillic_words + other_words;
  bool latin_as_georgian = false, cyrillic_as_az = false;
  out->script = Script::kNative;
  if (lang == Lang::kKa) {
    latin_as_georgian = opt.latin_as_georgian >= 0 ? opt.latin_as_georgian == 1 : latin_words * 2 > words;
    if (latin_as_georgian) out->script = Script::kLatin;
    else if (cyrillic_words > other_words) out->script = Script::kCyrillic;
  } else if (lang == Lang::kAz) {
    cyrillic_as_az = cyrillic_words * 2 > words;
    if (cyrillic_as_az) out->script = Script::kCyrillic;
  }

  out->key.push_back(' ');
  Emitter emit(out, opt.stems);
  const bool turkic = lang == Lang::kAz;
  for (const RawToken& t : s.raw) {
    std::u32string_view tok = std::u32string_view(s.cps).substr(t.begin, t.end - t.begin);
    std::u32string& word = s.word;
    word.clear();
    switch (t.script) {
      case ScriptClass::kGeorgian:
        for (char32_t c : tok) {
          if (c != '\'') word.push_back(georgian::Fold(c));
        }
        SqueezeRepeats(&word, 1);
        emit.Georgian(word);
        break;
      case ScriptClass::kLatin:
        if (lang == Lang::kKa && latin_as_georgian) {
          georgian::DecodeLatin(tok, t.sentence_initial, &word);
          TrimJoiners(&word);
          ComposeIfMarks(&word);
          SqueezeRepeats(&word, 1);
          emit.Georgian(word);
          break;
        }
        if (lang == Lang::kKa) {
          // A Latin word (brand, loanword) in Georgian text: its surface stays
          // Latin, its key and stems are those of its chat-Georgian reading,
          // which is what the same word becomes in a Latin-typed message.
          for (char32_t c : tok) word.push_back(latin::ToLower(c, false));
          ComposeIfMarks(&word);
          SqueezeRepeats(&word, 1);
          RemoveApostrophes(&word);
          s.word2.clear();
          georgian::DecodeLatin(word, false, &s.word2);
          TrimJoiners(&s.word2);
          ComposeIfMarks(&s.word2);
          emit.LatinInGeorgian(word, s.word2);
          break;
        }
        for (char32_t c : tok) {
          char32_t l = latin::ToLower(c, turkic);
          if (turkic && l == U'ä') l = U'ə';
          word.push_back(l);
        }
        ComposeIfMarks(&word);
        if (lang == Lang::kEn) {
          SqueezeRepeats(&word, 2);
          english::Expansion e = english::Expand(word);
          for (int k = 0; k < e.count; ++k) {
            // The part before a contraction may be a chat form: u'm → you am.
            english::Expansion inner;
            if (e.count > 1 && e.words[k].find(U'\'') == std::u32string_view::npos) {
              inner = english::Expand(e.words[k]);
            } else {
              inner.words[inner.count++] = e.words[k];
            }
            for (int j = 0; j < inner.count; ++j) {
              s.word2.assign(inner.words[j]);
              RemoveApostrophes(&s.word2);
              if (!s.word2.empty()) emit.Latin(s.word2, lang);
            }
          }
        } else {
          SqueezeRepeats(&word, 1);
          RemoveApostrophes(&word);  // Bakı'da → bakıda
          emit.Latin(word, lang);
        }
        break;
      case ScriptClass::kCyrillic:
        if (lang == Lang::kKa) {
          georgian::DecodeCyrillic(tok, &word);
          RemoveApostrophes(&word);
          TrimJoiners(&word);
          ComposeIfMarks(&word);
          SqueezeRepeats(&word, 1);
          emit.Georgian(word);
        } else if (cyrillic_as_az) {
          azerbaijani::DecodeCyrillic(tok, &word);
          RemoveApostrophes(&word);
          TrimJoiners(&word);
          ComposeIfMarks(&word);
          SqueezeRepeats(&word, 1);
          emit.Latin(word, lang);
        } else {
          for (char32_t c : tok) word.push_back(latin::ToLower(c, false));
          RemoveApostrophes(&word);
          ComposeIfMarks(&word);
          emit.Verbatim(word, false);
        }
        break;
      case ScriptClass::kOther:
        for (char32_t c : tok) word.push_back(latin::ToLower(c, false));
        RemoveApostrophes(&word);
        ComposeIfMarks(&word);
        emit.Verbatim(word, t.has_digit);
        break;
    }
  }
}

}  // namespace zari::text
