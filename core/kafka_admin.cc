#include "core/kafka_admin.h"

#include <memory>
#include <optional>

#include "core/log.h"

namespace herald::kafka {
namespace internal {

namespace {
// librdkafka's log lines, routed into herald's log at a matching level.
void CLogBridge(const rd_kafka_t*, int level, const char* facility, const char* message) {
  log::Write(level <= 3 ? log::Level::kWarn : log::Level::kDebug, "kafka client",
             {{"facility", facility}, {"detail", message}});
}
}  // namespace

rd_kafka_t* NewClientHandle(rd_kafka_type_t type, const Properties& properties, std::string* error) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [k, v] : properties) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      *error = "kafka property " + k + ": " + err;
      return nullptr;
    }
  }
  rd_kafka_conf_set_log_cb(conf, CLogBridge);
  rd_kafka_conf_set_error_cb(
      conf, [](rd_kafka_t*, int code, const char* reason, void*) { internal::NoteClientError(code, reason); });
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    *error = std::string("kafka client: ") + err;
  }
  return rk;
}

}  // namespace internal

namespace {

// The admin client and the request plumbing every admin call shares.
struct AdminCall {
  struct Free {
    void operator()(rd_kafka_t* p) const { rd_kafka_destroy(p); }
    void operator()(rd_kafka_queue_t* p) const { rd_kafka_queue_destroy(p); }
    void operator()(rd_kafka_AdminOptions_t* p) const { rd_kafka_AdminOptions_destroy(p); }
    void operator()(rd_kafka_event_t* p) const { rd_kafka_event_destroy(p); }
  };
  std::unique_ptr<rd_kafka_t, Free> client;
  std::unique_ptr<rd_kafka_queue_t, Free> queue;
  std::unique_ptr<rd_kafka_AdminOptions_t, Free> options;
  std::string brokers = "?";
  std::chrono::milliseconds timeout;
  bool unsupported = false;  // the cluster does not implement the request

  static Result<AdminCall> Open(const Properties& properties, rd_kafka_admin_op_t op,
                                std::chrono::milliseconds timeout) {
    AdminCall call;
    call.timeout = timeout;
    std::string error;
    call.client.reset(internal::NewClientHandle(RD_KAFKA_PRODUCER, properties, &error));
    if (!call.client) return Fatal(error);
    for (const auto& [k, v] : properties) {
      if (k == "bootstrap.servers") call.brokers = v;
    }
    call.queue.reset(rd_kafka_queue_new(call.client.get()));
    call.options.reset(rd_kafka_AdminOptions_new(call.client.get(), op));
    char err[512];
    rd_kafka_AdminOptions_set_request_timeout(call.options.get(), static_cast<int>(timeout.count()), err, sizeof err);
    if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS) {
      rd_kafka_AdminOptions_set_operation_timeout(call.options.get(), static_cast<int>(timeout.count()), err,
                                                  sizeof err);
    }
    return call;
  }

  // The request's result event, or why there is none.
  Result<std::unique_ptr<rd_kafka_event_t, Free>> Await(std::string_view what) {
    // In slices, serving the client's own events in between: its error
    // callback (authentication refused, say) runs only from rd_kafka_poll.
    std::unique_ptr<rd_kafka_event_t, Free> event;
    const auto deadline = std::chrono::steady_clock::now() + timeout + std::chrono::seconds(1);
    while (!event && std::chrono::steady_clock::now() < deadline) {
      event.reset(rd_kafka_queue_poll(queue.get(), 100));
      rd_kafka_poll(client.get(), 0);
    }
    if (!event) return Retriable(std::string(what) + ": no answer from the cluster at " + brokers);
    if (rd_kafka_event_error(event.get())) {
      unsupported = rd_kafka_event_error(event.get()) == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE;
      return Retriable(std::string(what) + ": " + rd_kafka_event_error_string(event.get()));
    }
    return event;
  }
};

// One broker's id, for describing its configuration.
Result<int32_t> AnyBrokerId(rd_kafka_t* client, std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* metadata = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(client, 0, nullptr, &metadata, static_cast<int>(timeout.count()));
  // Serves the client's error events queued meanwhile (authentication refused, say), which only polling delivers.
  rd_kafka_poll(client, 0);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return Retriable(std::string("cluster metadata: ") + rd_kafka_err2str(err));
  std::optional<int32_t> id;
  if (metadata->broker_cnt > 0) id = metadata->brokers[0].id;
  rd_kafka_metadata_destroy(metadata);
  if (!id) return Retriable("cluster metadata: no broker");
  return *id;
}

// name -> max.message.bytes (topics) or message.max.bytes (a broker) of each
// described resource; resources that report an error are left out.
Result<TopicLimits> DescribeLimits(AdminCall& call, rd_kafka_ResourceType_t type,
                                   const std::vector<std::string>& names) {
  std::vector<rd_kafka_ConfigResource_t*> resources;
  for (const std::string& name : names) resources.push_back(rd_kafka_ConfigResource_new(type, name.c_str()));
  rd_kafka_DescribeConfigs(call.client.get(), resources.data(), resources.size(), call.options.get(), call.queue.get());
  for (rd_kafka_ConfigResource_t* r : resources) rd_kafka_ConfigResource_destroy(r);
  auto event = call.Await("describe configs");
  if (!event) return Unexpected(event.error());
  const char* wanted = type == RD_KAFKA_RESOURCE_TOPIC ? "max.message.bytes" : "message.max.bytes";
  size_t n = 0;
  const rd_kafka_ConfigResource_t** described =
      rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(event->get()), &n);
  TopicLimits out;
  for (size_t i = 0; i < n; ++i) {
    if (rd_kafka_ConfigResource_error(described[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    size_t entries = 0;
    const rd_kafka_ConfigEntry_t** configs = rd_kafka_ConfigResource_configs(described[i], &entries);
    for (size_t j = 0; j < entries; ++j) {
      const char* value = rd_kafka_ConfigEntry_value(configs[j]);
      if (value && std::string_view(rd_kafka_ConfigEntry_name(configs[j])) == wanted) {
        out[rd_kafka_ConfigResource_name(described[i])] = std::strtoll(value, nullptr, 10);
      }
    }
  }
  return out;
}

}  // namespace

Status EnsureTopics(const Properties& properties, const std::vector<std::string>& topics, int partitions,
                    std::chrono::milliseconds timeout, const Properties& configs) {
  auto call = AdminCall::Open(properties, RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout);
  if (!call) return Unexpected(call.error());
  char err[512];
  std::vector<rd_kafka_NewTopic_t*> requests;
  for (const std::string& t : topics) {
    requests.push_back(rd_kafka_NewTopic_new(t.c_str(), partitions, -1, err, sizeof err));
    for (const auto& [name, value] : configs)
      rd_kafka_NewTopic_set_config(requests.back(), name.c_str(), value.c_str());
  }
  rd_kafka_CreateTopics(call->client.get(), requests.data(), requests.size(), call->options.get(), call->queue.get());
  rd_kafka_NewTopic_destroy_array(requests.data(), requests.size());
  auto event = call->Await("create topics");
  if (!event) return Unexpected(event.error());
  size_t n = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event->get()), &n);
  for (size_t i = 0; i < n; ++i) {
    rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      return Retriable(std::string("create topic ") + rd_kafka_topic_result_name(results[i]) + ": " +
                       rd_kafka_err2str(e));
    }
  }
  return {};
}

Result<TopicLimits> DescribeTopicLimits(const Properties& properties, const std::vector<std::string>& topics,
                                        std::chrono::milliseconds timeout) {
  auto call = AdminCall::Open(properties, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeout);
  if (!call) return Unexpected(call.error());
  // Asked of a broker, not the controller librdkafka would otherwise wait for
  // (which a KRaft cluster does not expose to clients).
  auto broker = AnyBrokerId(call->client.get(), timeout);
  if (!broker) return Unexpected(broker.error());
  char err[512];
  rd_kafka_AdminOptions_set_broker(call->options.get(), *broker, err, sizeof err);
  auto limits = DescribeLimits(*call, RD_KAFKA_RESOURCE_TOPIC, topics);
  if (!limits && call->unsupported) {
    log::Info("the cluster cannot describe topic configurations; assuming Kafka's default limits",
              {{"brokers", call->brokers}, {"reason", limits.error().reason}});
    return TopicLimits{};
  }
  if (!limits) return limits;
  std::vector<std::string> missing;
  for (const std::string& t : topics) {
    if (!limits->contains(t)) missing.push_back(t);
  }
  if (missing.empty()) return limits;
  // Topics still to be created inherit the broker's limit.
  const std::string id = std::to_string(*broker);
  auto broker_limit = DescribeLimits(*call, RD_KAFKA_RESOURCE_BROKER, {id});
  if (!broker_limit) return broker_limit;
  if (!broker_limit->contains(id))
    return Retriable("describe configs: broker " + id + " reported no message.max.bytes");
  for (const std::string& t : missing) (*limits)[t] = broker_limit->at(id);
  return limits;
}

}  // namespace herald::kafka
