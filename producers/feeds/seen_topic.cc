// seen_topic.cc: the seen topic's records and its reading (seen_topic.h).
#include "producers/feeds/seen_topic.h"

#include <simdjson.h>
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <random>
#include <thread>

#include "core/clock.h"
#include "core/kafka_admin.h"
#include "core/log.h"
#include "proto/json_text.h"

namespace herald {
namespace {

constexpr auto kLoadTimeout = std::chrono::seconds(60);
constexpr std::string_view kFeedKeyPrefix = "feed:";
// Created with this many partitions: as many instances can share the feeds.
constexpr int kSeenPartitions = 6;

}  // namespace

SeenTopic::SeenTopic(const FeedsOptions& options, kafka::Cluster& cluster, kafka::Producer& producer)
    : options_(options), cluster_(cluster), producer_(producer), index_(static_cast<size_t>(options.seen_capacity)) {}

std::string SeenTopic::Encode(const SeenEntry& e) {
  std::string out = "{\"url\":";
  json::AppendString(e.url, &out);
  out += ",\"article_id\":";
  json::AppendString(e.article_id, &out);
  char hex[24];
  std::snprintf(hex, sizeof hex, "%016" PRIx64, e.simhash);
  out += ",\"simhash\":\"" + std::string(hex) + "\",\"seen_at_ms\":" + std::to_string(e.seen_at_ms) + "}";
  return out;
}

bool SeenTopic::Decode(std::string_view key, std::string_view value, SeenEntry* e) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (key.empty() || parser.parse(value.data(), value.size()).get(root) != simdjson::SUCCESS) return false;
  std::string_view url, id, simhash;
  int64_t at = 0;
  if (root["url"].get(url) || root["article_id"].get(id) || root["simhash"].get(simhash) || root["seen_at_ms"].get(at))
    return false;
  e->key = std::string(key);
  e->url = std::string(url);
  e->article_id = std::string(id);
  e->simhash = std::strtoull(std::string(simhash).c_str(), nullptr, 16);
  e->seen_at_ms = at;
  return true;
}

size_t SeenTopic::Apply(const kafka::Batch& batch) {
  size_t applied = 0;
  for (const kafka::Record& r : batch) {
    int64_t& read = read_up_to_[r.partition()];
    read = std::max(read, r.offset() + 1);
    if (r.key().starts_with(kFeedKeyPrefix)) {
      thread_local simdjson::dom::parser parser;
      simdjson::dom::element root;
      std::string_view etag, last_modified;
      if (parser.parse(r.value().data(), r.value().size()).get(root) == simdjson::SUCCESS &&
          root["etag"].get(etag) == simdjson::SUCCESS && root["last_modified"].get(last_modified) == simdjson::SUCCESS)
        validators_[std::string(r.key().substr(kFeedKeyPrefix.size()))] = {std::string(etag),
                                                                           std::string(last_modified)};
      continue;
    }
    SeenEntry e;
    if (!Decode(r.key(), r.value(), &e)) continue;  // not ours, or a tombstone
    index_.Add(std::move(e));
    ++applied;
  }
  return applied;
}

Status SeenTopic::Load(const std::stop_token& stop) {
  kafka::Properties admin = options_.kafka.ProducerProperties();
  if (Status s =
          kafka::EnsureTopics(admin, {options_.seen_topic}, kSeenPartitions, std::chrono::seconds(30),
                              {{"cleanup.policy", "compact,delete"},
                               {"retention.ms", std::to_string(int64_t{options_.seen_retention_days} * 86'400'000)}});
      !s)
    return s;
  // A group of its own, which commits nothing: every partition from the
  // beginning, every start, and no group left behind once it closes (the
  // broker drops an empty group without offsets).
  std::random_device random;
  std::string group = "herald-feeds-seen-" + std::to_string(::getpid()) + "-" + std::to_string(random());
  kafka::Properties properties = options_.kafka.ConsumerProperties(group);
  properties.emplace_back("enable.auto.commit", "false");
  auto consumer = cluster_.NewConsumer(properties, {options_.seen_topic}, {});
  if (!consumer) return Unexpected(consumer.error());
  consumer_ = std::move(*consumer);
  const auto deadline = std::chrono::steady_clock::now() + kLoadTimeout;
  size_t loaded = 0;
  while (!stop.stop_requested()) {
    Result<kafka::Batch> batch = consumer_->Poll(5000, std::chrono::milliseconds(200));
    if (!batch) return Unexpected(batch.error());
    loaded += Apply(*batch);
    if (!batch->empty()) continue;
    // Every assigned partition read up to its end offset (the topic is
    // compacted, never emptied, and written outside transactions: its last
    // record is at end - 1).
    const std::vector<std::pair<std::string, int32_t>> assigned = consumer_->Assignment();
    bool caught_up = !assigned.empty();
    for (const auto& [topic, partition] : assigned) {
      Result<int64_t> end = consumer_->EndOffset(topic, partition, std::chrono::seconds(5));
      caught_up &= end && *end <= read_up_to_[partition];
    }
    if (caught_up) {
      log::Info("seen articles loaded", {{"topic", options_.seen_topic},
                                         {"records", std::to_string(loaded)},
                                         {"kept", std::to_string(index_.size())},
                                         {"partitions", std::to_string(assigned.size())}});
      partitions_ = assigned.size();
      return JoinFeedsGroup(stop, deadline);
    }
    if (std::chrono::steady_clock::now() > deadline)
      return Retriable("the seen topic " + options_.seen_topic + " could not be read to its end within 60 s");
  }
  return {};
}

Status SeenTopic::JoinFeedsGroup(const std::stop_token& stop, std::chrono::steady_clock::time_point deadline) {
  auto owner = cluster_.NewConsumer(options_.kafka.ConsumerProperties(options_.group), {options_.seen_topic}, {});
  if (!owner) return Unexpected(owner.error());
  owner_ = std::move(*owner);
  while (!stop.stop_requested() && owner_->Assignment().empty()) {
    Drain();
    if (std::chrono::steady_clock::now() > deadline)
      return Retriable("no partition of " + options_.seen_topic + " was assigned in group " + options_.group);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return {};
}

void SeenTopic::Drain() {
  for (kafka::Consumer* c : {consumer_.get(), owner_.get()}) {
    if (!c) continue;
    Result<kafka::Batch> batch = c->Poll(5000, std::chrono::milliseconds(0));
    if (batch && !batch->empty()) {
      Apply(*batch);
      if (c == owner_.get()) c->StoreOffsets(*batch);
    }
  }
}

bool SeenTopic::Owns(std::string_view feed_url) {
  if (!owner_ || partitions_ == 0) return true;
  std::vector<std::pair<std::string, int32_t>> assigned = owner_->Assignment();
  if (assigned != assigned_) {
    assigned_ = assigned;
    std::string list;
    for (const auto& [topic, p] : assigned_) list += (list.empty() ? "" : ",") + std::to_string(p);
    log::Info("feeds shared anew",
              {{"group", options_.group}, {"partitions", list}, {"of", std::to_string(partitions_)}});
  }
  const auto partition = static_cast<int32_t>(StableHash(feed_url) % partitions_);
  for (const auto& [topic, p] : assigned_) {
    if (p == partition) return true;
  }
  return false;
}

const FeedValidators* SeenTopic::Validators(const std::string& feed_url) const {
  auto it = validators_.find(feed_url);
  return it == validators_.end() ? nullptr : &it->second;
}

Status SeenTopic::SaveValidators(const std::string& feed_url, const FeedValidators& v) {
  std::string value = "{\"etag\":";
  json::AppendString(v.etag, &value);
  value += ",\"last_modified\":";
  json::AppendString(v.last_modified, &value);
  value += "}";
  validators_[feed_url] = v;
  return producer_.Produce(options_.seen_topic, std::string(kFeedKeyPrefix) + feed_url, value);
}

Status SeenTopic::Mark(SeenEntry e) {
  if (e.seen_at_ms == 0) e.seen_at_ms = NowMicros() / 1000;
  Status s = producer_.Produce(options_.seen_topic, e.key, Encode(e));
  index_.Add(std::move(e));
  return s;
}

}  // namespace herald
