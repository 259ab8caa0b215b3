// kafka_test_support.h: what the integration and fault tests share: the local
// broker's address, bounded waiting, reading a topic back, and herald daemons
// run as child processes that can be killed.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <chrono>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/files.h"
#include "core/kafka.h"
#include "core/kafka_admin.h"
#include "core/stage_metrics.h"

extern char** environ;

namespace herald::testing {

// The bootstrap address of the broker ctest's "kafka" fixture started, or "".
inline std::string Brokers() {
  const char* dir = std::getenv("HERALD_TEST_KAFKA_DIR");
  if (!dir) return "";
  std::ifstream in(std::string(dir) + "/bootstrap");
  std::string line;
  std::getline(in, line);
  return line;
}

// Waits for cond, up to a generous bound so that a broken pipeline fails instead of hanging.
inline bool WaitFor(const std::function<bool()>& cond, std::chrono::seconds bound = std::chrono::seconds(90)) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return cond();
}

// A stage's counters and consumer lag as Prometheus text, for a failed wait to
// say where the records stopped (consumed or not, produced, committed).
inline std::string StageProgress(StageMetrics& metrics) {
  std::istringstream all(metrics.registry().RenderPrometheus());
  std::string out, line;
  while (std::getline(all, line)) {
    const bool progress = line.starts_with("herald_records_") || line.starts_with("herald_dead_lettered") ||
                          line.starts_with("herald_consumer_lag");
    if (progress) out += line + "\n";
  }
  return out;
}

// The consumer groups the cluster knows, as an outsider lists them.
inline std::vector<std::string> ConsumerGroups(const std::string& brokers) {
  std::string error;
  rd_kafka_t* handle = kafka::internal::NewClientHandle(RD_KAFKA_PRODUCER, {{"bootstrap.servers", brokers}}, &error);
  if (!handle) return {};
  const rd_kafka_group_list* list = nullptr;
  std::vector<std::string> names;
  if (rd_kafka_list_groups(handle, nullptr, &list, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    for (int i = 0; i < list->group_cnt; ++i) names.emplace_back(list->groups[i].group);
    rd_kafka_group_list_destroy(list);
  }
  rd_kafka_destroy(handle);
  return names;
}

// The offsets `group` has committed on partitions 0..partitions-1 of `topic`
// (RD_KAFKA_OFFSET_INVALID where none), asked without joining the group.
inline std::vector<int64_t> CommittedOffsets(const std::string& brokers, const std::string& group,
                                             const std::string& topic, int partitions) {
  std::string error;
  rd_kafka_t* handle = kafka::internal::NewClientHandle(RD_KAFKA_CONSUMER,
                                                        {{"bootstrap.servers", brokers}, {"group.id", group}}, &error);
  if (!handle) return {};
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) rd_kafka_topic_partition_list_add(list, topic.c_str(), p);
  std::vector<int64_t> offsets;
  if (rd_kafka_committed(handle, list, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    for (int i = 0; i < list->cnt; ++i) offsets.push_back(list->elems[i].offset);
  }
  rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_destroy(handle);
  return offsets;
}

// A record read back from a topic, copied out: librdkafka's messages must not outlive their consumer.
struct ReadRecord {
  std::string key, value;
  kafka::Headers headers;
  std::optional<std::string> header(std::string_view name) const {
    for (const auto& h : headers) {
      if (h.key == name) return h.value;
    }
    return std::nullopt;
  }
};

// Every record on a topic, read_committed from the beginning by a fresh group,
// until `expected` arrive (or `bound` passes), then a moment more for extras.
inline std::vector<ReadRecord> ReadTopic(const std::string& brokers, const std::string& topic, size_t expected,
                                         std::chrono::seconds bound = std::chrono::seconds(30)) {
  static int readers = 0;
  auto consumer =
      kafka::Consumer::Create(kafka::ConsumerProperties(brokers, "reader-" + topic + "-" + std::to_string(::getpid()) +
                                                                     "-" + std::to_string(++readers)),
                              {topic});
  EXPECT_TRUE(consumer);
  std::vector<ReadRecord> all;
  auto take = [&](std::chrono::milliseconds wait) {
    auto batch = (*consumer)->Poll(5000, wait);
    if (!batch) return;
    for (const kafka::Record& r : *batch) all.push_back({std::string(r.key()), std::string(r.value()), r.headers()});
  };
  WaitFor(
      [&] {
        take(std::chrono::milliseconds(200));
        return all.size() >= expected;
      },
      bound);
  take(std::chrono::milliseconds(2000));
  (*consumer)->Close();
  return all;
}

// A herald daemon in a child process, its stderr in a log file.
class Daemon {
 public:
  Daemon(std::vector<std::string> args, std::string log_path) : args_(std::move(args)), log_(std::move(log_path)) {
    Start();
  }
  ~Daemon() {
    if (pid_ > 0) Kill9();
  }
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  void Start() {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    std::vector<char*> argv;
    for (std::string& a : args_) argv.push_back(a.data());
    argv.push_back(nullptr);
    int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    EXPECT_EQ(rc, 0) << "cannot start " << args_[0];
  }
  // kill -9, and wait for the process to be gone.
  void Kill9() {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  void Signal(int sig) { ::kill(pid_, sig); }
  // SIGTERM; the exit status (-1 if it did not exit by itself within the bound).
  int Terminate(std::chrono::seconds bound = std::chrono::seconds(60)) {
    ::kill(pid_, SIGTERM);
    return WaitForExit(bound);
  }
  // The exit status once the process ends by itself (-1 if killed, or still running after the bound).
  int WaitForExit(std::chrono::seconds bound) {
    auto deadline = std::chrono::steady_clock::now() + bound;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    Kill9();
    return -1;
  }

 private:
  std::vector<std::string> args_;
  std::string log_;
  pid_t pid_ = -1;
};

// The value of one series (name{labels}) in a Prometheus text page, or -1.
inline double Sample(const std::string& page, const std::string& series) {
  size_t at = page.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(page.substr(at + series.size() + 2));
}

// The whole of a (log) file, or "" while it does not exist yet.
inline std::string ReadFile(const std::string& path) {
  auto text = ReadWholeFile(path);
  return text ? *text : "";
}

}  // namespace herald::testing
