// FormatQueryRows (query_reader.h): a query's rows as JSON, NDJSON, CSV,
// GeoJSON or GDELT 2.0 event rows.
#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>

#include "consumers/store/query_reader.h"
#include "proto/json_text.h"

namespace herald::store {
namespace {

constexpr std::string_view kGdeltColumns[] = {"GLOBALEVENTID",
                                              "SQLDATE",
                                              "MonthYear",
                                              "Year",
                                              "FractionDate",
                                              "Actor1Code",
                                              "Actor1Name",
                                              "Actor1CountryCode",
                                              "Actor1KnownGroupCode",
                                              "Actor1EthnicCode",
                                              "Actor1Religion1Code",
                                              "Actor1Religion2Code",
                                              "Actor1Type1Code",
                                              "Actor1Type2Code",
                                              "Actor1Type3Code",
                                              "Actor2Code",
                                              "Actor2Name",
                                              "Actor2CountryCode",
                                              "Actor2KnownGroupCode",
                                              "Actor2EthnicCode",
                                              "Actor2Religion1Code",
                                              "Actor2Religion2Code",
                                              "Actor2Type1Code",
                                              "Actor2Type2Code",
                                              "Actor2Type3Code",
                                              "IsRootEvent",
                                              "EventCode",
                                              "EventBaseCode",
                                              "EventRootCode",
                                              "QuadClass",
                                              "GoldsteinScale",
                                              "NumMentions",
                                              "NumSources",
                                              "NumArticles",
                                              "AvgTone",
                                              "Actor1Geo_Type",
                                              "Actor1Geo_FullName",
                                              "Actor1Geo_CountryCode",
                                              "Actor1Geo_ADM1Code",
                                              "Actor1Geo_ADM2Code",
                                              "Actor1Geo_Lat",
                                              "Actor1Geo_Long",
                                              "Actor1Geo_FeatureID",
                                              "Actor2Geo_Type",
                                              "Actor2Geo_FullName",
                                              "Actor2Geo_CountryCode",
                                              "Actor2Geo_ADM1Code",
                                              "Actor2Geo_ADM2Code",
                                              "Actor2Geo_Lat",
                                              "Actor2Geo_Long",
                                              "Actor2Geo_FeatureID",
                                              "ActionGeo_Type",
                                              "ActionGeo_FullName",
                                              "ActionGeo_CountryCode",
                                              "ActionGeo_ADM1Code",
                                              "ActionGeo_ADM2Code",
                                              "ActionGeo_Lat",
                                              "ActionGeo_Long",
                                              "ActionGeo_FeatureID",
                                              "DATEADDED",
                                              "SOURCEURL"};

std::string CellText(const Cell& c) {
  char number[32];
  switch (c.type) {
    case SqlType::kInteger: return std::string(number, std::to_chars(number, number + sizeof number, c.integer).ptr);
    case SqlType::kReal:
      if (!std::isfinite(c.real)) return "";
      return std::string(number, std::to_chars(number, number + sizeof number, c.real).ptr);
    case SqlType::kNull: return "";
    default: return c.text;
  }
}

void AppendJsonCell(const Cell& c, std::string* out) {
  if (c.type == SqlType::kText || c.type == SqlType::kBlob) {
    json::AppendString(c.text, out);
  } else if (c.type == SqlType::kNull || (c.type == SqlType::kReal && !std::isfinite(c.real))) {
    out->append("null");
  } else {
    out->append(CellText(c));
  }
}

void AppendJsonRow(const QueryRows& rows, const std::vector<Cell>& row, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (size_t i = 0; i < row.size(); ++i) {
    if (!first) out->push_back(',');
    first = false;
    json::AppendString(rows.columns[i], out);
    out->push_back(':');
    AppendJsonCell(row[i], out);
  }
  out->push_back('}');
}

// RFC 4180: a field with a comma, quote or line break is quoted.
void AppendCsvLine(const std::vector<std::string>& fields, std::string* out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out->push_back(',');
    if (fields[i].find_first_of(",\"\r\n") == std::string::npos) {
      out->append(fields[i]);
      continue;
    }
    out->push_back('"');
    for (char c : fields[i]) out->append(c == '"' ? "\"\"" : std::string(1, c));
    out->push_back('"');
  }
  out->append("\r\n");
}

int Column(const QueryRows& rows, std::string_view name) {
  for (size_t i = 0; i < rows.columns.size(); ++i) {
    if (rows.columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::string Date(int64_t seconds, const char* format) {
  const std::time_t t = seconds;
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[32];
  return std::string(buffer, std::strftime(buffer, sizeof buffer, format, &utc));
}

// GDELT's geographic resolution of a place (1 country, 2 US state, 3 US
// city, 4 world city, 5 world state) from herald's place types (COUNTRY,
// ADMIN1, CAPITAL, CITY, PLACE; WATER and REGION have none in GDELT).
std::string GeoType(std::string type, const std::string& country) {
  for (char& c : type) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const bool us = country == "USA";
  if (type == "COUNTRY") return "1";
  if (type == "ADMIN1") return us ? "2" : "5";
  if (type == "CITY" || type == "CAPITAL" || type == "PLACE") return us ? "3" : "4";
  return "";
}

// One event row as GDELT 2.0's 61 tab-separated columns; where herald has no
// value (religion, ethnicity, actor geography, ADM codes) the column is empty.
void AppendGdeltRow(const QueryRows& rows, const std::vector<Cell>& row, std::string* out) {
  auto get = [&](std::string_view name) {
    const int i = Column(rows, name);
    return i < 0 ? std::string() : CellText(row[i]);
  };
  const int64_t time = row[Column(rows, "time")].integer;
  const double year_fraction = static_cast<double>(std::stoi(Date(time, "%j")) - 1) / 365;
  char fraction[16];
  std::snprintf(fraction, sizeof fraction, "%.4f", std::stoi(Date(time, "%Y")) + year_fraction);
  auto actor = [&](const char* side) {
    const std::string prefix(side);
    return std::vector<std::string>{get(prefix + "_code"),
                                    get(prefix + "_name"),
                                    get(prefix + "_country"),
                                    "",
                                    "",
                                    "",
                                    "",
                                    get(prefix + "_sector").substr(0, 3),
                                    "",
                                    ""};
  };
  const std::string cameo = get("cameo_code");
  const std::string geo_type = GeoType(get("location_type"), get("location_country"));
  std::vector<std::string> columns = {
      std::to_string(row[Column(rows, "article_seq")].integer * 1000 + row[Column(rows, "ordinal")].integer),
      Date(time, "%Y%m%d"), Date(time, "%Y%m"), Date(time, "%Y"), fraction};
  for (const char* side : {"source", "target"}) {
    for (std::string& c : actor(side)) columns.push_back(std::move(c));
  }
  for (std::string c :
       {get("sentence_begin") == "0" ? std::string("1") : std::string("0"), cameo, cameo.substr(0, 3), get("root_code"),
        get("quad_class"), get("goldstein"), std::string("1"), std::string("1"), std::string("1"), get("tone")}) {
    columns.push_back(std::move(c));
  }
  for (int geo = 0; geo < 2; ++geo) {
    for (int i = 0; i < 8; ++i) columns.emplace_back();  // actors' own places: not coded
  }
  for (std::string c : {geo_type, get("location_name"), get("location_country"), std::string(), std::string(),
                        get("latitude"), get("longitude"), std::string()}) {
    columns.push_back(std::move(c));
  }
  columns.push_back(Date(row[Column(rows, "stored_at")].integer, "%Y%m%d%H%M%S"));
  columns.push_back(get("url"));
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) out->push_back('\t');
    for (char c : columns[i]) out->push_back(c == '\t' || c == '\n' || c == '\r' ? ' ' : c);
  }
  out->push_back('\n');
}

void AppendGeoJson(const QueryRows& rows, std::string* out) {
  const int lat = Column(rows, "latitude"), lon = Column(rows, "longitude");
  out->append("{\"type\":\"FeatureCollection\",\"features\":[");
  bool first = true;
  for (const std::vector<Cell>& row : rows.rows) {
    if (row[lat].type != SqlType::kReal || row[lon].type != SqlType::kReal) continue;  // no coordinates, no feature
    if (!first) out->push_back(',');
    first = false;
    out->append("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[" + CellText(row[lon]) + "," +
                CellText(row[lat]) + "]},\"properties\":");
    AppendJsonRow(rows, row, out);
    out->push_back('}');
  }
  out->append("]}");
}

std::string NextCursor(const Query& q, const QueryRows& rows) {
  if (q.mode != QueryMode::kArticles && q.mode != QueryMode::kEvents) return "";
  if (rows.rows.size() < static_cast<size_t>(q.limit) || rows.rows.empty()) return "";
  const std::vector<Cell>& last = rows.rows.back();
  Cursor c{.time = last[Column(rows, "time")].integer};
  if (q.mode == QueryMode::kArticles) {
    c.seq = last[Column(rows, "seq")].integer;
  } else {
    c.seq = last[Column(rows, "article_seq")].integer;
    c.ordinal = last[Column(rows, "ordinal")].integer;
  }
  return EncodeCursor(c);
}

}  // namespace

std::span<const std::string_view> GdeltEventColumns() { return kGdeltColumns; }

QueryOutput FormatQueryRows(const Query& q, const QueryRows& rows) {
  QueryOutput o;
  o.next_cursor = NextCursor(q, rows);
  switch (q.format) {
    case QueryFormat::kJson: {
      o.content_type = "application/json";
      o.body = "{\"mode\":\"" + std::string(NameOf(q.mode, kQueryModeNames)) +
               "\",\"count\":" + std::to_string(rows.rows.size()) + ",\"next_cursor\":";
      if (o.next_cursor.empty()) {
        o.body += "null";
      } else {
        json::AppendString(o.next_cursor, &o.body);
      }
      o.body += ",\"rows\":[";
      for (size_t r = 0; r < rows.rows.size(); ++r) {
        if (r) o.body.push_back(',');
        AppendJsonRow(rows, rows.rows[r], &o.body);
      }
      o.body += "]}\n";
      break;
    }
    case QueryFormat::kNdjson:
      o.content_type = "application/x-ndjson";
      for (const auto& row : rows.rows) {
        AppendJsonRow(rows, row, &o.body);
        o.body.push_back('\n');
      }
      break;
    case QueryFormat::kCsv:
      o.content_type = "text/csv; charset=utf-8";
      AppendCsvLine(rows.columns, &o.body);
      for (const auto& row : rows.rows) {
        std::vector<std::string> fields;
        for (const Cell& c : row) fields.push_back(CellText(c));
        AppendCsvLine(fields, &o.body);
      }
      break;
    case QueryFormat::kGeoJson:
      o.content_type = "application/geo+json";
      AppendGeoJson(rows, &o.body);
      o.body.push_back('\n');
      break;
    case QueryFormat::kGdelt:
      o.content_type = "text/tab-separated-values; charset=utf-8";
      for (const auto& row : rows.rows) AppendGdeltRow(rows, row, &o.body);
      break;
  }
  return o;
}

}  // namespace herald::store
