#include "pack/loader.h"

// GCC 12 reports false "dangling pointer" warnings inside yaml-cpp 0.7's
// node templates (instantiated here); yaml-cpp is confined to this file.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "util/utf8.h"
#include "util/batch_pool.h"

namespace zari::pack {

bool ValidIntentId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) {
      return false;
    }
  }
  return true;
}

std::string SourcePos::ToString() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(col);
}

namespace {

namespace fs = std::filesystem;
using text::Lang;

// The whole file, in one read (`size` from fs::file_size: a file that
// changes meanwhile is read to its end anyway).
bool ReadFile(const std::string& path, uintmax_t size, std::string* out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  out->resize(static_cast<size_t>(size));
  size_t got = std::fread(out->data(), 1, out->size(), f);
  out->resize(got);
  char more[4096];
  while (got == size && (got = std::fread(more, 1, sizeof more, f)) > 0) out->append(more, got);
  const bool ok = !std::ferror(f);
  std::fclose(f);
  return ok;
}

// Thrown inside the loader only; LoadPack turns it into a Status.
struct LoadError {
  Code code;
  std::string message;
};

[[noreturn]] void Throw(Code code, std::string message) { throw LoadError{code, std::move(message)}; }

const char* KindName(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Scalar: return "a single value";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    default: return "an undefined value";
  }
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// Reads one YAML file with positions for every error.
class Reader {
 public:
  Reader(const Limits& limits, std::string file, size_t* nodes)
      : limits_(limits), file_(std::move(file)), nodes_(nodes) {}

  SourcePos Pos(const YAML::Node& n) const {
    SourcePos p;
    p.file = file_;
    YAML::Mark m = n.Mark();
    if (m.line >= 0) {
      p.line = m.line + 1;
      p.col = m.column + 1;
    }
    return p;
  }

  [[noreturn]] void Fail(const YAML::Node& n, const std::string& msg) const {
    Throw(Code::kPack, Pos(n).ToString() + ": " + msg);
  }

  void Count() {
    if (++*nodes_ > limits_.max_yaml_nodes) {
      Throw(Code::kLimit, file_ + ": pack too large or too deeply aliased (more than " +
                              std::to_string(limits_.max_yaml_nodes) + " YAML nodes)");
    }
  }

  std::string Str(const YAML::Node& n, const std::string& what) {
    Count();
    if (!n.IsScalar()) Fail(n, what + " must be a text, not " + KindName(n));
    const std::string& s = n.Scalar();
    if (s.size() > limits_.max_text_bytes) {
      Throw(Code::kLimit, Pos(n).ToString() + ": " + what + " is longer than " +
                              std::to_string(limits_.max_text_bytes) + " bytes");
    }
    if (!zari::IsValidUtf8(s)) Fail(n, what + " is not valid UTF-8");
    return s;
  }

  Text TextOf(const YAML::Node& n, const std::string& what) { return Text{Str(n, what), Pos(n)}; }

  bool Bool(const YAML::Node& n, const std::string& what) {
    Count();
    bool b = false;
    if (!n.IsScalar() || n.Tag() == "!" || !YAML::convert<bool>::decode(n, b)) {
      Fail(n, what + " must be true or false");
    }
    return b;
  }

  double Number(const YAML::Node& n, const std::string& what) {
    Count();
    double d = 0;
    if (!n.IsScalar() || n.Tag() == "!" || !YAML::convert<double>::decode(n, d)) {
      Fail(n, what + " must be a number");
    }
    return d;
  }

  int Int(const YAML::Node& n, const std::string& what) {
    Count();
    int v = 0;
    if (!n.IsScalar() || n.Tag() == "!" || !YAML::convert<int>::decode(n, v)) {
      Fail(n, what + " must be a whole number");
    }
    return v;
  }

  // Calls fn(key, value) for each entry of a mapping; rejects non-mappings,
  // non-text keys and duplicate keys.
  void ForEach(const YAML::Node& map, const std::string& what,
               const std::function<void(const std::string&, const YAML::Node&, const YAML::Node&)>& fn) {
    Count();
    if (!map.IsMap()) Fail(map, what + " must be a mapping (key: value), not " + KindName(map));
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      Count();
      // Copies: yaml-cpp's iterator hands out a temporary pair.
      const YAML::Node k = it->first;
      const YAML::Node v = it->second;
      if (!k.IsScalar()) Fail(k, "keys in " + what + " must be plain words");
      const std::string key = k.Scalar();
      if (!seen.insert(key).second) Fail(k, "duplicate key " + Quote(key) + " in " + what);
      fn(key, k, v);
    }
  }

  // A text or a list of texts.
  std::vector<Text> TextList(const YAML::Node& n, const std::string& what) {
    Count();
    std::vector<Text> out;
    if (n.IsScalar()) {
      out.push_back(TextOf(n, what));
    } else if (n.IsSequence()) {
      if (n.size() > limits_.max_texts_per_list) {
        Throw(Code::kLimit, Pos(n).ToString() + ": " + what + " has more than " +
                                std::to_string(limits_.max_texts_per_list) + " entries");
      }
      for (const auto& item : n) out.push_back(TextOf(item, what + " entry"));
    } else if (!n.IsNull()) {
      Fail(n, what + " must be a text or a list of texts, not " + KindName(n));
    }
    return out;
  }

  // {ka: …, az: …, en: …} with `allow_any` also {any: …}.
  Lang LangKey(const YAML::Node& k, const std::string& key, const std::vector<Lang>& langs,
               bool allow_any, const std::string& what) {
    if (allow_any && key == "any") return Lang::kUnknown;
    Lang l = text::ParseLang(key);
    if (l == Lang::kUnknown) {
      Fail(k, "unknown language " + Quote(key) + " in " + what + " (expected ka, az, en" +
                  (allow_any ? " or any)" : ")"));
    }
    if (std::find(langs.begin(), langs.end(), l) == langs.end()) {
      Fail(k, "language " + Quote(key) + " in " + what + " is not in the pack's languages");
    }
    return l;
  }

  // "en" and "en-US" are the same language: one of them per map.
  void Once(const YAML::Node& k, const std::string& key, Lang l, text::LangSet* seen, const std::string& what) {
    if (*seen & text::LangBit(l)) Fail(k, "language " + Quote(key) + " appears twice in " + what);
    *seen |= text::LangBit(l);
  }

  PerLang LangLists(const YAML::Node& n, const std::vector<Lang>& langs, bool allow_any,
                    const std::string& what) {
    PerLang out;
    text::LangSet seen = 0;
    ForEach(n, what, [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
      Lang l = LangKey(k, key, langs, allow_any, what);
      if (l != Lang::kUnknown) Once(k, key, l, &seen, what);
      out[static_cast<int>(l)] = TextList(v, what + "." + key);
    });
    return out;
  }

  PerLangText LangTexts(const YAML::Node& n, const std::vector<Lang>& langs, const std::string& what) {
    PerLangText out;
    text::LangSet seen = 0;
    ForEach(n, what, [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
      Lang l = LangKey(k, key, langs, false, what);
      Once(k, key, l, &seen, what);
      out[static_cast<int>(l)] = Str(v, what + "." + key);
    });
    return out;
  }

  const std::string& file() const { return file_; }

 private:
  const Limits& limits_;
  std::string file_;
  size_t* nodes_;
};

bool ValidDate(const std::string& s) {
  int y, m, d;
  char tail;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return false;
  if (m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > kDays[m - 1]) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(m == 2 && d == 29 && !leap);
}

// "09:00" → 540; -1 when malformed. "24:00" is allowed as an end.
int ParseClock(const std::string& s) {
  int h, m;
  char tail;
  if (s.size() != 5 || s[2] != ':') return -1;
  if (std::sscanf(s.c_str(), "%2d:%2d%c", &h, &m, &tail) != 2) return -1;
  if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) return -1;
  return h * 60 + m;
}

int ParseDay(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  for (int i = 0; i < 7; ++i) {
    if (s == kDays[i]) return i;
  }
  return -1;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

class PackLoader {
 public:
  PackLoader(const Limits& limits, unsigned threads) : limits_(limits), threads_(threads) {}

  Pack Load(const std::string& path) {
    pack_.path = path;
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) Throw(Code::kNotFound, path + ": no such file or directory");
    if (fs::is_directory(st)) {
      std::string settings = (fs::path(path) / "pack.yaml").string();
      if (!fs::exists(settings, ec)) {
        Throw(Code::kPack, path + ": not a pack: pack.yaml is missing (docs/PACKS.md)");
      }
      LoadFile(settings, /*settings=*/true);
      std::vector<std::string> files;
      for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        std::string ext = it->path().extension().string();
        if (ext != ".yaml" && ext != ".yml") continue;
        if (fs::equivalent(it->path(), settings, ec)) continue;
        files.push_back(it->path().string());
        if (files.size() > limits_.max_files) {
          Throw(Code::kLimit, path + ": more than " + std::to_string(limits_.max_files) + " YAML files");
        }
      }
      if (ec) Throw(Code::kIo, path + ": " + ec.message());
      std::sort(files.begin(), files.end());  // deterministic order
      LoadIntentsFiles(files);
    } else {
      LoadFile(path, /*settings=*/true);
    }
    Finish();
    return std::move(pack_);
  }

 private:
  void LoadFile(const std::string& file, bool settings) {
    std::error_code ec;
    uintmax_t size = fs::file_size(file, ec);
    if (ec) Throw(Code::kIo, file + ": " + ec.message());
    if (size > limits_.max_file_bytes) {
      Throw(Code::kLimit, file + ": file is " + std::to_string(size) + " bytes; the limit is " +
                              std::to_string(limits_.max_file_bytes));
    }
    std::string text;
    if (!ReadFile(file, size, &text)) Throw(Code::kIo, file + ": cannot read");
    LoadText(text, file, settings);
  }

 public:
  // One pack file given as text (`file` names it in errors).
  void LoadText(const std::string& text, const std::string& file, bool settings) {
    CountBytes(text, file);
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
      Throw(Code::kPack, file + ":" + std::to_string(e.mark.line + 1) + ":" +
                             std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
    } catch (const YAML::Exception& e) {
      Throw(Code::kPack, file + ": invalid YAML: " + e.msg);
    }
    ReadRoot(root, file, settings);
  }

 private:
  void CountBytes(const std::string& text, const std::string& file) {
    if (text.size() > limits_.max_file_bytes) {
      Throw(Code::kLimit, file + ": file is " + std::to_string(text.size()) + " bytes; the limit is " +
                              std::to_string(limits_.max_file_bytes));
    }
    total_bytes_ += text.size();
    if (total_bytes_ > limits_.max_total_bytes) {
      Throw(Code::kLimit, file + ": the pack is larger than " + std::to_string(limits_.max_total_bytes) + " bytes");
    }
  }

  // The intents files of a directory: read in order, parsed on the build
  // threads (a big file in parts), then taken in order exactly as if each
  // had been loaded after the other. Parsing ahead is speculative: limits
  // are checked and errors reported in file order, a file over a limit is
  // not parsed ahead at all, and a file whose parts do not all parse (an
  // alias to an anchor in another part, a syntax error) is parsed whole
  // again, which reports the error a whole parse reports.
  void LoadIntentsFiles(const std::vector<std::string>& files) {
    struct File {
      bool ahead = false;  // read and parsed ahead
      std::string text;
      size_t first_part = 0, parts = 0;
    };
    struct Part {
      size_t file;
      std::string text;  // empty: the whole file, read[file].text
      YAML::Node root;
      bool ok = false;
    };
    std::vector<File> read(files.size());
    std::vector<Part> parts;
    uintmax_t total = total_bytes_;
    BatchPool pool(threads_);
    for (size_t i = 0; i < files.size(); ++i) {
      std::error_code ec;
      const uintmax_t size = fs::file_size(files[i], ec);
      if (ec || size > limits_.max_file_bytes || total + size > limits_.max_total_bytes) break;
      File& f = read[i];
      if (!ReadFile(files[i], size, &f.text)) break;
      total += f.text.size();
      if (f.text.size() > limits_.max_file_bytes || total > limits_.max_total_bytes) break;
      f.ahead = true;
      f.first_part = parts.size();
      std::vector<std::string> split = SplitIntentsList(f.text, 2 * pool.size());
      f.parts = std::max<size_t>(1, split.size());
      if (split.empty()) {
        parts.push_back({i, std::string(), YAML::Node(), false});
      } else {
        for (std::string& t : split) parts.push_back({i, std::move(t), YAML::Node(), false});
      }
    }
    pool.Run(parts.size(), [&](size_t j, unsigned) {
      Part& part = parts[j];
      try {
        part.root = YAML::Load(part.text.empty() ? read[part.file].text : part.text);
        part.ok = true;
      } catch (const YAML::Exception&) {
        part.ok = false;  // parsed again, whole, below
      }
      std::string().swap(part.text);
    });
    for (size_t i = 0; i < files.size(); ++i) {
      const File& f = read[i];
      bool ok = f.ahead;
      for (size_t j = 0; ok && j < f.parts; ++j) ok = parts[f.first_part + j].ok;
      if (!ok) {
        if (f.ahead) {
          LoadText(f.text, files[i], /*settings=*/false);
        } else {
          LoadFile(files[i], /*settings=*/false);
        }
        continue;
      }
      CountBytes(f.text, files[i]);
      ReadRoot(parts[f.first_part].root, files[i], /*settings=*/false);
      // Further parts: more items of the same list.
      for (size_t j = 1; j < f.parts; ++j) {
        Reader r(limits_, files[i], &nodes_);
        ReadIntentItems(r, parts[f.first_part + j].root["intents"]);
      }
    }
    // Freeing a document's nodes costs about a third of parsing it.
    pool.Run(parts.size(), [&](size_t j, unsigned) { parts[j].root = YAML::Node(); });
  }

 public:
  void ReadRoot(const YAML::Node& root, const std::string& file, bool settings) {
    Reader r(limits_, file, &nodes_);
    if (root.IsNull()) {
      if (settings) r.Fail(root, "empty pack file: expected 'zari: 1' and the pack settings");
      return;  // an empty intents file is harmless
    }
    if (!root.IsMap()) r.Fail(root, "expected a mapping at the top of the file, not " + std::string(KindName(root)));
    if (settings) {
      ReadSettings(r, root);
    } else {
      r.ForEach(root, "an intents file", [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
        if (key == "intents") ReadIntents(r, v);
        else if (key == "add_examples") ReadAddExamples(r, v);
        else r.Fail(k, "unknown key " + Quote(key) + " (files other than pack.yaml hold only 'intents:' and 'add_examples:')");
      });
    }
  }

  // The add_examples of one file that holds nothing else.
  std::vector<AddedExamples> LoadAddExamples(const std::string& text, const std::string& file) {
    pack_.languages = {Lang::kKa, Lang::kAz, Lang::kEn};
    LoadText(text, file, /*settings=*/false);
    if (!pack_.intents.empty()) {
      Throw(Code::kPack, pack_.intents[0].pos.ToString() + ": this file holds intents; keep learned examples in a "
                                                           "file of their own (add_examples only)");
    }
    return std::move(adds_);
  }

  // The whole pack from one text (tests and fuzzing).
  Pack LoadSingle(const std::string& text, const std::string& name) {
    pack_.path = name;
    LoadText(text, name, /*settings=*/true);
    Finish();
    return std::move(pack_);
  }

 private:
  void ReadSettings(Reader& r, const YAML::Node& root) {
    // Languages first: every per-language map below is checked against them.
    const YAML::Node zari = root["zari"];
    if (!zari) r.Fail(root, "missing 'zari: 1' (the pack schema version)");
    if (!zari.IsScalar() || zari.Scalar() != "1") {
      r.Fail(zari, "unsupported pack schema " + Quote(zari.IsScalar() ? zari.Scalar() : "?") +
                       "; this Zari reads schema 1");
    }
    const YAML::Node langs = root["languages"];
    if (!langs) {
      r.Fail(root, "missing 'languages' (e.g. languages: [ka, az, en]; the first is the default)");
    }
    if (!langs.IsSequence() || langs.size() == 0) r.Fail(langs, "'languages' must be a non-empty list");
    for (const auto& l : langs) {
      std::string code = r.Str(l, "a language");
      Lang lang = text::ParseLang(code);
      if (lang == Lang::kUnknown) {
        r.Fail(l, "unknown language " + Quote(code) + " (Zari supports ka, az and en)");
      }
      if (std::find(pack_.languages.begin(), pack_.languages.end(), lang) != pack_.languages.end()) {
        r.Fail(l, "language " + Quote(code) + " is listed twice");
      }
      pack_.languages.push_back(lang);
    }
    const YAML::Node* intents = nullptr;
    YAML::Node intents_node;
    r.ForEach(root, "pack settings", [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
      if (key == "zari" || key == "languages") return;
      if (key == "name") pack_.name = r.Str(v, "name");
      else if (key == "version") pack_.version = r.Str(v, "version");
      else if (key == "timezone") {
        pack_.timezone = r.Str(v, "timezone");
        pack_.timezone_pos = r.Pos(v);
      } else if (key == "hours") ReadHours(r, v);
      else if (key == "closed") ReadClosed(r, v);
      else if (key == "thresholds") ReadThresholds(r, v);
      else if (key == "escalation") ReadEscalation(r, v);
      else if (key == "log") {
        r.ForEach(v, "log", [&](const std::string& lk, const YAML::Node& lkn, const YAML::Node& lv) {
          if (lk == "redact") pack_.redact = r.Bool(lv, "log.redact");
          else r.Fail(lkn, "unknown key " + Quote(lk) + " in log (expected redact)");
        });
      } else if (key == "session") {
        r.ForEach(v, "session", [&](const std::string& sk, const YAML::Node& skn, const YAML::Node& sv) {
          if (sk == "transcript_turns") {
            pack_.transcript_turns = r.Int(sv, "session.transcript_turns");
            if (pack_.transcript_turns < 0 || pack_.transcript_turns > 1000) {
              r.Fail(sv, "session.transcript_turns must be between 0 and 1000");
            }
          } else {
            r.Fail(skn, "unknown key " + Quote(sk) + " in session (expected transcript_turns)");
          }
        });
      } else if (key == "messages") ReadMessages(r, v);
      else if (key == "add_examples") ReadAddExamples(r, v);
      else if (key == "intents") {
        intents_node = v;
        intents = &intents_node;
      } else {
        r.Fail(k, "unknown key " + Quote(key) +
                      " in pack settings (expected zari, name, version, languages, timezone, hours, "
                      "closed, thresholds, escalation, log, session, messages, intents, add_examples)");
      }
    });
    if (pack_.name.empty()) pack_.name = fs::path(pack_.path).filename().string();
    if (intents) ReadIntents(r, *intents);
  }

  void ReadHours(Reader& r, const YAML::Node& v) {
    pack_.hours.always_open = false;
    pack_.hours.pos = r.Pos(v);
    r.ForEach(v, "hours", [&](const std::string& key, const YAML::Node& k, const YAML::Node& val) {
      // Day specs: "mon", "mon-fri", "sat,sun", "fri-mon" (wraps).
      std::vector<int> days;
      std::stringstream parts(key);
      std::string part;
      while (std::getline(parts, part, ',')) {
        part = Trim(part);
        size_t dash = part.find('-');
        int a = ParseDay(dash == std::string::npos ? part : part.substr(0, dash));
        int b = dash == std::string::npos ? a : ParseDay(part.substr(dash + 1));
        if (a < 0 || b < 0) {
          r.Fail(k, "unknown day " + Quote(part) + " in hours (expected mon, tue, wed, thu, fri, sat, sun or a range like mon-fri)");
        }
        for (int d = a;; d = (d + 1) % 7) {
          days.push_back(d);
          if (d == b) break;
        }
      }
      std::vector<TimeRange> ranges;
      std::vector<Text> specs = r.TextList(val, "hours." + key);
      for (const Text& t : specs) {
        std::string spec = Trim(t.text);
        if (spec == "closed") continue;
        size_t dash = spec.find('-');
        int start = dash == std::string::npos ? -1 : ParseClock(Trim(spec.substr(0, dash)));
        int end = dash == std::string::npos ? -1 : ParseClock(Trim(spec.substr(dash + 1)));
        if (start < 0 || end < 0 || start == end || start >= 24 * 60) {
          Throw(Code::kPack, t.pos.ToString() + ": bad time range " + Quote(t.text) +
                                 " (expected \"HH:MM-HH:MM\", e.g. \"09:00-18:00\", or \"22:00-02:00\" overnight, or \"closed\")");
        }
        if (end < start) end += 24 * 60;  // overnight
        ranges.push_back({start, end});
      }
      for (int d : days) {
        auto& dst = pack_.hours.week[static_cast<size_t>(d)];
        dst.insert(dst.end(), ranges.begin(), ranges.end());
        std::sort(dst.begin(), dst.end(), [](const TimeRange& a, const TimeRange& b) { return a.start < b.start; });
      }
    });
  }

  void ReadClosed(Reader& r, const YAML::Node& v) {
    for (const Text& t : r.TextList(v, "closed")) {
      if (!ValidDate(t.text)) {
        Throw(Code::kPack, t.pos.ToString() + ": bad date " + Quote(t.text) + " in closed (expected YYYY-MM-DD)");
      }
      pack_.hours.closed.push_back(t.text);
    }
    std::sort(pack_.hours.closed.begin(), pack_.hours.closed.end());
  }

  void ReadThresholds(Reader& r, const YAML::Node& v) {
    r.ForEach(v, "thresholds", [&](const std::string& key, const YAML::Node& k, const YAML::Node& val) {
      double d = r.Number(val, "thresholds." + key);
      if (d < 0 || d > 1) r.Fail(val, "thresholds." + key + " must be between 0 and 1");
      if (key == "answer") pack_.answer_threshold = d;
      else if (key == "suggest") pack_.suggest_threshold = d;
      else r.Fail(k, "unknown key " + Quote(key) + " in thresholds (expected answer, suggest)");
    });
    if (pack_.answer_threshold >= 0 && pack_.suggest_threshold > pack_.answer_threshold) {
      r.Fail(v, "thresholds.suggest must not be above thresholds.answer");
    }
  }

  void ReadEscalation(Reader& r, const YAML::Node& v) {
    r.ForEach(v, "escalation", [&](const std::string& key, const YAML::Node& k, const YAML::Node& val) {
      if (key == "after_misses") {
        pack_.after_misses = r.Int(val, "escalation.after_misses");
        if (pack_.after_misses < 0) r.Fail(val, "escalation.after_misses must be 0 (never) or more");
      } else if (key == "intents") {
        pack_.escalation_intents = r.TextList(val, "escalation.intents");
      } else {
        r.Fail(k, "unknown key " + Quote(key) + " in escalation (expected after_misses, intents)");
      }
    });
  }

  void ReadMessages(Reader& r, const YAML::Node& v) {
    r.ForEach(v, "messages", [&](const std::string& key, const YAML::Node& k, const YAML::Node& val) {
      PerLangText t = r.LangTexts(val, pack_.languages, "messages." + key);
      if (key == "welcome") pack_.messages.welcome = t;
      else if (key == "fallback") pack_.messages.fallback = t;
      else if (key == "clarify") pack_.messages.clarify = t;
      else if (key == "handoff") pack_.messages.handoff = t;
      else if (key == "after_hours") pack_.messages.after_hours = t;
      else if (key == "survey") pack_.messages.survey = t;
      else if (key == "thanks_feedback") pack_.messages.thanks_feedback = t;
      else {
        r.Fail(k, "unknown message " + Quote(key) +
                      " (expected welcome, fallback, clarify, handoff, after_hours, survey, thanks_feedback)");
      }
    });
  }

  void ReadIntents(Reader& r, const YAML::Node& list) {
    r.Count();
    if (list.IsNull()) return;
    if (!list.IsSequence()) r.Fail(list, "'intents' must be a list of intents (- id: …)");
    ReadIntentItems(r, list);
  }

  void ReadIntentItems(Reader& r, const YAML::Node& list) {
    for (const auto& node : list) {
      if (pack_.intents.size() >= limits_.max_intents) {
        Throw(Code::kLimit, r.Pos(node).ToString() + ": more than " + std::to_string(limits_.max_intents) + " intents");
      }
      ReadIntent(r, node);
    }
  }

  void ReadIntent(Reader& r, const YAML::Node& node) {
    Intent in;
    in.pos = r.Pos(node);
    if (!node.IsMap()) r.Fail(node, "an intent must be a mapping starting with 'id:', not " + std::string(KindName(node)));
    const YAML::Node id = node["id"];
    if (!id) r.Fail(node, "intent without 'id'");
    in.id = r.Str(id, "id");
    if (!ValidIntentId(in.id)) {
      r.Fail(id, "bad intent id " + Quote(in.id) + " (use lowercase letters, digits, '_', '.', '-')");
    }
    const std::string what = "intent " + Quote(in.id);
    auto dup = ids_.find(in.id);
    if (dup != ids_.end()) {
      r.Fail(id, "duplicate intent id " + Quote(in.id) + " (first defined at " + dup->second.ToString() + ")");
    }
    bool has_answer = false;
    r.ForEach(node, what, [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
      const auto& langs = pack_.languages;
      if (key == "id") return;
      if (key == "title") in.title = r.LangTexts(v, langs, what + " title");
      else if (key == "route") in.route = r.Str(v, what + " route");
      else if (key == "dtmf") {
        in.dtmf = r.Str(v, what + " dtmf");
        if (in.dtmf.empty() || in.dtmf.size() > 16 ||
            in.dtmf.find_first_not_of("0123456789*#") != std::string::npos) {
          r.Fail(v, "dtmf of " + what + " must be keypad digits (0-9, *, #), e.g. \"1\"");
        }
      } else if (key == "patterns") in.patterns = r.LangLists(v, langs, false, what + " patterns");
      else if (key == "regex") in.regex = r.LangLists(v, langs, true, what + " regex");
      else if (key == "examples") in.examples = r.LangLists(v, langs, false, what + " examples");
      else if (key == "not") in.nots = r.LangLists(v, langs, false, what + " not");
      else if (key == "answer") {
        in.answer = r.LangTexts(v, langs, what + " answer");
        has_answer = true;
      } else if (key == "suggest") {
        in.suggest = r.TextList(v, what + " suggest");
        if (in.suggest.size() > kMaxSuggestions) {
          r.Fail(v, "suggest of " + what + " lists " + std::to_string(in.suggest.size()) + " intents; at most " +
                        std::to_string(kMaxSuggestions) + " are shown after an answer");
        }
      }
      else if (key == "handoff") in.handoff = r.Bool(v, what + " handoff");
      else if (key == "priority") in.priority = r.Int(v, what + " priority");
      else {
        r.Fail(k, "unknown key " + Quote(key) + " in " + what +
                      " (expected id, title, route, dtmf, patterns, regex, examples, not, answer, suggest, handoff, priority)");
      }
    });
    (void)has_answer;
    ids_.emplace(in.id, r.Pos(id));
    pack_.intents.push_back(std::move(in));
  }

  // `add_examples: {INTENT_ID: {ka: [...], az: [...], en: [...]}}`: examples
  // for intents that may be defined in a later file, so they are added in
  // Finish(). Languages are checked here, where their position is known.
  void ReadAddExamples(Reader& r, const YAML::Node& v) {
    r.Count();
    if (v.IsNull()) return;
    r.ForEach(v, "add_examples", [&](const std::string& id, const YAML::Node& k, const YAML::Node& lists) {
      adds_.push_back({id, r.Pos(k), r.LangLists(lists, pack_.languages, false, "add_examples of " + Quote(id))});
    });
  }

  // The examples of `add_examples`, after those the intent lists itself (in
  // file order), each keeping the file:line:col where it was written.
  void AddExamples() {
    std::unordered_map<std::string, size_t> index;
    for (size_t i = 0; i < pack_.intents.size(); ++i) index.emplace(pack_.intents[i].id, i);
    for (AddedExamples& add : adds_) {
      auto it = index.find(add.intent);
      if (it == index.end()) {
        Throw(Code::kPack, add.pos.ToString() + ": add_examples names " + Quote(add.intent) +
                               ", which no intent has as id");
      }
      Intent& in = pack_.intents[it->second];
      for (size_t l = 0; l < add.examples.size(); ++l) {
        std::vector<Text>& to = in.examples[l];
        if (to.size() + add.examples[l].size() > limits_.max_texts_per_list) {
          Throw(Code::kLimit, add.pos.ToString() + ": intent " + Quote(add.intent) + " would have more than " +
                                  std::to_string(limits_.max_texts_per_list) + " examples in " +
                                  std::string(text::LangCode(static_cast<Lang>(l))));
        }
        for (Text& t : add.examples[l]) to.push_back(std::move(t));
      }
    }
    adds_.clear();
  }

  // Checks that need the whole pack.
  void Finish() {
    AddExamples();
    std::set<std::string> escalation;
    for (const Text& t : pack_.escalation_intents) {
      if (!ids_.count(t.text)) {
        Throw(Code::kPack, t.pos.ToString() + ": escalation.intents names " + Quote(t.text) + ", which no intent has as id");
      }
      escalation.insert(t.text);
    }
    std::map<std::string, std::string> dtmf;
    for (const Intent& in : pack_.intents) {
      for (const Text& s : in.suggest) {
        if (!ids_.count(s.text)) {
          Throw(Code::kPack, s.pos.ToString() + ": intent " + Quote(in.id) + " suggests " + Quote(s.text) + ", which no intent has as id");
        }
      }
      if (!in.dtmf.empty()) {
        auto [it, fresh] = dtmf.emplace(in.dtmf, in.id);
        if (!fresh) {
          Throw(Code::kPack, in.pos.ToString() + ": intent " + Quote(in.id) + " uses dtmf " + Quote(in.dtmf) +
                                 ", already used by intent " + Quote(it->second));
        }
      }
      // Every declared language needs an answer, unless the intent only hands off.
      if (in.handoff || escalation.count(in.id)) continue;
      for (Lang l : pack_.languages) {
        if (in.answer[static_cast<int>(l)].empty()) {
          Throw(Code::kPack, in.pos.ToString() + ": intent " + Quote(in.id) + " has no answer in " +
                                 std::string(text::LangCode(l)) + " (the pack's languages are " + LangList() + ")");
        }
      }
    }
  }

  std::string LangList() const {
    std::string s;
    for (Lang l : pack_.languages) {
      if (!s.empty()) s += ", ";
      s += text::LangCode(l);
    }
    return s;
  }

  const Limits& limits_;
  unsigned threads_ = 1;
  Pack pack_;
  std::vector<AddedExamples> adds_;
  std::unordered_map<std::string, SourcePos> ids_;
  size_t nodes_ = 0;
  uintmax_t total_bytes_ = 0;
};

}  // namespace

std::vector<std::string> SplitIntentsList(const std::string& text, size_t parts, size_t min_bytes) {
  if (parts < 2 || text.size() < min_bytes) return {};
  // Offsets of the list's items; any line that makes the shape less plain
  // than "comments, `intents:`, items indented by k with deeper content"
  // gives up.
  std::vector<size_t> items;
  bool header = false;
  size_t k = std::string::npos;
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + at, end - at);
    const size_t start = at;
    at = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t indent = line.find_first_not_of(' ');
    if (indent == std::string_view::npos || line[indent] == '#') continue;  // blank or comment
    if (line[indent] == '\t') return {};
    if (!header) {
      // `intents:`, maybe a comment after it; the first thing in the file.
      if (indent != 0 || !line.starts_with("intents:")) return {};
      const std::string_view rest = line.substr(8);
      const size_t more = rest.find_first_not_of(' ');
      if (more != std::string_view::npos && rest[more] != '#') return {};
      header = true;
      continue;
    }
    const bool item = line.substr(indent).starts_with("- ") || line.substr(indent) == "-";
    if (k == std::string::npos) {
      if (!item) return {};
      k = indent;
    }
    if (indent < k || (indent == k && !item)) return {};
    if (indent == k) items.push_back(start);
  }
  if (items.size() < 2 * parts) return {};
  // Cut at the items nearest to equal shares of the bytes.
  std::vector<size_t> cuts;
  for (size_t p = 1; p < parts; ++p) {
    const size_t want = text.size() * p / parts;
    auto it = std::lower_bound(items.begin() + 1, items.end(), want);
    if (it == items.end()) break;
    if (cuts.empty() || *it > cuts.back()) cuts.push_back(*it);
  }
  std::vector<std::string> out;
  size_t from = 0;
  for (size_t c = 0; c <= cuts.size(); ++c) {
    const size_t to = c < cuts.size() ? cuts[c] : text.size();
    if (from == 0) {
      out.emplace_back(text, 0, to);
    } else {
      // The part's first line keeps its number: as many lines before it,
      // the last of them `intents:`.
      const size_t line = static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(from), '\n'));
      std::string t(line - 1, '\n');
      t += "intents:\n";
      t.append(text, from, to - from);
      out.push_back(std::move(t));
    }
    from = to;
  }
  return out;
}

Result<Pack> LoadPackText(const std::string& text, const std::string& name, const Limits& limits) {
  try {
    PackLoader loader(limits, 1);
    return loader.LoadSingle(text, name);
  } catch (const LoadError& e) {
    return Status(e.code, e.message);
  } catch (const YAML::Exception& e) {
    return Status(Code::kPack, name + ": invalid YAML: " + e.what());
  }
}

Result<std::vector<AddedExamples>> ReadAddExamplesText(const std::string& text, const std::string& file,
                                                       const Limits& limits) {
  try {
    PackLoader loader(limits, 1);
    return loader.LoadAddExamples(text, file);
  } catch (const LoadError& e) {
    return Status(e.code, e.message);
  } catch (const YAML::Exception& e) {
    return Status(Code::kPack, file + ": invalid YAML: " + e.what());
  }
}

Result<Pack> LoadPack(const std::string& path, const Limits& limits, unsigned threads) {
  try {
    PackLoader loader(limits, threads);
    return loader.Load(path);
  } catch (const LoadError& e) {
    return Status(e.code, e.message);
  } catch (const YAML::Exception& e) {
    return Status(Code::kPack, path + ": invalid YAML: " + e.what());
  } catch (const std::filesystem::filesystem_error& e) {
    return Status(Code::kIo, path + ": " + e.what());
  }
}

}  // namespace zari::pack
