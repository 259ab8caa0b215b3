// BuildQuerySql (query.h): a Query as one statement in SQLite's or
// PostgreSQL's dialect. Every value goes in as a bound parameter; the only
// text spliced in is this file's own (column names, operators).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>

#include "consumers/store/query.h"

namespace herald::store {
namespace {

constexpr double kKmPerDegree = 111.2;

class Builder {
 public:
  Builder(SqlDialect d, SqlStatement* out, TextPlan plan = TextPlan::kMatchSet) : dialect_(d), out_(out), plan_(plan) {}
  SqlDialect dialect() const { return dialect_; }
  TextPlan text_plan() const { return plan_; }
  std::string Bind(SqlValue v) {
    out_->values.push_back(v);
    return (dialect_ == SqlDialect::kSqlite ? "?" : "$") + std::to_string(out_->values.size());
  }
  std::string Text(std::string text) {
    out_->owned.push_back(std::move(text));
    return Bind({.type = SqlType::kText, .bytes = out_->owned.back()});
  }
  std::string Integer(int64_t v) { return Bind({.type = SqlType::kInteger, .integer = v}); }
  std::string Real(double v) { return Bind({.type = SqlType::kReal, .real = v}); }

 private:
  SqlDialect dialect_;
  SqlStatement* out_;
  TextPlan plan_;
};

std::string Join(const std::vector<std::string>& conditions) {
  if (conditions.empty()) return "";
  std::string out = " WHERE ";
  for (size_t i = 0; i < conditions.size(); ++i) out += (i ? " AND " : "") + conditions[i];
  return out;
}

void TimeRange(const Query& q, Builder& b, const std::string& column, std::vector<std::string>* out) {
  if (q.from) out->push_back(column + " >= " + b.Integer(*q.from));
  if (q.to) out->push_back(column + " < " + b.Integer(*q.to));
}

// The CAMEO codes under `prefix`: "14" -> ["14", "15"), a range of the index.
void CameoRange(const std::string& prefix, Builder& b, const std::string& column, std::vector<std::string>* out) {
  std::string upper = prefix;
  upper.back() = static_cast<char>(upper.back() + 1);  // digits: '9' + 1 is ':', past every digit
  out->push_back(column + " >= " + b.Text(prefix) + " AND " + column + " < " + b.Text(upper));
}

// Within q.near of the point: a box the indexes can use, then the distance.
void NearPoint(const Near& n, Builder& b, const std::string& lat, const std::string& lon,
               std::vector<std::string>* out) {
  const double d = n.km / kKmPerDegree;
  out->push_back(lat + " BETWEEN " + b.Real(n.latitude - d) + " AND " + b.Real(n.latitude + d));
  const double cosine = std::cos(n.latitude * M_PI / 180);
  if (std::abs(n.latitude) + d < 89 && cosine > 0) {
    const double dlon = d / cosine;
    if (n.longitude - dlon > -180 && n.longitude + dlon < 180) {
      out->push_back(lon + " BETWEEN " + b.Real(n.longitude - dlon) + " AND " + b.Real(n.longitude + dlon));
    }
  }
  out->push_back("herald_distance_km(" + lat + ", " + lon + ", " + b.Real(n.latitude) + ", " + b.Real(n.longitude) +
                 ") <= " + b.Real(n.km));
}

// The conditions on an event row (columns prefixed by `e`, "e." or "").
std::vector<std::string> EventConditions(const Query& q, Builder& b, const std::string& e) {
  std::vector<std::string> c;
  if (!q.country.empty()) {
    c.push_back("(" + e + "source_country = " + b.Text(q.country) + " OR " + e +
                "target_country = " + b.Text(q.country) + ")");
  }
  if (!q.actor.empty()) {
    c.push_back("(" + e + "source_code = " + b.Text(q.actor) + " OR " + e + "target_code = " + b.Text(q.actor) + ")");
  }
  if (!q.cameo.empty()) CameoRange(q.cameo, b, e + "cameo_code", &c);
  if (!q.plover.empty()) c.push_back(e + "plover = " + b.Text(q.plover));
  if (!q.plover_mode.empty()) c.push_back(e + "plover_mode = " + b.Text(q.plover_mode));
  if (q.quad_class) c.push_back(e + "quad_class = " + b.Integer(*q.quad_class));
  if (q.goldstein_min) c.push_back(e + "goldstein >= " + b.Real(*q.goldstein_min));
  if (q.goldstein_max) c.push_back(e + "goldstein <= " + b.Real(*q.goldstein_max));
  if (q.near) NearPoint(*q.near, b, e + "latitude", e + "longitude", &c);
  return c;
}

bool HasEventConditions(const Query& q) {
  return !q.actor.empty() || !q.cameo.empty() || !q.plover.empty() || !q.plover_mode.empty() || q.quad_class ||
         q.goldstein_min || q.goldstein_max;
}

// Free text as FTS5 wants it: each word a quoted string, all of them required.
std::string Fts5Words(std::string_view text) {
  std::string out, word;
  auto flush = [&] {
    const bool wordy = std::any_of(word.begin(), word.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
    });
    if (wordy) out += (out.empty() ? "\"" : " \"") + word + "\"";
    word.clear();
  };
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      flush();
    } else {
      word += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
  }
  flush();
  return out;
}

// The conditions on an article row `a` (alias "a."), except its time when `with_time` is false.
std::vector<std::string> ArticleConditions(const Query& q, Builder& b, bool with_time, bool with_events) {
  std::vector<std::string> c;
  if (with_time) TimeRange(q, b, "a.time", &c);
  if (q.tone_min) c.push_back("a.tone >= " + b.Real(*q.tone_min));
  if (q.tone_max) c.push_back("a.tone <= " + b.Real(*q.tone_max));
  auto named = [&](const std::string& value, const char* table) {
    if (value.empty()) return;
    std::vector<std::string> inner{"name = " + b.Text(value)};
    TimeRange(q, b, "time", &inner);  // the key is (name, time, article_seq)
    c.push_back("a.seq IN (SELECT article_seq FROM " + std::string(table) + Join(inner) + ")");
  };
  if (with_events) named(q.country, "countries");
  named(q.person, "persons");
  named(q.organization, "organizations");
  named(q.theme, "themes");
  if (with_events && HasEventConditions(q)) {
    Query events_only = q;
    events_only.country.clear(), events_only.near.reset();
    std::vector<std::string> inner = EventConditions(events_only, b, "");
    TimeRange(q, b, "time", &inner);
    c.push_back("a.seq IN (SELECT article_seq FROM events" + Join(inner) + ")");
  }
  if (with_events && q.near) {
    std::vector<std::string> inner;
    NearPoint(*q.near, b, "latitude", "longitude", &inner);
    TimeRange(q, b, "time", &inner);
    c.push_back("a.seq IN (SELECT article_seq FROM locations" + Join(inner) + ")");
  }
  if (!q.text.empty()) {
    if (b.dialect() == SqlDialect::kSqlite) {
      const std::string words = Fts5Words(q.text);
      if (words.empty()) {
        c.push_back("0 = 1");
      } else if (b.text_plan() == TextPlan::kPerArticle) {
        c.push_back("EXISTS (SELECT 1 FROM articles_text WHERE articles_text MATCH " + b.Text(words) +
                    " AND rowid = a.seq)");
      } else {
        c.push_back("a.seq IN (SELECT rowid FROM articles_text WHERE articles_text MATCH " + b.Text(words) + ")");
      }
    } else {
      c.push_back("a.search @@ plainto_tsquery('english', " + b.Text(q.text) + ")");
    }
  }
  return c;
}

std::string Limit(const Query& q, Builder& b) { return " LIMIT " + b.Integer(q.limit); }

void Articles(const Query& q, Builder& b, SqlStatement* s) {
  std::vector<std::string> c = ArticleConditions(q, b, true, true);
  if (q.after) {
    c.push_back("(a.time < " + b.Integer(q.after->time) + " OR (a.time = " + b.Integer(q.after->time) +
                " AND a.seq < " + b.Integer(q.after->seq) + "))");
  }
  s->sql =
      "SELECT a.seq, a.time, a.id, a.url, a.source, a.title, a.published_at, a.tone, a.event_count "
      "FROM articles a" +
      Join(c) + " ORDER BY a.time DESC, a.seq DESC" + Limit(q, b);
}

void Events(const Query& q, Builder& b, SqlStatement* s) {
  std::vector<std::string> c = EventConditions(q, b, "e.");
  TimeRange(q, b, "e.time", &c);
  for (std::string& a : ArticleConditions(q, b, false, false)) c.push_back(std::move(a));
  if (q.after) {
    const std::string t = b.Integer(q.after->time), seq = b.Integer(q.after->seq);
    c.push_back("(e.time < " + t + " OR (e.time = " + t + " AND (e.article_seq < " + seq +
                " OR (e.article_seq = " + seq + " AND e.ordinal < " + b.Integer(q.after->ordinal) + "))))");
  }
  s->sql =
      "SELECT e.article_seq, e.ordinal, e.time, e.source_code, e.source_name, e.source_country, e.source_sector, "
      "e.target_code, e.target_name, e.target_country, e.target_sector, e.cameo_code, e.root_code, e.quad_class, "
      "e.goldstein, e.plover, e.plover_mode, e.location_name, e.location_type, e.location_country, e.latitude, "
      "e.longitude, "
      "e.sentence_begin, e.trigger, e.confidence, "
      "a.id, a.url, a.title, a.tone, a.stored_at FROM events e JOIN articles a ON a.seq = e.article_seq" +
      Join(c) + " ORDER BY e.time DESC, e.article_seq DESC, e.ordinal DESC" + Limit(q, b);
}

void Timeline(const Query& q, Builder& b, SqlStatement* s) {
  const std::string step = b.Integer(q.bucket_seconds), step_again = b.Integer(q.bucket_seconds);
  std::vector<std::string> c = ArticleConditions(q, b, true, true);
  s->sql = "SELECT (a.time / " + step + ") * " + step_again +
           " AS bucket, COUNT(*) AS articles, AVG(a.tone) AS tone FROM articles a" + Join(c) +
           " GROUP BY 1 ORDER BY 1 LIMIT 100000";
}

void TopNames(const Query& q, const char* table, Builder& b, SqlStatement* s) {
  std::vector<std::string> c;
  TimeRange(q, b, "t.time", &c);
  // With country=UKR, top-countries are those named beside Ukraine.
  std::vector<std::string> article = ArticleConditions(q, b, false, true);
  if (!article.empty()) c.push_back("t.article_seq IN (SELECT a.seq FROM articles a" + Join(article) + ")");
  s->sql = "SELECT t.name, COUNT(*) AS articles FROM " + std::string(table) + " t" + Join(c) +
           " GROUP BY t.name ORDER BY articles DESC, t.name" + Limit(q, b);
}

void TopActors(const Query& q, Builder& b, SqlStatement* s) {
  auto side = [&](const char* column) {
    std::vector<std::string> c = EventConditions(q, b, "e.");
    TimeRange(q, b, "e.time", &c);
    std::vector<std::string> article = ArticleConditions(q, b, false, false);
    if (!article.empty()) c.push_back("e.article_seq IN (SELECT a.seq FROM articles a" + Join(article) + ")");
    c.push_back(std::string("e.") + column + " <> ''");
    return "SELECT e." + std::string(column) + " AS name FROM events e" + Join(c);
  };
  const std::string sources = side("source_code"), targets = side("target_code");
  s->sql = "SELECT name, COUNT(*) AS events FROM (" + sources + " UNION ALL " + targets +
           ") x GROUP BY name ORDER BY events DESC, name" + Limit(q, b);
}

// Lists of articles or events, newest first, a page at a time: the modes
// where a free-text plan can stop once the page is full.
bool PagesThroughRows(const Query& q) { return q.mode == QueryMode::kArticles || q.mode == QueryMode::kEvents; }

}  // namespace

std::optional<SqlStatement> TextPlanProbe(const Query& q, SqlDialect dialect) {
  if (dialect != SqlDialect::kSqlite || q.text.empty() || !PagesThroughRows(q)) return std::nullopt;
  const std::string words = Fts5Words(q.text);
  if (words.empty()) return std::nullopt;
  SqlStatement s;
  Builder b(dialect, &s);
  s.sql = "SELECT COUNT(*) FROM (SELECT 1 FROM articles_text WHERE articles_text MATCH " + b.Text(words) + " LIMIT " +
          b.Integer(kCommonWordsMatches) + ")";
  return s;
}

SqlStatement BuildQuerySql(const Query& q, SqlDialect dialect, TextPlan plan) {
  SqlStatement s;
  // Top lists and timelines read every article of the window: the match set, once.
  Builder b(dialect, &s, PagesThroughRows(q) ? plan : TextPlan::kMatchSet);
  switch (q.mode) {
    case QueryMode::kArticles: Articles(q, b, &s); break;
    case QueryMode::kEvents: Events(q, b, &s); break;
    case QueryMode::kTimeline: Timeline(q, b, &s); break;
    case QueryMode::kTopCountries: TopNames(q, "countries", b, &s); break;
    case QueryMode::kTopThemes: TopNames(q, "themes", b, &s); break;
    case QueryMode::kTopPersons: TopNames(q, "persons", b, &s); break;
    case QueryMode::kTopOrganizations: TopNames(q, "organizations", b, &s); break;
    case QueryMode::kTopActors: TopActors(q, b, &s); break;
  }
  return s;
}

}  // namespace herald::store
