// kafka_clients.cc: librdkafka's producer and consumer behind kafka::Producer
// and kafka::Consumer (core/kafka.h).
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <map>
#include <mutex>

#include "core/kafka.h"
#include "core/log.h"

namespace herald::kafka {
namespace {

Result<std::unique_ptr<RdKafka::Conf>> MakeConf(const Properties& properties) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  for (const auto& [k, v] : properties) {
    if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) {
      return Fatal("kafka property " + k + ": " + err);
    }
  }
  return conf;
}

// librdkafka's own log lines, routed into herald's log at a matching level,
// and its statistics, to the client's handler.
class ClientEvents final : public RdKafka::EventCb {
 public:
  explicit ClientEvents(StatisticsHandler on_statistics) : on_statistics_(std::move(on_statistics)) {}
  void event_cb(RdKafka::Event& event) override {
    if (event.type() == RdKafka::Event::EVENT_STATS) {
      if (on_statistics_) on_statistics_(event.str());
    } else if (event.type() == RdKafka::Event::EVENT_ERROR) {
      internal::NoteClientError(event.err(), event.str());
      std::string err = RdKafka::err2str(event.err());
      log::Write(event.fatal() ? log::Level::kError : log::Level::kWarn, "kafka client error",
                 {{"error", err}, {"detail", event.str()}});
    } else if (event.type() == RdKafka::Event::EVENT_LOG) {
      log::Level level =
          event.severity() <= RdKafka::Event::EVENT_SEVERITY_ERROR ? log::Level::kWarn : log::Level::kDebug;
      log::Write(level, "kafka client", {{"facility", event.fac()}, {"detail", event.str()}});
    }
  }

 private:
  StatisticsHandler on_statistics_;
};

// Sets the event callback, and a statistics interval when statistics are wanted and none is given.
void AttachEvents(RdKafka::Conf& conf, const Properties& properties, ClientEvents* events, bool statistics) {
  std::string err;
  conf.set("event_cb", static_cast<RdKafka::EventCb*>(events), err);
  bool interval_given = false;
  for (const auto& [k, v] : properties) interval_given |= k == "statistics.interval.ms";
  if (statistics && !interval_given) conf.set("statistics.interval.ms", "5000", err);
}

class DeliveryCounter;

class LibrdkafkaProducer final : public Producer {
 public:
  static Result<std::unique_ptr<Producer>> Create(const Properties& properties, StatisticsHandler on_statistics);
  ~LibrdkafkaProducer() override;

  Status Produce(std::string_view topic, std::string_view key, std::string_view value, const Headers& headers) override;
  Status Produce(std::string_view topic, std::string_view key, MallocBytes& value, size_t size,
                 const Headers& headers) override;
  Status ProduceTracked(std::string_view topic, std::string_view key, std::string_view value, const Headers& headers,
                        const std::shared_ptr<Deliveries>& deliveries) override;
  void ServeReports(std::chrono::milliseconds wait) override { producer_->poll(static_cast<int>(wait.count())); }
  Status Flush(std::chrono::milliseconds timeout) override;
  int64_t delivered() const override { return delivered_.load(); }
  int64_t failed() const override { return failed_.load(); }
  Status InitTransactions(std::chrono::milliseconds timeout) override;
  Status BeginTransaction() override;
  Status SendOffsetsToTransaction(const Batch& batch, Consumer& consumer, std::chrono::milliseconds timeout) override;
  Status CommitTransaction(std::chrono::milliseconds timeout) override;
  Status AbortTransaction(std::chrono::milliseconds timeout) override;

 private:
  friend class DeliveryCounter;
  Status Send(std::string_view topic, std::string_view key, char* value, size_t size, int flags, const Headers& headers,
              void* opaque = nullptr);

  std::unique_ptr<DeliveryCounter> reports_;
  std::unique_ptr<ClientEvents> events_;  // outlives producer_, which calls it
  std::unique_ptr<RdKafka::Producer> producer_;
  std::atomic<int64_t> delivered_{0};
  std::atomic<int64_t> failed_{0};
  std::atomic<int64_t> failed_since_flush_{0};
  std::mutex first_failure_mutex_;
  std::string first_failure_;
};

class LibrdkafkaConsumer final : public Consumer {
 public:
  static Result<std::unique_ptr<Consumer>> Create(const Properties& properties, const std::vector<std::string>& topics,
                                                  StatisticsHandler on_statistics);
  ~LibrdkafkaConsumer() override;

  Result<Batch> Poll(size_t max_records, std::chrono::milliseconds wait) override;
  Status Commit(const Batch& batch) override;
  void StoreOffsets(const Batch& batch) override;
  Status CommitPending() override;
  Result<PartitionLag> Lag(std::chrono::milliseconds timeout) override;
  std::vector<std::pair<std::string, int32_t>> Assignment() override;
  Result<int64_t> Committed(const std::string& topic, int32_t partition, std::chrono::milliseconds timeout) override;
  Result<int64_t> EndOffset(const std::string& topic, int32_t partition, std::chrono::milliseconds timeout) override;
  Status Rewind(const Batch& batch) override;
  void Close() override;
  RdKafka::KafkaConsumer& native() { return *consumer_; }

 private:
  void LogConsumeError(const RdKafka::Message& m);

  std::unique_ptr<ClientEvents> events_;  // outlives consumer_, which calls it
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  bool closed_ = false;
  // The last consume error logged and when: a partition that keeps failing
  // (a record too large to fetch, a topic gone) is said once a minute, not per poll.
  RdKafka::ErrorCode last_error_ = RdKafka::ERR_NO_ERROR;
  std::chrono::steady_clock::time_point last_error_logged_{};
};

class DeliveryCounter : public RdKafka::DeliveryReportCb {
 public:
  explicit DeliveryCounter(LibrdkafkaProducer* owner) : owner_(owner) {}
  void dr_cb(RdKafka::Message& message) override {
    // A tracked record's opaque holds its caller's Deliveries (ProduceTracked).
    if (auto* tracked = static_cast<std::shared_ptr<Deliveries>*>(message.msg_opaque())) {
      (*tracked)->Reported(message.err() == RdKafka::ERR_NO_ERROR ? ""
                                                                  : message.topic_name() + ": " + message.errstr());
      delete tracked;
    }
    if (message.err() == RdKafka::ERR_NO_ERROR) {
      owner_->delivered_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    owner_->failed_.fetch_add(1);
    owner_->failed_since_flush_.fetch_add(1);
    std::lock_guard lock(owner_->first_failure_mutex_);
    if (owner_->first_failure_.empty()) {
      owner_->first_failure_ = message.topic_name() + ": " + message.errstr();
    }
  }

 private:
  LibrdkafkaProducer* owner_;
};

Result<std::unique_ptr<Producer>> LibrdkafkaProducer::Create(const Properties& properties,
                                                             StatisticsHandler on_statistics) {
  auto conf = MakeConf(properties);
  if (!conf) return Unexpected(conf.error());
  std::unique_ptr<LibrdkafkaProducer> p(new LibrdkafkaProducer());
  p->reports_ = std::make_unique<DeliveryCounter>(p.get());
  std::string err;
  (*conf)->set("dr_cb", p->reports_.get(), err);
  const bool statistics = static_cast<bool>(on_statistics);
  p->events_ = std::make_unique<ClientEvents>(std::move(on_statistics));
  AttachEvents(**conf, properties, p->events_.get(), statistics);
  p->producer_.reset(RdKafka::Producer::create(conf->get(), err));
  if (!p->producer_) return Fatal("cannot create Kafka producer: " + err);
  return p;
}

LibrdkafkaProducer::~LibrdkafkaProducer() {
  if (producer_) producer_->flush(5000);
}

Status LibrdkafkaProducer::Produce(std::string_view topic, std::string_view key, std::string_view value,
                                   const Headers& headers) {
  return Send(topic, key, const_cast<char*>(value.data()), value.size(), RdKafka::Producer::RK_MSG_COPY, headers);
}

Status LibrdkafkaProducer::Produce(std::string_view topic, std::string_view key, MallocBytes& value, size_t size,
                                   const Headers& headers) {
  Status sent = Send(topic, key, value.get(), size, RdKafka::Producer::RK_MSG_FREE, headers);
  if (sent) (void)value.release();  // librdkafka frees it after the delivery report
  return sent;
}

Status LibrdkafkaProducer::ProduceTracked(std::string_view topic, std::string_view key, std::string_view value,
                                          const Headers& headers, const std::shared_ptr<Deliveries>& deliveries) {
  auto* opaque = new std::shared_ptr<Deliveries>(deliveries);
  deliveries->Sent();  // before the report can arrive on another thread
  Status sent =
      Send(topic, key, const_cast<char*>(value.data()), value.size(), RdKafka::Producer::RK_MSG_COPY, headers, opaque);
  if (!sent) {
    deliveries->Reported(sent.error().reason);
    delete opaque;
  }
  return sent;
}

Status LibrdkafkaProducer::Send(std::string_view topic, std::string_view key, char* value, size_t size, int flags,
                                const Headers& headers, void* opaque) {
  for (;;) {
    RdKafka::Headers* h = nullptr;
    if (!headers.empty()) {
      h = RdKafka::Headers::create();
      for (const Header& header : headers) {
        h->add(header.key, header.value.data(), header.value.size());
      }
    }
    RdKafka::ErrorCode err = producer_->produce(std::string(topic), RdKafka::Topic::PARTITION_UA, flags, value, size,
                                                key.data(), key.size(), 0, h, opaque);
    if (err == RdKafka::ERR_NO_ERROR) {
      producer_->poll(0);
      return {};
    }
    delete h;  // ownership passes to librdkafka only on success
    if (err == RdKafka::ERR__QUEUE_FULL) {
      producer_->poll(50);
      continue;
    }
    ErrorKind kind = err == RdKafka::ERR__FATAL ? ErrorKind::kFatal : ErrorKind::kRetriable;
    // Too large is about this record alone: retried, the stage loop narrows its
    // batch down to it and quarantines it.
    ErrorCode code = err == RdKafka::ERR_MSG_SIZE_TOO_LARGE ? v1::RECORD_TOO_LARGE : v1::SINK_FAILED;
    return Fail(code,
                "produce to " + std::string(topic) + ": " + RdKafka::err2str(err) + " (" +
                    std::to_string(size + key.size()) + " bytes)",
                kind);
  }
}

Status LibrdkafkaProducer::Flush(std::chrono::milliseconds timeout) {
  RdKafka::ErrorCode err = producer_->flush(static_cast<int>(timeout.count()));
  std::string reason;
  if (err != RdKafka::ERR_NO_ERROR) {
    reason = "flush: " + std::to_string(producer_->outq_len()) + " records still undelivered after " +
             std::to_string(timeout.count()) + " ms";
  } else if (failed_since_flush_.exchange(0) > 0) {
    std::lock_guard lock(first_failure_mutex_);
    reason = "delivery failed: " + first_failure_;
    first_failure_.clear();
  } else {
    return {};
  }
  // Records that time out because every connection was refused its credentials: say so.
  if (std::optional<AuthenticationFailure> auth = CurrentAuthenticationFailure()) {
    reason += ": the brokers refuse this client's credentials (" + auth->detail + ")";
  }
  return Retriable(std::move(reason));
}

// librdkafka's transactional error classes, kept apart.
Status FromTxnError(RdKafka::Error* raw, std::string_view what) {
  std::unique_ptr<RdKafka::Error> error(raw);
  if (!error) return {};
  std::string reason = std::string(what) + ": " + error->str();
  if (error->is_fatal()) return Fail(v1::SINK_FAILED, reason, ErrorKind::kFatal);
  if (error->txn_requires_abort()) return Fail(v1::SINK_FAILED, reason, ErrorKind::kAbortTransaction);
  if (error->is_retriable()) return Fail(v1::SINK_FAILED, reason, ErrorKind::kRetriable);
  // Neither retriable nor abortable: the transaction is in an unknown state; abort to be safe.
  return Fail(v1::SINK_FAILED, reason, ErrorKind::kAbortTransaction);
}

Status LibrdkafkaProducer::InitTransactions(std::chrono::milliseconds timeout) {
  return FromTxnError(producer_->init_transactions(static_cast<int>(timeout.count())), "init transactions");
}

Status LibrdkafkaProducer::BeginTransaction() {
  return FromTxnError(producer_->begin_transaction(), "begin transaction");
}

Status LibrdkafkaProducer::CommitTransaction(std::chrono::milliseconds timeout) {
  Status s = FromTxnError(producer_->commit_transaction(static_cast<int>(timeout.count())), "commit transaction");
  if (s) failed_since_flush_ = 0;
  return s;
}

Status LibrdkafkaProducer::AbortTransaction(std::chrono::milliseconds timeout) {
  failed_since_flush_ = 0;  // aborted records are redone, not failures to report
  return FromTxnError(producer_->abort_transaction(static_cast<int>(timeout.count())), "abort transaction");
}

Result<std::unique_ptr<Consumer>> LibrdkafkaConsumer::Create(const Properties& properties,
                                                             const std::vector<std::string>& topics,
                                                             StatisticsHandler on_statistics) {
  auto conf = MakeConf(properties);
  if (!conf) return Unexpected(conf.error());
  std::string err;
  std::unique_ptr<LibrdkafkaConsumer> c(new LibrdkafkaConsumer());
  const bool statistics = static_cast<bool>(on_statistics);
  c->events_ = std::make_unique<ClientEvents>(std::move(on_statistics));
  AttachEvents(**conf, properties, c->events_.get(), statistics);
  c->consumer_.reset(RdKafka::KafkaConsumer::create(conf->get(), err));
  if (!c->consumer_) return Fatal("cannot create Kafka consumer: " + err);
  RdKafka::ErrorCode sub = c->consumer_->subscribe(topics);
  if (sub != RdKafka::ERR_NO_ERROR) return Fatal("subscribe: " + RdKafka::err2str(sub));
  return c;
}

LibrdkafkaConsumer::~LibrdkafkaConsumer() { Close(); }

void LibrdkafkaConsumer::Close() {
  if (closed_ || !consumer_) return;
  closed_ = true;
  consumer_->close();
}

Result<Batch> LibrdkafkaConsumer::Poll(size_t max_records, std::chrono::milliseconds wait) {
  Batch batch;
  int timeout_ms = static_cast<int>(wait.count());
  while (batch.size() < max_records) {
    std::unique_ptr<RdKafka::Message> m(consumer_->consume(timeout_ms));
    switch (m->err()) {
      case RdKafka::ERR_NO_ERROR:
        batch.emplace_back(std::move(m));
        timeout_ms = 0;
        continue;
      case RdKafka::ERR__TIMED_OUT:
      case RdKafka::ERR__PARTITION_EOF: return batch;
      case RdKafka::ERR__FATAL: {
        std::string reason;
        RdKafka::ErrorCode cause = consumer_->fatal_error(reason);
        return Fatal("kafka consumer fatal error " + RdKafka::err2str(cause) + ": " + reason);
      }
      default:
        // Topic not yet created, broker transport errors: librdkafka recovers by
        // itself from most; one that persists stalls a partition, so it is said.
        LogConsumeError(*m);
        return batch;
    }
  }
  return batch;
}

void LibrdkafkaConsumer::LogConsumeError(const RdKafka::Message& m) {
  const auto now = std::chrono::steady_clock::now();
  if (m.err() == last_error_ && now - last_error_logged_ < std::chrono::minutes(1)) return;
  last_error_ = m.err();
  last_error_logged_ = now;
  log::Warn("consume error", {{"error", m.errstr()},
                              {"topic", m.topic_name()},
                              {"partition", std::to_string(m.partition())},
                              {"offset", std::to_string(m.offset())}});
}

// For each partition in batch: the record with the lowest (first=true) or highest offset.
std::vector<std::unique_ptr<RdKafka::TopicPartition>> Bounds(const Batch& batch, bool first) {
  std::map<std::pair<std::string, int32_t>, int64_t> bound;
  for (const Record& r : batch) {
    auto [it, inserted] = bound.try_emplace({r.topic(), r.partition()}, r.offset());
    if (!inserted) it->second = first ? std::min(it->second, r.offset()) : std::max(it->second, r.offset());
  }
  std::vector<std::unique_ptr<RdKafka::TopicPartition>> out;
  for (const auto& [tp, offset] : bound) {
    out.emplace_back(RdKafka::TopicPartition::create(tp.first, tp.second, first ? offset : offset + 1));
  }
  return out;
}

std::vector<RdKafka::TopicPartition*> Raw(const std::vector<std::unique_ptr<RdKafka::TopicPartition>>& v) {
  std::vector<RdKafka::TopicPartition*> out;
  for (const auto& p : v) out.push_back(p.get());
  return out;
}

Status LibrdkafkaConsumer::Commit(const Batch& batch) {
  if (batch.empty()) return {};
  auto offsets = Bounds(batch, /*first=*/false);
  auto raw = Raw(offsets);
  RdKafka::ErrorCode err = consumer_->commitSync(raw);
  if (err != RdKafka::ERR_NO_ERROR) {
    // After a rebalance the partitions belong to another member, which will re-read
    // from the last commit; the idempotent sinks absorb the repeat.
    return Retriable("offset commit: " + RdKafka::err2str(err));
  }
  return {};
}

void LibrdkafkaConsumer::StoreOffsets(const Batch& batch) {
  if (batch.empty()) return;
  auto offsets = Bounds(batch, /*first=*/false);
  auto raw = Raw(offsets);
  // A partition revoked since the batch was polled refuses its offset; its records come again.
  (void)consumer_->offsets_store(raw);
}

Status LibrdkafkaConsumer::CommitPending() {
  RdKafka::ErrorCode err = consumer_->commitSync();
  // No offset stored since the last commit: nothing to do.
  if (err != RdKafka::ERR_NO_ERROR && err != RdKafka::ERR__NO_OFFSET) {
    return Retriable("offset commit: " + RdKafka::err2str(err));
  }
  return {};
}

Result<Consumer::PartitionLag> LibrdkafkaConsumer::Lag(std::chrono::milliseconds timeout) {
  std::vector<RdKafka::TopicPartition*> assigned;
  if (RdKafka::ErrorCode err = consumer_->assignment(assigned); err != RdKafka::ERR_NO_ERROR) {
    return Retriable("assignment: " + RdKafka::err2str(err));
  }
  PartitionLag lag;
  RdKafka::ErrorCode err =
      assigned.empty() ? RdKafka::ERR_NO_ERROR : consumer_->committed(assigned, static_cast<int>(timeout.count()));
  if (err == RdKafka::ERR_NO_ERROR) {
    for (const RdKafka::TopicPartition* p : assigned) {
      int64_t low = 0, high = -1;
      if (consumer_->get_watermark_offsets(p->topic(), p->partition(), &low, &high) != RdKafka::ERR_NO_ERROR ||
          high < 0) {
        continue;  // nothing fetched from it yet
      }
      const int64_t committed = p->offset() >= 0 ? p->offset() : low;
      lag[{p->topic(), p->partition()}] = std::max<int64_t>(0, high - committed);
    }
  }
  RdKafka::TopicPartition::destroy(assigned);
  if (err != RdKafka::ERR_NO_ERROR) return Retriable("committed offsets: " + RdKafka::err2str(err));
  return lag;
}

std::vector<std::pair<std::string, int32_t>> LibrdkafkaConsumer::Assignment() {
  std::vector<RdKafka::TopicPartition*> assigned;
  std::vector<std::pair<std::string, int32_t>> out;
  if (consumer_->assignment(assigned) == RdKafka::ERR_NO_ERROR) {
    for (const RdKafka::TopicPartition* p : assigned) out.emplace_back(p->topic(), p->partition());
  }
  RdKafka::TopicPartition::destroy(assigned);
  return out;
}

Status LibrdkafkaConsumer::Rewind(const Batch& batch) {
  for (const auto& tp : Bounds(batch, /*first=*/true)) {
    RdKafka::ErrorCode err = consumer_->seek(*tp, 5000);
    if (err != RdKafka::ERR_NO_ERROR && err != RdKafka::ERR__STATE) {
      return Retriable("seek " + tp->topic() + "/" + std::to_string(tp->partition()) + ": " + RdKafka::err2str(err));
    }
  }
  return {};
}

Status LibrdkafkaProducer::SendOffsetsToTransaction(const Batch& batch, Consumer& consumer,
                                                    std::chrono::milliseconds timeout) {
  auto offsets = Bounds(batch, /*first=*/false);
  auto raw = Raw(offsets);
  auto* native = dynamic_cast<LibrdkafkaConsumer*>(&consumer);
  if (!native) return Fatal("a librdkafka producer's transaction takes the offsets of a librdkafka consumer");
  std::unique_ptr<RdKafka::ConsumerGroupMetadata> group(native->native().groupMetadata());
  return FromTxnError(producer_->send_offsets_to_transaction(raw, group.get(), static_cast<int>(timeout.count())),
                      "send offsets to transaction");
}

Result<int64_t> LibrdkafkaConsumer::Committed(const std::string& topic, int32_t partition,
                                              std::chrono::milliseconds timeout) {
  std::unique_ptr<RdKafka::TopicPartition> tp(RdKafka::TopicPartition::create(topic, partition));
  std::vector<RdKafka::TopicPartition*> partitions = {tp.get()};
  RdKafka::ErrorCode err = consumer_->committed(partitions, static_cast<int>(timeout.count()));
  if (err != RdKafka::ERR_NO_ERROR) return Retriable("committed offset: " + RdKafka::err2str(err));
  return tp->offset() >= 0 ? tp->offset() : -1;
}

Result<int64_t> LibrdkafkaConsumer::EndOffset(const std::string& topic, int32_t partition,
                                              std::chrono::milliseconds timeout) {
  int64_t low = 0, high = 0;
  RdKafka::ErrorCode err =
      consumer_->query_watermark_offsets(topic, partition, &low, &high, static_cast<int>(timeout.count()));
  if (err != RdKafka::ERR_NO_ERROR) return Retriable("end offset: " + RdKafka::err2str(err));
  return high;
}

}  // namespace

Result<std::unique_ptr<Producer>> Producer::Create(const Properties& properties, StatisticsHandler on_statistics) {
  return LibrdkafkaProducer::Create(properties, std::move(on_statistics));
}

Result<std::unique_ptr<Consumer>> Consumer::Create(const Properties& properties, const std::vector<std::string>& topics,
                                                   StatisticsHandler on_statistics) {
  return LibrdkafkaConsumer::Create(properties, topics, std::move(on_statistics));
}

}  // namespace herald::kafka
