// The webhook dispatcher against receivers on loopback: one that hangs, one
// that is down and comes back, one that keeps refusing.
#include "consumers/webhook_outbox.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "consumers/alert_state.h"
#include "core/admin_server.h"
#include "core/scoped_temp_dir.h"
#include "tests/http_sink.h"

namespace herald {
namespace {

using ::testing::HasSubstr;
using testing::HttpSink;

bool WaitFor(const std::function<bool()>& cond, std::chrono::seconds bound = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

class WebhookOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto state = AlertState::Open(path_);
    ASSERT_TRUE(state);
    state_ = std::move(*state);
    metrics_.SetConsuming(true);
  }

  void Prepare(const std::string& url, int n, const std::string& prefix) {
    std::vector<PendingAlert> alerts;
    for (int i = 0; i < n; ++i) {
      const std::string id = prefix + std::to_string(i);
      alerts.push_back({.id = id, .bytes = "alert", .url = url, .json = "{\"id\":\"" + id + "\"}"});
    }
    ASSERT_TRUE(state_->Prepare(alerts));
  }
  int64_t Pending() { return *state_->PendingDeliveries(); }
  int64_t Retried() {
    return metrics_.registry()
        .AddCounter("herald_webhook_deliveries_total", "", {{"stage", "alert"}, {"result", "retried"}})
        .value();
  }

  ScopedTempDir dir_{"herald-outbox-test"};
  std::string path_ = (dir_.path() / "state.db").string();
  std::unique_ptr<AlertState> state_;
  StageMetrics metrics_{"alert"};
};

TEST_F(WebhookOutboxTest, AHangingEndpointHoldsUpNoOtherAndOpensItsCircuit) {
  HttpSink hanging(HttpSink::kHang), good;
  Prepare(hanging.url(), 6, "slow-");
  Prepare(good.url(), 5, "fast-");
  auto dispatcher = WebhookDispatcher::Start(
      path_,
      {.timeout = std::chrono::milliseconds(300), .breaker_failures = 3, .breaker_open = std::chrono::minutes(5)},
      &metrics_);
  ASSERT_TRUE(dispatcher);
  EXPECT_TRUE(WaitFor([&] { return good.bodies().size() == 5; })) << "the good endpoint's deliveries were held up";
  EXPECT_TRUE(WaitFor([&] {
    Status ready = metrics_.Readiness();
    return !ready && ready.error().reason.find("webhook " + hanging.url() + " is failing") != std::string::npos;
  })) << "readiness does not say which endpoint is stuck";
  dispatcher->reset();  // stops: the hanging requests are abandoned
  EXPECT_EQ(Pending(), 6) << "the hanging endpoint's deliveries wait in the outbox";
  EXPECT_EQ(*state_->WebhookFailureCount(), 0) << "an open circuit spends no attempts";
}

TEST_F(WebhookOutboxTest, AnEndpointThatWasDownGetsEveryDeliveryWhenItComesBack) {
  const int port = FreeLoopbackPort();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
  Prepare(url, 4, "a-");
  auto dispatcher = WebhookDispatcher::Start(path_,
                                             {.attempts = 20,
                                              .first_backoff = std::chrono::milliseconds(50),
                                              .max_backoff = std::chrono::milliseconds(200),
                                              .breaker_failures = 100},
                                             &metrics_);
  ASSERT_TRUE(dispatcher);
  // Down: every delivery fails at least once before the receiver is up.
  EXPECT_TRUE(WaitFor([&] { return Retried() >= 4; }));
  HttpSink back(200, port);
  EXPECT_TRUE(WaitFor([&] { return back.bodies().size() >= 4; }));
  EXPECT_TRUE(WaitFor([&] { return Pending() == 0; }));
  EXPECT_EQ(*state_->WebhookFailureCount(), 0);
}

TEST_F(WebhookOutboxTest, ADeliveryThatFailsEveryAttemptIsRecordedAsFailed) {
  HttpSink refusing(500);
  Prepare(refusing.url(), 1, "x-");
  auto dispatcher = WebhookDispatcher::Start(
      path_, {.attempts = 3, .first_backoff = std::chrono::milliseconds(20), .breaker_failures = 100}, &metrics_);
  ASSERT_TRUE(dispatcher);
  EXPECT_TRUE(WaitFor([&] { return *state_->WebhookFailureCount() == 1; }));
  EXPECT_EQ(refusing.bodies().size(), 3u);
  EXPECT_EQ(Pending(), 0);
}

TEST_F(WebhookOutboxTest, DrainReturnsByItsDeadlineAndLeavesTheRestInTheOutbox) {
  HttpSink hanging(HttpSink::kHang);
  Prepare(hanging.url(), 2, "d-");
  auto dispatcher = WebhookDispatcher::Start(path_, {.timeout = std::chrono::seconds(60)}, &metrics_);
  ASSERT_TRUE(dispatcher);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // both in flight
  const auto started = std::chrono::steady_clock::now();
  (*dispatcher)->Drain(started + std::chrono::milliseconds(500));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10))
      << "bounded by the deadline, not the timeout";
  EXPECT_EQ(Pending(), 2);
}

TEST(AlertStateTest, PreparedAlertsAreKeptUntilConfirmedAndSurviveAReopen) {
  ScopedTempDir dir("herald-alert-state-test");
  const std::string path = (dir.path() / "state.db").string();
  {
    auto state = AlertState::Open(path);
    ASSERT_TRUE(state);
    ASSERT_TRUE((*state)->Prepare({{.id = "r/1", .bytes = std::string("a\0b", 3)}, {.id = "r/2", .bytes = "c"}}));
    ASSERT_TRUE((*state)->Confirm({"r/2"}));
  }
  auto state = AlertState::Open(path);
  ASSERT_TRUE(state);
  EXPECT_EQ((*state)->Fired("r/1"), AlertState::kPrepared);
  EXPECT_EQ((*state)->PreparedAlert("r/1"), std::string("a\0b", 3));
  EXPECT_EQ((*state)->Fired("r/2"), AlertState::kConfirmed);
  EXPECT_EQ((*state)->PreparedAlert("r/2"), std::nullopt);
  EXPECT_EQ((*state)->Fired("r/3"), AlertState::kNotFired);
}

}  // namespace
}  // namespace herald
