#include "pack/learned.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

#include "pack/loader.h"
#include "util/utf8.h"
#include "util/yaml_text.h"

namespace zari::pack {
namespace {

namespace fs = std::filesystem;
using text::Lang;

constexpr Lang kLanguages[] = {Lang::kKa, Lang::kAz, Lang::kEn};
constexpr int kExampleColumn = 9;  // "      - " then the quoted example

Status IoError(const std::string& path, const std::string& what) {
  return Status(Code::kIo, path + ": " + what + ": " + std::strerror(errno));
}

Status CheckExample(std::string_view intent, Lang lang, std::string_view example) {
  if (!ValidIntentId(intent)) {
    return Status(Code::kInvalid, "'" + std::string(intent) + "' is not an intent id (a-z, 0-9, '_', '.', '-')");
  }
  if (lang == Lang::kUnknown) return Status(Code::kInvalid, "an example needs a language: ka, az or en");
  if (example.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status(Code::kInvalid, "an example must not be empty");
  }
  if (example.size() > Limits().max_text_bytes) {
    return Status(Code::kInvalid, "an example is at most " + std::to_string(Limits().max_text_bytes) + " bytes");
  }
  if (!zari::IsValidUtf8(example)) return Status(Code::kInvalid, "an example must be valid UTF-8");
  return Status::Ok();
}

// The file's text; "" when it does not exist yet.
Result<std::string> ReadIfExists(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return std::string();
    return IoError(path, "cannot read");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return IoError(path, "cannot read");
  return text.str();
}

// The canonical text of `entries`; *line is set to the line of
// entries[at_entry]'s example `at_text` in language `at_lang`.
std::string Render(const std::vector<AddedExamples>& entries, size_t at_entry, Lang at_lang, size_t at_text,
                   int* line) {
  std::string out =
      "# Learned examples: customers' phrasings taught to the bot from conversations (docs/PACKS.md).\n"
      "# Written by Zari: every change rewrites this file whole, without other comments.\n"
      "add_examples:\n";
  int n = 3;
  for (size_t e = 0; e < entries.size(); ++e) {
    out += "  " + YamlKey(entries[e].intent) + ":\n";
    ++n;
    for (Lang l : kLanguages) {
      const std::vector<Text>& list = entries[e].examples[static_cast<size_t>(l)];
      if (list.empty()) continue;
      out += "    " + std::string(text::LangCode(l)) + ":\n";
      ++n;
      for (size_t i = 0; i < list.size(); ++i) {
        out += "      - " + YamlQuoted(list[i].text) + "\n";
        ++n;
        if (e == at_entry && l == at_lang && i == at_text) *line = n;
      }
    }
  }
  return out;
}

// Writes `text` to a new file beside `path`, syncs it and renames it over
// `path`, then syncs the directory: readers see the old file or the new.
Status WriteAtomically(const std::string& path, const std::string& text) {
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  std::string tmp = (dir / ("." + fs::path(path).filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return IoError(tmp, "cannot create");
  struct stat old;
  const mode_t mode = ::stat(path.c_str(), &old) == 0 ? (old.st_mode & 07777) : 0644;
  bool ok = ::fchmod(fd, mode) == 0;
  for (size_t done = 0; ok && done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  Status s = ok ? Status::Ok() : IoError(tmp, "cannot write");
  if (::close(fd) != 0 && s.ok()) s = IoError(tmp, "cannot write");
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) s = IoError(path, "cannot replace");
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);  // the rename itself survives a crash
    ::close(dfd);
  }
  return Status::Ok();
}

}  // namespace

Result<SourcePos> AppendLearnedExample(const std::string& path, std::string_view intent, Lang lang,
                                       std::string_view example) {
  if (Status s = CheckExample(intent, lang, example); !s.ok()) return s;
  static std::mutex mu;  // read-modify-write: one at a time
  std::lock_guard<std::mutex> lock(mu);
  auto text = ReadIfExists(path);
  if (!text.ok()) return text.status();
  auto read = ReadAddExamplesText(text.value(), path);
  if (!read.ok()) return read.status();
  std::vector<AddedExamples> entries = std::move(read.value());
  auto entry = std::find_if(entries.begin(), entries.end(), [&](const AddedExamples& a) { return a.intent == intent; });
  if (entry == entries.end()) entry = entries.insert(entries.end(), AddedExamples{std::string(intent), {}, {}});
  std::vector<Text>& list = entry->examples[static_cast<size_t>(lang)];
  auto same = std::find_if(list.begin(), list.end(), [&](const Text& t) { return t.text == example; });
  if (same != list.end()) return same->pos;  // as the loader read it: the file is left as it is
  list.push_back(Text{std::string(example), {}});
  int line = 0;
  const std::string out =
      Render(entries, static_cast<size_t>(entry - entries.begin()), lang, list.size() - 1, &line);
  if (Status s = WriteAtomically(path, out); !s.ok()) return s;
  SourcePos pos;
  pos.file = path;
  pos.line = line;
  pos.col = kExampleColumn;
  return pos;
}

}  // namespace zari::pack
