// The files in deploy/ agree with the code: image name and version, admin
// ports, probe and metrics paths, commands, config keys (checked by `herald
// config check` itself), consumer group and topic for the lag autoscaler, and
// shutdown timeouts against the platforms' grace periods.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>

#include <sys/wait.h>

#include "consumers/alert_rules.h"
#include "core/admin_server.h"
#include "core/files.h"
#include "core/options.h"
#include "core/scoped_temp_dir.h"
#include "core/settings.h"
#include "producers/feeds/feeds.h"
#include "producers/ingest.h"

namespace herald {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kImage = std::string("herald/herald:") + HERALD_VERSION;
const std::string kConfigPath = "/etc/herald/herald.yaml";

std::string Read(const std::string& path) {
  auto text = ReadWholeFile(path);
  EXPECT_TRUE(text) << text.error().reason;
  return text ? *text : "";
}

// Every document of every Kubernetes manifest, by kind and name.
std::map<std::pair<std::string, std::string>, YAML::Node> KubernetesObjects() {
  std::map<std::pair<std::string, std::string>, YAML::Node> out;
  for (const auto& entry : std::filesystem::directory_iterator("deploy/kubernetes")) {
    for (const YAML::Node& doc : YAML::LoadAllFromFile(entry.path().string())) {
      if (!doc.IsMap()) continue;
      out[{doc["kind"].as<std::string>(), doc["metadata"]["name"].as<std::string>()}] = doc;
    }
  }
  return out;
}

// The settings a config file sets, key to value (lists as their first item).
std::map<std::string, std::string> Settings(const std::string& yaml, const std::string& name) {
  auto file = ConfigFile::Parse(yaml, name);
  EXPECT_TRUE(file) << file.error().reason;
  std::map<std::string, std::string> out;
  if (file) {
    for (const ConfigEntry& e : file->entries()) out[e.key] = e.values.empty() ? "" : e.values.front();
  }
  return out;
}

std::map<std::string, std::string> Labels(const YAML::Node& node) {
  return node.as<std::map<std::string, std::string>>();
}

int ConfigCheck(const std::string& path) {
  return std::system((std::string(HERALD_BINARY) + " config check " + path + " > /dev/null").c_str());
}

const StageName kDaemons[] = {kProcessorStage, kStoreStage, kAlertStage, kFeedsStage, kIngestStage};

// Whether the configuration reference names the variable (NAME_FILE: NAME's value from a file).
bool NamesASetting(const std::string& doc, std::string variable) {
  if (variable.ends_with("_FILE")) variable.resize(variable.size() - 5);
  return doc.find("`" + variable + "`") != std::string::npos;
}

class DeployTest : public ::testing::Test {
 protected:
  void SetUp() override {
    objects_ = KubernetesObjects();
    auto configmap = objects_.find({"ConfigMap", "herald-config"});
    ASSERT_NE(configmap, objects_.end()) << "deploy/kubernetes has no ConfigMap herald-config";
    cluster_yaml_ = configmap->second["data"]["herald.yaml"].as<std::string>();
    cluster_rules_ = configmap->second["data"]["alert-rules.yaml"].as<std::string>();
    cluster_ = Settings(cluster_yaml_, "configmap herald.yaml");
    host_ = Settings(Read("deploy/herald.yaml"), "deploy/herald.yaml");
  }

  std::map<std::pair<std::string, std::string>, YAML::Node> objects_;
  std::string cluster_yaml_, cluster_rules_;
  std::map<std::string, std::string> cluster_, host_;
};

TEST_F(DeployTest, ConfigFilesPassConfigCheckAndAgree) {
  EXPECT_EQ(ConfigCheck("deploy/herald.yaml"), 0);
  ScopedTempDir dir("herald-deploy-test");
  EXPECT_EQ(ConfigCheck(dir.Write("configmap-herald.yaml", cluster_yaml_)), 0);
  auto rules = AlertRules::LoadString(cluster_rules_, "configmap alert-rules.yaml");
  EXPECT_TRUE(rules) << rules.error().reason;
  // The feeds' list: the ConfigMap's is the sample's, and it loads.
  auto configmap = objects_.find({"ConfigMap", "herald-config"});
  EXPECT_EQ(configmap->second["data"]["feeds.yaml"].as<std::string>(), Read("samples/feeds.yaml"));
  FeedsOptions feeds{.list_path = "samples/feeds.yaml"};
  auto list = LoadFeedList(feeds);
  ASSERT_TRUE(list) << list.error().reason;
  EXPECT_GE(list->size(), 1u);
  for (const auto& [key, value] : host_) {
    if (key == "brokers") continue;  // the compose service name vs the cluster's bootstrap service
    EXPECT_EQ(cluster_[key], value) << key << " differs between deploy/herald.yaml and the ConfigMap";
  }
  EXPECT_EQ(cluster_.size(), host_.size());
  EXPECT_EQ(host_.count("admin.host"), 0u) << "loopback outside containers: the code's default";
  EXPECT_NE(Read("deploy/Dockerfile").find("ENV HERALD_ADMIN_HOST=0.0.0.0"), std::string::npos)
      << "inside the image the probes must reach the admin endpoints";
  for (const StageName& d : kDaemons) {
    EXPECT_EQ(host_[std::string(d.name) + ".admin_port"], std::to_string(d.admin_port)) << "the code's default port";
  }
}

TEST_F(DeployTest, DeploymentsRunTheImageWithProbesOnTheAdminPort) {
  const int shutdown_timeout_s = std::stoi(cluster_["shutdown_timeout_s"]);
  const std::string configuration_doc = Read("docs/CONFIGURATION.md");
  for (const StageName& d : kDaemons) {
    SCOPED_TRACE(std::string(d.name));
    auto it = objects_.find({"Deployment", "herald-" + std::string(d.name)});
    ASSERT_NE(it, objects_.end());
    const YAML::Node pod = it->second["spec"]["template"];
    const YAML::Node c = pod["spec"]["containers"][0];
    EXPECT_EQ(c["image"].as<std::string>(), kImage);
    EXPECT_THAT(c["args"].as<std::vector<std::string>>(), ElementsAre(std::string(d.command), "--config", kConfigPath));
    EXPECT_EQ(c["ports"][0]["name"].as<std::string>(), "admin");
    EXPECT_EQ(c["ports"][0]["containerPort"].as<int>(), d.admin_port);
    EXPECT_EQ(cluster_[std::string(d.name) + ".admin_port"], std::to_string(d.admin_port));
    EXPECT_EQ(c["livenessProbe"]["httpGet"]["path"].as<std::string>(), kLivenessPath);
    EXPECT_EQ(c["readinessProbe"]["httpGet"]["path"].as<std::string>(), kReadinessPath);
    EXPECT_EQ(c["livenessProbe"]["httpGet"]["port"].as<std::string>(), "admin");
    EXPECT_EQ(c["readinessProbe"]["httpGet"]["port"].as<std::string>(), "admin");
    EXPECT_TRUE(c["resources"]["requests"]["cpu"] && c["resources"]["requests"]["memory"]);
    EXPECT_EQ(pod["metadata"]["annotations"]["prometheus.io/path"].as<std::string>(), kMetricsPath);
    EXPECT_EQ(pod["metadata"]["annotations"]["prometheus.io/port"].as<std::string>(), std::to_string(d.admin_port));
    EXPECT_GT(pod["spec"]["terminationGracePeriodSeconds"].as<int>(), shutdown_timeout_s);
    // The config file comes from the ConfigMap, mounted where --config looks.
    EXPECT_EQ(c["volumeMounts"][0]["mountPath"].as<std::string>(), "/etc/herald");
    EXPECT_EQ(pod["spec"]["volumes"][0]["configMap"]["name"].as<std::string>(), "herald-config");
    for (const YAML::Node& env : c["env"]) {
      EXPECT_TRUE(NamesASetting(configuration_doc, env["name"].as<std::string>()))
          << env["name"] << ": an environment variable that names no setting";
    }
    EXPECT_EQ(Labels(it->second["spec"]["selector"]["matchLabels"]), Labels(pod["metadata"]["labels"]));
  }
}

// The article API (beside ingest's admin port, which the daemons' tests check):
// its port in the Deployment, Service and compose service, and its tokens from
// a secret file, never the config.
TEST_F(DeployTest, TheArticleApiIsDeployedOnItsPortWithTokensFromASecret) {
  const std::string port = std::to_string(IngestOptions{}.port);
  EXPECT_EQ(host_["ingest.port"], port);
  EXPECT_EQ(host_.count("ingest.tokens"), 0u);
  const YAML::Node pod = objects_.at({"Deployment", "herald-ingest"})["spec"]["template"];
  const YAML::Node c = pod["spec"]["containers"][0];
  EXPECT_EQ(c["ports"][1]["name"].as<std::string>(), "api");
  EXPECT_EQ(std::to_string(c["ports"][1]["containerPort"].as<int>()), port);
  EXPECT_EQ(c["env"][0]["name"].as<std::string>(), "HERALD_INGEST_TOKENS_FILE");
  EXPECT_THAT(c["env"][0]["value"].as<std::string>(),
              ::testing::StartsWith(c["volumeMounts"][1]["mountPath"].as<std::string>()));
  EXPECT_EQ(pod["spec"]["volumes"][1]["secret"]["secretName"].as<std::string>(), "herald-ingest-tokens");
  const YAML::Node service = objects_.at({"Service", "herald-ingest"});
  EXPECT_EQ(Labels(service["spec"]["selector"]), Labels(pod["metadata"]["labels"]));
  EXPECT_EQ(service["spec"]["ports"][0]["targetPort"].as<std::string>(), "api");
  EXPECT_THAT(Read("deploy/Dockerfile"), HasSubstr("ENV HERALD_INGEST_HOST=0.0.0.0"))
      << "reachable from outside the container";
  const YAML::Node compose = YAML::LoadFile("deploy/docker-compose.yml")["services"]["ingest"];
  EXPECT_EQ(compose["ports"][1].as<std::string>(), port + ":" + port);
  EXPECT_TRUE(compose["environment"]["HERALD_INGEST_TOKENS_FILE"]);
  const std::string unit = Read("deploy/systemd/herald-ingest.service");
  EXPECT_THAT(unit, HasSubstr("ExecStart=/usr/local/bin/herald ingest --config " + kConfigPath));
  EXPECT_THAT(unit, HasSubstr("Environment=HERALD_INGEST_TOKENS_FILE="));
}

TEST_F(DeployTest, AutoscalersAndDisruptionBudgetsTargetTheDeployments) {
  const YAML::Node hpa = objects_.at({"HorizontalPodAutoscaler", "herald-processor-cpu"});
  EXPECT_TRUE(objects_.contains({"Deployment", hpa["spec"]["scaleTargetRef"]["name"].as<std::string>()}));
  const YAML::Node keda = objects_.at({"ScaledObject", "herald-processor-lag"});
  EXPECT_TRUE(objects_.contains({"Deployment", keda["spec"]["scaleTargetRef"]["name"].as<std::string>()}));
  const YAML::Node trigger = keda["spec"]["triggers"][0];
  EXPECT_EQ(trigger["type"].as<std::string>(), "kafka");
  EXPECT_EQ(trigger["metadata"]["consumerGroup"].as<std::string>(), cluster_["processor.group"]);
  EXPECT_EQ(trigger["metadata"]["topic"].as<std::string>(), cluster_["topics.raw"]);
  EXPECT_EQ(trigger["metadata"]["bootstrapServers"].as<std::string>(), cluster_["brokers"]);
  int budgets = 0;
  for (const auto& [id, object] : objects_) {
    if (id.first != "PodDisruptionBudget") continue;
    ++budgets;
    bool selects_a_deployment = false;
    for (const auto& [other, deployment] : objects_) {
      if (other.first == "Deployment") {
        selects_a_deployment |=
            Labels(object["spec"]["selector"]["matchLabels"]) == Labels(deployment["spec"]["selector"]["matchLabels"]);
      }
    }
    EXPECT_TRUE(selects_a_deployment) << id.second;
  }
  EXPECT_EQ(budgets, 3);
}

TEST_F(DeployTest, ComposeRunsTheDaemonsFromTheConfigFile) {
  const YAML::Node compose = YAML::LoadFile("deploy/docker-compose.yml");
  const YAML::Node services = compose["services"];
  ASSERT_TRUE(services["kafka"] && services["postgres"]);
  const std::string pom = Read("deploy/kafka/pom.xml");
  std::smatch version;
  ASSERT_TRUE(std::regex_search(pom, version, std::regex("<kafka.version>([^<]+)</kafka.version>")));
  EXPECT_EQ(services["kafka"]["image"].as<std::string>(), "apache/kafka:" + version[1].str())
      << "the broker the tests run";
  EXPECT_EQ(host_["brokers"], "kafka:9092");
  EXPECT_EQ(services["kafka"]["volumes"][0].as<std::string>(),
            "kafka-data:" + services["kafka"]["environment"]["KAFKA_LOG_DIRS"].as<std::string>())
      << "the broker's data lives on the volume, not in the container";
  const std::string configuration_doc = Read("docs/CONFIGURATION.md");
  const int shutdown_timeout_s = std::stoi(host_["shutdown_timeout_s"]);
  for (const StageName& d : kDaemons) {
    SCOPED_TRACE(std::string(d.command));
    const YAML::Node s = services[std::string(d.command)];
    ASSERT_TRUE(s);
    EXPECT_EQ(s["image"].as<std::string>(), kImage);
    EXPECT_THAT(s["command"].as<std::vector<std::string>>(),
                ElementsAre(std::string(d.command), "--config", kConfigPath));
    EXPECT_EQ(s["ports"][0].as<std::string>(), std::to_string(d.admin_port) + ":" + std::to_string(d.admin_port));
    EXPECT_THAT(s["healthcheck"]["test"].as<std::vector<std::string>>(),
                ::testing::Contains("http://127.0.0.1:" + std::to_string(d.admin_port) + kReadinessPath));
    EXPECT_EQ(s["volumes"][0].as<std::string>(), "./herald.yaml:" + kConfigPath + ":ro");
    EXPECT_GT(std::stoi(s["stop_grace_period"].as<std::string>()), shutdown_timeout_s);
    for (const auto& variable : s["environment"]) {
      EXPECT_TRUE(NamesASetting(configuration_doc, variable.first.as<std::string>()))
          << variable.first << ": an environment variable that names no setting";
    }
  }
  // The store writes to the compose file's PostgreSQL, with its credentials.
  const YAML::Node postgres = services["postgres"]["environment"];
  EXPECT_EQ(services["store"]["environment"]["HERALD_STORE_POSTGRES"].as<std::string>(),
            "postgresql://" + postgres["POSTGRES_USER"].as<std::string>() + ":" +
                postgres["POSTGRES_PASSWORD"].as<std::string>() + "@postgres:5432/" +
                postgres["POSTGRES_DB"].as<std::string>());
}

// scripts/container-test.sh runs the compose file users run: the suite's override swaps
// only the images that come from a registry, for ones built locally.
TEST_F(DeployTest, TheSuitesComposeOverrideOnlySwapsImages) {
  const YAML::Node services = YAML::LoadFile("deploy/docker-compose.yml")["services"];
  const YAML::Node overrides = YAML::LoadFile("tests/container/compose.test.yml")["services"];
  ASSERT_EQ(overrides.size(), 2u);
  for (const auto& service : overrides) {
    const std::string name = service.first.as<std::string>();
    SCOPED_TRACE(name);
    EXPECT_TRUE(services[name]) << "a service the compose file does not have";
    ASSERT_EQ(service.second.size(), 1u);
    EXPECT_THAT(service.second["image"].as<std::string>(), ::testing::StartsWith("localhost/herald-test/"));
  }
}

TEST_F(DeployTest, DockerfileBuildsTheImageFromFilesThatExist) {
  const std::string dockerfile = Read("deploy/Dockerfile");
  EXPECT_THAT(dockerfile, HasSubstr("FROM debian:bookworm-slim AS build"));
  EXPECT_THAT(dockerfile, HasSubstr("\nFROM debian:bookworm-slim\n")) << "the runtime stage";
  EXPECT_THAT(dockerfile, HasSubstr("-t " + kImage));
  EXPECT_THAT(
      dockerfile,
      HasSubstr("EXPOSE " + std::to_string(kProcessorStage.admin_port) + " " + std::to_string(kStoreStage.admin_port) +
                " " + std::to_string(kAlertStage.admin_port) + " " + std::to_string(kFeedsStage.admin_port) + " " +
                std::to_string(kIngestStage.admin_port) + " " + std::to_string(IngestOptions{}.port)));
  EXPECT_THAT(dockerfile, HasSubstr("ENV HERALD_CONFIG=" + kConfigPath));
  EXPECT_THAT(dockerfile, HasSubstr("org.opencontainers.image.version=\"" + std::string(HERALD_VERSION) + "\""));
  EXPECT_THAT(dockerfile, HasSubstr("\nUSER herald\n"));
  EXPECT_THAT(dockerfile, HasSubstr("\nSTOPSIGNAL SIGTERM\n")) << "what herald drains on";
  std::regex copy("\\nCOPY ([^-\\s]\\S*) (\\S+)");  // from the build context, not --from=build
  int copies = 0;
  for (std::sregex_iterator it(dockerfile.begin(), dockerfile.end(), copy), end; it != end; ++it) {
    ++copies;
    EXPECT_TRUE(std::filesystem::exists((*it)[1].str())) << "COPY of a missing path: " << (*it)[1];
  }
  EXPECT_GE(copies, 8);
}

TEST_F(DeployTest, SystemdUnitsRunTheDaemonsAndOutwaitTheirShutdown) {
  const int shutdown_timeout_s = std::stoi(host_["shutdown_timeout_s"]);
  for (const StageName& d : kDaemons) {
    SCOPED_TRACE(std::string(d.name));
    const std::string unit = Read("deploy/systemd/herald-" + std::string(d.name) + ".service");
    EXPECT_THAT(unit, HasSubstr("\nExecStart=/usr/local/bin/herald " + std::string(d.command) + " --config " +
                                kConfigPath + "\n"));
    std::smatch stop;
    ASSERT_TRUE(std::regex_search(unit, stop, std::regex("\\nTimeoutStopSec=(\\d+)")));
    EXPECT_GT(std::stoi(stop[1].str()), shutdown_timeout_s);
    EXPECT_THAT(unit, HasSubstr("\nReadWritePaths=/var/lib/herald\n"));
  }
  EXPECT_THAT(Read("deploy/systemd/herald-alert.service"), HasSubstr("\nExecReload=/bin/kill -HUP $MAINPID\n"));
  EXPECT_THAT(host_["store.sqlite"], ::testing::StartsWith("/var/lib/herald/"));
  EXPECT_THAT(host_["alert.state"], ::testing::StartsWith("/var/lib/herald/"));
}

// `herald config check`, which operators run on the files deploy/ holds, on
// files no one should write: refused with the line, never a crash (a
// self-referencing alias once overflowed the stack).
TEST(ConfigCheckTest, HostileFilesAreRefusedWithTheirLineNotACrash) {
  ScopedTempDir dir("herald-config-check-test");
  const std::pair<const char*, const char*> files[] = {
      {"self-alias.yaml", "a: &x\n  b: *x\n"},
      {"duplicate.yaml", "processor:\n  batch_size: 5\n  batch_size: 6\n"},
      {"latin1.yaml", "processor:\n  group: caf\xe9\n"},
  };
  for (const auto& [name, text] : files) {
    const std::string path = dir.Write(name, text);
    const std::string output = path + ".out";
    const int status =
        std::system((std::string(HERALD_BINARY) + " config check " + path + " > " + output + " 2>&1").c_str());
    ASSERT_TRUE(WIFEXITED(status)) << name << " killed the checker";
    EXPECT_NE(WEXITSTATUS(status), 0) << name;
    EXPECT_THAT(Read(output), ::testing::HasSubstr(path + ":")) << name << ": the file and line";
  }
}

}  // namespace
}  // namespace herald
