// DeclareKnowledgeSettings (knowledge_base.h): the knowledge.* settings of `process` and `extract`.
#include <string>
#include <string_view>

#include "processors/knowledge_base.h"

namespace herald {

void DeclareKnowledgeSettings(SettingsTable& t, KnowledgeSources* k) {
  std::string tables;
  for (std::string_view name : kKnowledgeTables) tables += (tables.empty() ? "" : ", ") + std::string(name) + ".tsv";
  t.Add("knowledge.dir", &k->tables_dir,
        "Directory holding every one of herald's knowledge tables (" + tables + "), replacing the built-in ones.")
      .Flag("--knowledge-dir");
  t.Add("knowledge.geonames", &k->geonames_cities, "GeoNames cities dump to add (e.g. cities15000.txt).")
      .Flag("--geonames");
  t.Add("knowledge.geonames_alternate_names", &k->geonames_alternate_names,
        "GeoNames alternate names (geonameid<TAB>names, with a header) for a knowledge.geonames subset.")
      .Flag("--geonames-alternate-names");
  t.Add("knowledge.geonames_min_population", &k->geonames_min_population, "Leave out smaller GeoNames places.")
      .Flag("--geonames-min-population")
      .Range(0, 2000000000);
  t.Add("knowledge.cameo_goldstein", &k->cameo_goldstein, "GDELT's CAMEO.goldsteinscale.txt to use.")
      .Flag("--cameo-goldstein");
  t.Add("knowledge.petrarch_verbs", &k->petrarch_verbs, "PETRARCH CAMEO verb dictionary to add.")
      .Flag("--petrarch-verbs");
  t.Add("knowledge.petrarch_verbs_first", &k->petrarch_verbs_first,
        "On every verb knowledge.petrarch_verbs has a pattern for, code with the dictionary's patterns alone (as "
        "PETRARCH does) instead of refining herald's lexicon with them.")
      .Flag("--petrarch-verbs-first");
  t.Add("knowledge.petrarch_actors", &k->petrarch_actors, "PETRARCH/Phoenix actor dictionaries to add.")
      .Flag("--petrarch-actors");
  t.Add("knowledge.petrarch_agents", &k->petrarch_agents, "PETRARCH/Phoenix agents dictionary to add.")
      .Flag("--petrarch-agents");
  t.Add("knowledge.syntax_model", &k->syntax_model,
        "Syntax model file (herald train syntax) to use instead of the built-in one, trained on UD English EWT.")
      .Flag("--syntax-model");
}

}  // namespace herald
