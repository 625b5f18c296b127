// Reads an intent pack (a directory with pack.yaml and further *.yaml files,
// or one YAML file) into a pack::Pack. The only yaml-cpp user in Zari.
#ifndef ZARI_ENGINE_PACK_LOADER_H_
#define ZARI_ENGINE_PACK_LOADER_H_

#include <string>

#include "pack/pack.h"
#include "util/status.h"

namespace zari::pack {

// Errors name file:line:col and what was expected, e.g.
//   intents/telecom/billing.yaml:12:5: unknown key 'anwser' in intent 'balance'
// Checks structure and types, unknown and duplicate keys, duplicate intent
// ids, id syntax, languages, answers for every declared language (unless the
// intent hands off), thresholds, hours and dates. Templates, regexes, time
// zones and references between intents are checked when the pack compiles.
Result<Pack> LoadPack(const std::string& path, const Limits& limits = Limits());

// A single-file pack given as YAML text; `name` stands for the file in errors.
Result<Pack> LoadPackText(const std::string& text, const std::string& name, const Limits& limits = Limits());

}  // namespace zari::pack

#endif  // ZARI_ENGINE_PACK_LOADER_H_
