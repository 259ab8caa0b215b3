// `herald feeds` against the real broker and a local HTTP server of real-shaped
// feeds and pages (loopback only): every format, encodings, charsets,
// redirects, robots.txt, a 404, a 429, a malformed feed and a syndicated copy;
// each article once on the raw topic with its headers, across a restart.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/kafka_admin.h"
#include "core/record_format.h"
#include "core/stage_metrics.h"
#include "producers/feeds/feed_server_testing.h"
#include "producers/feeds/feeds.h"
#include "tests/kafka_test_support.h"

namespace herald {
namespace {

using testing::Brokers;

// A page of one story: its own words, so that no two pages are near-duplicates.
std::string Story(const std::string& topic, int paragraphs = 6) {
  std::string text;
  for (int i = 0; i < paragraphs; ++i)
    text += "<p>Paragraph " + std::to_string(i) + " of the story about " + topic +
            ", which officials described on Tuesday, with details, figures and reactions.</p>\n";
  return text;
}
std::string Page(const std::string& title, const std::string& body) {
  return "<html><head><title>" + title +
         " | Local News</title><meta name=author content='Ann Lee'>"
         "<meta property=article:published_time content='2019-11-19T08:00:00Z'></head><body>"
         "<nav><a href=/>Home</a></nav><article><h1>" +
         title + "</h1>" + body +
         "</article>"
         "<footer>Copyright Local News</footer></body></html>";
}

class FeedsIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::getenv("HERALD_TEST_KAFKA_DIR")) GTEST_SKIP() << "run under ctest, whose kafka fixture starts the broker";
    brokers_ = Brokers();
    ASSERT_FALSE(brokers_.empty());
    std::string suffix = std::to_string(::getpid());
    o_.kafka.brokers = brokers_;
    o_.topics.raw = "feeds-raw-" + suffix;
    o_.topics.dlq = "feeds-dlq-" + suffix;
    o_.seen_topic = "feeds-seen-" + suffix;
    o_.fetch.per_host_delay_ms = 0;
    o_.fetch.timeout_ms = 5000;
    o_.once = true;
    o_.fetch.max_body_bytes = 1 << 20;
    ASSERT_TRUE(kafka::EnsureTopics(kafka::ProducerProperties(brokers_), {o_.topics.raw, o_.topics.dlq}, 3));
    Serve();
    server_.Start();
    for (const char* path : {"/rss.xml", "/atom.xml", "/rdf.xml", "/feed.json", "/cp1252.xml", "/bad.xml", "/huge.xml"})
      o_.urls.push_back(server_.Url(path));
    // Another origin (the same server by name): the host backoff its 429 starts holds no other fetch.
    o_.urls.push_back("http://localhost:" + std::to_string(server_.port()) + "/busy.xml");
  }

  void Serve() {
    auto& h = server_.http();
    auto xml = [](const std::string& body) {
      return [body](const httplib::Request&, httplib::Response& r) { r.set_content(body, "application/xml"); };
    };
    h.Get("/rss.xml", [this](const httplib::Request& q, httplib::Response& r) {
      ++rss_polls_;
      if (q.get_header_value("If-None-Match") == "\"r1\"") {
        r.status = 304;
        return;
      }
      r.set_header("ETag", "\"r1\"");
      r.set_content(
          "<rss version='2.0'><channel><title>Local RSS</title>"
          "<item><title>Zero</title><link>/p/0?utm_source=rss</link></item>"
          "<item><title>One</title><link>/p/1</link></item>"
          "<item><title>Gone</title><link>/gone/8</link><description>only a summary</description></item>"
          "</channel></rss>",
          "application/rss+xml");
    });
    h.Get("/atom.xml", xml("<feed xmlns='http://www.w3.org/2005/Atom'><title>Local Atom</title><entry><id>a2</id>"
                           "<title>Two</title><link href='/r/2'/></entry>"
                           // the same page as the RSS feed's, by another address: one article
                           "<entry><id>a1</id><title>One again</title><link href='/p/1?utm_medium=atom#top'/></entry>"
                           "</feed>"));
    h.Get("/rdf.xml", xml("<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' "
                          "xmlns='http://purl.org/rss/1.0/'><channel><title>Local RDF</title></channel>"
                          "<item rdf:about='/p/3'><title>Three</title><link>/p/3</link></item></rdf:RDF>"));
    h.Get("/feed.json", [this](const httplib::Request&, httplib::Response& r) {
      const std::string base = server_.Url("");  // the port is known once the server listens
      r.set_content(
          "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"Local JSON\",\"items\":["
          "{\"id\":\"4\",\"url\":\"" +
              base +
              "/p/4\",\"title\":\"Four\"},"
              "{\"id\":\"5\",\"url\":\"" +
              base +
              "/private/5\",\"title\":\"Five\","
              "\"content_text\":\"The feed carries this story whole, since its page is closed to robots.\"},"
              "{\"id\":\"7\",\"url\":\"" +
              base + "/wire/7\",\"title\":\"Zero, syndicated\"}]}",
          "application/feed+json");
    });
    h.Get("/cp1252.xml", xml("<?xml version='1.0' encoding='windows-1252'?><rss><channel><title>Caf\xe9 news</title>"
                             "<item><title>Caf\xe9</title><link>/p/6</link></item></channel></rss>"));
    h.Get("/bad.xml", xml("<rss><channel><item><title>unclosed</channel></rss>"));
    // Larger than feeds.max_page_bytes: refused while it arrives, not read whole.
    h.Get("/huge.xml", xml("<rss><channel>" + std::string(2 << 20, ' ') + "</channel></rss>"));
    h.Get("/busy.xml", [](const httplib::Request&, httplib::Response& r) {
      r.status = 429;
      r.set_header("Retry-After", "120");
    });
    h.Get("/robots.txt", [](const httplib::Request&, httplib::Response& r) {
      r.set_content("User-agent: *\nDisallow: /private/\n", "text/plain");
    });
    h.Get("/r/2", [](const httplib::Request&, httplib::Response& r) { r.set_redirect("/p/2"); });
    h.Get(R"(/p/(\d+))", [](const httplib::Request& q, httplib::Response& r) {
      std::string n = q.matches[1];
      std::string page = Page("Story " + n, Story("subject " + n + (n == "0" ? " zero" : "")));
      if (n == "3") {
        r.set_header("Content-Encoding", "gzip");
        return r.set_content(testing::Gzip(page), "text/html; charset=utf-8");
      }
      if (n == "4") {
        r.set_header("Content-Encoding", "br");
        return r.set_content(testing::Brotli(page), "text/html");
      }
      if (n == "6") {
        return r.set_content(Page("Caf\xe9",
                                  "<p>The caf\xe9 on the square reopened on Monday, after a year of "
                                  "repairs, and its owners said they were \x93"
                                  "delighted\x94"
                                  ".</p>"),
                             "text/html; charset=windows-1252");
      }
      r.set_content(page, "text/html; charset=utf-8");
    });
    // A wire copy of page 0 under another address: the same text.
    h.Get("/wire/7", [](const httplib::Request&, httplib::Response& r) {
      r.set_content(Page("Story 0 (wire)", Story("subject 0 zero")), "text/html");
    });
  }

  Status RunOnce() {
    std::stop_source stop;
    StageMetrics metrics("feeds");
    metrics_text_.clear();
    Status s = RunFeeds(o_, {.stop = stop.get_token(), .metrics = &metrics});
    metrics_text_ = metrics.registry().RenderPrometheus();
    return s;
  }

  std::string brokers_;
  FeedsOptions o_;
  testing::FeedServer server_;
  std::atomic<int> rss_polls_{0};
  std::string metrics_text_;
};

TEST_F(FeedsIntegrationTest, EachArticleArrivesOnceWithItsHeadersAcrossARestart) {
  ASSERT_TRUE(RunOnce());
  const std::string base = server_.Url("");
  // 0, 1 (also in the Atom feed), 2 (redirected), 3 (gzip), 4 (brotli), 5 (from the feed: robots), 6 (windows-1252);
  // not 7 (a near-duplicate of 0), 8 (404: dead-lettered).
  std::vector<testing::ReadRecord> raw = testing::ReadTopic(brokers_, o_.topics.raw, 7);
  std::map<std::string, testing::ReadRecord> by_key;
  for (const auto& r : raw) EXPECT_TRUE(by_key.emplace(r.key, r).second) << "twice: " << r.key;
  // The story and its wire copy are one article, whichever was fetched first.
  ASSERT_EQ(by_key.count(base + "/p/0") + by_key.count(base + "/wire/7"), 1u);
  const std::string zero_key = by_key.count(base + "/p/0") ? base + "/p/0" : base + "/wire/7";
  std::set<std::string> keys;
  for (const auto& [k, r] : by_key) keys.insert(k);
  EXPECT_EQ(keys, (std::set<std::string>{zero_key, base + "/p/1", base + "/p/2", base + "/p/3", base + "/p/4",
                                         base + "/private/5", base + "/p/6"}));
  const testing::ReadRecord& three = by_key.at(base + "/p/3");
  EXPECT_EQ(three.header(header::kContentType), "application/json");
  EXPECT_EQ(three.header(header::kFeed), server_.Url("/rdf.xml"));
  EXPECT_EQ(three.header(header::kSource), "Local RDF");
  EXPECT_EQ(three.header(header::kUrl), base + "/p/3");
  EXPECT_TRUE(three.header(header::kFetchedAt).has_value());
  EXPECT_NE(three.value.find("\"author\":\"Ann Lee\""), std::string::npos) << three.value;
  EXPECT_NE(three.value.find("\"published_at\":\"2019-11-19T08:00:00Z\""), std::string::npos);
  EXPECT_NE(three.value.find("Paragraph 5 of the story about subject 3"), std::string::npos);
  EXPECT_EQ(three.value.find("Copyright"), std::string::npos);
  EXPECT_EQ(three.value.find("Home"), std::string::npos);
  EXPECT_EQ(by_key.at(base + "/p/2").header(header::kFeed), server_.Url("/atom.xml"));
  EXPECT_NE(by_key.at(base + "/p/4").value.find("subject 4"), std::string::npos);
  EXPECT_NE(by_key.at(base + "/private/5").value.find("closed to robots"), std::string::npos);
  EXPECT_NE(by_key.at(base + "/p/6").value.find("caf\u00e9 on the square"), std::string::npos);
  EXPECT_NE(by_key.at(base + "/p/6").value.find("\u201cdelighted\u201d"), std::string::npos);

  std::vector<testing::ReadRecord> dlq = testing::ReadTopic(brokers_, o_.topics.dlq, 1);
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0].header(header::kDlqErrorCode), "FETCH_FAILED");
  EXPECT_EQ(dlq[0].header(header::kDlqStage), "feeds");
  EXPECT_NE(dlq[0].header(header::kDlqReason)->find("HTTP 404"), std::string::npos);
  EXPECT_NE(dlq[0].value.find("only a summary"), std::string::npos);

  for (const char* line :
       {"herald_feeds_polls_total{result=\"malformed\"} 1", "herald_feeds_polls_total{result=\"too_large\"} 1",
        "herald_feeds_polls_total{result=\"http_429\"} 1", "herald_feeds_items_total{result=\"duplicate\"} 1",
        "herald_feeds_pages_total{result=\"robots\"} 1"})
    EXPECT_NE(metrics_text_.find(line), std::string::npos) << line << " not in\n" << metrics_text_;
  // The busy host's backoff, from its Retry-After, beside the others' none.
  const std::string busy_backoff =
      "herald_feeds_host_backoff_seconds{host=\"http://localhost:" + std::to_string(server_.port()) + "\"} ";
  const size_t at = metrics_text_.find(busy_backoff);
  ASSERT_NE(at, std::string::npos) << metrics_text_;
  EXPECT_GT(std::stod(metrics_text_.substr(at + busy_backoff.size())), 60);
  EXPECT_NE(metrics_text_.find("herald_feeds_host_backoff_seconds{host=\"" + base + "\"} 0"), std::string::npos);

  // A restart: nothing is sent again, and no page is fetched again.
  ASSERT_TRUE(RunOnce());
  EXPECT_EQ(testing::ReadTopic(brokers_, o_.topics.raw, 8, std::chrono::seconds(5)).size(), 7u);
  EXPECT_EQ(testing::ReadTopic(brokers_, o_.topics.dlq, 2, std::chrono::seconds(5)).size(), 1u);
  EXPECT_NE(metrics_text_.find("herald_feeds_items_total{result=\"seen\"}"), std::string::npos);
  EXPECT_NE(metrics_text_.find("herald_feeds_polls_total{result=\"not_modified\"} 1"), std::string::npos)
      << "the RSS feed's ETag, saved by the first run, makes the second poll conditional\n"
      << metrics_text_;
  EXPECT_EQ(metrics_text_.find("herald_feeds_pages_total{result=\"fetched\"}"), std::string::npos) << metrics_text_;
  // Reading the seen topic whole at each start leaves only empty groups
  // without offsets, which the broker drops at its next clean-up.
  int readers = 0;
  for (const std::string& group : testing::ConsumerGroups(brokers_)) {
    if (!group.starts_with("herald-feeds-seen-" + std::to_string(::getpid()))) continue;
    ++readers;
    const std::vector<int64_t> offsets = testing::CommittedOffsets(brokers_, group, o_.seen_topic, 6);
    EXPECT_EQ(offsets, std::vector<int64_t>(6, RD_KAFKA_OFFSET_INVALID)) << group;
  }
  EXPECT_EQ(readers, 2) << "one per start";
}

// Two daemons in one group share the feeds: each feed has one poller, each page
// is fetched once and each article sent once.
TEST_F(FeedsIntegrationTest, TwoInstancesShareTheFeedsAndSendEachArticleOnce) {
  constexpr int kFeeds = 8, kItems = 3;
  std::atomic<bool> serving{false};
  std::mutex hits_mutex;
  std::map<std::string, int> page_hits;
  testing::FeedServer shared;
  shared.http().Get(R"(/shared/(\d+).xml)", [&](const httplib::Request& q, httplib::Response& r) {
    std::string items;
    for (int i = 0; serving && i < kItems; ++i)
      items += "<item><link>/story/" + q.matches[1].str() + "-" + std::to_string(i) + "</link></item>";
    r.set_content("<rss><channel><title>Shared</title>" + items + "</channel></rss>", "application/rss+xml");
  });
  shared.http().Get(R"(/story/([\d-]+))", [&](const httplib::Request& q, httplib::Response& r) {
    std::lock_guard lock(hits_mutex);
    ++page_hits[q.matches[1]];
    r.set_content(Page("Story " + q.matches[1].str(), Story("shared story " + q.matches[1].str())), "text/html");
  });
  shared.Start();
  o_.urls.clear();
  for (int f = 0; f < kFeeds; ++f) o_.urls.push_back(shared.Url("/shared/" + std::to_string(f) + ".xml"));
  o_.once = false;
  o_.interval_s = 10;
  o_.robots = false;
  o_.group = "feeds-group-" + std::to_string(::getpid());

  struct Instance {
    StageMetrics metrics{"feeds"};
    std::stop_source stop;
    std::jthread thread;
  };
  std::vector<std::unique_ptr<Instance>> instances;
  for (int i = 0; i < 2; ++i) {
    auto in = std::make_unique<Instance>();
    Instance* raw = in.get();
    in->thread = std::jthread(
        [this, raw] { EXPECT_TRUE(RunFeeds(o_, {.stop = raw->stop.get_token(), .metrics = &raw->metrics})); });
    instances.push_back(std::move(in));
  }
  struct StopOnExit {
    std::vector<std::unique_ptr<Instance>>& all;
    ~StopOnExit() {
      for (auto& in : all) in->stop.request_stop();
    }
  } stop_on_exit{instances};
  // Both own some feeds once the group has split them: only then do the feeds list items.
  auto owned = [](Instance& in) {
    std::string text = in.metrics.registry().RenderPrometheus();
    size_t at = text.find("\nherald_feeds_owned ");
    return at == std::string::npos ? -1 : std::atoi(text.c_str() + at + 20);
  };
  ASSERT_TRUE(testing::WaitFor([&] {
    return owned(*instances[0]) > 0 && owned(*instances[1]) > 0 &&
           owned(*instances[0]) + owned(*instances[1]) == kFeeds;
  })) << owned(*instances[0])
      << " and " << owned(*instances[1]) << " feeds owned";
  serving = true;
  auto raw = testing::ReadTopic(brokers_, o_.topics.raw, kFeeds * kItems, std::chrono::seconds(60));
  std::set<std::string> keys;
  for (const auto& r : raw) keys.insert(r.key);
  EXPECT_EQ(keys.size(), static_cast<size_t>(kFeeds * kItems));
  EXPECT_EQ(raw.size(), static_cast<size_t>(kFeeds * kItems)) << "an article sent twice";
  std::lock_guard lock(hits_mutex);
  EXPECT_EQ(page_hits.size(), static_cast<size_t>(kFeeds * kItems));
  for (const auto& [page, hits] : page_hits) EXPECT_EQ(hits, 1) << page;
}

TEST_F(FeedsIntegrationTest, ABadFeedListIsRefusedWithTheReason) {
  o_.urls.clear();
  EXPECT_FALSE(RunOnce());
  o_.list_path = "/nonexistent/feeds.yaml";
  Status s = RunOnce();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().reason.find("/nonexistent/feeds.yaml"), std::string::npos) << s.error().reason;
}

}  // namespace
}  // namespace herald
