#include "core/admin_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

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

TEST(AdminServerTest, WithTokensTheApiWantsOneAndTheProbesDoNot) {
  metrics::Registry registry;
  std::atomic<int> answered = 0;
  auto admin = AdminServer::Start({.host = "127.0.0.1", .port = 0}, registry, {}, {},
                                  {.prefix = "/v1/",
                                   .threads = 1,
                                   .handler =
                                       [&](const HttpRequest&, int) {
                                         ++answered;
                                         return HttpAnswer{.body = "{}"};
                                       },
                                   .bearer_tokens = {"s3cret-token"}});
  ASSERT_TRUE(admin) << admin.error().reason;
  httplib::Client client("127.0.0.1", (*admin)->port());
  auto refused = client.Get("/v1/events");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(refused->reason, "Unauthorized");
  EXPECT_EQ(refused->get_header_value("WWW-Authenticate"), "Bearer realm=\"herald\"");
  EXPECT_THAT(refused->body, HasSubstr("bearer token is required"));
  EXPECT_EQ(client.Get("/v1/events", {{"Authorization", "Bearer wrong"}})->status, 401);
  EXPECT_EQ(answered, 0) << "a refused request never reaches the handler";
  auto allowed = client.Get("/v1/events", {{"Authorization", "Bearer s3cret-token"}});
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, 200);
  EXPECT_EQ(answered, 1);
  EXPECT_EQ(client.Get("/healthz")->status, 200);
  EXPECT_EQ(client.Get("/metrics")->status, 200);
}

TEST(AdminServerTest, APortInUseIsAnError) {
  metrics::Registry registry;
  auto first = AdminServer::Start({.host = "127.0.0.1", .port = 0}, registry, {});
  ASSERT_TRUE(first);
  auto second = AdminServer::Start({.host = "127.0.0.1", .port = (*first)->port()}, registry, {});
  ASSERT_FALSE(second);
  EXPECT_THAT(second.error().reason, HasSubstr("cannot listen on 127.0.0.1:"));
}

// A connected client that sends `bytes` and keeps the connection open.
int SlowClient(int port, std::string_view bytes) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  EXPECT_EQ(::send(fd, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
  return fd;
}

TEST(AdminServerTest, SlowClientsCannotSilenceTheProbes) {
  metrics::Registry registry;
  auto admin = AdminServer::Start({.host = "127.0.0.1", .port = 0}, registry, {},
                                  {.request_timeout = std::chrono::milliseconds(300), .max_connections = 8});
  ASSERT_TRUE(admin);
  // More half-sent requests than the server has connections: a slowloris.
  std::vector<int> slow;
  for (int i = 0; i < 12; ++i) slow.push_back(SlowClient((*admin)->port(), "GET /heal"));
  httplib::Client client("127.0.0.1", (*admin)->port());
  client.set_connection_timeout(5);
  client.set_read_timeout(5);
  // Turned away while full, answered once the slow ones time out; never silent.
  bool answered = false;
  for (int i = 0; i < 50 && !answered; ++i) {
    auto r = client.Get("/healthz");
    ASSERT_TRUE(r) << "no answer at all";
    answered = r->status == 200;
    if (!answered) {
      EXPECT_EQ(r->status, 503) << "the busy answer";
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  EXPECT_TRUE(answered);
  // The slow clients were closed: a read sees the end of the stream.
  char byte;
  EXPECT_EQ(::recv(slow[0], &byte, 1, 0), 0);
  for (int fd : slow) ::close(fd);
}

TEST(AdminServerTest, OversizedAndOddRequestsGetAnErrorNotACrash) {
  metrics::Registry registry;
  auto admin = AdminServer::Start({.host = "127.0.0.1", .port = 0}, registry, {});
  ASSERT_TRUE(admin);
  httplib::Client client("127.0.0.1", (*admin)->port());
  EXPECT_EQ(client.Post("/healthz", "x", "text/plain")->status, 405);
  auto huge = client.Get("/healthz", {{"X-Padding", std::string(20000, 'p')}});
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 431);
  auto head = client.Head("/metrics");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  EXPECT_EQ(client.Get("/readyz?verbose=1")->status, 200);
}

}  // namespace
}  // namespace herald
