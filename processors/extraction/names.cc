#include "processors/extraction/names.h"

#include <algorithm>

#include "processors/extraction/word_set.h"
#include "processors/syntax/tokenizer.h"

namespace herald::extraction {

// Words that start with a capital but do not continue a person's name.
bool StopsName(std::string_view w) {
  static const WordSet kStop{"The",   "A",        "An",        "In",         "On",       "At",    "And",    "But",
                             "Or",    "Of",       "For",       "To",         "Has",      "Had",   "Have",   "Is",
                             "Was",   "Said",     "Says",      "Will",       "Would",    "Who",   "Which",  "That",
                             "This",  "Assembly", "Council",   "Department", "Ministry", "Staff", "Office", "Committee",
                             "House", "General",  "Secretary", "Minister"};
  return kStop(w);
}

// ---- Names the dictionaries do not know ----

// Capitalised words that start sentences or name times, not entities.
bool CommonCapitalised(std::string_view text, const Word& w) {
  static const WordSet kWords{
      "The",      "A",      "An",      "In",        "On",       "At",       "It",        "He",        "She",
      "They",     "We",     "I",       "You",       "This",     "That",     "These",     "Those",     "But",
      "And",      "Or",     "If",      "As",        "For",      "From",     "With",      "By",        "To",
      "Of",       "After",  "Before",  "When",      "While",    "Although", "However",   "Meanwhile", "According",
      "His",      "Her",    "Their",   "Its",       "Our",      "My",       "There",     "Here",      "What",
      "Who",      "Why",    "How",     "Where",     "Mr",       "Mrs",      "Ms",        "Dr",        "Some",
      "Many",     "Most",   "Other",   "Both",      "All",      "Each",     "Such",      "January",   "February",
      "March",    "April",  "May",     "June",      "July",     "August",   "September", "October",   "November",
      "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",   "Saturday",  "Sunday",    "Reuter",
      "Reuters",  "Inc",    "Corp",    "Ltd",       "Co"};
  return kWords(text, w);
}

bool OrganisationWord(std::string_view text, const Word& w) {
  static const WordSet kWords{
      "Inc",          "Corp",         "Corporation",  "Company",        "Co",         "Ltd",
      "LLC",          "Plc",          "Group",        "Holdings",       "Bank",       "Party",
      "University",   "College",      "Institute",    "Agency",         "Council",    "Ministry",
      "Department",   "Office",       "Association",  "Church",         "Court",      "Committee",
      "Organization", "Organisation", "Federation",   "Foundation",     "Commission", "Service",
      "Club",         "Union",        "League",       "Army",           "Navy",       "Police",
      "Force",        "Forces",       "News",         "Times",          "Post",       "Journal",
      "Herald",       "Tribune",      "Broadcasting", "Network",        "Airlines",   "Airways",
      "Motors",       "Industries",   "Systems",      "Technologies",   "Energy",     "Oil",
      "Petroleum",    "Exchange",     "Fund",         "Trust",          "Board",      "Authority",
      "Assembly",     "Parliament",   "Senate",       "Congress",       "Cabinet",    "Team",
      "FC",           "Institution",  "Society",      "Press",          "Magazine",   "Hospital",
      "School",       "Org",          "Legion",       "Administration", "Bureau"};
  return kWords(text, w);
}

bool PlaceWord(std::string_view text, const Word& w) {
  static const WordSet kWords{"City",    "County", "River",  "Island",  "Islands", "Mountain",  "Mountains", "Street",
                              "Avenue",  "Park",   "Lake",   "Bay",     "Valley",  "Province",  "Region",    "Airport",
                              "Station", "Square", "Bridge", "Beach",   "Desert",  "Peninsula", "Ocean",     "Gulf",
                              "Canal",   "Coast",  "Center", "Centre",  "Museum",  "Base",      "Port",      "Harbor",
                              "Harbour", "Camp",   "Prison", "Stadium", "District"};
  return kWords(text, w);
}

// Capitalised words of titles, events and products, which people's names do not contain.
bool NonPersonWord(std::string_view text, const Word& w) {
  static const WordSet kWords{
      "Space",         "Shuttle",    "Program",  "Programme", "World",   "Cup",          "Fair",     "Science",
      "Weekly",        "Museum",     "Expo",     "Day",       "Games",   "Award",        "Awards",   "Prize",
      "Festival",      "Conference", "Summit",   "Show",      "Series",  "Championship", "Act",      "Bill",
      "Treaty",        "Agreement",  "Plan",     "Project",   "Mission", "Station",      "Week",     "Year",
      "Olympics",      "Olympic",    "Grand",    "Prix",      "Open",    "Cathedral",    "Temple",   "Hall",
      "Tower",         "Palace",     "Stadium",  "Arena",     "Hotel",   "Road",         "North",    "South",
      "East",          "West",       "Northern", "Southern",  "Eastern", "Western",      "Central",  "National",
      "International", "Federal",    "State",    "Royal",     "General", "Global",       "Internet", "Online",
      "Daily",         "VR",         "TV",       "Radio"};
  return kWords(text, w);
}

// Capitalised words that end a run of names rather than continue it.
bool EndsRun(std::string_view text, const Word& w) {
  static const WordSet kWords{"The", "A", "An", "And", "But", "In", "On", "Reuters", "Reuter"};
  return kWords(text, w);
}

// Lower-case words that join the capitalised words of one name ("University of Texas").
bool NameConnector(std::string_view text, const Word& w) {
  static const WordSet kWords{"of", "for", "the", "and", "de", "at", "du", "von", "van", "al", "bin"};
  return kWords(text, w);
}

// Runs of capitalised words joined by single spaces ("Johnson Space Center"),
// with "of", "for", "the", "and", "de" allowed inside ("University of Texas").
void FindCapitalisedRuns(std::string_view text, const std::vector<Word>& words, NameRuns* out) {
  std::vector<NameRun>& runs = out->runs;
  runs.clear();
  out->words.clear();
  size_t i = 0;
  while (i < words.size()) {
    if (!IsUpper(text[words[i].begin]) || CommonCapitalised(text, words[i])) {
      ++i;
      continue;
    }
    NameRun run{words[i].begin, words[i].end, static_cast<uint32_t>(out->words.size()), 1};
    out->words.push_back(words[i]);
    size_t j = i + 1;
    while (j < words.size()) {
      std::string_view gap = text.substr(words[j - 1].end, words[j].begin - words[j - 1].end);
      if (gap != " ") break;
      const Word& next = words[j];
      if (IsUpper(text[next.begin]) && !EndsRun(text, next)) {
        out->words.push_back(next);
        ++run.word_count;
        run.end = words[j].end;
        ++j;
        continue;
      }
      bool connector = NameConnector(text, next);
      if (connector && j + 1 < words.size() && text.substr(words[j].end, words[j + 1].begin - words[j].end) == " " &&
          IsUpper(text[words[j + 1].begin])) {
        run.has_connector = true;
        ++j;
        continue;
      }
      break;
    }
    runs.push_back(run);
    i = j;
  }
}

NameRun ProperNounPart(std::string_view text, const std::vector<Word>& words, const NameRuns& runs, const NameRun& run,
                       const syntax::Tagger& tagger) {
  // The run with three words of context on each side: enough for the
  // tagger's window, a few dozen words' work instead of the sentence's.
  constexpr size_t kContext = 3;
  const auto first =
      std::lower_bound(words.begin(), words.end(), run.begin, [](const Word& w, uint32_t at) { return w.begin < at; });
  const auto last =
      std::lower_bound(first, words.end(), run.end, [](const Word& w, uint32_t at) { return w.end < at; });
  const uint32_t from =
      (first - words.begin() >= static_cast<ptrdiff_t>(kContext) ? first - kContext : words.begin())->begin;
  const uint32_t to = (words.end() - last > static_cast<ptrdiff_t>(kContext) ? last + kContext : words.end() - 1)->end;
  const std::string_view window = text.substr(from, to - from);
  thread_local std::vector<syntax::WordSpan> spans;
  thread_local std::vector<std::string_view> forms;
  thread_local std::vector<syntax::Upos> tags;
  syntax::Tokenize(window, &spans);
  forms.clear();
  for (const syntax::WordSpan& s : spans) forms.push_back(s.Of(window));
  tagger.Tag(forms, &tags);
  // Whether run word w is a name. Where a capital says nothing (a sentence's
  // first word, after a greeting's line break) only the tagger's PROPN does;
  // elsewhere the capital does, unless the tagger reads a function word ("Now I").
  auto proper = [&](const Word& w) {
    const auto token = std::lower_bound(spans.begin(), spans.end(), w.begin - from,
                                        [](const syntax::WordSpan& s, uint32_t at) { return s.begin < at; });
    if (token == spans.end() || token->begin != w.begin - from) return true;
    const size_t i = token - spans.begin();
    const bool starts_sentence =
        i == 0
            ? from == 0
            : (tags[i - 1] == syntax::Upos::kPunct && forms[i - 1] != "," && forms[i - 1] != "-") ||
                  window.substr(spans[i - 1].end, token->begin - spans[i - 1].end).find('\n') != std::string_view::npos;
    switch (tags[i]) {
      case syntax::Upos::kPropn: return true;
      case syntax::Upos::kVerb:
      case syntax::Upos::kX: return !starts_sentence;
      default: return false;
    }
  };
  std::span<const Word> run_words = runs.WordsOf(run);
  size_t begin = 0, end = run_words.size();
  while (begin < end && !proper(run_words[begin])) ++begin;
  if (begin == end) return {run.begin, run.begin, run.first_word, 0};
  if (begin == 0 && end == run_words.size()) return run;
  NameRun part{run_words[begin].begin, run_words[end - 1].end, run.first_word + static_cast<uint32_t>(begin),
               static_cast<uint32_t>(end - begin)};
  // A connector is still inside when the part has more words than capitalised ones.
  const std::string_view part_text = text.substr(part.begin, part.end - part.begin);
  part.has_connector =
      run.has_connector && static_cast<size_t>(std::count(part_text.begin(), part_text.end(), ' ')) >= part.word_count;
  return part;
}

bool AfterPlacePreposition(std::string_view text, uint32_t pos) {
  for (std::string_view p : {"in ", "near ", "outside ", "across ", "at "}) {
    if (pos >= p.size() + 1 && text.substr(pos - p.size(), p.size()) == p &&
        (text[pos - p.size() - 1] == ' ' || text[pos - p.size() - 1] == '\n'))
      return true;
  }
  return false;
}

// Whether the text right before `pos` is a courtesy title ("Mr. ", "Dr ").
bool AfterCourtesyTitle(std::string_view text, uint32_t pos) {
  if (pos < 3 || text[pos - 1] != ' ') return false;
  for (std::string_view t : {"Mr. ", "Mrs. ", "Ms. ", "Dr. ", "Mr ", "Mrs ", "Ms ", "Dr "}) {
    if (pos >= t.size() && text.substr(pos - t.size(), t.size()) == t) return true;
  }
  return false;
}

bool InHeading(std::string_view text, uint32_t pos) {
  constexpr size_t kLongestHeading = 80;
  const size_t begin = text.rfind('\n', pos) == std::string_view::npos ? 0 : text.rfind('\n', pos) + 1;
  size_t end = text.find('\n', pos);
  if (end == std::string_view::npos) end = text.size();
  std::string_view line = text.substr(begin, end - begin);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
  if (line.empty() || line.size() > kLongestHeading || line.back() == '.' || line.back() == ',') return false;
  if (line.starts_with("By ")) return false;  // a byline names its author
  int words = 0;
  for (size_t i = 0; i < line.size();) {
    while (i < line.size() && line[i] == ' ') ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    std::string_view word = line.substr(start, i - start);
    if (word.empty()) continue;
    ++words;
    const bool small = word == "of" || word == "the" || word == "and" || word == "in" || word == "on" ||
                       word == "for" || word == "a" || word == "an" || word == "to" || word == "with" || word == "at";
    if (!small && !IsUpper(word[0]) && !(word[0] >= '0' && word[0] <= '9')) return false;
  }
  return words >= 3;  // a name alone on its line is a name
}

}  // namespace herald::extraction
