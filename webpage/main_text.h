// main_text.h: the article's own text on a web page, without its navigation,
// ads, comments, related links, share bars and footers.
//
//   HtmlDocument doc = HtmlDocument::Parse(page);
//   std::string body = ExtractMainText(doc);   // paragraphs, one per line
//
// How: boilerplate elements are set aside by kind (nav, aside, footer, forms'
// controls, hidden elements) and by the class and id words sites use for
// them (comment, sidebar, share, related, ...) unless those also name content
// (article, body, content, ...). Each block of text then scores the elements
// above it by its length and commas (Arc90's Readability scoring, which Mozilla
// Readability and most extractors keep); the element with the best score,
// discounted by its share of link text, is the article, together with the
// siblings that score near it. Inside it, lists, tables and boxes that look
// like links or widgets are left out. When that finds little text, it is
// tried again without the class and id rules. Headings inside the article are
// kept as lines of their own.
//
// Quality and speed are measured on the article-extraction benchmark in
// ../shared (`herald eval`, webpage_benchmark.cc, docs/EXTRACTION.md).
// Thread-safety: pure function of the document.
// Failure: none; a page without a recognisable article (a snippet, a page of
// short lines) gives its visible text outside boilerplate elements.
#pragma once

#include <string>

#include "webpage/html_document.h"

namespace herald::webpage {

std::string ExtractMainText(const HtmlDocument& doc);

}  // namespace herald::webpage
