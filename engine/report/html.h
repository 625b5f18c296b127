// The HTML report's page (html_page.cc: structure, style, figures as text
// and tables) and its charts (html.cc). Internal to zari_report.
#ifndef ZARI_ENGINE_REPORT_HTML_H_
#define ZARI_ENGINE_REPORT_HTML_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "report/report.h"

namespace zari::report {

// Text for HTML and SVG: & < > " ' as entities, characters XML does not
// allow replaced (U+FFFD), invalid UTF-8 repaired.
std::string HtmlEscape(std::string_view s);

// "<!DOCTYPE html>…<body>": the style for screen and print.
std::string HtmlHead(const std::string& title);
// The title, the pack, the period and the databases read.
std::string HtmlHeading(const Report& r, const std::string& pack, int64_t generated);
// <section id=…><h2>title</h2><p class="note">note</p>body</section>
std::string Section(const std::string& id, const std::string& title, const std::string& note, const std::string& body);
std::string NoData(const std::string& why);
// The KPIs as cards: value, and what it is made of.
std::string KpiCards(const Report& r);
// The clusters (top 20) with their samples and nearest intents.
std::string ClusterTable(const Report& r);
std::string OperatorTable(const Report& r);
// The notes and how the page was made; "</body></html>".
std::string HtmlFooter(const Report& r);

}  // namespace zari::report

#endif  // ZARI_ENGINE_REPORT_HTML_H_
