#include "consumers/store/store_tables.h"

#include <charconv>
#include <string>

#include "core/check.h"
#include "core/clock.h"

namespace herald::store {
namespace {

using enum SqlType;

// The part of an actor code after its country or organisation prefix:
// "USAGOV" -> "GOV", "IGOUNOMIL" -> "UNOMIL" (CAMEO's three-letter prefixes).
std::string_view Sector(std::string_view code) { return code.size() > 3 ? code.substr(3) : std::string_view(); }

// A float field as the double its shortest decimal form names: 0.9f is
// stored as 0.9, not 0.8999999761581421.
double FloatAsWritten(float v) {
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, v).ptr;
  double out = v;
  std::from_chars(text, end, out);
  return out;
}

constexpr Column kArticleColumns[] = {
    {"id", kText, "the record's id (unique)"},
    {"url", kText, ""},
    {"source", kText, ""},
    {"title", kText, ""},
    {"body", kText, "the article's text"},
    {"language", kText, ""},
    {"published_at", kText, "as the source gave it"},
    {"time", kInteger, "unix seconds: published, else processed, else stored"},
    {"processed_at", kText, "RFC 3339"},
    {"tone", kReal, "GDELT V2Tone: positive less negative, in percent of words"},
    {"positive", kReal, ""},
    {"negative", kReal, ""},
    {"polarity", kReal, ""},
    {"activity_density", kReal, ""},
    {"self_group_density", kReal, ""},
    {"word_count", kInteger, ""},
    {"simhash", kInteger, "64-bit SimHash of the text, as a signed integer"},
    {"event_count", kInteger, ""},
    {"record", kBlob, "the whole EventRecord, serialised"},
    {"kafka_topic", kText, ""},
    {"kafka_partition", kInteger, ""},
    {"kafka_offset", kInteger, ""},
    {"stored_at", kInteger, "unix seconds"},
};
constexpr std::string_view kArticleIndexes[] = {"time"};

void ArticleRows(const RecordContext& c, RowWriter& w) {
  const v1::EventRecord& r = *c.record;
  const v1::Tone& t = r.tone();
  w.Row()
      .Text(r.id())
      .Text(r.article().url())
      .Text(r.article().source())
      .Text(r.article().title())
      .Text(r.article().body())
      .Text(r.article().language())
      .Text(r.article().published_at())
      .Integer(c.time)
      .Text(r.provenance().processed_at())
      .Real(t.tone())
      .Real(t.positive())
      .Real(t.negative())
      .Real(t.polarity())
      .Real(t.activity_density())
      .Real(t.self_group_density())
      .Integer(r.stats().word_count())
      .Integer(static_cast<int64_t>(r.stats().simhash()))
      .Integer(r.events_size())
      .Blob(c.record_bytes)
      .Text(c.kafka_topic)
      .Integer(c.kafka_partition)
      .Integer(c.kafka_offset)
      .Integer(c.stored_at);
}

constexpr Column kEventColumns[] = {
    {"article_seq", kInteger, ""},
    {"ordinal", kInteger, "the event's place in the record"},
    {"time", kInteger, ""},
    {"source_code", kText, "CAMEO actor code, e.g. USAGOV"},
    {"source_name", kText, ""},
    {"source_country", kText, "ISO 3166 alpha-3, or a CAMEO prefix (IGO)"},
    {"source_sector", kText, "the code after its three-letter prefix: GOV, MIL, REB, ..."},
    {"target_code", kText, ""},
    {"target_name", kText, ""},
    {"target_country", kText, ""},
    {"target_sector", kText, ""},
    {"cameo_code", kText, "e.g. 0431"},
    {"root_code", kText, "e.g. 04"},
    {"quad_class", kInteger, "1-4"},
    {"goldstein", kReal, "-10 to 10"},
    {"plover", kText, "PLOVER category"},
    {"location_name", kText, "where it happened (CodedEvent.location)"},
    {"location_type", kText, ""},
    {"location_country", kText, ""},
    {"latitude", kReal, "NULL without coordinates"},
    {"longitude", kReal, ""},
    {"sentence_begin", kInteger, "byte offsets of the sentence in the article body"},
    {"sentence_end", kInteger, ""},
    {"trigger", kText, ""},
    {"rule", kText, ""},
    {"confidence", kReal, ""},
    {"plover_mode", kText, "how, within the PLOVER category: phone, visit, riot, heavy-weapons, ...", 3},
};
constexpr std::string_view kEventKey[] = {"article_seq", "ordinal"};
constexpr std::string_view kEventIndexes[] = {"time",
                                              "source_country, time",
                                              "target_country, time",
                                              "source_code, time",
                                              "target_code, time",
                                              "cameo_code, time",
                                              "latitude, longitude"};

void EventRows(const RecordContext& c, RowWriter& w) {
  int ordinal = 0;
  for (const v1::CodedEvent& e : c.record->events()) {
    w.Row()
        .Integer(c.article_seq)
        .Integer(ordinal++)
        .Integer(c.time)
        .Text(e.source().code())
        .Text(e.source().name())
        .Text(e.source().country_code())
        .Text(Sector(e.source().code()))
        .Text(e.target().code())
        .Text(e.target().name())
        .Text(e.target().country_code())
        .Text(Sector(e.target().code()))
        .Text(e.cameo_code())
        .Text(e.root_code())
        .Integer(e.quad_class())
        .Real(e.goldstein())
        .Text(e.plover())
        .Text(e.location().name())
        .Text(e.location().type())
        .Text(e.location().country_code());
    if (e.location().resolved()) {
      w.Real(e.location().latitude()).Real(e.location().longitude());
    } else {
      w.Null().Null();
    }
    w.Integer(e.sentence().begin())
        .Integer(e.sentence().end())
        .Text(e.trigger())
        .Text(e.rule())
        .Real(FloatAsWritten(e.confidence()))
        .Text(e.plover_mode());
  }
}

// The tables of names share a shape: the name first, so that one name over a
// span of time is one range of the key.
constexpr std::string_view kNameKey[] = {"name", "time", "article_seq"};
constexpr std::string_view kByTime[] = {"time"};

constexpr Column kPersonColumns[] = {
    {"name", kText, ""},         {"time", kInteger, ""},    {"article_seq", kInteger, ""}, {"role", kText, ""},
    {"country_code", kText, ""}, {"actor_code", kText, ""}, {"mentions", kInteger, ""},
};
void PersonRows(const RecordContext& c, RowWriter& w) {
  for (const v1::Person& p : c.record->persons()) {
    w.Row()
        .Text(p.name())
        .Integer(c.time)
        .Integer(c.article_seq)
        .Text(p.role())
        .Text(p.country_code())
        .Text(p.actor_code())
        .Integer(p.spans_size());
  }
}

constexpr Column kOrganizationColumns[] = {
    {"name", kText, ""},       {"time", kInteger, ""},      {"article_seq", kInteger, ""},
    {"actor_code", kText, ""}, {"country_code", kText, ""}, {"mentions", kInteger, ""},
};
void OrganizationRows(const RecordContext& c, RowWriter& w) {
  for (const v1::Organization& o : c.record->organizations()) {
    w.Row()
        .Text(o.name())
        .Integer(c.time)
        .Integer(c.article_seq)
        .Text(o.actor_code())
        .Text(o.country_code())
        .Integer(o.spans_size());
  }
}

constexpr Column kLocationColumns[] = {
    {"name", kText, ""},           {"time", kInteger, ""},
    {"article_seq", kInteger, ""}, {"type", kText, "country, admin1, city, ..."},
    {"country_code", kText, ""},   {"latitude", kReal, "NULL when not resolved"},
    {"longitude", kReal, ""},      {"geonames_id", kInteger, ""},
    {"mentions", kInteger, ""},
};
constexpr std::string_view kLocationIndexes[] = {"time", "latitude, longitude"};
void LocationRows(const RecordContext& c, RowWriter& w) {
  for (const v1::Location& l : c.record->locations()) {
    w.Row().Text(l.name()).Integer(c.time).Integer(c.article_seq).Text(l.type()).Text(l.country_code());
    if (l.resolved()) {
      w.Real(l.latitude()).Real(l.longitude());
    } else {
      w.Null().Null();
    }
    w.Integer(l.geonames_id()).Integer(l.spans_size());
  }
}

constexpr Column kThemeColumns[] = {
    {"name", kText, "GDELT-style theme, e.g. MILITARY"}, {"time", kInteger, ""}, {"article_seq", kInteger, ""}};
void ThemeRows(const RecordContext& c, RowWriter& w) {
  for (const std::string& t : c.record->themes()) w.Row().Text(t).Integer(c.time).Integer(c.article_seq);
}

constexpr Column kCountryColumns[] = {
    {"name", kText, "ISO 3166 alpha-3 code of a country the article mentions"},
    {"time", kInteger, ""},
    {"article_seq", kInteger, ""},
    {"mentions", kInteger, ""},
    {"in_title", kInteger, "1 when the title names it"},
};
void CountryRows(const RecordContext& c, RowWriter& w) {
  for (const v1::CountryMention& m : c.record->countries()) {
    w.Row().Text(m.code()).Integer(c.time).Integer(c.article_seq).Integer(m.mentions()).Integer(m.in_title());
  }
}

constexpr Column kQuoteColumns[] = {
    {"article_seq", kInteger, ""}, {"ordinal", kInteger, ""}, {"time", kInteger, ""},
    {"speaker", kText, ""},        {"text", kText, ""},
};
constexpr std::string_view kQuoteKey[] = {"article_seq", "ordinal"};
void QuoteRows(const RecordContext& c, RowWriter& w) {
  int ordinal = 0;
  for (const v1::Quote& q : c.record->quotes()) {
    w.Row().Integer(c.article_seq).Integer(ordinal++).Integer(c.time).Text(q.speaker()).Text(q.text());
  }
}

constexpr std::string_view kArticleKey[] = {"seq"};
constexpr Table kArticles = {"articles",  "one row per record", kArticleColumns,
                             kArticleKey, kArticleIndexes,      ArticleRows};

constexpr Table kRecordTables[] = {
    {"events", "one row per coded event", kEventColumns, kEventKey, kEventIndexes, EventRows},
    {"persons", "one row per person an article names", kPersonColumns, kNameKey, kByTime, PersonRows},
    {"organizations", "one row per organisation", kOrganizationColumns, kNameKey, kByTime, OrganizationRows},
    {"locations", "one row per place", kLocationColumns, kNameKey, kLocationIndexes, LocationRows},
    {"themes", "one row per theme", kThemeColumns, kNameKey, kByTime, ThemeRows},
    {"countries", "one row per country mentioned", kCountryColumns, kNameKey, kByTime, CountryRows},
    {"quotes", "one row per quotation", kQuoteColumns, kQuoteKey, {}, QuoteRows},
};

}  // namespace

int64_t RecordTime(const v1::EventRecord& record, int64_t fallback) {
  for (const std::string& text : {record.article().published_at(), record.provenance().processed_at()}) {
    if (auto micros = ParseTimestamp(text)) return *micros / 1000000;
  }
  return fallback;
}

RowWriter::RowWriter(const Table& table) : width_(table.columns.size()) {}

RowWriter& RowWriter::Row() {
  HERALD_CHECK(values_.size() % width_ == 0, "the previous row must fill every column");
  return *this;
}
RowWriter& RowWriter::Add(SqlValue v) {
  values_.push_back(v);
  return *this;
}
RowWriter& RowWriter::Text(std::string_view v) { return Add({.type = kText, .bytes = v}); }
RowWriter& RowWriter::Blob(std::string_view v) { return Add({.type = kBlob, .bytes = v}); }
RowWriter& RowWriter::Integer(int64_t v) { return Add({.type = kInteger, .integer = v}); }
RowWriter& RowWriter::Real(double v) { return Add({.type = kReal, .real = v}); }
RowWriter& RowWriter::Null() { return Add({.type = kNull}); }

size_t RowWriter::size() const {
  HERALD_CHECK(values_.size() % width_ == 0, "the last row must fill every column");
  return values_.size() / width_;
}

std::span<const SqlValue> RowWriter::row(size_t r) const {
  return std::span<const SqlValue>(values_).subspan(r * width_, width_);
}

const Table& ArticlesTable() { return kArticles; }
std::span<const Table> RecordTables() { return kRecordTables; }

}  // namespace herald::store
