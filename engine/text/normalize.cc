#include "text/normalize.h"

#include <algorithm>

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
#include "util/utf8.h"

namespace zari::text {
namespace {

// A token after cleanup: code points with the user's case, in Scratch::cps.
struct RawToken {
  uint32_t begin, end;
  ScriptClass script;       // script of its letters (kOther: no letters)
  bool sentence_initial;
  bool has_digit;
  bool compose;             // has combining marks or conjoining jamo (see ComposeIfMarks)
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

// Stage 0–2: repair UTF-8, NUL → space, № → #, apostrophe look-alikes → ',
// drop ignorables, cap the length, NFKC. Returns the text to tokenize: the
// input itself when none of that changes anything (the usual case), else one
// of the scratch strings.
std::string_view Prepare(std::string_view in, size_t max_cps, Scratch* s, bool* truncated) {
  std::string& out = s->utf8;
  out.clear();
  bool copied = false;  // something changed: the text is `out`
  bool stable = true;   // every code point is NFKC-stable: NFKC would change nothing
  size_t run = 0;       // start of the input not yet copied to `out`
  size_t cps = 0;
  size_t i = 0;
  auto change = [&](size_t from, size_t to) {  // copy the run before in[from, to) and skip it
    out.append(in.data() + run, from - run);
    run = to;
    copied = true;
  };
  while (i < in.size()) {
    if (++cps > max_cps) {
      *truncated = true;
      break;
    }
    const unsigned char b = static_cast<unsigned char>(in[i]);
    if (b < 0x80) {
      if (b == 0) {
        change(i, i + 1);
        out.push_back(' ');
      }
      ++i;
      continue;
    }
    const size_t start = i;
    const char32_t c = DecodeUtf8(in, &i);
    if (c == kReplacementChar && i - start == 1) {  // an invalid byte (a real U+FFFD is 3)
      change(start, i);
      AppendUtf8(&out, kReplacementChar);
      continue;
    }
    if (c == 0x2116) {  // № would become "No" under NFKC
      change(start, i);
      out.push_back('#');
      continue;
    }
    const CharClass k = ClassOf(c);
    // Ignorables (ZWSP, soft hyphen, ZWJ, variation selectors, BOM) go before
    // NFKC: left in, they would block the composition of what they separate.
    if (k == CharClass::kDrop) {
      change(start, i);
      continue;
    }
    // Apostrophe look-alikes become ' before NFKC, which would turn ´ into a
    // space and a combining acute ("can´t" → "can t").
    if (k == CharClass::kApostrophe) {
      change(start, i);
      out.push_back('\'');
      continue;
    }
    stable = stable && IsNfkcStable(c);
  }
  std::string_view text = in.substr(0, i);
  if (copied) {
    out.append(in.data() + run, i - run);
    text = out;
  }
  if (stable) return text;
  const icu::Normalizer2* nfkc = Nfkc();
  if (!nfkc) return text;
  UErrorCode err = U_ZERO_ERROR;
  const icu::StringPiece piece(text.data(), static_cast<int32_t>(text.size()));
  if (nfkc->isNormalizedUTF8(piece, err) || U_FAILURE(err)) return text;
  s->nfkc.clear();
  icu::StringByteSink<std::string> sink(&s->nfkc);
  err = U_ZERO_ERROR;
  nfkc->normalizeUTF8(0, piece, sink, nullptr, err);
  if (U_FAILURE(err)) return text;
  return s->nfkc;
}

inline bool IsLetterish(char32_t c) {
  CharClass k = ClassOf(c);
  return k == CharClass::kLetter || k == CharClass::kMark;
}

// Stage 3–4, the first half of tokenizing: one code point per character of
// the cleaned text, ' ' between chunks (\x01 after a sentence end).
inline void MapCodePoint(uint8_t bits, char32_t c, char32_t* out, size_t* n) {
  switch (CharTable::Class(bits)) {
    case CharClass::kSpace:
      // Sentence ends make the next word sentence-initial (chat Georgian
      // capitalizes it without meaning the Shift letter).
      out[(*n)++] = c == '!' || c == '?' || c == 0x2026 ? U'\x01' : U' ';
      return;
    case CharClass::kDrop:
      return;
    case CharClass::kDigit:
      out[(*n)++] = c <= '9' ? c : static_cast<char32_t>('0' + DigitValue(c));
      return;
    case CharClass::kApostrophe:
      out[(*n)++] = '\'';
      return;
    case CharClass::kJoiner:
      out[(*n)++] = c == 0x2010 || c == 0x2011 ? U'-' : c;
      return;
    case CharClass::kNumSym:
      out[(*n)++] = c;
      return;
    case CharClass::kLetter:
    case CharClass::kMark:
      out[(*n)++] = c == 0x01DD ? U'ə' : c == 0x018E ? U'Ə' : c;  // ǝ (turned e) typed for ə
      return;
  }
}

// The first half of tokenizing, from prepared text (Prepare()'s output).
void MapPrepared(std::string_view text, const CharTable& table, Scratch* s) {
  std::u32string& cps = s->cps;
  cps.resize(text.size());  // at most one code point per byte
  size_t n = 0;
  for (size_t i = 0; i < text.size();) {
    const char32_t c = DecodeUtf8(text, &i);
    MapCodePoint(table.Bits(c), c, cps.data(), &n);
  }
  cps.resize(n);
}

// The code point MapRaw writes for an ASCII character, looked up (most of
// English and Azerbaijani is ASCII), or kAsciiSlow where it writes none or
// the character is not NFKC-stable: the general path decides those. Built
// once from the character table and MapCodePoint, so it cannot disagree.
constexpr char32_t kAsciiSlow = 0xFFFFFFFF;
struct AsciiMap {
  char32_t to[128];
};

const AsciiMap& GetAsciiMap(const CharTable& table) {
  static const AsciiMap map = [&] {
    AsciiMap m;
    for (char32_t c = 0; c < 128; ++c) {
      const uint8_t bits = table.Bits(c);
      char32_t written[1];
      size_t n = 0;
      MapCodePoint(bits, c, written, &n);
      m.to[c] = CharTable::NfkcStable(bits) && n == 1 ? written[0] : kAsciiSlow;
    }
    return m;
  }();
  return map;
}

// Prepare() and MapPrepared() in one pass over the raw input, for text NFKC
// leaves alone (nearly all of it: every code point NFKC-stable, once
// ignorables are dropped and apostrophe look-alikes replaced). The result is
// the same as theirs. Returns false, leaving the work to them, at the first
// code point NFKC might change.
bool MapRaw(std::string_view in, size_t max_cps, const CharTable& table, Scratch* s, bool* truncated) {
  std::u32string& cps = s->cps;
  cps.resize(std::min(in.size(), max_cps));
  char32_t* const out = cps.data();
  const AsciiMap& ascii = GetAsciiMap(table);
  size_t n = 0, count = 0;
  for (size_t i = 0; i < in.size();) {
    if (++count > max_cps) {
      *truncated = true;
      break;
    }
    const char32_t c = DecodeUtf8(in, &i);  // invalid bytes: U+FFFD, as Prepare()
    if (c < 0x80 && ascii.to[c] != kAsciiSlow) {
      out[n++] = ascii.to[c];
      continue;
    }
    if (c == 0x2116) {                      // № would become "No" under NFKC
      out[n++] = '#';
      continue;
    }
    const uint8_t bits = table.Bits(c);
    const CharClass k = CharTable::Class(bits);
    if (!CharTable::NfkcStable(bits) && k != CharClass::kDrop && k != CharClass::kApostrophe) return false;
    MapCodePoint(bits, c, out, &n);
  }
  cps.resize(n);
  return true;
}

// The second half of tokenizing: the rules for characters that join or split
// tokens. Splits chunks (runs between ' ' and \x01) into RawTokens,
// compacting the code points in place: tokens never grow, so the write
// position never passes the read position.
class TokenSplitter {
 public:
  TokenSplitter(const CharTable& table, char32_t* cps, size_t n, std::vector<RawToken>* raw)
      : table_(table), out_(cps), n_(n), raw_(raw) {}

  // The next token starts a sentence (after "!", "?", "…").
  void SentenceBreak() { sentence_start_ = true; }
  // Emits the tokens of the chunk that starts at r; returns where it ends
  // (its separator, or the end of the text).
  size_t SplitChunk(size_t r);
  // Code points kept.
  size_t size() const { return w_; }

 private:
  // A token is either a word (letters of one script, with marks and inner
  // apostrophes) or a number (digits with * # + . inside): never both, so a
  // surface normalizes again into the same tokens.
  void Letter(char32_t c, uint8_t bits, size_t i);
  void Punctuation(char32_t c, size_t i);  // ' - . @ * # +
  bool HasDigit(size_t i) const;
  // Inlined like the loop body it was part of: a call per token costs the
  // tokenizer about a quarter more instructions.
  [[gnu::always_inline]] inline void Flush();

  const CharTable& table_;
  char32_t* const out_;
  const size_t n_;
  std::vector<RawToken>* const raw_;
  size_t w_ = 0;              // write position
  bool sentence_start_ = true;
  // The current chunk and token.
  size_t chunk_ = 0;          // where the chunk starts
  bool digit_read_ = false;   // the chunk has a digit before the read position
  size_t tok_begin_ = 0;
  ScriptClass tok_script_ = ScriptClass::kOther;
  bool tok_letters_ = false;  // a word
  bool tok_number_ = false;   // digits or * # +
  bool tok_digits_ = false;
  bool tok_compose_ = false;
  bool next_sentence_ = false;
};

size_t TokenSplitter::SplitChunk(size_t r) {
  chunk_ = r;
  digit_read_ = false;
  size_t i = r;
  for (; i < n_; ++i) {
    const char32_t c = out_[i];
    const uint8_t bits = table_.Bits(c);
    const CharClass k = CharTable::Class(bits);
    if (k == CharClass::kLetter) {
      Letter(c, bits, i);
      continue;
    }
    if (k == CharClass::kMark) {
      if (w_ > tok_begin_) {
        out_[w_++] = c;
        tok_compose_ = true;
      }
      continue;
    }
    if (IsAsciiDigit(c)) {
      if (tok_letters_) Flush();  // sim2 → sim 2
      out_[w_++] = c;
      tok_number_ = tok_digits_ = true;
      digit_read_ = true;
      continue;
    }
    if (c == ' ' || c == U'\x01') break;  // the chunk's end
    Punctuation(c, i);
  }
  Flush();
  return i;
}

// Most characters: a letter continues the word, unless it starts a word
// after a number (100mb → 100 mb, 4g → 4 g) or changes script
// (SIMბარათი → SIM ბარათი).
void TokenSplitter::Letter(char32_t c, uint8_t bits, size_t i) {
  ScriptClass sc = CharTable::Script(bits);
  if (sc == ScriptClass::kCyrillic && (c == U'ә' || c == U'Ә') &&
      (tok_script_ == ScriptClass::kLatin ||
       (i + 1 < n_ && table_.ScriptOf(out_[i + 1]) == ScriptClass::kLatin))) {
    // Cyrillic schwa typed inside a Latin Azerbaijani word.
    c = c == U'ә' ? U'ə' : U'Ə';
    sc = ScriptClass::kLatin;
  }
  if (tok_number_ && !tok_letters_) Flush();
  if (tok_script_ != ScriptClass::kOther && sc != ScriptClass::kOther && sc != tok_script_) Flush();
  if (sc != ScriptClass::kOther) tok_script_ = sc;
  tok_letters_ = true;
  tok_compose_ |= c >= 0x1100 && c <= 0x11FF;
  out_[w_++] = c;
}

void TokenSplitter::Punctuation(char32_t c, size_t i) {
  const char32_t prev = i > chunk_ ? out_[i - 1] : 0;
  const char32_t next = i + 1 < n_ && out_[i + 1] != ' ' && out_[i + 1] != U'\x01' ? out_[i + 1] : 0;
  if (c == '\'') {
    // Inside a word only: Bakı'da, can't, ts'q'ali.
    if (tok_letters_ && table_.ClassOf(prev) == CharClass::kLetter && next &&
        table_.ClassOf(next) == CharClass::kLetter) {
      out_[w_++] = c;
    } else {
      Flush();
    }
    return;
  }
  if (c == '-') {
    // Joined only inside a word of one script: e-mail, Microsoft-un.
    if (tok_letters_ && table_.ClassOf(prev) == CharClass::kLetter && next &&
        table_.ClassOf(next) == CharClass::kLetter && table_.ScriptOf(prev) == table_.ScriptOf(next)) {
      return;
    }
    Flush();
    return;
  }
  if (c == '.') {
    if (tok_digits_ && !tok_letters_ && IsAsciiDigit(prev) && IsAsciiDigit(next)) {
      out_[w_++] = c;
    } else {
      Flush();
      sentence_start_ = true;
    }
    return;
  }
  if (c == '@') {
    auto alnum = [&](char32_t x) {
      const CharClass xk = table_.ClassOf(x);
      return IsAsciiDigit(x) || xk == CharClass::kLetter;  // not a mark
    };
    if (w_ > tok_begin_ && alnum(prev) && next && alnum(next)) {
      out_[w_++] = c;
      return;
    }
    Flush();
    return;
  }
  // * # +
  if (HasDigit(i)) {
    // USSD codes and phone numbers: *100#, +995. Kept in a number.
    if (tok_letters_) Flush();
    out_[w_++] = c;
    tok_number_ = true;
  } else {
    Flush();
  }
}

// Whether the chunk has a digit: read so far, or ahead (where nothing was
// compacted over yet). The chunk's end is found as it is read (a scan ahead
// was a seventh of the tokenizer), so this is asked only at * # +; a
// separator is no Latin letter, so looking past the chunk's end for one
// changes nothing.
bool TokenSplitter::HasDigit(size_t i) const {
  if (digit_read_) return true;
  for (size_t j = i + 1; j < n_ && out_[j] != ' ' && out_[j] != U'\x01'; ++j) {
    if (IsAsciiDigit(out_[j])) return true;
  }
  return false;
}

// Ends the current token: emits it, or drops it when nothing of it counts.
void TokenSplitter::Flush() {
  // Drop joiners left dangling at the end.
  while (w_ > tok_begin_ && (out_[w_ - 1] == '\'' || out_[w_ - 1] == '.' || out_[w_ - 1] == '-' ||
                             out_[w_ - 1] == '@')) {
    if (out_[w_ - 1] == '.') next_sentence_ = true;
    --w_;
  }
  // Symbols without a digit (a lone "#" or "+") and marks without a base
  // are not tokens.
  if (w_ > tok_begin_ && (tok_letters_ || tok_digits_)) {
    raw_->push_back({static_cast<uint32_t>(tok_begin_), static_cast<uint32_t>(w_), tok_script_, sentence_start_,
                     tok_number_ && !tok_letters_, tok_compose_});
    sentence_start_ = false;
  } else {
    w_ = tok_begin_;
  }
  if (next_sentence_) sentence_start_ = true;
  next_sentence_ = false;
  tok_begin_ = w_;
  tok_script_ = ScriptClass::kOther;
  tok_letters_ = tok_number_ = tok_digits_ = tok_compose_ = false;
}

// Appends RawTokens over s->cps, compacting it.
void SplitTokens(const CharTable& table, Scratch* s) {
  std::u32string& cps = s->cps;
  const char32_t* const in = cps.data();
  const size_t n = cps.size();
  s->raw.clear();
  TokenSplitter split(table, cps.data(), n, &s->raw);
  size_t r = 0;
  while (r < n) {
    while (r < n && (in[r] == ' ' || in[r] == U'\x01')) {
      if (in[r] == U'\x01') split.SentenceBreak();
      ++r;
    }
    if (r >= n) break;
    r = split.SplitChunk(r);
  }
  cps.resize(split.size());
}

void SqueezeRepeats(std::u32string* word, int keep) {
  // Most words have no run of three: find the first before rewriting.
  const char32_t* d = word->data();
  size_t i = 2;
  while (i < word->size() && !(d[i] == d[i - 1] && d[i] == d[i - 2])) ++i;
  if (i >= word->size()) return;
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
// itself. Rare (NFKC has composed everything it could before lowercasing):
// only for tokens with marks or conjoining Hangul jamo (RawToken::compose;
// lowercasing and decoding add neither).
void ComposeIfMarks(std::u32string* word) {
  const icu::Normalizer2* nfkc = Nfkc();
  if (!nfkc) return;
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

// A decoding drops letters without a reading, which can leave a joiner at
// either end ("ƙ@a" → "@ა": ƙ has no Georgian reading) or two together
// ("щ@љ@һ" → "შ@@ჰ": љ has none). Read again, such a word would split, so
// keep only an @ between two letters or digits, as the tokenizer does, and
// drop every other joiner (the decodings leave no ' - . inside a word).
void CleanJoiners(std::u32string* word) {
  const CharTable table;
  auto alnum = [&](char32_t c) { return IsAsciiDigit(c) || table.ClassOf(c) == CharClass::kLetter; };
  const size_t n = word->size();
  size_t w = 0;
  for (size_t r = 0; r < n; ++r) {
    const char32_t c = (*word)[r];
    if (c == '@' || c == '.' || c == '-' || c == '\'') {
      if (c != '@' || w == 0 || !alnum((*word)[w - 1]) || r + 1 >= n || !alnum((*word)[r + 1])) continue;
    }
    (*word)[w++] = c;
  }
  word->resize(w);
}

void RemoveApostrophes(std::u32string* word) {
  // Most words have none: find the first before rewriting.
  size_t w = word->find(U'\'');
  if (w == std::u32string::npos) return;
  for (size_t r = w + 1; r < word->size(); ++r) {
    if ((*word)[r] != '\'') (*word)[w++] = (*word)[r];
  }
  word->resize(w);
}

// *word = tok with each code point mapped by f: one copy, then in place (a
// push_back per letter checked the capacity and wrote a terminator each time).
template <typename F>
void MapInto(std::u32string_view tok, std::u32string* word, F f) {
  word->assign(tok);
  for (char32_t& c : *word) c = f(c);
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
    AppendUtf8(&out_->surface, surface);
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

// Emits an English word (lowercase, squeezed): contractions and chat forms
// expanded until every emitted word reads the same when the surface is
// normalized again. The part before a contraction may itself be one
// ("can't've" → can not have) or a chat form ("u'm" → you am); a word left
// with an apostrophe that no rule explains ("y'all", "d'ont") loses it and is
// read again as a plain word ("dont" → do not). `scratch` holds such a word.
void EmitEnglish(std::u32string_view w, std::u32string* scratch, Emitter* emit) {
  // The part before a contraction may end in a joiner ("a@n't" → "a@" not).
  while (!w.empty() && (w.back() == '@' || w.back() == '\'')) w.remove_suffix(1);
  if (w.empty()) return;
  const english::Expansion e = english::Expand(w);
  if (w.find(U'\'') == std::u32string_view::npos) {
    // Chat forms expand to plain words that expand no further.
    for (int k = 0; k < e.count; ++k) {
      if (!e.words[k].empty()) emit->Latin(e.words[k], Lang::kEn);
    }
    return;
  }
  if (e.count == 1 && e.words[0].size() == w.size()) {
    scratch->assign(w);
    RemoveApostrophes(scratch);
    SqueezeRepeats(scratch, 2);  // "uu'uu" is the run "uuuu" once joined
    const english::Expansion plain = english::Expand(*scratch);
    for (int k = 0; k < plain.count; ++k) {
      if (!plain.words[k].empty()) emit->Latin(plain.words[k], Lang::kEn);
    }
    return;
  }
  // A shorter prefix (a view into w, possibly with apostrophes) or static
  // words: each ends the recursion or shortens the word.
  for (int k = 0; k < e.count; ++k) EmitEnglish(e.words[k], scratch, emit);
}

// Language: forced > detected > the conversation's > the pack's default.
// Sets out->detection and out->detected; returns the language.
Lang ChooseLanguage(const NormalizeOptions& opt, Scratch* s, Normalized* out) {
  s->langid.clear();
  for (const RawToken& t : s->raw) {
    if (opt.forced != Lang::kUnknown) break;
    s->langid.push_back({std::u32string_view(s->cps).substr(t.begin, t.end - t.begin), t.script});
  }
  // Identification is skipped when the caller forces the language.
  LangGuess guess;
  if (opt.forced == Lang::kUnknown) guess = DetectLanguage(s->langid.data(), s->langid.size(), opt.allowed);
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
  return lang;
}

// Which words to read another way.
struct Readings {
  bool latin_as_georgian = false;  // Latin words as chat Georgian
  bool cyrillic_as_az = false;     // Cyrillic words as old-orthography Azerbaijani
};

// Decided by counting words (not letters) that yield something, so the
// decision is the same when the surface is normalized again (squeezing and
// digraphs change letter counts). Sets out->script.
Readings ChooseReadings(Lang lang, const NormalizeOptions& opt, const Scratch& s, Normalized* out) {
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
  Readings rd;
  out->script = Script::kNative;
  if (lang == Lang::kKa) {
    rd.latin_as_georgian = opt.latin_as_georgian >= 0 ? opt.latin_as_georgian == 1 : latin_words * 2 > words;
    if (rd.latin_as_georgian) out->script = Script::kLatin;
    else if (cyrillic_words > other_words) out->script = Script::kCyrillic;
  } else if (lang == Lang::kAz) {
    rd.cyrillic_as_az = cyrillic_words * 2 > words;
    if (rd.cyrillic_as_az) out->script = Script::kCyrillic;
  }
  return rd;
}

// A Latin token in a text of language `lang`.
void EmitLatin(std::u32string_view tok, const RawToken& t, Lang lang, const Readings& rd, Scratch* s,
               Emitter* emit) {
  std::u32string& word = s->word;
  if (lang == Lang::kKa && rd.latin_as_georgian) {
    georgian::DecodeLatin(tok, t.sentence_initial, &word);
    CleanJoiners(&word);
    if (t.compose) ComposeIfMarks(&word);
    SqueezeRepeats(&word, 1);
    emit->Georgian(word);
    return;
  }
  if (lang == Lang::kKa) {
    // A Latin word (brand, loanword) in Georgian text: its surface stays
    // Latin, its key and stems are those of its chat-Georgian reading,
    // which is what the same word becomes in a Latin-typed message.
    MapInto(tok, &word, [](char32_t c) { return latin::ToLower(c, false); });
    if (t.compose) ComposeIfMarks(&word);
    // Apostrophes go before squeezing: "u'u" is the run "uu" when the
    // surface is read again.
    RemoveApostrophes(&word);
    SqueezeRepeats(&word, 1);
    s->word2.clear();
    georgian::DecodeLatin(word, false, &s->word2);
    CleanJoiners(&s->word2);
    if (t.compose) ComposeIfMarks(&s->word2);
    emit->LatinInGeorgian(word, s->word2);
    return;
  }
  const bool turkic = lang == Lang::kAz;
  MapInto(tok, &word, [turkic](char32_t c) {
    const char32_t l = latin::ToLower(c, turkic);
    return turkic && l == U'ä' ? U'ə' : l;
  });
  if (t.compose) ComposeIfMarks(&word);
  if (lang == Lang::kEn) {
    SqueezeRepeats(&word, 2);
    EmitEnglish(word, &s->word2, emit);
  } else {
    RemoveApostrophes(&word);  // Bakı'da → bakıda
    SqueezeRepeats(&word, 1);
    emit->Latin(word, lang);
  }
}

// A Cyrillic token: Georgian or Azerbaijani typed on a Russian keyboard, or
// a Russian word kept as it is.
void EmitCyrillic(std::u32string_view tok, const RawToken& t, Lang lang, const Readings& rd, Scratch* s,
                  Emitter* emit) {
  std::u32string& word = s->word;
  if (lang == Lang::kKa) {
    georgian::DecodeCyrillic(tok, &word);
    RemoveApostrophes(&word);
    CleanJoiners(&word);
    if (t.compose) ComposeIfMarks(&word);
    SqueezeRepeats(&word, 1);
    emit->Georgian(word);
  } else if (rd.cyrillic_as_az) {
    azerbaijani::DecodeCyrillic(tok, &word);
    RemoveApostrophes(&word);
    CleanJoiners(&word);
    if (t.compose) ComposeIfMarks(&word);
    SqueezeRepeats(&word, 1);
    emit->Latin(word, lang);
  } else {
    MapInto(tok, &word, [](char32_t c) { return latin::ToLower(c, false); });
    RemoveApostrophes(&word);
    if (t.compose) ComposeIfMarks(&word);
    emit->Verbatim(word, false);
  }
}

void EmitToken(const RawToken& t, Lang lang, const Readings& rd, Scratch* s, Emitter* emit) {
  std::u32string_view tok = std::u32string_view(s->cps).substr(t.begin, t.end - t.begin);
  std::u32string& word = s->word;
  word.clear();
  switch (t.script) {
    case ScriptClass::kGeorgian:
      MapInto(tok, &word, [](char32_t c) { return georgian::Fold(c); });
      RemoveApostrophes(&word);
      SqueezeRepeats(&word, 1);
      emit->Georgian(word);
      break;
    case ScriptClass::kLatin:
      EmitLatin(tok, t, lang, rd, s, emit);
      break;
    case ScriptClass::kCyrillic:
      EmitCyrillic(tok, t, lang, rd, s, emit);
      break;
    case ScriptClass::kOther:
      MapInto(tok, &word, [](char32_t c) { return latin::ToLower(c, false); });
      RemoveApostrophes(&word);
      if (t.compose) ComposeIfMarks(&word);
      emit->Verbatim(word, t.has_digit);
      break;
  }
}

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
  const CharTable table;
  if (!MapRaw(text, opt.max_code_points, table, &s, &out->truncated)) {
    out->truncated = false;
    MapPrepared(Prepare(text, opt.max_code_points, &s, &out->truncated), table, &s);
  }
  SplitTokens(table, &s);
  const Lang lang = ChooseLanguage(opt, &s, out);
  out->lang = lang;
  const Readings readings = ChooseReadings(lang, opt, s, out);
  out->key.push_back(' ');
  Emitter emit(out, opt.stems);
  for (const RawToken& t : s.raw) EmitToken(t, lang, readings, &s, &emit);
}

}  // namespace zari::text
