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

void Deliveries::Sent() {
  std::lock_guard lock(mutex_);
  ++sent_;
}

void Deliveries::Reported(std::string_view failure) {
  std::lock_guard lock(mutex_);
  ++reported_;
  if (failure.empty()) return;
  if (failed_++ == 0) first_failure_ = failure;
}

Status Deliveries::Wait(Producer& producer, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (failed_ > 0) return Retriable("delivery failed: " + first_failure_);
      if (reported_ >= sent_) return {};
      if (std::chrono::steady_clock::now() >= deadline) {
        return Retriable(std::to_string(sent_ - reported_) + " of " + std::to_string(sent_) +
                         " records not acknowledged after " + std::to_string(timeout.count()) + " ms");
      }
    }
    // Another thread may serve this caller's reports: look again soon.
    producer.ServeReports(std::chrono::milliseconds(5));
  }
}

Status CheckProperty(const std::string& name, const std::string& value) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  if (conf->set(name, value, err) != RdKafka::Conf::CONF_OK) return Fatal(err);
  return {};
}

std::optional<int64_t> Record::timestamp_ms() const {
  if (data_) return data_->timestamp_ms;
  RdKafka::MessageTimestamp t = message_->timestamp();
  if (t.type == RdKafka::MessageTimestamp::MSG_TIMESTAMP_NOT_AVAILABLE || t.timestamp < 0) return std::nullopt;
  return t.timestamp;
}

std::string_view Record::key() const {
  if (data_) return data_->key;
  const std::string* k = message_->key();
  return k ? std::string_view(*k) : std::string_view();
}

std::string_view Record::value() const {
  if (data_) return data_->value;
  return {static_cast<const char*>(message_->payload()), message_->len()};
}

std::string Record::topic() const { return data_ ? data_->topic : message_->topic_name(); }
int32_t Record::partition() const { return data_ ? data_->partition : message_->partition(); }
int64_t Record::offset() const { return data_ ? data_->offset : message_->offset(); }

std::optional<std::string_view> Record::header(std::string_view name) const {
  if (data_) {
    for (const Header& h : data_->headers) {
      if (h.key == name) return std::string_view(h.value);
    }
    return std::nullopt;
  }
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
  if (data_) return data_->headers;
  Headers out;
  RdKafka::Headers* headers = message_->headers();
  if (!headers) return out;
  for (const RdKafka::Headers::Header& h : headers->get_all()) {
    out.push_back(
        {h.key(), h.value() ? std::string(static_cast<const char*>(h.value()), h.value_size()) : std::string()});
  }
  return out;
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
