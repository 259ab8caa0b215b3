// seen_topic.h: the articles `herald feeds` has sent, durable and shared: a
// compacted topic keyed by dedup key (dedup.h), read whole at start and
// tailed after, with a bounded SeenIndex as its in-memory cache.
//
//   SeenTopic seen(options, cluster, producer);
//   if (Status s = seen.Load(context.stop); !s) return s;      // every instance's entries so far
//   seen.Drain();                                              // what others sent since
//   if (!seen.index().Find(key)) { ...send...; seen.Mark(entry); }
//
// Record: key the dedup key, value JSON {"url","article_id","simhash","seen_at_ms"}
// (simhash as 16 hex digits); or key "feed:" + a feed URL, value JSON
// {"etag","last_modified"} (FeedValidators). The topic is created (compacted and kept
// feeds.seen_retention_days, 6 partitions:
// as many instances can share the feeds) when missing. Each instance reads it
// with a consumer group of its own (a fresh id per start) that commits
// nothing, so it reads every partition from the beginning and leaves no group
// behind; Load returns once every partition is read to its end offset.
// A second consumer, in the group feeds.group shared by every instance, says
// which feeds are this instance's (Owns); Load also waits for its first
// assignment. While the group rebalances (an instance starts or stops) a feed
// can be polled by two instances for a moment: an item both fetch is then sent
// twice under one key, which the store's upsert makes one row.
// Thread-safety: one thread.
// Failure: Load fails (retriable) when the topic cannot be read within 60 s;
// Mark fails as Producer::Produce does. Unreadable records are skipped.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <stop_token>

#include "core/kafka.h"
#include "core/kafka_cluster.h"
#include "producers/feeds/dedup.h"
#include "producers/feeds/feeds.h"

namespace herald {

// A feed's validators for its next conditional GET, kept in the seen topic
// (key "feed:" + the feed's URL) so that a restart, or the next `--once` run,
// polls conditionally too.
struct FeedValidators {
  std::string etag, last_modified;
  bool operator==(const FeedValidators&) const = default;
};

class SeenTopic {
 public:
  SeenTopic(const FeedsOptions& options, kafka::Cluster& cluster, kafka::Producer& producer);

  Status Load(const std::stop_token& stop);
  // Takes what the topic has gained since (others' entries), without waiting,
  // and keeps this instance's membership of the feeds' group.
  void Drain();
  // Whether this instance polls the feed: the feeds are shared among the
  // instances of feeds.group as the seen topic's partitions are (the feed
  // URL's stable hash picks one), so each feed has one poller.
  bool Owns(std::string_view feed_url);
  // Sends an entry and remembers it.
  Status Mark(SeenEntry entry);
  // A feed's validators as last saved by any instance, or null.
  const FeedValidators* Validators(const std::string& feed_url) const;
  Status SaveValidators(const std::string& feed_url, const FeedValidators& validators);
  const SeenIndex& index() const { return index_; }

  static std::string Encode(const SeenEntry& entry);
  static bool Decode(std::string_view key, std::string_view value, SeenEntry* entry);

 private:
  size_t Apply(const kafka::Batch& batch);
  Status JoinFeedsGroup(const std::stop_token& stop, std::chrono::steady_clock::time_point deadline);

  const FeedsOptions& options_;
  kafka::Cluster& cluster_;
  kafka::Producer& producer_;
  std::unique_ptr<kafka::Consumer> consumer_;  // every partition: a group of its own
  std::unique_ptr<kafka::Consumer> owner_;     // the feeds' group: which feeds are this instance's
  size_t partitions_ = 0;
  std::map<int32_t, int64_t> read_up_to_;                  // per partition: the offset after the last record read
  std::vector<std::pair<std::string, int32_t>> assigned_;  // the owner's, as last logged
  SeenIndex index_;
  std::map<std::string, FeedValidators> validators_;  // by feed URL
};

}  // namespace herald
