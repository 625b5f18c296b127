// The HTML report (`zari report --html`): one well-formed page with its
// charts, nothing fetched from outside, every customer text escaped.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "report/report.h"
#include "report_kpi_test_data.h"

using namespace zari_test;
using namespace zari_test::kpi;

namespace {

// Well-formed XML: every tag closed in order, attributes quoted, no '<' or
// stray '&' in text. Returns "" or what is wrong.
std::string XmlProblem(const std::string& doc) {
  std::vector<std::string> open;
  size_t i = doc.find("<html");
  if (doc.rfind("<!DOCTYPE html>", 0) != 0 || i == std::string::npos) return "no doctype or html";
  for (; i < doc.size();) {
    if (doc[i] == '&') {
      const size_t semi = doc.find(';', i);
      const std::string entity = doc.substr(i, semi == std::string::npos ? 8 : semi - i + 1);
      if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;" && entity != "&#39;") {
        return "bad entity " + entity;
      }
      i = semi + 1;
      continue;
    }
    if (doc[i] != '<') {
      ++i;
      continue;
    }
    const size_t close = doc.find('>', i);
    if (close == std::string::npos) return "unclosed tag";
    const std::string tag = doc.substr(i + 1, close - i - 1);
    i = close + 1;
    if (tag.find('<') != std::string::npos) return "'<' inside tag " + tag;
    if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return "</" + tag.substr(1) + "> closes " + (open.empty() ? "nothing" : open.back());
      open.pop_back();
      continue;
    }
    const std::string name = tag.substr(0, tag.find_first_of(" /"));
    size_t quotes = 0;
    for (char c : tag) quotes += c == '"';
    if (quotes % 2 != 0 || (tag.find('=') != std::string::npos && quotes == 0)) return "unquoted attribute in " + tag;
    if (tag.back() != '/') open.push_back(name);
    if (name == "style") {  // CSS: no markup inside
      const size_t end = doc.find("</style>", i);
      if (doc.substr(i, end - i).find_first_of("<&") != std::string::npos) return "markup in style";
      i = end;
    }
  }
  return open.empty() ? "" : "unclosed <" + open.back() + ">";
}

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("report HTML: one well-formed page, its charts, nothing from outside, hostile texts escaped") {
  LogTempDir dir("kpi");
  const std::string db = SeedKpis(dir);
  AddTakeovers(db);
  const std::string html = zari::report::FormatHtml(Build(db, Pack(dir)), kStart + 86400);
  CHECK(XmlProblem(html) == "");
  CHECK(Count(html, "<svg ") >= 6);
  for (const char* id : {"id=\"kpis\"", "id=\"hours\"", "id=\"daily\"", "id=\"weekly\"", "id=\"reasons\"",
                         "id=\"clusters\"", "id=\"helpful\"", "id=\"operators\""}) {
    CAPTURE(id);
    CHECK(html.find(id) != std::string::npos);
  }
  // Black and white: patterns, dashed lines and markers besides colour.
  CHECK(html.find("<pattern id=\"hours-shade\"") != std::string::npos);
  CHECK(html.find("fill=\"url(#weekly-hatch)\"") != std::string::npos);
  CHECK(html.find("stroke-dasharray") != std::string::npos);
  CHECK(html.find("@media print") != std::string::npos);
  // Self-contained: no scripts, links, imports, images or fonts from anywhere.
  for (const char* outside : {"<script", "src=\"", "href=\"", "@import", "@font-face", "<img", "<link", "https:"}) {
    CAPTURE(outside);
    CHECK(html.find(outside) == std::string::npos);
  }
  for (size_t at = html.find("url("); at != std::string::npos; at = html.find("url(", at + 1)) {
    CHECK(html.compare(at, 5, "url(#") == 0);
  }
  // The customer's markup is text; the pack's title as written.
  CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;fiber&quot; &lt;img src=x") !=
        std::string::npos);
  CHECK(html.find("Check balance") != std::string::npos);
  CHECK(html.find("Asia/Tbilisi") != std::string::npos);
  CHECK(html.find("81.7%") != std::string::npos);
  // Without a pack the page says the opening hours are unknown.
  const std::string bare = zari::report::FormatHtml(Build(db), kStart);
  CHECK(XmlProblem(bare) == "");
  CHECK(bare.find("Opening hours unknown: give --pack") != std::string::npos);
  CHECK(bare.find("opening hours unknown: run with --pack") != std::string::npos);
}

