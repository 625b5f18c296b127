// The learned-examples file: a pack file of `add_examples:` only
// (docs/PACKS.md) that grows one example at a time, as an operator teaches
// the bot from a conversation (the operator console's "teach"), and that
// the pack then loads like any other file.
#ifndef ZARI_ENGINE_PACK_LEARNED_H_
#define ZARI_ENGINE_PACK_LEARNED_H_

#include <string>
#include <string_view>

#include "pack/pack.h"
#include "text/lang.h"
#include "util/status.h"

namespace zari::pack {

// Adds `example` in `lang` to intent `intent` in the learned-examples file
// at `path` (created if missing, in an existing directory) and returns
// where it is written: the file:line:col the loader will report for it.
// An example the file already has for that intent and language is not
// added again (its position is returned).
//
// The file is read as the loader reads it, then written whole, in a
// canonical form (intents in the order they first appear, languages ka,
// az, en, one double-quoted example per line, a header comment; other
// comments are not kept), to a temporary file in the same directory that
// is synced and renamed over the old one: a reader — a pack reload — sees
// the old file or the new one, never a part, and a crash leaves one of
// them. Appends in one process are serialized; the file must not be
// written by another process meanwhile.
//
// Errors: kInvalid for an id that is not an intent id, kUnknown language,
// an empty or blank example, one longer than Limits::max_text_bytes, or
// invalid UTF-8; kPack (file:line:col) when the file is not valid YAML or
// holds anything but add_examples; kIo when it cannot be read or written.
// The caller checks that the intent and language are the running pack's
// (Engine::FindIntent, Engine::CheckLanguage) and reloads the pack after.
Result<SourcePos> AppendLearnedExample(const std::string& path, std::string_view intent, text::Lang lang,
                                       std::string_view example);

}  // namespace zari::pack

#endif  // ZARI_ENGINE_PACK_LEARNED_H_
