// Reads an intent pack (a directory with pack.yaml and further *.yaml files,
// or one YAML file) into a pack::Pack. The only yaml-cpp user in Zari.
#ifndef ZARI_ENGINE_PACK_LOADER_H_
#define ZARI_ENGINE_PACK_LOADER_H_

#include <string>
#include <string_view>
#include <vector>

#include "pack/pack.h"
#include "util/status.h"

namespace zari::pack {

// Errors name file:line:col and what was expected, e.g.
//   intents/telecom/billing.yaml:12:5: unknown key 'anwser' in intent 'balance'
// Checks structure and types, unknown and duplicate keys, duplicate intent
// ids, id syntax, languages, answers for every declared language (unless the
// intent hands off), thresholds, hours and dates. Templates, regexes, time
// zones and references between intents are checked when the pack compiles.
//
// The YAML of a directory's intents files is parsed on `threads` threads
// (0: one per CPU, at most 4), a big file in parts (SplitIntentsList); the
// pack, and every error and its position, are the same as on one thread.
Result<Pack> LoadPack(const std::string& path, const Limits& limits = Limits(), unsigned threads = 0);

// Splits the text of an intents file that is a plain `intents:` list of
// block items into about `parts` texts that each parse to a run of those
// items, in order, at their own line numbers (the lines before a part are
// blank, the one just before it says `intents:`). Empty when the text has
// any other shape (other keys, flow style, tabs, document markers) or is
// under `min_bytes` (smaller files parse fast enough whole). For the loader
// and its tests.
std::vector<std::string> SplitIntentsList(const std::string& text, size_t parts, size_t min_bytes = 128 << 10);

// A single-file pack given as YAML text; `name` stands for the file in errors.
Result<Pack> LoadPackText(const std::string& text, const std::string& name, const Limits& limits = Limits());

// Intent ids: 1-128 of a-z, 0-9, '_', '.', '-'.
bool ValidIntentId(std::string_view id);

// One intent's entry under `add_examples:` (docs/PACKS.md).
struct AddedExamples {
  std::string intent;
  SourcePos pos;  // of the intent's key
  PerLang examples;
};

// The `add_examples:` of one pack file given as text, in file order, read
// as the loader reads it (any of Zari's languages; intents are not looked
// up). kPack, with file:line:col, for invalid YAML and for a file that holds
// anything else (`intents:`). For pack::AppendLearnedExample.
Result<std::vector<AddedExamples>> ReadAddExamplesText(const std::string& text, const std::string& file,
                                                       const Limits& limits = Limits());

}  // namespace zari::pack

#endif  // ZARI_ENGINE_PACK_LOADER_H_
