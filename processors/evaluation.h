// evaluation.h: scores extraction against labelled data (the `eval` tests and
// `herald eval`). Each function reads one public data set in its own format
// and compares it with what the Extractor produces for the same text.
//
//   Score s = *EvalReutersCountries(extractor, "../shared/corpus/reuters21578");
//   std::printf("countries P=%.3f R=%.3f F1=%.3f\n", s.precision(), s.recall(), s.f1());
//
// Data sets (see ../shared/README.md for their licences):
//   Reuters-21578 *.sgm    countries per article against the PLACES tags
//   GUM Wikinews *.conllu  persons, places, organisations against named entity mentions
//   UNER English EWT .iob2 persons, organisations, places against PER/ORG/LOC spans
//   PLOVER GSR dev JSON    source and target countries and PLOVER event per sentence
//   article-extraction     web pages' main text (webpage/extraction_eval.h)
// Failure: a missing or unreadable data set is an Error (the tests skip on it).
// Thread-safety: the functions share nothing; run them from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/corpus.h"
#include "core/settings.h"
#include "core/status.h"
#include "processors/extractor.h"
#include "webpage/extraction_eval.h"

namespace CLI {
class App;
}

namespace herald {

struct Score {
  int64_t true_positives = 0, false_positives = 0, false_negatives = 0;
  int64_t items = 0;  // articles or sentences scored

  double precision() const;
  double recall() const;
  double f1() const;
  void Add(const Score& other);
};

Result<Score> EvalReutersCountries(const Extractor& extractor, const std::string& dir);
Result<Score> EvalGumEntities(const Extractor& extractor, const std::string& dir);
// Universal NER's English EWT (an .iob2 file): herald's persons, organisations
// and places against PER, ORG and LOC with exact spans (a mention is right only
// when its bytes and type are the gold one's), each document's sentences one
// article; per type and all together.
struct EntityScores {
  Score all, person, organization, place;
};
Result<EntityScores> EvalUnerEntities(const Extractor& extractor, const std::string& iob2_path);

// Per field, for the sentence's first coded event with a PLOVER category
// (source, target, event); and as an analyst counts events (triple): every
// coded event of the sentence, as (source country, target country, PLOVER
// category), against every gold one (each gold source with each gold target),
// micro-averaged over the sentences.
struct PloverScores {
  Score source, target, event, triple;
};
Result<PloverScores> EvalPlover(const Extractor& extractor, const std::string& json_path);

// PETRARCH's validation records (PETR_Validate_records_2_02.xml): for each
// evaluated sentence with expected events, whether herald codes the expected
// CAMEO event code (true positive) or not (false negative); events herald codes
// beyond the expected ones are false positives. Accuracy is recall here.
Result<Score> EvalPetrarchValidation(const Extractor& extractor, const std::string& records_xml);

// The standard dictionaries in a ../shared-style directory: PETRARCH's CAMEO
// verbs, the Phoenix actors and agents, and GDELT's Goldstein table.
KnowledgeSources PetrarchSources(const std::string& shared_dir);

// Every evaluation above over a ../shared-style data directory, as one report
// (`herald eval`). Data sets that are absent are reported as skipped.
struct EvalReport {
  std::vector<std::pair<std::string, Score>> scores;  // name, score
  // Web pages' main text (webpage/extraction_eval.h): precision and recall are means over pages.
  std::optional<webpage::ExtractionScore> article_extraction;
  std::vector<std::string> skipped;  // name: reason
};
// With `test_splits`, also the test splits (UNER EWT test): to report once, never to tune on.
Result<EvalReport> EvaluateAll(const std::string& shared_dir, bool test_splits = false);

// `herald eval`: extraction quality against the labelled data sets in a
// ../shared-style directory (the functions above), as a table.
struct EvalOptions {
  std::string shared_dir = "../shared";
  bool test_splits = false;
};
void AddEvalOptions(CLI::App* app, EvalOptions* options);
int RunEval(const EvalOptions& options);

}  // namespace herald
