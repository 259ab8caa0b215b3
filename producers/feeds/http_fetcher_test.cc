#include "producers/feeds/http_fetcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>

#include "producers/feeds/feed_server_testing.h"

namespace herald {
namespace {

using std::chrono::milliseconds;

// Every result of the submitted requests, by tag.
std::map<uint64_t, FetchResult> FetchAll(HttpFetcher& fetcher) {
  std::map<uint64_t, FetchResult> out;
  while (fetcher.pending() > 0) {
    for (FetchResult& r : fetcher.Poll(milliseconds(50))) out[r.tag] = std::move(r);
  }
  return out;
}

class HttpFetcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& h = server_.http();
    h.Get("/feed", [](const httplib::Request& q, httplib::Response& r) {
      if (q.get_header_value("If-None-Match") == "\"v1\"") {
        r.status = 304;
        return;
      }
      r.set_header("ETag", "\"v1\"");
      r.set_header("Last-Modified", "Tue, 19 Nov 2019 13:14:00 GMT");
      r.set_header("Cache-Control", "public, max-age=600");
      r.set_content("<rss/>", "application/rss+xml");
    });
    h.Get("/gzip", [](const httplib::Request&, httplib::Response& r) {
      r.set_header("Content-Encoding", "gzip");
      r.set_content(testing::Gzip(std::string(5000, 'g')), "text/html");
    });
    h.Get("/brotli", [](const httplib::Request&, httplib::Response& r) {
      r.set_header("Content-Encoding", "br");
      r.set_content(testing::Brotli(std::string(5000, 'b')), "text/html");
    });
    h.Get(R"(/hop/(\d+))", [](const httplib::Request& q, httplib::Response& r) {
      int n = std::stoi(q.matches[1]);
      if (n == 0) return r.set_content("landed", "text/plain");
      r.set_redirect("/hop/" + std::to_string(n - 1));
    });
    h.Get("/big",
          [](const httplib::Request&, httplib::Response& r) { r.set_content(std::string(300000, 'x'), "text/html"); });
    h.Get("/busy", [](const httplib::Request&, httplib::Response& r) {
      r.status = 429;
      r.set_header("Retry-After", "7");
    });
    h.Get("/unavailable", [this](const httplib::Request&, httplib::Response& r) {
      ++unavailable_hits_;
      r.status = 503;
    });
    h.Get("/slow", [](const httplib::Request&, httplib::Response& r) {
      std::this_thread::sleep_for(milliseconds(3000));
      r.set_content("late", "text/plain");
    });
    h.Get("/count", [this](const httplib::Request&, httplib::Response& r) {
      int now = ++active_;
      int seen = most_.load();
      while (now > seen && !most_.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(milliseconds(100));
      --active_;
      r.set_content("counted", "text/plain");
    });
    server_.Start();
  }

  testing::FeedServer server_;
  std::atomic<int> active_{0}, most_{0}, unavailable_hits_{0};
};

TEST_F(HttpFetcherTest, AConditionalGetReturnsNotModifiedWithTheValidatorsOfTheLast200) {
  HttpFetcher fetcher({.per_host_delay_ms = 0});
  fetcher.Submit({.url = server_.Url("/feed"), .tag = 1});
  FetchResult first = FetchAll(fetcher).at(1);
  ASSERT_EQ(first.status, 200) << first.error;
  EXPECT_EQ(first.body, "<rss/>");
  EXPECT_EQ(first.etag, "\"v1\"");
  EXPECT_EQ(first.last_modified, "Tue, 19 Nov 2019 13:14:00 GMT");
  EXPECT_EQ(first.max_age_s, 600);
  EXPECT_EQ(first.content_type, "application/rss+xml");
  fetcher.Submit({.url = server_.Url("/feed"), .etag = first.etag, .last_modified = first.last_modified, .tag = 2});
  EXPECT_EQ(FetchAll(fetcher).at(2).status, 304);
}

TEST_F(HttpFetcherTest, DecodesGzipAndBrotli) {
  HttpFetcher fetcher({.per_host_delay_ms = 0});
  fetcher.Submit({.url = server_.Url("/gzip"), .tag = 1});
  fetcher.Submit({.url = server_.Url("/brotli"), .tag = 2});
  auto results = FetchAll(fetcher);
  EXPECT_EQ(results.at(1).body, std::string(5000, 'g'));
  EXPECT_EQ(results.at(2).body, std::string(5000, 'b'));
  EXPECT_LT(results.at(1).wire_bytes, 5000u);
}

TEST_F(HttpFetcherTest, FollowsRedirectsWithinTheLimitOnly) {
  HttpFetcher fetcher({.per_host_delay_ms = 0, .max_redirects = 3});
  fetcher.Submit({.url = server_.Url("/hop/3"), .tag = 1});
  fetcher.Submit({.url = server_.Url("/hop/4"), .tag = 2});
  auto results = FetchAll(fetcher);
  EXPECT_EQ(results.at(1).status, 200);
  EXPECT_EQ(results.at(1).body, "landed");
  EXPECT_EQ(results.at(1).final_url, server_.Url("/hop/0"));
  EXPECT_EQ(results.at(2).status, 0);
  EXPECT_EQ(results.at(2).error, "more than 3 redirects");
}

TEST_F(HttpFetcherTest, FailsTooLargeSlowAndRefusedFetchesWithTheReason) {
  HttpFetcher fetcher({.per_host_delay_ms = 0, .timeout_ms = 1000, .max_body_bytes = 100000});
  fetcher.Submit({.url = server_.Url("/big"), .tag = 1});
  fetcher.Submit({.url = server_.Url("/slow"), .tag = 2});
  fetcher.Submit({.url = server_.Url("/busy"), .tag = 3});
  fetcher.Submit({.url = "http://127.0.0.1:1/nothing-listens", .tag = 4});
  fetcher.Submit({.url = "file:///etc/passwd", .tag = 5});
  auto results = FetchAll(fetcher);
  EXPECT_EQ(results.at(1).error, "response larger than 100000 bytes");
  EXPECT_TRUE(results.at(1).body.empty());
  EXPECT_EQ(results.at(2).status, 0);
  EXPECT_NE(results.at(2).error.find("imeout"), std::string::npos) << results.at(2).error;
  EXPECT_EQ(results.at(3).status, 429);
  EXPECT_EQ(results.at(3).retry_after_s, 7);
  EXPECT_EQ(results.at(4).status, 0);
  EXPECT_FALSE(results.at(4).error.empty());
  EXPECT_EQ(results.at(5).status, 0);  // only http and https
  EXPECT_FALSE(results.at(5).error.empty());
}

// A host that pushes back gets nothing more, whatever the request, until its
// backoff is over; one that answers gets no backoff.
TEST_F(HttpFetcherTest, AHostThatPushesBackIsLeftAloneForItsBackoff) {
  HttpFetcher fetcher({.per_host_connections = 1, .per_host_delay_ms = 0, .host_backoff_first_ms = 60000});
  fetcher.Submit({.url = server_.Url("/unavailable"), .tag = 1});
  fetcher.Submit({.url = server_.Url("/unavailable"), .tag = 2});
  std::vector<FetchResult> first;
  while (first.empty()) first = fetcher.Poll(milliseconds(50));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].status, 503);
  EXPECT_EQ(first[0].origin, server_.Url(""));
  EXPECT_GE(first[0].origin_backoff_s, 48);  // 60 s less a fifth of jitter
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(fetcher.Poll(milliseconds(50)).empty());
  EXPECT_EQ(unavailable_hits_.load(), 1) << "the second request waits out the host's backoff";
  EXPECT_EQ(fetcher.pending(), 1u);

  // Doubling while the host keeps pushing back; an answer ends it, and the next
  // failure starts from the first wait again.
  HttpFetcher doubling({.per_host_connections = 1, .per_host_delay_ms = 0, .host_backoff_first_ms = 200});
  for (const char* path : {"/unavailable", "/unavailable", "/feed", "/unavailable"})
    doubling.Submit({.url = server_.Url(path), .tag = doubling.pending()});
  auto results = FetchAll(doubling);
  EXPECT_NEAR(results.at(0).origin_backoff_s, 0.2, 0.041);
  EXPECT_NEAR(results.at(1).origin_backoff_s, 0.4, 0.081);
  EXPECT_EQ(results.at(2).status, 200);
  EXPECT_EQ(results.at(2).origin_backoff_s, 0);
  EXPECT_NEAR(results.at(3).origin_backoff_s, 0.2, 0.041);
  // Retry-After says how long, on another origin (the same server by name).
  HttpFetcher told({.per_host_delay_ms = 0});
  told.Submit({.url = "http://localhost:" + std::to_string(server_.port()) + "/busy"});
  FetchResult busy = FetchAll(told).at(0);
  EXPECT_EQ(busy.status, 429);
  EXPECT_GT(busy.origin_backoff_s, 6.5) << "Retry-After: 7";
  EXPECT_LE(busy.origin_backoff_s, 7.0);
}

TEST_F(HttpFetcherTest, KeepsToTheConnectionsAllowedPerHost) {
  HttpFetcher fetcher({.per_host_connections = 1, .per_host_delay_ms = 0});
  for (uint64_t i = 0; i < 4; ++i) fetcher.Submit({.url = server_.Url("/count"), .tag = i});
  auto results = FetchAll(fetcher);
  ASSERT_EQ(results.size(), 4u);
  for (auto& [tag, r] : results) EXPECT_EQ(r.status, 200) << tag;
  EXPECT_EQ(most_.load(), 1);
  HttpFetcher two({.per_host_connections = 2, .per_host_delay_ms = 0});
  for (uint64_t i = 0; i < 6; ++i) two.Submit({.url = server_.Url("/count"), .tag = i});
  FetchAll(two);
  EXPECT_EQ(most_.load(), 2);
}

}  // namespace
}  // namespace herald
