#include "core/admin_server.h"

#include <httplib.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

namespace herald {
namespace {

using ::testing::HasSubstr;

TEST(AdminServerTest, ServesProbesAndMetrics) {
  metrics::Registry registry;
  registry.AddCounter("herald_records_in_total", "Records.", {{"stage", "store"}}).Add(9);
  std::atomic<bool> ready{false};
  auto admin = AdminServer::Start({.host = "127.0.0.1", .port = 0}, registry,
                                  {.live = [] { return Status{}; },
                                   .ready = [&]() -> Status {
                                     if (!ready) return Retriable("not consuming yet");
                                     return {};
                                   }});
  ASSERT_TRUE(admin) << admin.error().reason;
  httplib::Client client("127.0.0.1", (*admin)->port());

  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto not_ready = client.Get("/readyz");
  ASSERT_TRUE(not_ready);
  EXPECT_EQ(not_ready->status, 503);
  EXPECT_EQ(not_ready->body, "not consuming yet\n");
  ready = true;
  EXPECT_EQ(client.Get("/readyz")->status, 200);

  auto scraped = client.Get("/metrics");
  ASSERT_TRUE(scraped);
  EXPECT_EQ(scraped->status, 200);
  EXPECT_THAT(scraped->get_header_value("Content-Type"), HasSubstr("text/plain; version=0.0.4"));
  EXPECT_THAT(scraped->body, HasSubstr("herald_records_in_total{stage=\"store\"} 9"));
  EXPECT_EQ(client.Get("/nothing")->status, 404);
}

TEST(AdminServerTest, APortInUseIsAnError) {
  metrics::Registry registry;
  auto first = AdminServer::Start({.host = "127.0.0.1", .port = 0}, registry, {});
  ASSERT_TRUE(first);
  auto second = AdminServer::Start({.host = "127.0.0.1", .port = (*first)->port()}, registry, {});
  ASSERT_FALSE(second);
  EXPECT_THAT(second.error().reason, HasSubstr("cannot listen on 127.0.0.1:"));
}

}  // namespace
}  // namespace herald
