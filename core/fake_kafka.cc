#include "core/fake_kafka.h"

#include <algorithm>
#include <functional>

namespace herald::kafka {
namespace {

// The value of a property (the last setting wins, as in librdkafka), or "".
std::string PropertyValue(const Properties& properties, std::string_view name) {
  std::string value;
  for (const auto& [k, v] : properties) {
    if (k == name) value = v;
  }
  return value;
}

// A property librdkafka would refuse fails here too.
Status CheckProperties(const Properties& properties) {
  for (const auto& [name, value] : properties) {
    if (Status s = CheckProperty(name, value); !s) return Fatal("kafka property " + name + ": " + s.error().reason);
  }
  return {};
}

// For each partition in batch, the offset after its last record.
std::map<std::pair<std::string, int32_t>, int64_t> NextOffsets(const Batch& batch) {
  std::map<std::pair<std::string, int32_t>, int64_t> next;
  for (const Record& r : batch) {
    int64_t& n = next[{r.topic(), r.partition()}];
    n = std::max(n, r.offset() + 1);
  }
  return next;
}

}  // namespace

class FakeConsumer final : public Consumer {
 public:
  FakeConsumer(FakeCluster& cluster, std::string group, std::vector<std::string> topics)
      : cluster_(cluster), group_(std::move(group)), topics_(std::move(topics)) {}

  const std::string& group() const { return group_; }

  Result<Batch> Poll(size_t max_records, std::chrono::milliseconds wait) override {
    std::unique_lock lock(cluster_.mutex_);
    Batch batch;
    TakeLocked(max_records, &batch);
    if (batch.empty() && wait.count() > 0) {
      cluster_.appended_.wait_for(lock, wait, [&] { return closed_ || HasRecordsLocked(); });
      TakeLocked(max_records, &batch);
    }
    return batch;
  }
  Status Commit(const Batch& batch) override {
    std::lock_guard lock(cluster_.mutex_);
    cluster_.CommitLocked(group_, NextOffsets(batch));
    return {};
  }
  void StoreOffsets(const Batch& batch) override { (void)Commit(batch); }
  Status CommitPending() override { return {}; }
  Result<PartitionLag> Lag(std::chrono::milliseconds) override {
    std::lock_guard lock(cluster_.mutex_);
    PartitionLag lag;
    ForEachPartitionLocked([&](const FakeCluster::TopicPartition& tp, const FakeCluster::Partition& p) {
      lag[tp] = static_cast<int64_t>(p.size()) - std::max<int64_t>(0, CommittedLocked(tp));
    });
    return lag;
  }
  std::vector<std::pair<std::string, int32_t>> Assignment() override {
    std::lock_guard lock(cluster_.mutex_);
    std::vector<std::pair<std::string, int32_t>> out;
    ForEachPartitionLocked(
        [&](const FakeCluster::TopicPartition& tp, const FakeCluster::Partition&) { out.push_back(tp); });
    return out;
  }
  Result<int64_t> Committed(const std::string& topic, int32_t partition, std::chrono::milliseconds) override {
    std::lock_guard lock(cluster_.mutex_);
    return CommittedLocked({topic, partition});
  }
  Result<int64_t> EndOffset(const std::string& topic, int32_t partition, std::chrono::milliseconds) override {
    std::lock_guard lock(cluster_.mutex_);
    auto it = cluster_.topics_.find(topic);
    if (it == cluster_.topics_.end() || partition < 0 ||
        static_cast<size_t>(partition) >= it->second.partitions.size()) {
      return Retriable("end offset: Broker: Unknown topic or partition");
    }
    return static_cast<int64_t>(it->second.partitions[partition].size());
  }
  Status Rewind(const Batch& batch) override {
    std::lock_guard lock(cluster_.mutex_);
    std::map<FakeCluster::TopicPartition, int64_t> first;
    for (const Record& r : batch) {
      auto [it, inserted] = first.try_emplace({r.topic(), r.partition()}, r.offset());
      if (!inserted) it->second = std::min(it->second, r.offset());
    }
    for (const auto& [tp, offset] : first) positions_[tp] = offset;
    return {};
  }
  void Close() override {
    std::lock_guard lock(cluster_.mutex_);
    closed_ = true;
    cluster_.appended_.notify_all();
  }

 private:
  int64_t CommittedLocked(const FakeCluster::TopicPartition& tp) const {
    auto group = cluster_.committed_.find(group_);
    if (group == cluster_.committed_.end()) return -1;
    auto it = group->second.find(tp);
    return it == group->second.end() ? -1 : it->second;
  }
  // The next offset to read; the committed one (or the log's start) at first.
  int64_t& PositionLocked(const FakeCluster::TopicPartition& tp) {
    auto [it, inserted] = positions_.try_emplace(tp, 0);
    if (inserted) it->second = std::max<int64_t>(0, CommittedLocked(tp));
    return it->second;
  }
  void ForEachPartitionLocked(
      const std::function<void(const FakeCluster::TopicPartition&, const FakeCluster::Partition&)>& fn) const {
    for (const std::string& name : topics_) {
      auto topic = cluster_.topics_.find(name);
      if (topic == cluster_.topics_.end()) continue;
      for (size_t p = 0; p < topic->second.partitions.size(); ++p) {
        fn({name, static_cast<int32_t>(p)}, topic->second.partitions[p]);
      }
    }
  }
  bool HasRecordsLocked() {
    bool any = false;
    ForEachPartitionLocked([&](const FakeCluster::TopicPartition& tp, const FakeCluster::Partition& p) {
      any |= PositionLocked(tp) < static_cast<int64_t>(p.size());
    });
    return any;
  }
  void TakeLocked(size_t max_records, Batch* batch) {
    if (closed_) return;
    ForEachPartitionLocked([&](const FakeCluster::TopicPartition& tp, const FakeCluster::Partition& p) {
      int64_t& position = PositionLocked(tp);
      while (batch->size() < max_records && position < static_cast<int64_t>(p.size())) {
        batch->emplace_back(p[position++]);
      }
    });
  }

  FakeCluster& cluster_;
  const std::string group_;
  const std::vector<std::string> topics_;
  std::map<FakeCluster::TopicPartition, int64_t> positions_;  // guarded by cluster_.mutex_
  bool closed_ = false;                                       // guarded by cluster_.mutex_
};

class FakeProducer final : public Producer {
 public:
  FakeProducer(FakeCluster& cluster, bool transactional) : cluster_(cluster), transactional_(transactional) {}

  Status Produce(std::string_view topic, std::string_view key, std::string_view value,
                 const Headers& headers) override {
    std::lock_guard lock(cluster_.mutex_);
    if (transactional_ && !in_transaction_) {
      return Fatal("produce to " + std::string(topic) + ": Local: Erroneous state (no transaction begun)");
    }
    if (std::string refusal = cluster_.Refusal(std::string(topic), key, value, headers); !refusal.empty()) {
      ++failed_;
      ++failed_since_flush_;
      if (first_failure_.empty()) first_failure_ = std::string(topic) + ": " + refusal;
      return {};  // reported as librdkafka reports it: by the delivery report, at Flush
    }
    ++delivered_;
    if (in_transaction_) {
      pending_.push_back({std::string(topic), 0, 0, std::string(key), std::string(value), headers, std::nullopt});
    } else {
      cluster_.AppendLocked(std::string(topic), key, value, headers);
    }
    return {};
  }
  Status Produce(std::string_view topic, std::string_view key, MallocBytes& value, size_t size,
                 const Headers& headers) override {
    Status sent = Produce(topic, key, std::string_view(value.get(), size), headers);
    if (sent) value.reset();  // taken over, as librdkafka would
    return sent;
  }
  // Reported at once, as the fake cluster takes or refuses a record at once.
  Status ProduceTracked(std::string_view topic, std::string_view key, std::string_view value, const Headers& headers,
                        const std::shared_ptr<Deliveries>& deliveries) override {
    int64_t failed_before = failed();
    deliveries->Sent();
    Status sent = Produce(topic, key, value, headers);
    deliveries->Reported(!sent ? sent.error().reason : failed() > failed_before ? "refused by the fake cluster" : "");
    return sent;
  }
  void ServeReports(std::chrono::milliseconds) override {}
  Status Flush(std::chrono::milliseconds) override {
    std::lock_guard lock(cluster_.mutex_);
    if (failed_since_flush_ == 0) return {};
    failed_since_flush_ = 0;
    return Retriable("delivery failed: " + std::exchange(first_failure_, ""));
  }
  int64_t delivered() const override {
    std::lock_guard lock(cluster_.mutex_);
    return delivered_;
  }
  int64_t failed() const override {
    std::lock_guard lock(cluster_.mutex_);
    return failed_;
  }
  Status InitTransactions(std::chrono::milliseconds) override {
    std::lock_guard lock(cluster_.mutex_);
    if (!transactional_) return Fatal("init transactions: the producer has no transactional.id");
    initialised_ = true;
    return {};
  }
  Status BeginTransaction() override {
    std::lock_guard lock(cluster_.mutex_);
    if (!initialised_ || in_transaction_) return Fatal("begin transaction: Local: Erroneous state");
    in_transaction_ = true;
    return {};
  }
  Status SendOffsetsToTransaction(const Batch& batch, Consumer& consumer, std::chrono::milliseconds) override {
    auto* fake = dynamic_cast<FakeConsumer*>(&consumer);
    if (!fake) return Fatal("send offsets to transaction: the consumer is not the fake cluster's");
    std::lock_guard lock(cluster_.mutex_);
    if (!in_transaction_) return Fatal("send offsets to transaction: Local: Erroneous state");
    for (const auto& [tp, next] : NextOffsets(batch)) pending_offsets_[fake->group()][tp] = next;
    return {};
  }
  Status CommitTransaction(std::chrono::milliseconds) override {
    std::lock_guard lock(cluster_.mutex_);
    if (!in_transaction_) return Fatal("commit transaction: Local: Erroneous state");
    if (failed_since_flush_ > 0) {
      return Fail(v1::SINK_FAILED, "commit transaction: delivery failed: " + first_failure_,
                  ErrorKind::kAbortTransaction);
    }
    for (const RecordData& r : pending_) cluster_.AppendLocked(r.topic, r.key, r.value, r.headers);
    for (const auto& [group, offsets] : pending_offsets_) cluster_.CommitLocked(group, offsets);
    EndTransactionLocked();
    return {};
  }
  Status AbortTransaction(std::chrono::milliseconds) override {
    std::lock_guard lock(cluster_.mutex_);
    failed_since_flush_ = 0;  // aborted records are redone, not failures to report
    first_failure_.clear();
    EndTransactionLocked();
    return {};
  }

 private:
  void EndTransactionLocked() {
    pending_.clear();
    pending_offsets_.clear();
    in_transaction_ = false;
  }

  FakeCluster& cluster_;
  const bool transactional_;
  // Guarded by cluster_.mutex_ (the transaction's state belongs to its one caller).
  bool initialised_ = false, in_transaction_ = false;
  int64_t delivered_ = 0, failed_ = 0, failed_since_flush_ = 0;
  std::string first_failure_;
  std::vector<RecordData> pending_;
  std::map<std::string, std::map<FakeCluster::TopicPartition, int64_t>> pending_offsets_;
};

void FakeCluster::CreateTopic(const std::string& name, int partitions, int64_t max_message_bytes) {
  std::lock_guard lock(mutex_);
  if (topics_.contains(name)) return;
  Topic& t = topics_[name];
  t.partitions.resize(std::max(1, partitions));
  t.max_message_bytes = max_message_bytes;
}

bool FakeCluster::Append(const std::string& topic, std::string_view key, std::string_view value,
                         const Headers& headers) {
  std::lock_guard lock(mutex_);
  if (!Refusal(topic, key, value, headers).empty()) return false;
  AppendLocked(topic, key, value, headers);
  return true;
}

std::string FakeCluster::Refusal(const std::string& topic, std::string_view key, std::string_view value,
                                 const Headers& headers) const {
  auto it = topics_.find(topic);
  if (it == topics_.end()) return "Broker: Unknown topic or partition";
  int64_t bytes = static_cast<int64_t>(key.size() + value.size());
  for (const Header& h : headers) bytes += static_cast<int64_t>(h.key.size() + h.value.size());
  if (bytes > it->second.max_message_bytes) return "Broker: Message size too large";
  return "";
}

void FakeCluster::AppendLocked(const std::string& topic, std::string_view key, std::string_view value,
                               const Headers& headers) {
  Topic& t = topics_.at(topic);
  const size_t p =
      key.empty() ? t.next_partition++ % t.partitions.size() : std::hash<std::string_view>{}(key) % t.partitions.size();
  Partition& partition = t.partitions[p];
  partition.push_back(std::make_shared<const RecordData>(RecordData{
      .topic = topic,
      .partition = static_cast<int32_t>(p),
      .offset = static_cast<int64_t>(partition.size()),
      .key = std::string(key),
      .value = std::string(value),
      .headers = headers,
      .timestamp_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
              .count()}));
  appended_.notify_all();
}

void FakeCluster::CommitLocked(const std::string& group, const std::map<TopicPartition, int64_t>& offsets) {
  for (const auto& [tp, next] : offsets) committed_[group][tp] = next;
}

Batch FakeCluster::Records(const std::string& topic) const {
  std::lock_guard lock(mutex_);
  Batch out;
  auto it = topics_.find(topic);
  if (it == topics_.end()) return out;
  for (const Partition& p : it->second.partitions) {
    for (const auto& r : p) out.emplace_back(r);
  }
  return out;
}

std::optional<int64_t> FakeCluster::CommittedOffset(const std::string& group, const std::string& topic,
                                                    int32_t partition) const {
  std::lock_guard lock(mutex_);
  auto g = committed_.find(group);
  if (g == committed_.end()) return std::nullopt;
  auto it = g->second.find({topic, partition});
  if (it == g->second.end()) return std::nullopt;
  return it->second;
}

Result<std::unique_ptr<Producer>> FakeCluster::NewProducer(const Properties& properties, StatisticsHandler) {
  if (Status s = CheckProperties(properties); !s) return Unexpected(s.error());
  return std::unique_ptr<Producer>(new FakeProducer(*this, !PropertyValue(properties, "transactional.id").empty()));
}

Result<std::unique_ptr<Consumer>> FakeCluster::NewConsumer(const Properties& properties,
                                                           const std::vector<std::string>& topics, StatisticsHandler) {
  if (Status s = CheckProperties(properties); !s) return Unexpected(s.error());
  std::string group = PropertyValue(properties, "group.id");
  if (group.empty()) return Fatal("cannot create Kafka consumer: group.id must be configured");
  return std::unique_ptr<Consumer>(new FakeConsumer(*this, std::move(group), topics));
}

Result<TopicLimits> FakeCluster::DescribeTopicLimits(const Properties&, const std::vector<std::string>& topics,
                                                     std::chrono::milliseconds) {
  std::lock_guard lock(mutex_);
  TopicLimits limits;
  for (const std::string& name : topics) {
    auto it = topics_.find(name);
    limits[name] = it == topics_.end() ? kDefaultMaxMessageBytes : it->second.max_message_bytes;
  }
  return limits;
}

}  // namespace herald::kafka
