#include "processors/extractor.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <ctime>
#include <map>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "processors/extraction/event_coding.h"

namespace herald {
namespace {

using Match = PhraseMatcher::Match;

constexpr bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A word of the text, with a case-folded hash of its bytes (SimHash's input).
struct Word {
  uint32_t begin, end;
  uint64_t folded_hash;
};
struct Sentence {
  uint32_t begin, end;
};

uint64_t Mix(uint64_t h) {  // MurmurHash3's finaliser
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ULL;
  return h ^ (h >> 33);
}

// The text's words from the matcher's (maximal runs of word bytes), joined
// where an apostrophe and a letter continue one ("China's", "don't").
void JoinWords(std::string_view text, std::span<const PhraseMatcher::TextWord> runs, std::vector<Word>* out) {
  out->clear();
  for (size_t k = 0; k < runs.size(); ++k) {
    Word w{runs[k].begin, runs[k].end, runs[k].hash};
    bool joined = false;
    while (k + 1 < runs.size() && w.end + 1 < text.size() && text[w.end] == '\'' && IsAlpha(text[w.end + 1])) {
      w.end = runs[++k].end;
      joined = true;
    }
    if (joined) w.folded_hash = FoldedHash(text, w.begin, w.end);
    out->push_back(w);
  }
}

void SplitWords(std::string_view text, std::vector<Word>* out) {
  std::vector<PhraseMatcher::TextWord> runs;
  PhraseMatcher::SplitWords(text, &runs);
  JoinWords(text, runs, out);
}

// The first position at or after `from` holding any of the (up to four) bytes
// in `set`, or text.size(). Sixteen bytes a step where SSE2 is there (every
// x86-64): sentence and quote boundaries are a few bytes in a hundred.
size_t FindAnyOf(std::string_view text, size_t from, std::array<char, 4> set) {
#ifdef __SSE2__
  const __m128i a = _mm_set1_epi8(set[0]), b = _mm_set1_epi8(set[1]), c = _mm_set1_epi8(set[2]),
                d = _mm_set1_epi8(set[3]);
  for (; from + 16 <= text.size(); from += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + from));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, a), _mm_cmpeq_epi8(v, b)),
                               _mm_or_si128(_mm_cmpeq_epi8(v, c), _mm_cmpeq_epi8(v, d)));
    if (int mask = _mm_movemask_epi8(hit)) return from + std::countr_zero(static_cast<unsigned>(mask));
  }
#endif
  for (; from < text.size(); ++from) {
    char ch = text[from];
    if (ch == set[0] || ch == set[1] || ch == set[2] || ch == set[3]) return from;
  }
  return text.size();
}

// Sentences end at . ! ? followed by white space and an upper-case letter, a
// quote or a line end; "Mr. Smith" stays whole. A line break ends one where a
// paragraph ends (a blank or indented line follows) or after a short line (a
// heading, a byline, a table row); a long line running on into the next is a
// sentence wrapped at a fixed width (wire copy such as Reuters'), kept whole.
void SplitSentences(std::string_view text, std::vector<Sentence>* out) {
  constexpr size_t kWrappedLineBytes = 40;
  out->clear();
  size_t begin = 0, line_begin = 0;
  auto emit = [&](size_t end) {
    size_t b = begin;
    while (b < end && (text[b] == ' ' || text[b] == '\n' || text[b] == '\t' || text[b] == '\r')) ++b;
    if (end > b) out->push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(end)});
    begin = end;
  };
  for (size_t i = FindAnyOf(text, 0, {'\n', '.', '!', '?'}); i < text.size();
       i = FindAnyOf(text, i + 1, {'\n', '.', '!', '?'})) {
    char c = text[i];
    if (c == '\n') {
      const bool paragraph = i + 1 >= text.size() || text[i + 1] == ' ' || text[i + 1] == '\t' || text[i + 1] == '\n' ||
                             text[i + 1] == '\r';
      if (paragraph || i - line_begin < kWrappedLineBytes) emit(i);
      line_begin = i + 1;
      continue;
    }
    if (i + 1 < text.size() && (text[i + 1] == '\n' || text[i + 1] == '\r')) {
      emit(i + 1);  // the line ends with the sentence
      continue;
    }
    if (i + 2 < text.size() && text[i + 1] == ' ') {
      char next = text[i + 2];
      bool abbreviation = i >= 2 && IsUpper(text[i - 2]) == false && text[i - 2] == ' ' && IsUpper(text[i - 1]);
      bool title = i >= 2 && (text.substr(i - 2, 2) == "Mr" || text.substr(i - 2, 2) == "Ms" ||
                              text.substr(i - 2, 2) == "Dr" || (i >= 3 && text.substr(i - 3, 3) == "Mrs"));
      if ((IsUpper(next) || next == '"') && !abbreviation && !title) emit(i + 1);
    }
  }
  emit(text.size());
}

void SetSpan(v1::Span* s, uint32_t b, uint32_t e) {
  s->set_begin(b);
  s->set_end(e);
}

// Messages of one kind built on the record's arena (or the heap, without one)
// and found again by key, until they join the record in key order.
template <typename T>
class KeyedMessages {
 public:
  explicit KeyedMessages(google::protobuf::Arena* arena) : arena_(arena) {}
  KeyedMessages(const KeyedMessages&) = delete;
  KeyedMessages& operator=(const KeyedMessages&) = delete;
  ~KeyedMessages() {
    if (arena_ == nullptr) {
      for (auto& [key, message] : by_key_) delete message;
    }
  }

  T& operator[](const std::string& key) {
    T*& slot = by_key_[key];
    if (slot == nullptr) slot = google::protobuf::Arena::CreateMessage<T>(arena_);
    return *slot;
  }
  // The messages in key order, handed over: the caller adds or deletes each.
  std::vector<T*> Release() {
    std::vector<T*> out;
    for (auto& [key, message] : by_key_) out.push_back(std::exchange(message, nullptr));
    return out;
  }
  // The keys in order, for messages not yet released.
  const std::map<std::string, T*>& entries() const { return by_key_; }

 private:
  google::protobuf::Arena* arena_;
  std::map<std::string, T*> by_key_;
};

// Adds a message built on the field's arena (or the heap) without copying it.
template <typename T>
void Adopt(google::protobuf::RepeatedPtrField<T>* field, T* message) {
  field->AddAllocated(message);
}

// A fixed set of words. These lists are consulted for most words of every
// article. A string is looked up in an open-addressed table by a hash of a few
// of its bytes, not std::unordered_set's hash of every byte and division. A
// word from the splitter is first looked up by the folded hash it carries, in
// a table whose multiplier is searched for at construction so that every
// member's hash sits alone in its slot (perfect hashing): one multiply, load
// and compare, without a branch to mispredict, turns most words away.
class WordSet {
 public:
  WordSet(std::initializer_list<std::string_view> words) {
    slots_.resize(std::bit_ceil(words.size() * 4));
    std::vector<uint64_t> hashes;
    for (std::string_view w : words) {
      min_size_ = std::min(min_size_, w.size());
      max_size_ = std::max(max_size_, w.size());
      size_t i = Slot(w);
      while (!slots_[i].empty() && slots_[i] != w) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = w;
      hashes.push_back(FoldedHash(w, 0, w.size()));  // casings of one word share it
    }
    for (int bits = std::bit_width(words.size() * 4);; ++bits) {
      for (uint64_t seed = 1; seed <= 1000; ++seed) {
        multiplier_ = (seed * 0x9E3779B97F4A7C15ULL) | 1;
        shift_ = 64 - bits;
        home_.assign(size_t{1} << bits, 0);
        bool alone = true;
        for (uint64_t h : hashes) {
          uint64_t& slot = home_[Home(h)];
          alone &= slot == 0 || slot == h;
          slot = h;
        }
        if (alone) return;
      }
    }
  }
  bool operator()(std::string_view w) const {
    if (w.size() < min_size_ || w.size() > max_size_) return false;
    for (size_t i = Slot(w);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i].empty()) return false;
      if (slots_[i] == w) return true;
    }
  }
  bool operator()(std::string_view text, const Word& w) const {
    return HasFoldedHash(w.folded_hash) && (*this)(text.substr(w.begin, w.end - w.begin));
  }
  // Whether the word, case-folded, is in the set (of lower-case words), by its
  // 64-bit folded hash alone: another word with the same hash is a 2^-64 chance.
  bool ContainsFolded(const Word& w) const { return HasFoldedHash(w.folded_hash); }

 private:
  size_t Slot(std::string_view w) const {
    uint64_t h = w.size() * 0x9E3779B97F4A7C15ULL;
    h ^= static_cast<uint8_t>(w[0]) | static_cast<uint8_t>(w[w.size() / 2]) << 8 | static_cast<uint8_t>(w.back()) << 16;
    h *= 0xFF51AFD7ED558CCDULL;
    return (h >> 32) & (slots_.size() - 1);
  }
  size_t Home(uint64_t hash) const { return (hash * multiplier_) >> shift_; }
  bool HasFoldedHash(uint64_t hash) const { return home_[Home(hash)] == hash; }

  std::vector<std::string_view> slots_;
  std::vector<uint64_t> home_;  // FoldedHash of the members, each in its slot; 0 (never a hash) elsewhere
  uint64_t multiplier_ = 1;
  int shift_ = 63;
  size_t min_size_ = SIZE_MAX, max_size_ = 0;
};

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

struct NameRun {
  uint32_t begin, end;
  uint32_t first_word, word_count;  // capitalised words, connectors left out: in NameRuns::words
  bool has_connector = false;
};
struct NameRuns {
  std::vector<NameRun> runs;
  std::vector<Word> words;
  std::span<const Word> WordsOf(const NameRun& run) const {
    return std::span(words).subspan(run.first_word, run.word_count);
  }
};

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

// Whether the text right before `pos` is a courtesy title ("Mr. ", "Dr ").
bool AfterCourtesyTitle(std::string_view text, uint32_t pos) {
  if (pos < 3 || text[pos - 1] != ' ') return false;
  for (std::string_view t : {"Mr. ", "Mrs. ", "Ms. ", "Dr. ", "Mr ", "Mrs ", "Ms ", "Dr "}) {
    if (pos >= t.size() && text.substr(pos - t.size(), t.size()) == t) return true;
  }
  return false;
}

// Buffers an extraction fills and then discards, kept per thread from one
// article to the next: extraction allocates little beyond what the record keeps.
struct Scratch {
  std::vector<PhraseMatcher::TextWord> matcher_words;
  std::vector<Word> words;
  std::vector<Sentence> sentences;
  std::vector<Match> all;
  std::vector<Match> entity_matches;
  NameRuns runs;
};

struct Context {
  const KnowledgeBase& kb;
  const EventCoding& events;
  std::string* explanation;  // `herald explain`; usually null
  std::string_view text;
  v1::EventRecord* record;
  NameRuns& name_runs;  // filled by ExtractEntities
  const std::vector<Word>& words;
  const std::vector<Sentence>& sentences;
  const std::vector<Match>& all;  // every dictionary match, overlapping
  std::vector<Match> entities;    // leftmost-longest among entity terms
  std::vector<ActorMention> actors;
  uint32_t lead_end = 0;                     // end of the lead (see Extract)
  std::vector<std::string> title_countries;  // ISO alpha-3 named in the title
};

void CodeEvents(Context& ctx) {
  std::vector<std::pair<uint32_t, uint32_t>> sentences;
  sentences.reserve(ctx.sentences.size());
  for (const Sentence& s : ctx.sentences) sentences.emplace_back(s.begin, s.end);
  std::vector<Match> verbs;
  for (const Match& m : ctx.all) {
    if (ctx.kb.term(m.id).kind == TermKind::kVerb) verbs.push_back(m);
  }
  std::string_view context_country;
  if (ctx.record->countries_size() > 0) context_country = ctx.record->countries(0).code();
  ctx.events.Code({.text = ctx.text,
                   .sentences = sentences,
                   .actors = ctx.actors,
                   .verb_matches = PhraseMatcher::SelectLongest(std::move(verbs)),
                   .context_country = context_country,
                   .explanation = ctx.explanation},
                  ctx.record);
}

bool IsEntityKind(TermKind k) { return k != TermKind::kThemeKeyword && k != TermKind::kVerb && k != TermKind::kTone; }

void AddCountryMention(KeyedMessages<v1::CountryMention>* countries, const Country& c, uint32_t b, uint32_t e) {
  v1::CountryMention& m = (*countries)[c.iso3];
  m.set_code(c.iso3);
  m.set_name(c.name);
  m.set_mentions(m.mentions() + 1);
  SetSpan(m.add_spans(), b, e);
}

// A capitalised run of 1-3 words right after a role title is a person's name.
std::string_view NameAfter(std::string_view text, uint32_t pos, uint32_t* name_begin, uint32_t* name_end) {
  size_t i = pos;
  while (i < text.size() && text[i] == ' ') ++i;
  size_t begin = i, end = i;
  int words = 0;
  while (words < 3 && i < text.size() && IsUpper(text[i])) {
    size_t w = i;
    while (i < text.size() && (IsAlpha(text[i]) || text[i] == '-' || static_cast<unsigned char>(text[i]) >= 0x80)) ++i;
    std::string_view word = text.substr(w, i - w);
    if (word.size() < 2 || StopsName(word)) break;
    end = i;
    ++words;
    if (i >= text.size() || text[i] != ' ') break;
    ++i;
  }
  if (words == 0) return {};
  *name_begin = static_cast<uint32_t>(begin);
  *name_end = static_cast<uint32_t>(end);
  return text.substr(begin, end - begin);
}

// The country modifying a role: "US Defense Secretary", "Chinese Defence Minister", "China's Foreign Minister".
const Country* CountryBefore(const Context& ctx, size_t entity_index, uint32_t role_begin, uint32_t* modifier_begin) {
  if (entity_index == 0) return nullptr;
  const Match& prev = ctx.entities[entity_index - 1];
  const KnowledgeBase::Term& t = ctx.kb.term(prev.id);
  if (t.kind != TermKind::kCountryName && t.kind != TermKind::kDemonym) return nullptr;
  std::string_view gap = ctx.text.substr(prev.end, role_begin - prev.end);
  if (gap != " " && gap != "'s " && gap != "’s ") return nullptr;
  *modifier_begin = prev.begin;
  return &ctx.kb.countries()[t.index];
}

// The person whose name is `name`, or ends with it as a family name, or starts
// with it as a given name ("Austin", "Daniel" after "Daniel Montalvo").
v1::Person* FindPerson(google::protobuf::RepeatedPtrField<v1::Person>* persons, std::string_view name) {
  for (v1::Person& p : *persons) {
    std::string_view full = p.name();
    bool family = full.size() > name.size() && full.ends_with(name) && full[full.size() - name.size() - 1] == ' ';
    bool given = full.size() > name.size() && full.starts_with(name) && full[name.size()] == ' ';
    if (full == name || family || given) return &p;
  }
  return nullptr;
}

void ExtractEntities(Context& ctx) {
  google::protobuf::Arena* arena = ctx.record->GetArena();
  KeyedMessages<v1::CountryMention> countries(arena);
  KeyedMessages<v1::Location> locations(arena);
  KeyedMessages<v1::Organization> organizations(arena);
  // Persons go straight to the record, in the order they are first named.
  google::protobuf::RepeatedPtrField<v1::Person>& persons = *ctx.record->mutable_persons();
  auto location = [&](const std::string& key, std::string_view name, std::string_view type, std::string_view iso3,
                      double lat, double lon, uint32_t b, uint32_t e) {
    v1::Location& l = locations[key];
    l.set_name(std::string(name));
    l.set_type(std::string(type));
    l.set_country_code(std::string(iso3));
    l.set_latitude(lat);
    l.set_longitude(lon);
    l.set_resolved(true);
    SetSpan(l.add_spans(), b, e);
  };

  // Persons first: a name after a role title wins over a place of the same name
  // ("Defense Secretary Lloyd Austin", not Austin, Texas).
  std::vector<std::pair<uint32_t, uint32_t>> person_ranges;
  std::vector<std::pair<const v1::Person*, std::string_view>> person_sectors;  // persons with a role
  for (size_t i = 0; i < ctx.entities.size(); ++i) {
    const Match& m = ctx.entities[i];
    const KnowledgeBase::Term& t = ctx.kb.term(m.id);
    if (t.kind != TermKind::kRole) continue;
    uint32_t name_begin = 0, name_end = 0;
    std::string_view name = NameAfter(ctx.text, m.end, &name_begin, &name_end);
    if (name.empty()) {
      // No name: "Chinese troops", "the Iraqi government" still code an actor.
      uint32_t modifier_begin = m.begin;
      const std::string& sector = ctx.kb.roles()[t.index].sector;
      if (const Country* country = CountryBefore(ctx, i, m.begin, &modifier_begin)) {
        ctx.actors.push_back({modifier_begin, m.end, country->iso3 + sector,
                              ctx.text.substr(modifier_begin, m.end - modifier_begin), country->iso3,
                              ActorMention::kAgent, sector});
        person_ranges.emplace_back(modifier_begin, m.end);
      } else {
        // "the President said": the sector, its country from the clause or the article.
        ctx.actors.push_back(
            {m.begin, m.end, sector, ctx.text.substr(m.begin, m.end - m.begin), {}, ActorMention::kAgent, sector});
      }
      continue;
    }
    // "Minister China" is no name; "Secretary Austin" is.
    bool starts_with_country = i + 1 < ctx.entities.size() && ctx.entities[i + 1].begin == name_begin &&
                               (ctx.kb.term(ctx.entities[i + 1].id).kind == TermKind::kCountryName ||
                                ctx.kb.term(ctx.entities[i + 1].id).kind == TermKind::kDemonym);
    if (starts_with_country) continue;
    uint32_t role_begin = m.begin;
    const Country* country = CountryBefore(ctx, i, m.begin, &role_begin);
    const Role& role = ctx.kb.roles()[t.index];
    std::string role_text(ctx.text.substr(role_begin, m.end - role_begin));
    std::string iso3 = country ? country->iso3 : "";
    v1::Person* person = FindPerson(&persons, name);
    if (!person) {
      person = persons.Add();
      person->set_name(std::string(name));
    }
    if (person->role().size() < role_text.size()) person->set_role(role_text);
    if (person->country_code().empty() && !iso3.empty()) {
      person->set_country_code(iso3);
      person->set_actor_code(iso3 + role.sector);
    }
    SetSpan(person->add_spans(), name_begin, name_end);
    person_ranges.emplace_back(m.begin, name_end);
    person_sectors.emplace_back(person, role.sector);
    // A role without a country ("President Smith") takes one from the clause or the article.
    ctx.actors.push_back({role_begin, name_end, person->actor_code(), person->name(), person->country_code(),
                          ActorMention::kPerson, role.sector});
  }
  // A later mention of a person with a role ("Austin said") is the same actor.
  auto mention_person = [&](v1::Person* person, uint32_t begin, uint32_t end) {
    SetSpan(person->add_spans(), begin, end);
    person_ranges.emplace_back(begin, end);
    for (const auto& [p, sector] : person_sectors) {
      if (p != person) continue;
      ctx.actors.push_back({begin, end, p->actor_code(), p->name(), p->country_code(), ActorMention::kPerson, sector});
      break;
    }
  };
  auto in_person = [&](const Match& m) {
    return std::any_of(person_ranges.begin(), person_ranges.end(),
                       [&](const auto& r) { return m.begin < r.second && r.first < m.end; });
  };

  // Then names no dictionary knows, by the shape of the words around them.
  // Runs and entities are both in text order, and entities do not overlap: one
  // cursor walks the entities alongside the runs.
  size_t cursor = 0;
  FindCapitalisedRuns(ctx.text, ctx.words, &ctx.name_runs);
  for (const NameRun& run : ctx.name_runs.runs) {
    std::span<const Word> run_words = ctx.name_runs.WordsOf(run);
    auto any_word = [&](bool (*in_list)(std::string_view, const Word&)) {
      return std::any_of(run_words.begin(), run_words.end(), [&](const Word& w) { return in_list(ctx.text, w); });
    };
    while (cursor < ctx.entities.size() && ctx.entities[cursor].end <= run.begin) ++cursor;
    Match probe{run.begin, run.end, 0};
    if (in_person(probe)) continue;
    const Match* first_known = nullptr;
    bool exactly_known = false;
    for (size_t k = cursor; k < ctx.entities.size(); ++k) {
      const Match& e = ctx.entities[k];
      if (e.begin >= run.end) break;
      if (e.end <= run.begin) continue;
      if (!first_known) first_known = &e;
      if (e.begin == run.begin && e.end == run.end) exactly_known = true;
    }
    if (exactly_known) continue;
    std::string_view text = ctx.text.substr(run.begin, run.end - run.begin);
    bool organisation = any_word(OrganisationWord);
    bool place = !organisation && any_word(PlaceWord);
    if (place) {
      // A place no gazetteer entry names: kept for its name, without coordinates.
      location("U:" + std::string(text), text, "PLACE", "", 0, 0, run.begin, run.end);
      locations["U:" + std::string(text)].set_resolved(false);
      person_ranges.emplace_back(run.begin, run.end);
      continue;
    }
    if (organisation) {
      v1::Organization& org = organizations[std::string(text)];
      org.set_name(std::string(text));
      SetSpan(org.add_spans(), run.begin, run.end);
      person_ranges.emplace_back(run.begin, run.end);
      continue;
    }
    if (run.has_connector || run.word_count > 3 || any_word(NonPersonWord)) continue;
    // A name's first word is not a known place or country ("Lloyd Austin" yes, "Texas Governor" no).
    bool starts_known = first_known && first_known->begin == run.begin;
    if (run.word_count == 1) {
      v1::Person* known = FindPerson(&persons, text);
      if (known && known->name() != text) {
        mention_person(known, run.begin, run.end);
      } else if (!first_known && AfterCourtesyTitle(ctx.text, run.begin)) {
        v1::Person& p = *persons.Add();
        p.set_name(std::string(text));
        SetSpan(p.add_spans(), run.begin, run.end);
        person_ranges.emplace_back(run.begin, run.end);
      }
      continue;
    }
    if (starts_known) continue;
    v1::Person* person = FindPerson(&persons, text);
    if (!person) {
      person = persons.Add();
      person->set_name(std::string(text));
    }
    SetSpan(person->add_spans(), run.begin, run.end);
    person_ranges.emplace_back(run.begin, run.end);
  }

  for (size_t i = 0; i < ctx.entities.size(); ++i) {
    const Match& m = ctx.entities[i];
    const KnowledgeBase::Term& t = ctx.kb.term(m.id);
    std::string_view surface = ctx.text.substr(m.begin, m.end - m.begin);
    if (t.kind == TermKind::kRole || in_person(m)) continue;
    // A known person's family name alone ("Austin reiterated") is that person.
    if (t.kind == TermKind::kPlace || t.kind == TermKind::kCapital) {
      if (v1::Person* p = FindPerson(&persons, surface); p && p->name() != surface) {
        mention_person(p, m.begin, m.end);
        continue;
      }
    }
    switch (t.kind) {
      case TermKind::kCountryName:
      case TermKind::kDemonym: {
        const Country& c = ctx.kb.countries()[t.index];
        AddCountryMention(&countries, c, m.begin, m.end);
        if (t.kind == TermKind::kCountryName) {
          location("C:" + c.iso3, c.name, "COUNTRY", c.iso3, c.lat, c.lon, m.begin, m.end);
        }
        // A role right after the country belongs to the person; it codes the actor there.
        uint32_t modifier_begin = 0;
        bool modifies_role = i + 1 < ctx.entities.size() &&
                             ctx.kb.term(ctx.entities[i + 1].id).kind == TermKind::kRole &&
                             CountryBefore(ctx, i + 1, ctx.entities[i + 1].begin, &modifier_begin);
        if (!modifies_role) ctx.actors.push_back({m.begin, m.end, c.iso3, surface, c.iso3, ActorMention::kCountry});
        break;
      }
      case TermKind::kCapital: {
        const Country& c = ctx.kb.countries()[t.index];
        AddCountryMention(&countries, c, m.begin, m.end);
        location("K:" + c.iso3, c.capital, "CAPITAL", c.iso3, c.capital_lat, c.capital_lon, m.begin, m.end);
        // Metonymy: "Washington said" is the US government speaking.
        ctx.actors.push_back({m.begin, m.end, c.iso3 + "GOV", surface, c.iso3, ActorMention::kCountry, "GOV"});
        break;
      }
      case TermKind::kPlace: {
        const Place& p = ctx.kb.places()[t.index];
        location("P:" + p.name, p.name, p.type, p.iso3, p.lat, p.lon, m.begin, m.end);
        if (p.geonames_id != 0) locations["P:" + p.name].set_geonames_id(p.geonames_id);
        // Many of GeoNames' smaller places share their names with words and people:
        // they point at a country only from the lead (a dateline) or when large.
        bool weak = p.geonames_id != 0 && p.population < 1000000 && m.begin >= ctx.lead_end;
        if (int ci = ctx.kb.CountryIndex(p.iso3); ci >= 0 && !weak) {
          AddCountryMention(&countries, ctx.kb.countries()[ci], m.begin, m.end);
        }
        break;
      }
      case TermKind::kActor: {
        const DictionaryActor& a = ctx.kb.actors()[t.index];
        std::string_view prefix = std::string_view(a.code).substr(0, 3);
        std::string_view country = ctx.kb.CountryIndex(prefix) >= 0 ? prefix : std::string_view();
        ctx.actors.push_back({m.begin, m.end, a.code, surface, country, ActorMention::kOrganization});
        break;
      }
      case TermKind::kOrganization: {
        const Organization& o = ctx.kb.organizations()[t.index];
        v1::Organization& org = organizations[o.name];
        org.set_name(o.name);
        org.set_actor_code(o.actor_code);
        org.set_country_code(o.iso3);
        SetSpan(org.add_spans(), m.begin, m.end);
        if (int ci = ctx.kb.CountryIndex(o.iso3); ci >= 0) {
          AddCountryMention(&countries, ctx.kb.countries()[ci], m.begin, m.end);
        }
        ctx.actors.push_back({m.begin, m.end, o.actor_code, o.name, o.iso3, ActorMention::kOrganization});
        break;
      }
      case TermKind::kAgent: {
        const Role& agent = ctx.kb.agents()[t.index];
        ctx.actors.push_back({m.begin, m.end, agent.sector, surface, {}, ActorMention::kAgent, agent.sector});
        break;
      }
      default: break;
    }
  }

  for (const std::string& iso3 : ctx.title_countries) countries[iso3].set_in_title(true);
  for (const auto& [code, c] : countries.entries()) {
    if (c->code().empty()) {  // named in the title only
      c->set_code(code);
      c->set_name(ctx.kb.countries()[ctx.kb.CountryIndex(code)].name);
    }
  }
  std::vector<v1::CountryMention*> ranked = countries.Release();
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto* a, const auto* b) {
    return a->in_title() != b->in_title() ? a->in_title() : a->mentions() > b->mentions();
  });
  for (size_t i = 0; i < ranked.size(); ++i) {
    v1::CountryMention* c = ranked[i];
    bool in_lead = c->spans_size() > 0 && c->spans(0).begin() < ctx.lead_end;
    if (i == 0 || c->in_title() || in_lead || c->mentions() >= 2) {
      Adopt(ctx.record->mutable_countries(), c);
    } else if (arena == nullptr) {
      delete c;
    }
  }
  for (v1::Organization* o : organizations.Release()) Adopt(ctx.record->mutable_organizations(), o);
  for (v1::Location* l : locations.Release()) Adopt(ctx.record->mutable_locations(), l);
  std::sort(ctx.actors.begin(), ctx.actors.end(), [](const auto& a, const auto& b) { return a.begin < b.begin; });
}

void ExtractThemes(Context& ctx) {
  std::vector<uint32_t> hits(ctx.kb.themes().size(), 0);
  for (const Match& m : ctx.all) {
    const KnowledgeBase::Term& t = ctx.kb.term(m.id);
    if (t.kind == TermKind::kThemeKeyword) ++hits[t.index];
  }
  std::vector<std::pair<uint32_t, size_t>> ranked;
  for (size_t i = 0; i < hits.size(); ++i) {
    // One stray keyword does not make a theme.
    if (hits[i] >= 2) ranked.emplace_back(hits[i], i);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [count, i] : ranked) ctx.record->add_themes(ctx.kb.themes()[i].name);
}

// Text between straight or curly double quotes, three words or more.
void ExtractQuotes(Context& ctx) {
  std::string_view text = ctx.text;
  size_t i = 0;
  while (i < text.size()) {
    size_t open = FindAnyOf(text, i, {'"', '\xE2', '"', '\xE2'});
    if (open == text.size()) break;
    bool curly = text[open] != '"';
    if (curly && text.substr(open, 3) != "\xE2\x80\x9C") {  // “
      i = open + 1;
      continue;
    }
    size_t start = open + (curly ? 3 : 1);
    size_t close = curly ? text.find("\xE2\x80\x9D", start) : text.find('"', start);  // ”
    if (close == std::string_view::npos) break;
    std::string_view quote = text.substr(start, close - start);
    if (std::count(quote.begin(), quote.end(), ' ') >= 2) {
      v1::Quote* q = ctx.record->add_quotes();
      q->set_text(std::string(quote));
      SetSpan(q->mutable_span(), static_cast<uint32_t>(start), static_cast<uint32_t>(close));
      // The speaker is the first person named after the quote on the same line.
      size_t line_end = std::min(text.find('\n', close), text.size());
      uint32_t nearest = UINT32_MAX;
      for (const v1::Person& p : ctx.record->persons()) {
        for (const v1::Span& s : p.spans()) {
          if (s.begin() > close && s.begin() < line_end && s.begin() < nearest) {
            nearest = s.begin();
            q->set_speaker(p.name());
          }
        }
      }
    }
    i = close + (curly ? 3 : 1);
  }
}

// English function words make up a large share of any English text.
bool LooksEnglish(const std::vector<Word>& words) {
  static const WordSet kCommon{"the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "was", "has"};
  if (words.size() < 5) return false;
  size_t hits = 0;
  for (const Word& w : words) hits += kCommon.ContainsFolded(w);
  return hits * 100 >= words.size() * 15;
}

uint64_t SimHashOfWords(const std::vector<Word>& words);

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

// GDELT's V2Tone: percentages of the article's words.
void ScoreTone(Context& ctx) {
  uint32_t positive = 0, negative = 0, active = 0;
  for (const Match& m : ctx.all) {
    const KnowledgeBase::Term& t = ctx.kb.term(m.id);
    if (t.kind == TermKind::kTone) (t.index == 0 ? positive : negative)++;
    if (t.kind == TermKind::kVerb) ++active;
  }
  static const WordSet kSelfGroup{"I", "we", "We", "me", "us", "our", "Our", "my", "My", "ours", "ourselves", "myself"};
  uint32_t self_group = 0;
  for (const Word& w : ctx.words) self_group += kSelfGroup(ctx.text, w);
  v1::Tone* tone = ctx.record->mutable_tone();
  double words = ctx.words.empty() ? 1.0 : static_cast<double>(ctx.words.size());
  tone->set_positive(100.0 * positive / words);
  tone->set_negative(100.0 * negative / words);
  tone->set_tone(tone->positive() - tone->negative());
  tone->set_polarity(tone->positive() + tone->negative());
  tone->set_activity_density(100.0 * active / words);
  tone->set_self_group_density(100.0 * self_group / words);
  tone->set_word_count(static_cast<uint32_t>(ctx.words.size()));
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

}  // namespace

uint64_t SimHash(std::string_view text) {
  std::vector<Word> words;
  SplitWords(text, &words);
  return SimHashOfWords(words);
}

namespace {

uint64_t SimHashOfWords(const std::vector<Word>& words) {
  if (words.empty()) return 0;
  // Per-bit counts of ones over the bigram hashes, kept bit-sliced: plane k
  // holds bit k of all 64 counts, so adding a hash is a ripple of ANDs and
  // XORs through eight planes (in registers), which are emptied into `ones`
  // before a count can pass 255.
  uint32_t ones[64] = {};
  uint64_t p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0;
  auto drain = [&] {
    const uint64_t planes[8] = {p0, p1, p2, p3, p4, p5, p6, p7};
    for (int k = 0; k < 8; ++k) {
      for (uint64_t bits = planes[k]; bits != 0; bits &= bits - 1) ones[std::countr_zero(bits)] += 1u << k;
    }
    p0 = p1 = p2 = p3 = p4 = p5 = p6 = p7 = 0;
  };
  auto add = [](uint64_t& plane, uint64_t& carry) {
    uint64_t next = plane & carry;
    plane ^= carry;
    carry = next;
  };
  const size_t n = words.size();
  for (size_t i = 0, until_drain = 255; i < n; ++i) {
    // A bigram's hash; the last word stands alone.
    uint64_t carry = Mix(words[i].folded_hash ^ (i + 1 < n ? std::rotl(words[i + 1].folded_hash, 23) : 0));
    add(p0, carry), add(p1, carry), add(p2, carry), add(p3, carry);
    add(p4, carry), add(p5, carry), add(p6, carry), add(p7, carry);
    if (--until_drain == 0) {
      drain();
      until_drain = 255;
    }
  }
  drain();
  uint64_t out = 0;
  for (int b = 0; b < 64; ++b) {
    if (2 * ones[b] > n) out |= (uint64_t{1} << b);
  }
  return out;
}

google::protobuf::ArenaOptions FirstBlock(char* block, size_t size) {
  google::protobuf::ArenaOptions options;
  options.initial_block = block;
  options.initial_block_size = size;
  return options;
}

}  // namespace

RecordArena::RecordArena()
    : first_block_(new char[kFirstBlockBytes]), arena_(FirstBlock(first_block_.get(), kFirstBlockBytes)) {}

v1::EventRecord* RecordArena::NewRecord() {
  arena_.Reset();
  return google::protobuf::Arena::CreateMessage<v1::EventRecord>(&arena_);
}

Extractor::Extractor(std::shared_ptr<const KnowledgeBase> kb)
    : kb_(std::move(kb)), events_(std::make_shared<const EventCoding>(*kb_)) {}

Status Extractor::Process(std::string_view bytes, const ParseOptions& options, v1::EventRecord* record) const {
  record->Clear();
  if (Status parsed = ParseArticle(bytes, options, record->mutable_article()); !parsed) return parsed;
  Extract(record);
  return {};
}

Result<v1::EventRecord> Extractor::Process(std::string_view bytes, const ParseOptions& options) const {
  v1::EventRecord record;
  if (Status s = Process(bytes, options, &record); !s) return Unexpected(s.error());
  return record;
}

v1::EventRecord Extractor::Extract(v1::Article article) const {
  v1::EventRecord record;
  *record.mutable_article() = std::move(article);
  Extract(&record);
  return record;
}

void Extractor::Extract(v1::EventRecord* out, std::string* explanation) const {
  v1::EventRecord& record = *out;
  record.set_id(record.article().id());
  const std::string& body = record.article().body();
  thread_local Scratch scratch;
  PhraseMatcher::SplitWords(body, &scratch.matcher_words);
  JoinWords(body, scratch.matcher_words, &scratch.words);
  SplitSentences(body, &scratch.sentences);
  scratch.all.clear();
  kb_->matcher().FindAll(body, scratch.matcher_words, &scratch.all);
  Context ctx{.kb = *kb_,
              .events = *events_,
              .explanation = explanation,
              .text = body,
              .record = &record,
              .name_runs = scratch.runs,
              .words = scratch.words,
              .sentences = scratch.sentences,
              .all = scratch.all};
  record.mutable_stats()->set_sentence_count(static_cast<uint32_t>(ctx.sentences.size()));
  // The lead, where a story says where it is: its first sentence (and the
  // second after a short first one: a dateline, a headline), but no more than
  // its first 120 bytes, two lines of wire copy: a long opening sentence names
  // more places in passing than it is about (on Reuters, 160 bytes cost 0.005
  // in precision, a whole sentence 0.009).
  if (!ctx.sentences.empty()) {
    const Sentence& first = ctx.sentences[0];
    constexpr uint32_t kShortSentenceBytes = 100, kLeadBytes = 120;
    uint32_t end = first.end;
    if (ctx.sentences.size() > 1 && first.end - first.begin < kShortSentenceBytes) end = ctx.sentences[1].end;
    ctx.lead_end = std::min(end, first.begin + kLeadBytes);
  }
  for (const Match& m : kb_->matcher().FindLongest(record.article().title())) {
    const KnowledgeBase::Term& t = kb_->term(m.id);
    int country = -1;
    if (t.kind == TermKind::kCountryName || t.kind == TermKind::kDemonym || t.kind == TermKind::kCapital) {
      country = static_cast<int>(t.index);
    } else if (t.kind == TermKind::kPlace) {
      country = kb_->CountryIndex(kb_->places()[t.index].iso3);
    } else if (t.kind == TermKind::kOrganization) {
      country = kb_->CountryIndex(kb_->organizations()[t.index].iso3);
    }
    if (country >= 0) ctx.title_countries.push_back(kb_->countries()[country].iso3);
  }
  std::vector<Match>& entity_matches = scratch.entity_matches;
  entity_matches.clear();
  for (const Match& m : ctx.all) {
    if (IsEntityKind(kb_->term(m.id).kind)) entity_matches.push_back(m);
  }
  ctx.entities = PhraseMatcher::SelectLongest(entity_matches);
  ExtractEntities(ctx);
  ExtractThemes(ctx);
  CodeEvents(ctx);
  ExtractQuotes(ctx);
  ScoreTone(ctx);
  ExtractDates(ctx, record.article());
  ReadDateline(ctx, record.mutable_article());
  const std::vector<Word>& words = ctx.words;
  record.mutable_stats()->set_word_count(static_cast<uint32_t>(words.size()));
  record.mutable_stats()->set_simhash(SimHashOfWords(words));
  if (record.article().language().empty() && LooksEnglish(words)) record.mutable_article()->set_language("en");
}

}  // namespace herald
