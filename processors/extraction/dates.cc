// ExtractDates and ReadDateline (passes.h).
#include <ctime>
#include <string>

#include "processors/extraction/passes.h"
#include "processors/extraction/record_building.h"

namespace herald::extraction {
namespace {

// The year of the article's publication time, else of now: a dateline's
// "May 14" belongs to the year the article was written.
int PublicationYear(const v1::Article& a) {
  if (a.published_at().size() >= 4) {
    int y = 0;
    for (char ch : a.published_at().substr(0, 4)) y = y * 10 + (ch - '0');
    if (y >= 1900 && y <= 2100) return y;
  }
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  return utc.tm_year + 1900;
}

int MonthNumber(std::string_view w) {
  static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};
  static constexpr std::string_view kFull[] = {"january", "february", "march",     "april",   "may",      "june",
                                               "july",    "august",   "september", "october", "november", "december"};
  if (w.size() < 3 || w.size() > 10) return 0;
  switch (w[0]) {  // most capitalised words begin with a letter no month does
    case 'J':
    case 'F':
    case 'M':
    case 'A':
    case 'S':
    case 'O':
    case 'N':
    case 'D': break;
    default: return 0;
  }
  char buffer[10];
  size_t n = w.size();
  for (size_t i = 0; i < n; ++i) buffer[i] = FoldCase(w[i]);
  if (buffer[n - 1] == '.') --n;
  std::string_view folded(buffer, n);
  for (int i = 0; i < 12; ++i) {
    if (folded == kFull[i] ||
        (folded.size() <= 4 && folded.starts_with(kMonths[i]) && (folded.size() == 3 || folded == "sept"))) {
      return i + 1;
    }
  }
  return 0;
}

int Number(std::string_view w) {
  if (w.empty() || w.size() > 4) return -1;
  int n = 0;
  for (char ch : w) {
    if (ch < '0' || ch > '9') return -1;
    n = n * 10 + (ch - '0');
  }
  return n;
}

std::string Normalised(int year, int month, int day) {
  // YYYY[-MM[-DD]] by hand: snprintf's format parsing cost more than the rest of the date pass.
  auto digits = [](std::string* out, int value, int width) {
    char buffer[8];
    for (int i = width - 1; i >= 0; --i, value /= 10) buffer[i] = static_cast<char>('0' + value % 10);
    out->append(buffer, width);
  };
  std::string out;
  if (year <= 0) return out;
  digits(&out, year, 4);
  if (month <= 0) return out;
  out += '-';
  digits(&out, month, 2);
  if (day <= 0) return out;
  out += '-';
  digits(&out, day, 2);
  return out;
}

}  // namespace

// Dates the text names: "May 14", "14 May 2024", "March 3, 1987", "July 2022", "in 2022".
// A day and month without a year take the year the article was published, when known.
void ExtractDates(Context& ctx, const v1::Article& article) {
  const auto& w = ctx.words;
  auto word = [&](size_t i) { return ctx.text.substr(w[i].begin, w[i].end - w[i].begin); };
  for (size_t i = 0; i < w.size(); ++i) {
    // Only a capitalised word can be a month and only one starting with a digit a year.
    char initial = ctx.text[w[i].begin];
    if (!IsUpper(initial) && !(initial >= '0' && initial <= '9')) continue;
    int month = MonthNumber(word(i));
    int year = 0, day = 0;
    size_t first = i, last = i;
    if (month > 0) {
      // "May" alone is too often the verb; a month needs a day or a year beside it.
      auto is_day = [&](size_t k) { return Number(word(k)) >= 1 && Number(word(k)) <= 31; };
      auto is_year = [&](size_t k) { return Number(word(k)) >= 1900 && Number(word(k)) <= 2100; };
      if (i > 0 && is_day(i - 1)) {  // 14 May [2024]
        day = Number(word(i - 1));
        first = i - 1;
      } else if (i + 1 < w.size() && is_day(i + 1)) {  // May 14 [, 2024]
        day = Number(word(i + 1));
        last = i + 1;
      }
      if (last + 1 < w.size() && is_year(last + 1)) {
        year = Number(word(last + 1));
        last = last + 1;
      }
      if (day == 0 && year == 0) continue;
      // Only here is the publication year needed (and, without one, the clock read).
      if (year == 0 && day > 0) year = PublicationYear(article);
    } else {
      int n = Number(word(i));
      if (n < 1900 || n > 2100 || word(i).size() != 4) continue;
      // A bare year: "in 2022", "since 2019".
      if (i == 0) continue;
      std::string_view before = word(i - 1);
      if (before != "in" && before != "since" && before != "In" && before != "Since" && before != "until" &&
          before != "by" && before != "from" && before != "year" && before != "of") {
        continue;
      }
      year = n;
    }
    v1::DateMention* d = ctx.record->add_dates();
    d->set_text(std::string(ctx.text.substr(w[first].begin, w[last].end - w[first].begin)));
    d->set_normalized(Normalised(year, month, day));
    SetSpan(d->mutable_span(), w[first].begin, w[last].end);
    i = last;
  }
}

// A wire dateline opens the text: "WASHINGTON, May 14 (Agency) -" or "MANILA -".
// Its date, when the article has no publication time, becomes published_at.
void ReadDateline(Context& ctx, v1::Article* article) {
  if (!article->published_at().empty() || ctx.record->dates_size() == 0) return;
  const v1::DateMention& first = ctx.record->dates(0);
  size_t dash = ctx.text.find(" - ");
  bool in_dateline = dash != std::string_view::npos && first.span().end() <= dash && dash < 120 &&
                     ctx.text.substr(0, first.span().begin()).find(',') != std::string_view::npos;
  if (!in_dateline || first.normalized().size() != 10) return;
  article->set_published_at(first.normalized());
}

}  // namespace herald::extraction
