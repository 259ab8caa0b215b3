#include "core/kafka.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <map>
#include <thread>

#include "core/kafka_admin.h"
#include "core/log.h"

namespace herald::kafka {
namespace {

Properties Merge(Properties base, const Properties& extra) {
  for (const auto& [k, v] : extra) {
    bool replaced = false;
    for (auto& [bk, bv] : base) {
      if (bk == k) {
        bv = v;
        replaced = true;
      }
    }
    if (!replaced) base.emplace_back(k, v);
  }
  return base;
}

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

}  // namespace

// librdkafka's own log lines, routed into herald's log at a matching level,
// and its statistics, to the client's handler.
class ClientEvents : public RdKafka::EventCb {
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

namespace {

// Sets the event callback, and a statistics interval when statistics are wanted and none is given.
void AttachEvents(RdKafka::Conf& conf, const Properties& properties, ClientEvents* events, bool statistics) {
  std::string err;
  conf.set("event_cb", static_cast<RdKafka::EventCb*>(events), err);
  bool interval_given = false;
  for (const auto& [k, v] : properties) interval_given |= k == "statistics.interval.ms";
  if (statistics && !interval_given) conf.set("statistics.interval.ms", "5000", err);
}

}  // namespace

namespace {
std::mutex authentication_mutex;
std::optional<AuthenticationFailure> authentication_failure;  // guarded by authentication_mutex
}  // namespace

void internal::NoteClientError(int code, const std::string& detail) {
  if (code != RD_KAFKA_RESP_ERR__AUTHENTICATION && code != RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED) return;
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(authentication_mutex);
  if (!authentication_failure || now - authentication_failure->last > kAuthenticationStreakGap) {
    authentication_failure = AuthenticationFailure{.first = now, .last = now, .detail = detail};
  }
  authentication_failure->last = now;
  authentication_failure->detail = detail;
}

std::optional<AuthenticationFailure> CurrentAuthenticationFailure() {
  std::lock_guard lock(authentication_mutex);
  if (authentication_failure &&
      std::chrono::steady_clock::now() - authentication_failure->last > kAuthenticationStreakGap) {
    authentication_failure.reset();
  }
  return authentication_failure;
}

Properties ProducerProperties(std::string_view brokers, const Properties& extra, Tuning tuning) {
  const bool latency = tuning == Tuning::kLatency;
  return Merge({{"bootstrap.servers", std::string(brokers)},
                {"enable.idempotence", "true"},
                {"acks", "all"},
                {"linger.ms", latency ? "1" : "5"},
                {"socket.nagle.disable", latency ? "true" : "false"},
                {"compression.type", "lz4"},
                {"message.timeout.ms", "120000"},
                // Bounded memory under backpressure: Produce() waits when the
                // local queue is full instead of growing it to librdkafka's 1 GiB default.
                {"queue.buffering.max.kbytes", "32768"},
                {"queue.buffering.max.messages", "100000"},
                // A dead letter carries the record it came from, whatever its size:
                // the client must not refuse what a consumer could receive. The
                // broker still applies its own (compressed) limit.
                {"message.max.bytes", "16777216"}},
               extra);
}

Properties ConsumerProperties(std::string_view brokers, std::string_view group, const Properties& extra,
                              Tuning tuning) {
  const bool latency = tuning == Tuning::kLatency;
  return Merge({{"bootstrap.servers", std::string(brokers)},
                {"socket.nagle.disable", latency ? "true" : "false"},
                // How long the broker may hold a fetch that has no data yet: the
                // bound on a record's wait when one fetch misses it.
                {"fetch.wait.max.ms", latency ? "10" : "100"},
                {"group.id", std::string(group)},
                // At-least-once: a stage stores a batch's offsets once its results
                // are durable, and librdkafka commits the stored ones every second,
                // when partitions are revoked, and when the consumer closes. A commit
                // per batch cost the broker a request and a log write per batch, tens
                // to hundreds a second: its CPU over a bench run fell by 30% without
                // them. Exactly-once stages turn automatic commits off: their offsets
                // travel in the transaction.
                {"enable.auto.commit", "true"},
                {"auto.commit.interval.ms", "1000"},
                {"enable.auto.offset.store", "false"},
                {"auto.offset.reset", "earliest"},
                {"isolation.level", "read_committed"},
                {"session.timeout.ms", "10000"},
                {"heartbeat.interval.ms", "1000"},
                // Prefetch at most 20 MiB per consumer, not librdkafka's 64 MiB per
                // partition. librdkafka up to 2.2 (Debian 12 ships 2.0.2) stops
                // fetching for a whole second once this is full, so a stage catching
                // up on a backlog consumes at most about this much per second: 16 MiB
                // capped the processor at ~20k Reuters articles/s, 20 MiB at ~23.6k.
                {"queued.max.messages.kbytes", "20480"},
                {"fetch.max.bytes", "8388608"}},
               extra);
}

Status CheckProperty(const std::string& name, const std::string& value) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  if (conf->set(name, value, err) != RdKafka::Conf::CONF_OK) return Fatal(err);
  return {};
}

std::optional<int64_t> Record::timestamp_ms() const {
  RdKafka::MessageTimestamp t = message_->timestamp();
  if (t.type == RdKafka::MessageTimestamp::MSG_TIMESTAMP_NOT_AVAILABLE || t.timestamp < 0) return std::nullopt;
  return t.timestamp;
}

std::string_view Record::key() const {
  const std::string* k = message_->key();
  return k ? std::string_view(*k) : std::string_view();
}

std::string_view Record::value() const { return {static_cast<const char*>(message_->payload()), message_->len()}; }

std::optional<std::string_view> Record::header(std::string_view name) const {
  // The C API hands out views into the message itself; the C++ API's Header
  // objects are copies that would not outlive this call.
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(message_->c_ptr(), &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
  const void* value = nullptr;
  size_t size = 0;
  std::string key(name);
  if (rd_kafka_header_get(headers, 0, key.c_str(), &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
  return value ? std::string_view(static_cast<const char*>(value), size) : std::string_view();
}

Headers Record::headers() const {
  Headers out;
  RdKafka::Headers* headers = message_->headers();
  if (!headers) return out;
  for (const RdKafka::Headers::Header& h : headers->get_all()) {
    out.push_back(
        {h.key(), h.value() ? std::string(static_cast<const char*>(h.value()), h.value_size()) : std::string()});
  }
  return out;
}

class Producer::DeliveryCounter : public RdKafka::DeliveryReportCb {
 public:
  explicit DeliveryCounter(Producer* owner) : owner_(owner) {}
  void dr_cb(RdKafka::Message& message) override {
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
  Producer* owner_;
};

Result<std::unique_ptr<Producer>> Producer::Create(const Properties& properties, StatisticsHandler on_statistics) {
  auto conf = MakeConf(properties);
  if (!conf) return Unexpected(conf.error());
  std::unique_ptr<Producer> p(new Producer());
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

Producer::~Producer() {
  if (producer_) producer_->flush(5000);
}

Status Producer::Produce(std::string_view topic, std::string_view key, std::string_view value, const Headers& headers) {
  return Send(topic, key, const_cast<char*>(value.data()), value.size(), RdKafka::Producer::RK_MSG_COPY, headers);
}

Status Producer::Produce(std::string_view topic, std::string_view key, MallocBytes& value, size_t size,
                         const Headers& headers) {
  Status sent = Send(topic, key, value.get(), size, RdKafka::Producer::RK_MSG_FREE, headers);
  if (sent) (void)value.release();  // librdkafka frees it after the delivery report
  return sent;
}

Status Producer::Send(std::string_view topic, std::string_view key, char* value, size_t size, int flags,
                      const Headers& headers) {
  for (;;) {
    RdKafka::Headers* h = nullptr;
    if (!headers.empty()) {
      h = RdKafka::Headers::create();
      for (const Header& header : headers) {
        h->add(header.key, header.value.data(), header.value.size());
      }
    }
    RdKafka::ErrorCode err = producer_->produce(std::string(topic), RdKafka::Topic::PARTITION_UA, flags, value, size,
                                                key.data(), key.size(), 0, h, nullptr);
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

Status Producer::Flush(std::chrono::milliseconds timeout) {
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

namespace {

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

}  // namespace

Status Producer::InitTransactions(std::chrono::milliseconds timeout) {
  return FromTxnError(producer_->init_transactions(static_cast<int>(timeout.count())), "init transactions");
}

Status Producer::BeginTransaction() { return FromTxnError(producer_->begin_transaction(), "begin transaction"); }

Status Producer::CommitTransaction(std::chrono::milliseconds timeout) {
  Status s = FromTxnError(producer_->commit_transaction(static_cast<int>(timeout.count())), "commit transaction");
  if (s) failed_since_flush_ = 0;
  return s;
}

Status Producer::AbortTransaction(std::chrono::milliseconds timeout) {
  failed_since_flush_ = 0;  // aborted records are redone, not failures to report
  return FromTxnError(producer_->abort_transaction(static_cast<int>(timeout.count())), "abort transaction");
}

Result<std::unique_ptr<Consumer>> Consumer::Create(const Properties& properties, const std::vector<std::string>& topics,
                                                   StatisticsHandler on_statistics) {
  auto conf = MakeConf(properties);
  if (!conf) return Unexpected(conf.error());
  std::string err;
  std::unique_ptr<Consumer> c(new Consumer());
  const bool statistics = static_cast<bool>(on_statistics);
  c->events_ = std::make_unique<ClientEvents>(std::move(on_statistics));
  AttachEvents(**conf, properties, c->events_.get(), statistics);
  c->consumer_.reset(RdKafka::KafkaConsumer::create(conf->get(), err));
  if (!c->consumer_) return Fatal("cannot create Kafka consumer: " + err);
  RdKafka::ErrorCode sub = c->consumer_->subscribe(topics);
  if (sub != RdKafka::ERR_NO_ERROR) return Fatal("subscribe: " + RdKafka::err2str(sub));
  return c;
}

Consumer::~Consumer() { Close(); }

void Consumer::Close() {
  if (closed_ || !consumer_) return;
  closed_ = true;
  consumer_->close();
}

Result<Batch> Consumer::Poll(size_t max_records, std::chrono::milliseconds wait) {
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
        // Topic not yet created, broker transport errors: librdkafka recovers by itself.
        log::Debug("consume", {{"error", m->errstr()}});
        return batch;
    }
  }
  return batch;
}

namespace {

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

}  // namespace

Status Consumer::Commit(const Batch& batch) {
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

void Consumer::StoreOffsets(const Batch& batch) {
  if (batch.empty()) return;
  auto offsets = Bounds(batch, /*first=*/false);
  auto raw = Raw(offsets);
  // A partition revoked since the batch was polled refuses its offset; its records come again.
  (void)consumer_->offsets_store(raw);
}

Status Consumer::CommitPending() {
  RdKafka::ErrorCode err = consumer_->commitSync();
  // No offset stored since the last commit: nothing to do.
  if (err != RdKafka::ERR_NO_ERROR && err != RdKafka::ERR__NO_OFFSET) {
    return Retriable("offset commit: " + RdKafka::err2str(err));
  }
  return {};
}

Result<Consumer::PartitionLag> Consumer::Lag(std::chrono::milliseconds timeout) {
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

Status Consumer::Rewind(const Batch& batch) {
  for (const auto& tp : Bounds(batch, /*first=*/true)) {
    RdKafka::ErrorCode err = consumer_->seek(*tp, 5000);
    if (err != RdKafka::ERR_NO_ERROR && err != RdKafka::ERR__STATE) {
      return Retriable("seek " + tp->topic() + "/" + std::to_string(tp->partition()) + ": " + RdKafka::err2str(err));
    }
  }
  return {};
}

Status Producer::SendOffsetsToTransaction(const Batch& batch, Consumer& consumer, std::chrono::milliseconds timeout) {
  auto offsets = Bounds(batch, /*first=*/false);
  auto raw = Raw(offsets);
  std::unique_ptr<RdKafka::ConsumerGroupMetadata> group(consumer.native()->groupMetadata());
  return FromTxnError(producer_->send_offsets_to_transaction(raw, group.get(), static_cast<int>(timeout.count())),
                      "send offsets to transaction");
}

struct MockCluster::Handle {
  rd_kafka_t* owner = nullptr;
  rd_kafka_mock_cluster_t* cluster = nullptr;
  ~Handle() {
    if (cluster) rd_kafka_mock_cluster_destroy(cluster);
    if (owner) rd_kafka_destroy(owner);
  }
};

Result<std::unique_ptr<MockCluster>> MockCluster::Start(int brokers) {
  std::unique_ptr<MockCluster> m(new MockCluster());
  m->handle_ = std::make_unique<Handle>();
  std::string error;
  m->handle_->owner = internal::NewClientHandle(RD_KAFKA_PRODUCER, {}, &error);
  if (!m->handle_->owner) return Fatal("mock cluster owner: " + error);
  m->handle_->cluster = rd_kafka_mock_cluster_new(m->handle_->owner, brokers);
  if (!m->handle_->cluster) return Fatal("cannot start librdkafka's mock cluster");
  m->bootstrap_ = rd_kafka_mock_cluster_bootstraps(m->handle_->cluster);
  return m;
}

Status MockCluster::CreateTopic(const std::string& name, int partitions) {
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(handle_->cluster, name.c_str(), partitions, 1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return Fatal("mock topic " + name + ": " + rd_kafka_err2str(err));
  return {};
}

MockCluster::~MockCluster() = default;

}  // namespace herald::kafka
