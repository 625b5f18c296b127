// The files under server/web/, compiled into the binary at build time
// (embed_assets.cmake generates web_assets.cc), so `zari serve` needs no
// files at run time.
#ifndef ZARI_SERVER_WEB_ASSETS_H_
#define ZARI_SERVER_WEB_ASSETS_H_

#include <string_view>

namespace zari::server {

struct WebAsset {
  std::string_view name;          // "widget.js"
  std::string_view content_type;  // "application/javascript; charset=utf-8"
  std::string_view data;
};

// nullptr when there is no such file.
const WebAsset* FindWebAsset(std::string_view name);

}  // namespace zari::server

#endif  // ZARI_SERVER_WEB_ASSETS_H_
