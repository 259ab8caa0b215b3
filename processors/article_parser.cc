#include "processors/article_parser.h"

#include "core/record_format.h"
#include "core/utf8.h"
#include "webpage/charset.h"
#include "webpage/web_article.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace herald {
namespace {

constexpr size_t kMaxJsonDepth = 64;
constexpr size_t kMaxTitleLength = 160;

bool IsBlank(std::string_view s) { return s.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos; }

#ifdef __SSE2__
// The set bits of a 16-bit movemask. std::popcount compiles to a library call
// on baseline x86-64 (no POPCNT instruction); this is a few shifts and adds.
int BitCount16(int mask) {
  unsigned v = static_cast<unsigned>(mask);
  v = v - ((v >> 1) & 0x5555);
  v = (v & 0x3333) + ((v >> 2) & 0x3333);
  v = (v + (v >> 4)) & 0x0F0F;
  return static_cast<int>((v + (v >> 8)) & 0x1F);
}
#endif

// Text that is mostly control bytes is not an article, whatever its encoding.
// Every article passes here: sixteen bytes a step where SSE2 is there.
bool LooksBinary(std::string_view s) {
  size_t control = 0;
  bool nul = false;
  size_t i = 0;
#ifdef __SSE2__
  const __m128i zero = _mm_setzero_si128(), below_space = _mm_set1_epi8(0x1F);
  const __m128i newline = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'), tab = _mm_set1_epi8('\t'),
                form_feed = _mm_set1_epi8('\f');
  for (; i + 16 <= s.size(); i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    __m128i is_control = _mm_cmpeq_epi8(_mm_min_epu8(v, below_space), v);
    __m128i is_space = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, newline), _mm_cmpeq_epi8(v, cr)),
                                    _mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, form_feed)));
    nul |= _mm_movemask_epi8(_mm_cmpeq_epi8(v, zero)) != 0;
    control += BitCount16(_mm_movemask_epi8(_mm_andnot_si128(is_space, is_control)));
  }
#endif
  for (; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    nul |= c == 0;
    control += c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f';
  }
  return nul || control * 20 > s.size();
}

enum class Format { kJson, kText, kHtml };

Result<Format> FormatOf(std::string_view bytes, std::optional<std::string_view> content_type) {
  if (content_type) {
    std::string_view ct = TrimAsciiSpace(content_type->substr(0, content_type->find(';')));
    if (ct == "application/json" || ct == "application/x-ndjson" || ct == "text/json") return Format::kJson;
    if (ct == "text/plain") return Format::kText;
    if (ct == "text/html" || ct == "application/xhtml+xml") return Format::kHtml;
    return Fail(v1::UNKNOWN_CONTENT_TYPE, "content type '" + std::string(*content_type) +
                                              "' is not one herald reads (application/json, text/plain, text/html)");
  }
  std::string_view t = TrimAsciiSpace(bytes);
  if (t.starts_with('{') || t.starts_with('[')) return Format::kJson;
  if (t.starts_with('<')) return Format::kHtml;
  return Format::kText;
}

// Text without a headline gets its first sentence, cut at a word near kMaxTitleLength.
std::string HeadlineFrom(std::string_view text) {
  std::string_view first = text.substr(0, text.find('\n'));
  size_t stop = first.find(". ");
  if (stop != std::string_view::npos) first = first.substr(0, stop + 1);
  if (first.size() <= kMaxTitleLength) return std::string(first);
  size_t cut = first.rfind(' ', kMaxTitleLength - 3);
  return std::string(first.substr(0, cut == std::string_view::npos ? kMaxTitleLength - 3 : cut)) + "...";
}

// Plain text: a short first line followed by more text is the title.
void FillFromText(std::string_view text, v1::Article* a) {
  text = TrimAsciiSpace(text);
  size_t nl = text.find('\n');
  if (nl != std::string_view::npos) {
    std::string_view first = TrimAsciiSpace(text.substr(0, nl));
    bool title_like = first.size() <= kMaxTitleLength && !first.ends_with('.');
    if (title_like && a->title().empty()) {
      a->set_title(std::string(first));
      a->set_body(std::string(TrimAsciiSpace(text.substr(nl + 1))));
      return;
    }
  }
  a->set_body(std::string(text));
  if (a->title().empty()) a->set_title(HeadlineFrom(text));
}

// ---- HTML ----

// The page's article (webpage/web_article.h): its main text and what the page
// declares about itself, where the envelope or headers did not say it already.
void FillFromHtml(std::string_view html, v1::Article* a) {
  webpage::WebArticle page = webpage::ReadWebArticle(webpage::HtmlDocument::Parse(html));
  auto fill = [](std::string* field, std::string& value) {
    if (field->empty()) *field = std::move(value);
  };
  fill(a->mutable_title(), page.title);
  fill(a->mutable_author(), page.author);
  fill(a->mutable_published_at(), page.published_at);
  fill(a->mutable_language(), page.language);
  fill(a->mutable_url(), page.canonical_url);
  fill(a->mutable_source(), page.site_name);
  a->set_body(std::move(page.text));
}

// ---- JSON ----

std::string JsonErrorReason(simdjson::error_code e, std::string_view context) {
  return "JSON envelope: " + std::string(context) + std::string(simdjson::error_message(e));
}

// On-Demand parsing skips unknown fields without descending into them, so the
// nesting limit is checked here, in one pass that tracks strings and escapes;
// but only when the document opens more objects and arrays than the limit, as
// a count sixteen bytes a step shows: an envelope opens one or two.
bool NestedDeeperThan(std::string_view json, size_t limit) {
  size_t openings = 0;
  size_t i = 0;
#ifdef __SSE2__
  const __m128i brace = _mm_set1_epi8('{'), bracket = _mm_set1_epi8('[');
  for (; i + 16 <= json.size(); i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(json.data() + i));
    __m128i opens = _mm_or_si128(_mm_cmpeq_epi8(v, brace), _mm_cmpeq_epi8(v, bracket));
    openings += BitCount16(_mm_movemask_epi8(opens));
  }
#endif
  for (; i < json.size(); ++i) openings += json[i] == '{' || json[i] == '[';
  if (openings <= limit) return false;
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return true;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return false;
}

Status FromJson(std::string_view bytes, const ParseOptions& options, v1::Article* article) {
  if (NestedDeeperThan(bytes, kMaxJsonDepth)) {
    return Fail(v1::TOO_DEEPLY_NESTED,
                "JSON envelope: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  // Per-thread parser and buffer: no allocation per article once warm. iterate()
  // grows the capacity as needed and keeps the depth limit.
  struct State {
    simdjson::ondemand::parser parser;
    State() {
      if (parser.allocate(64 * 1024, kMaxJsonDepth) != simdjson::SUCCESS) std::abort();  // out of memory at start
    }
  };
  thread_local State state;
  thread_local simdjson::padded_string buffer;
  simdjson::ondemand::parser& parser = state.parser;
  if (buffer.size() < bytes.size() || buffer.size() > 4 * bytes.size() + 65536) {
    buffer = simdjson::padded_string(bytes.size());
  }
  std::memcpy(buffer.data(), bytes.data(), bytes.size());
  simdjson::padded_string_view view(buffer.data(), bytes.size(), buffer.size() + simdjson::SIMDJSON_PADDING);

  auto classify = [](simdjson::error_code e, std::string_view context) {
    ErrorCode code = v1::MALFORMED_JSON;
    if (e == simdjson::DEPTH_ERROR) code = v1::TOO_DEEPLY_NESTED;
    if (e == simdjson::INCORRECT_TYPE) code = v1::WRONG_FIELD_TYPE;
    if (e == simdjson::UTF8_ERROR) code = v1::INVALID_UTF8;
    return Fail(code, JsonErrorReason(e, context));
  };

  simdjson::ondemand::document doc;
  if (auto e = parser.iterate(view).get(doc); e) return classify(e, "");
  simdjson::ondemand::object object;
  if (auto e = doc.get_object().get(object); e) {
    if (e == simdjson::INCORRECT_TYPE) {
      return Fail(v1::WRONG_FIELD_TYPE, "JSON envelope: the top level must be an object with title and body fields");
    }
    return classify(e, "");
  }
  v1::Article& a = *article;
  std::string html;
  for (auto field : object) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key); e) return classify(e, "");
    auto string_field = [&](std::string* target) -> Status {
      simdjson::ondemand::json_type type;
      if (auto e = field.value().type().get(type); e) return classify(e, "field '" + std::string(key) + "': ");
      if (type == simdjson::ondemand::json_type::null) return {};
      std::string_view s;
      if (auto e = field.value().get_string().get(s); e) {
        if (e == simdjson::INCORRECT_TYPE) {
          return Fail(v1::WRONG_FIELD_TYPE, "JSON envelope: field '" + std::string(key) + "' must be a string");
        }
        return classify(e, "field '" + std::string(key) + "': ");
      }
      target->assign(s);
      return {};
    };
    Status s;
    if (key == "id")
      s = string_field(a.mutable_id());
    else if (key == "url" || key == "link")
      s = string_field(a.mutable_url());
    else if (key == "source" || key == "publisher")
      s = string_field(a.mutable_source());
    else if (key == "title" || key == "headline")
      s = string_field(a.mutable_title());
    else if (key == "body" || key == "text" || key == "content")
      s = string_field(a.mutable_body());
    else if (key == "html")
      s = string_field(&html);
    else if (key == "published_at" || key == "publishedAt" || key == "date")
      s = string_field(a.mutable_published_at());
    else if (key == "language" || key == "lang")
      s = string_field(a.mutable_language());
    else if (key == "author" || key == "byline")
      s = string_field(a.mutable_author());
    else if (key == "tags") {
      simdjson::ondemand::array tags;
      if (auto e = field.value().get_array().get(tags); e) {
        if (e == simdjson::INCORRECT_TYPE)
          return Fail(v1::WRONG_FIELD_TYPE, "JSON envelope: field 'tags' must be an array of strings");
        return classify(e, "field 'tags': ");
      }
      for (auto tag : tags) {
        std::string_view t;
        if (auto e = tag.get_string().get(t); e) {
          if (e == simdjson::INCORRECT_TYPE)
            return Fail(v1::WRONG_FIELD_TYPE, "JSON envelope: field 'tags' must be an array of strings");
          return classify(e, "field 'tags': ");
        }
        a.add_tags(std::string(t));
      }
    }
    // Unknown fields are skipped by the iteration itself, which still checks their structure.
    if (!s) return Unexpected(s.error());
  }
  if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS)
    return Fail(v1::MALFORMED_JSON, "JSON envelope: unexpected content after the top-level object");
  if (a.body().empty() && !html.empty()) {
    FillFromHtml(html, &a);
  } else if (a.title().empty() && !a.body().empty()) {
    std::string body = std::move(*a.mutable_body());
    FillFromText(body, &a);
  }
  return {};
}

}  // namespace

Status ParseArticle(std::string_view bytes, const ParseOptions& options, v1::Article* article) {
  if (bytes.size() > options.max_bytes) {
    return Fail(v1::OVERSIZED_ARTICLE, "article is " + std::to_string(bytes.size()) + " bytes; the limit is " +
                                           std::to_string(options.max_bytes));
  }
  if (IsBlank(bytes)) return Fail(v1::EMPTY_ARTICLE, "article is empty");
  auto format = FormatOf(bytes, options.content_type);
  // A web page in another charset is converted (its declaration, else
  // detection); JSON and plain text must be UTF-8, as their contract says.
  std::string converted;
  if (!simdjson::validate_utf8(bytes.data(), bytes.size())) {
    if (!format || *format != Format::kHtml) return Fail(v1::INVALID_UTF8, "article is not valid UTF-8");
    if (LooksBinary(bytes)) return Fail(v1::BINARY_CONTENT, "article holds binary data, not text");
    converted = webpage::ToUtf8(bytes, webpage::DetectCharset(bytes, options.content_type.value_or("")));
    bytes = converted;
  }
  if (LooksBinary(bytes)) return Fail(v1::BINARY_CONTENT, "article holds binary data, not text");
  if (!format) return Unexpected(format.error());

  v1::Article& a = *article;
  switch (*format) {
    case Format::kJson:
      if (Status parsed = FromJson(bytes, options, &a); !parsed) return parsed;
      break;
    case Format::kHtml: FillFromHtml(bytes, &a); break;
    case Format::kText: FillFromText(bytes, &a); break;
  }
  if (IsBlank(a.body()) && IsBlank(a.title())) return Fail(v1::NO_TEXT, "article has neither title nor body text");
  // The record's key and headers are bytes anyone could have sent; the
  // record's strings must be UTF-8, so they are repaired here, where they enter it.
  if (a.id().empty())
    a.set_id(!options.key.empty() ? RepairUtf8(options.key) : !a.url().empty() ? a.url() : ContentHashId(bytes));
  if (a.source().empty()) a.set_source(RepairUtf8(options.source));
  if (a.url().empty()) a.set_url(RepairUtf8(options.url));
  return {};
}

Result<v1::Article> ParseArticle(std::string_view bytes, const ParseOptions& options) {
  v1::Article a;
  if (Status s = ParseArticle(bytes, options, &a); !s) return Unexpected(s.error());
  return a;
}

}  // namespace herald
