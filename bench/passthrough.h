// passthrough.h: `herald passthrough`, the baseline `herald bench` measures the
// processor against: a consumer group on the raw topic that produces each
// record's key, value and headers unchanged to the events topic, with the
// processor's batching, client settings and delivery mode, and no parsing or
// extraction. What it sustains is what the broker and the client carry.
#pragma once

#include <string>

#include "core/options.h"
#include "core/stage_metrics.h"
#include "core/status.h"

namespace herald {

struct PassthroughOptions {
  KafkaOptions kafka;
  Topics topics;
  std::string group = "herald-passthrough";
  size_t batch_size = 500;
  Delivery delivery = Delivery::kExactlyOnce;
  std::string instance_id;
};

void DeclarePassthroughSettings(SettingsTable& table, PassthroughOptions* options);
Status RunPassthrough(const PassthroughOptions& options, const StageContext& context);

}  // namespace herald
