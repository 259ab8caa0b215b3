#include "core/settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

#include "core/scoped_temp_dir.h"

namespace herald {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct Options {
  std::string group = "herald-processor";
  size_t batch_size = 500;
  bool json = false;
  std::vector<std::string> actors;
  kafka::Properties kafka;
  std::string rules;
};

class SettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    table_.Add("processor.group", &o_.group, "Consumer group.").Flag("--group");
    table_.Add("processor.batch_size", &o_.batch_size, "Records per poll.").Flag("--batch-size").Range(1, 100000);
    table_.Add("log.json", &o_.json, "JSON logs.").Flag("--log-json");
    table_.Add("knowledge.petrarch_actors", &o_.actors, "Actor dictionaries.").Flag("--petrarch-actors");
    table_.Add("kafka", &o_.kafka, "Pass-through.").Flag("-X,--kafka-property");
    table_.AddFlags(&app_);
  }

  void Parse(std::vector<std::string> args) {
    std::reverse(args.begin(), args.end());
    app_.parse(args);
  }

  ConfigFile File(std::string_view yaml) {
    auto f = ConfigFile::Parse(yaml, "herald.yaml");
    EXPECT_TRUE(f) << f.error().reason;
    return *f;
  }

  std::string Property(const std::string& name) {
    for (const auto& [k, v] : o_.kafka) {
      if (k == name) return v;
    }
    return "(unset)";
  }

  Options o_;
  SettingsTable table_;
  CLI::App app_;
};

TEST_F(SettingsTest, DefaultsComeFromTheBoundFields) {
  Parse({});
  EXPECT_THAT(table_.Resolve(nullptr, {}), IsEmpty());
  EXPECT_EQ(o_.batch_size, 500u);
  EXPECT_EQ(table_.Find("processor.batch_size")->default_text(), "500");
  EXPECT_EQ(table_.Find("processor.batch_size")->environment_name(), "HERALD_PROCESSOR_BATCH_SIZE");
}

TEST_F(SettingsTest, FileThenEnvironmentThenFlagWins) {
  ConfigFile file = File("processor:\n  batch_size: 100\n  group: from-file\nlog:\n  json: true\n");
  Parse({"--group", "from-flag"});
  EXPECT_THAT(table_.Resolve(&file, {{"HERALD_PROCESSOR_BATCH_SIZE", "200"}, {"HERALD_PROCESSOR_GROUP", "from-env"}}),
              IsEmpty());
  EXPECT_EQ(o_.batch_size, 200u) << "environment over file";
  EXPECT_EQ(o_.group, "from-flag") << "flag over environment";
  EXPECT_TRUE(o_.json) << "file over default";
}

TEST_F(SettingsTest, ListsComeFromSequencesCommasAndRepeatedFlags) {
  ConfigFile file = File("knowledge:\n  petrarch_actors: [a.txt, b.txt]\n");
  Parse({});
  EXPECT_THAT(table_.Resolve(&file, {}), IsEmpty());
  EXPECT_THAT(o_.actors, ElementsAre("a.txt", "b.txt"));
  EXPECT_THAT(table_.Resolve(&file, {{"HERALD_KNOWLEDGE_PETRARCH_ACTORS", "c.txt, d.txt"}}), IsEmpty());
  EXPECT_THAT(o_.actors, ElementsAre("c.txt", "d.txt")) << "a higher layer replaces the list";
}

TEST_F(SettingsTest, RepeatedListFlag) {
  Parse({"--petrarch-actors", "x.txt", "--petrarch-actors", "y.txt"});
  EXPECT_THAT(table_.Resolve(nullptr, {}), IsEmpty());
  EXPECT_THAT(o_.actors, ElementsAre("x.txt", "y.txt"));
}

TEST_F(SettingsTest, AKafkaPropertyFlagTakesOneValueAndLeavesThePositionals) {
  std::vector<std::string> inputs;
  app_.add_option("inputs", inputs);
  Parse({"-X", "acks=1", "-X", "linger.ms=2", "article.txt"});
  EXPECT_THAT(table_.Resolve(nullptr, {}), IsEmpty());
  EXPECT_EQ(Property("linger.ms"), "2");
  EXPECT_THAT(inputs, ElementsAre("article.txt"));
}

TEST_F(SettingsTest, KafkaPropertiesMergeAcrossLayers) {
  ConfigFile file =
      File("kafka:\n  security.protocol: SASL_SSL\n  sasl.mechanisms: PLAIN\n  sasl:\n    username: herald\n");
  Parse({"-X", "sasl.mechanisms=SCRAM-SHA-512"});
  EXPECT_THAT(table_.Resolve(&file, {{"HERALD_KAFKA_SASL_PASSWORD", "secret"}, {"OTHER", "x"}}), IsEmpty());
  EXPECT_EQ(Property("security.protocol"), "SASL_SSL");
  EXPECT_EQ(Property("sasl.username"), "herald") << "nested keys join with dots";
  EXPECT_EQ(Property("sasl.password"), "secret") << "from HERALD_KAFKA_SASL_PASSWORD";
  EXPECT_EQ(Property("sasl.mechanisms"), "SCRAM-SHA-512") << "the flag wins, property by property";
  EXPECT_EQ(o_.kafka.size(), 4u);
}

// `herald produce --brokers kafka:9092 articles/ feed.ndjson -`: the flag takes one
// value and the rest are the command's positional arguments.
TEST_F(SettingsTest, AFlagTakesOneValueAndLeavesThePositionalArguments) {
  std::vector<std::string> inputs;
  app_.add_option("inputs", inputs);
  Parse({"--group", "g1", "articles/", "feed.ndjson", "--group", "g2", "-"});
  EXPECT_THAT(table_.Resolve(nullptr, {}), IsEmpty());
  EXPECT_EQ(o_.group, "g2") << "the last occurrence wins";
  EXPECT_THAT(inputs, ElementsAre("articles/", "feed.ndjson", "-"));
}

TEST_F(SettingsTest, SecretsComeFromFilesNamedByFileVariables) {
  ScopedTempDir dir("herald-settings-secret");
  Environment environment = {{"HERALD_KAFKA_SASL_PASSWORD_FILE", dir.Write("password", "s3cret\n")},
                             {"HERALD_PROCESSOR_GROUP_FILE", dir.Write("group", "from-file")},
                             {"OTHER_FILE", "/nonexistent"}};
  EXPECT_THAT(ReadEnvironmentFiles(&environment), IsEmpty());
  Parse({});
  EXPECT_THAT(table_.Resolve(nullptr, environment), IsEmpty());
  EXPECT_EQ(Property("sasl.password"), "s3cret") << "the file's contents, its trailing newline dropped";
  EXPECT_EQ(o_.group, "from-file");
}

TEST_F(SettingsTest, UnreadableOrAmbiguousSecretFilesAreProblems) {
  ScopedTempDir dir("herald-settings-secret");
  Environment environment = {{"HERALD_KAFKA_SASL_PASSWORD_FILE", (dir.path() / "missing").string()},
                             {"HERALD_PROCESSOR_GROUP_FILE", dir.Write("group", "a")},
                             {"HERALD_PROCESSOR_GROUP", "b"},
                             {"HERALD_LOG_JSON_FILE", dir.Write("huge", std::string(65 * 1024, 'x'))}};
  EXPECT_THAT(ReadEnvironmentFiles(&environment),
              ElementsAre(HasSubstr("HERALD_KAFKA_SASL_PASSWORD_FILE: "),
                          "HERALD_PROCESSOR_GROUP_FILE and HERALD_PROCESSOR_GROUP are both set: keep one",
                          HasSubstr("HERALD_LOG_JSON_FILE: " + dir.path().string() + "/huge is larger than 64 KiB")));
  EXPECT_THAT(environment, ElementsAre(std::pair<std::string, std::string>("HERALD_PROCESSOR_GROUP", "b")))
      << "what could not be read is reported once, not again as a setting of its own";
}

TEST_F(SettingsTest, BadValuesNameTheirSource) {
  ConfigFile file = File("processor:\n  batch_size: lots\nlog:\n  json: maybe\n");
  Parse({"--batch-size", "0", "-X", "nonsense"});
  std::vector<std::string> problems =
      table_.Resolve(&file, {{"HERALD_KAFKA_NO_SUCH_THING", "1"}, {"HERALD_PROCESSOR_BATCH_SIZE", "-5"}});
  EXPECT_THAT(problems, ElementsAre(HasSubstr("herald.yaml:2: processor.batch_size: expected an integer from 1 to "
                                              "100000, got 'lots'"),
                                    HasSubstr("herald.yaml:4: log.json: expected true or false, got 'maybe'"),
                                    HasSubstr("HERALD_PROCESSOR_BATCH_SIZE: expected an integer"),
                                    HasSubstr("HERALD_KAFKA_NO_SUCH_THING: No such configuration property"),
                                    HasSubstr("--batch-size: expected an integer"),
                                    HasSubstr("--kafka-property: expected NAME=VALUE, got 'nonsense'")));
}

TEST_F(SettingsTest, RequiredSettingWithoutAValue) {
  table_.Add("alert.rules", &o_.rules, "Rules file.").Flag("--rules").Required();
  Parse({});
  EXPECT_THAT(table_.Resolve(nullptr, {}),
              ElementsAre("alert.rules is required: set it in the config file, HERALD_ALERT_RULES or --rules"));
  EXPECT_THAT(table_.Resolve(nullptr, {{"HERALD_ALERT_RULES", "rules.yaml"}}), IsEmpty());
  EXPECT_EQ(o_.rules, "rules.yaml");
}

TEST(ConfigFileTest, SyntaxErrorsCarryTheLine) {
  auto f = ConfigFile::Parse("processor:\n  batch_size: 5\n  group: [unclosed\n", "bad.yaml");
  ASSERT_FALSE(f);
  EXPECT_THAT(f.error().reason, HasSubstr("bad.yaml:"));
  EXPECT_THAT(f.error().reason, HasSubstr("not valid YAML"));
  EXPECT_FALSE(ConfigFile::Parse("- a\n- b\n", "list.yaml")) << "the top level must be a mapping";
  auto empty = ConfigFile::Parse("", "empty.yaml");
  ASSERT_TRUE(empty);
  EXPECT_THAT(empty->entries(), IsEmpty());
}

TEST(ConfigFileTest, AnAliasToAMappingThatContainsItIsRefusedNotFollowed) {
  auto f = ConfigFile::Parse("a: &x\n  b: *x\n", "loop.yaml");
  ASSERT_FALSE(f);
  EXPECT_THAT(f.error().reason, HasSubstr("loop.yaml:2: a.b: an alias refers to a mapping that contains it"));
  auto shared = ConfigFile::Parse("defaults: &d\n  acks: all\nkafka: *d\n", "shared.yaml");
  ASSERT_TRUE(shared) << "an alias to a sibling is fine";
  EXPECT_EQ(shared->entries().size(), 2u);
}

TEST(ConfigFileTest, NestingPastWhatSettingsUseIsRefused) {
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += std::string(2 * i, ' ') + "k" + std::to_string(i) + ":\n";
  auto f = ConfigFile::Parse(deep, "deep.yaml");
  ASSERT_FALSE(f);
  EXPECT_THAT(f.error().reason, HasSubstr("nested deeper than herald's settings go"));
}

TEST(ConfigFileTest, DuplicateKeysAreRefusedWithBothLines) {
  auto f = ConfigFile::Parse("processor:\n  batch_size: 5\n  group: g\n  batch_size: 50\n", "dup.yaml");
  ASSERT_FALSE(f);
  EXPECT_THAT(f.error().reason, HasSubstr("dup.yaml:4: processor.batch_size: given twice (first on line 2)"));
}

TEST(ConfigFileTest, TextThatIsNotUtf8IsRefusedWithItsLine) {
  auto f = ConfigFile::Parse("brokers: a:9092\nprocessor:\n  group: caf\xe9\n", "latin1.yaml");
  ASSERT_FALSE(f);
  EXPECT_THAT(f.error().reason, HasSubstr("latin1.yaml:3: not UTF-8 text"));
}

TEST(ConfigFileTest, KeysThatAreNotPlainValuesAreRefused) {
  auto f = ConfigFile::Parse("? [a, b]\n: 1\n", "complex.yaml");
  ASSERT_FALSE(f);
  EXPECT_THAT(f.error().reason, HasSubstr("a key must be a plain value"));
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    processor_.Add("brokers", &brokers_, "Brokers.");
    processor_.Add("processor.batch_size", &batch_, "Batch.").Range(1, 10);
    processor_.Add("kafka", &kafka_, "Pass-through.");
    store_.Add("brokers", &store_brokers_, "Brokers.");
    store_.Add("store.sqlite", &sqlite_, "File.");
    ASSERT_TRUE(catalog_.Add("process", &processor_));
    ASSERT_TRUE(catalog_.Add("store", &store_));
  }
  std::string brokers_ = "localhost:9092", store_brokers_ = "localhost:9092", sqlite_ = "herald.db";
  int batch_ = 5;
  kafka::Properties kafka_;
  SettingsTable processor_, store_;
  SettingsCatalog catalog_;
};

TEST_F(CatalogTest, CheckNamesUnknownKeysAndBadValuesWithLines) {
  auto file = ConfigFile::Parse(
      "brokers: a:9092\nprocessor:\n  bach_size: 3\n  batch_size: 11\nkafka:\n  acks: all\n  acks.typo: 1\n"
      "store:\n  sqlite: x.db\nzzz: 1\n",
      "h.yaml");
  ASSERT_TRUE(file);
  EXPECT_THAT(catalog_.Check(*file),
              ElementsAre("h.yaml:3: unknown key 'processor.bach_size' (did you mean 'processor.batch_size'?)",
                          "h.yaml:4: processor.batch_size: expected an integer from 1 to 10, got '11'",
                          HasSubstr("h.yaml:7: kafka.acks.typo: No such configuration property"),
                          "h.yaml:10: unknown key 'zzz'"));
}

TEST_F(CatalogTest, ConflictingDeclarationsAreRefused) {
  std::string other = "elsewhere:9092";
  SettingsTable odd;
  odd.Add("brokers", &other, "Brokers.");
  EXPECT_FALSE(catalog_.Add("odd", &odd)) << "same key, different default";
}

TEST_F(CatalogTest, UnknownEnvironmentVariables) {
  EXPECT_THAT(catalog_.UnknownEnvironment({{"HERALD_BROKERS", "x"},
                                           {"HERALD_KAFKA_ACKS", "1"},
                                           {"HERALD_CONFIG", "h.yaml"},
                                           {"HERALD_STORE_SQLIT", "y"},
                                           {"PATH", "/bin"}}),
              ElementsAre("HERALD_STORE_SQLIT"));
}

TEST_F(CatalogTest, MarkdownListsEachKeyOnceWithItsCommands) {
  std::string doc = catalog_.RenderMarkdown();
  EXPECT_THAT(doc, HasSubstr("| `brokers` | string | `localhost:9092` | `HERALD_BROKERS` |  | process, store |"));
  EXPECT_THAT(doc, HasSubstr("| `processor.batch_size` | integer | `5` | `HERALD_PROCESSOR_BATCH_SIZE` |  | process | "
                             "Batch. From 1 to 10. |"));
  EXPECT_THAT(doc, HasSubstr("`HERALD_KAFKA_<NAME>`"));
}

}  // namespace
}  // namespace herald
