// feeds.cc: the `herald feeds` loop (feeds.h): feeds polled, pages fetched on
// one thread, articles produced once.
#include "producers/feeds/feeds.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "core/backoff.h"
#include "core/clock.h"
#include "core/kafka_cluster.h"
#include "core/log.h"
#include "core/record_format.h"
#include "herald/v1/json.h"
#include "producers/feeds/dedup.h"
#include "producers/feeds/feed_parser.h"
#include "producers/feeds/http_fetcher.h"
#include "producers/feeds/robots.h"
#include "producers/feeds/seen_topic.h"
#include "producers/produce.h"
#include "webpage/web_article.h"

namespace herald {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

// A fetch's tag says what it was for: the kind in the top byte, the feed's or job's number below.
enum class Fetch : uint64_t { kFeed = 1, kPage = 2, kRobots = 3 };
uint64_t Tag(Fetch kind, uint64_t id) { return (static_cast<uint64_t>(kind) << 56) | id; }
Fetch KindOf(uint64_t tag) { return static_cast<Fetch>(tag >> 56); }
uint64_t IdOf(uint64_t tag) { return tag & ((uint64_t{1} << 56) - 1); }

constexpr auto kLongestFeedBackoff = seconds(3600);
constexpr auto kRobotsLifetime = seconds(3600);

struct FeedState {
  FeedSpec spec;
  std::string title, etag, last_modified;
  Clock::time_point next_poll{};
  bool in_flight = false, polled = false;
  int failures = 0;
  metrics::Gauge* backoff = nullptr;
};

struct PageJob {
  FeedItem item;
  size_t feed = 0;
  std::string key;  // DedupKey of the item's link
  int attempts = 0;
  Clock::time_point next_try{};
  bool in_flight = false;
};

struct RobotsEntry {
  RobotsRules rules;
  Clock::time_point expires{};
  bool fetching = false;
};

struct FeedsMetrics {
  explicit FeedsMetrics(metrics::Registry& r)
      : registry(r),
        bytes(r.AddCounter("herald_feeds_bytes_total", "Bytes received (on the wire) for feeds, pages and robots.txt")),
        fetch_seconds(r.AddHistogram("herald_feeds_fetch_seconds", "Time of one fetch, redirects included")),
        owned(r.AddGauge("herald_feeds_owned", "Feeds this instance polls (its share of feeds.group's)")) {}
  // The registry finds a series it already has: one call per event is enough.
  metrics::Counter& Count(const char* name, const char* help, const std::string& result) {
    return registry.AddCounter(name, help, {{"result", result}});
  }
  void Poll(const std::string& result) { Count("herald_feeds_polls_total", "Feed polls, by result", result).Add(); }
  void Item(const std::string& result) { Count("herald_feeds_items_total", "Feed items, by result", result).Add(); }
  void Page(const std::string& result) { Count("herald_feeds_pages_total", "Page fetches, by result", result).Add(); }
  void HostBackoff(const std::string& host, double seconds) {
    registry
        .AddGauge("herald_feeds_host_backoff_seconds",
                  "Seconds a host that answered 429/503 or could not be reached gets no request", {{"host", host}})
        .Set(seconds);
  }
  metrics::Registry& registry;
  metrics::Counter& bytes;
  metrics::Histogram& fetch_seconds;
  metrics::Gauge& owned;
};

// "http_404", "http_5xx" style results and reasons of a failed fetch.
std::string FailureResult(const FetchResult& r) {
  if (r.status == 0) return r.too_large ? "too_large" : "network";
  return "http_" + std::to_string(r.status);
}
std::string FailureReason(const FetchResult& r) {
  return r.status == 0 ? r.error : "HTTP " + std::to_string(r.status) + " from " + r.url;
}
bool Retriable(const FetchResult& r) { return r.status == 0 || r.status == 429 || r.status >= 500; }

class FeedsDaemon {
 public:
  FeedsDaemon(const FeedsOptions& o, const StageContext& c, kafka::Producer& producer, SeenTopic& seen,
              std::vector<FeedSpec> feeds)
      : options_(o),
        context_(c),
        producer_(producer),
        seen_(seen),
        metrics_(c.metrics->registry()),
        fetcher_(o.fetch),
        random_(std::random_device{}()) {
    for (FeedSpec& spec : feeds) {
      FeedState f{.spec = std::move(spec)};
      if (const FeedValidators* saved = seen.Validators(f.spec.url)) {
        f.etag = saved->etag;
        f.last_modified = saved->last_modified;
      }
      f.backoff = &c.metrics->registry().AddGauge(
          "herald_feeds_backoff_seconds", "Seconds a failing feed waits beyond its interval", {{"feed", f.spec.url}});
      feeds_.push_back(std::move(f));
    }
  }

  Status Run() {
    while (!context_.stop.stop_requested()) {
      context_.metrics->Heartbeat();
      seen_.Drain();
      PollDueFeeds();
      StartDuePages();
      for (FetchResult& r : fetcher_.Poll(std::chrono::milliseconds(100))) Handle(r);
      if (Status s = Settle(); !s && s.error().kind == ErrorKind::kFatal) return s;
      if (options_.once && Done()) break;
    }
    SaveValidators();
    return producer_.Flush(seconds(options_.flush_timeout_s));
  }

 private:
  // For the next start's conditional GETs: the validators of this instance's
  // feeds that changed, once every item of their polls is settled.
  void SaveValidators() {
    if (!Settle() || !jobs_.empty()) return;  // items left unsent: full GETs next time
    for (const FeedState& f : feeds_) {
      const FeedValidators now{f.etag, f.last_modified};
      const FeedValidators* saved = seen_.Validators(f.spec.url);
      if (!f.polled || !seen_.Owns(f.spec.url) || (saved ? *saved == now : now == FeedValidators{})) continue;
      if (Status s = seen_.SaveValidators(f.spec.url, now); !s)
        log::Warn("feed validators not saved", {{"feed", f.spec.url}, {"reason", s.error().reason}});
    }
  }

  // An item of the feed's last poll was not sent: the next poll must not be
  // answered 304, or the item would wait for the feed to change.
  void ForgetValidators(FeedState& f) {
    f.etag.clear();
    f.last_modified.clear();
  }

  bool Done() {
    return std::all_of(feeds_.begin(), feeds_.end(),
                       [this](const FeedState& f) { return (f.polled || !seen_.Owns(f.spec.url)) && !f.in_flight; }) &&
           jobs_.empty() && fetcher_.pending() == 0 && unsettled_.empty();
  }

  void PollDueFeeds() {
    const auto now = Clock::now();
    int owned = 0;
    for (size_t i = 0; i < feeds_.size(); ++i) {
      FeedState& f = feeds_[i];
      const bool mine = seen_.Owns(f.spec.url);
      owned += mine;
      if (f.in_flight || now < f.next_poll || (options_.once && f.polled) || !mine) continue;
      f.in_flight = true;
      fetcher_.Submit(
          {.url = f.spec.url, .etag = f.etag, .last_modified = f.last_modified, .tag = Tag(Fetch::kFeed, i)});
    }
    metrics_.owned.Set(owned);
  }

  void Handle(FetchResult& r) {
    metrics_.HostBackoff(r.origin, r.origin_backoff_s);
    metrics_.bytes.Add(static_cast<int64_t>(r.wire_bytes));
    metrics_.fetch_seconds.Observe(r.seconds);
    switch (KindOf(r.tag)) {
      case Fetch::kFeed: OnFeed(feeds_[IdOf(r.tag)], r); break;
      case Fetch::kPage: OnPage(IdOf(r.tag), r); break;
      case Fetch::kRobots: OnRobots(r); break;
    }
  }

  // The next poll: the interval (or a longer max-age); after failures, doubling with jitter up to an hour.
  void Schedule(FeedState& f, const FetchResult& r, bool failed) {
    auto wait = seconds(f.spec.interval_s);
    if (r.max_age_s && !failed) wait = std::max(wait, seconds(std::min(*r.max_age_s, 86400)));
    f.failures = failed ? f.failures + 1 : 0;
    seconds extra(0);
    if (failed) {
      wait = Jittered(DoubledBackoff(seconds(f.spec.interval_s), f.failures, std::max(kLongestFeedBackoff, wait)),
                      random_);
      if (r.retry_after_s) wait = std::max(wait, seconds(*r.retry_after_s));
      extra = wait - seconds(f.spec.interval_s);
    }
    f.backoff->Set(static_cast<double>(std::max<int64_t>(extra.count(), 0)));
    f.next_poll = Clock::now() + wait;
  }

  void OnFeed(FeedState& f, const FetchResult& r) {
    f.in_flight = false;
    f.polled = true;
    if (r.status == 304) {
      metrics_.Poll("not_modified");
      return Schedule(f, r, false);
    }
    if (r.status != 200) {
      metrics_.Poll(FailureResult(r));
      log::Warn("feed not fetched", {{"feed", f.spec.url}, {"reason", FailureReason(r)}});
      return Schedule(f, r, true);
    }
    Result<ParsedFeed> parsed = ParseFeed(r.body, r.content_type, r.final_url.empty() ? r.url : r.final_url,
                                          static_cast<size_t>(f.spec.max_items));
    if (!parsed) {
      metrics_.Poll("malformed");
      log::Warn("feed not read", {{"feed", f.spec.url}, {"reason", parsed.error().reason}});
      return Schedule(f, r, true);
    }
    if (!seen_.Owns(f.spec.url)) {
      // Handed to another instance while this poll was under way: its items are the new owner's.
      metrics_.Poll("handed_over");
      return Schedule(f, r, false);
    }
    metrics_.Poll("ok");
    f.etag = r.etag;
    f.last_modified = r.last_modified;
    f.title = parsed->title;
    Schedule(f, r, false);
    for (FeedItem& item : parsed->items) Enqueue(static_cast<size_t>(&f - feeds_.data()), std::move(item));
  }

  void Enqueue(size_t feed, FeedItem item) {
    if (item.url.empty() || !(item.url.starts_with("http://") || item.url.starts_with("https://"))) {
      metrics_.Item("no_link");
      return;
    }
    std::string key = DedupKey(item.url);
    if (seen_.index().Find(key) || queued_keys_.contains(key)) {
      metrics_.Item("seen");
      return;
    }
    metrics_.Item("new");
    queued_keys_.insert(key);
    uint64_t id = next_job_++;
    jobs_.emplace(id, PageJob{.item = std::move(item), .feed = feed, .key = std::move(key)});
    if (!feeds_[feed].spec.fetch_pages) FromFeedContent(id, "");
  }

  void StartDuePages() {
    const auto now = Clock::now();
    for (auto& [id, job] : jobs_) {
      if (job.in_flight || now < job.next_try) continue;
      std::string origin(OriginOf(job.item.url));
      if (options_.robots) {
        RobotsEntry& robots = robots_[origin];
        if (now >= robots.expires) {
          if (!robots.fetching) {
            robots.fetching = true;
            fetcher_.Submit({.url = origin + "/robots.txt", .tag = Tag(Fetch::kRobots, 0)});
          }
          continue;  // waits for the site's rules
        }
        if (!robots.rules.Allowed(PathOf(job.item.url))) {
          metrics_.Page("robots");
          pending_failures_.emplace_back(id, "refused by " + origin + "/robots.txt");
          continue;
        }
      }
      job.in_flight = true;
      ++job.attempts;
      fetcher_.Submit({.url = job.item.url, .tag = Tag(Fetch::kPage, id)});
    }
    for (auto& [id, reason] : pending_failures_) FromFeedContent(id, reason);
    pending_failures_.clear();
  }

  void OnRobots(const FetchResult& r) {
    std::string origin(OriginOf(r.url));
    RobotsEntry& e = robots_[origin];
    e.fetching = false;
    e.expires = Clock::now() + kRobotsLifetime;
    if (r.status >= 200 && r.status < 300) {
      e.rules = RobotsRules::Parse(r.body, options_.fetch.user_agent);
      if (e.rules.crawl_delay_ms()) fetcher_.SetOriginDelay(origin, *e.rules.crawl_delay_ms());
    } else if (r.status >= 400 && r.status < 500) {
      e.rules = RobotsRules::AllowAll();
    } else {  // unreachable or 5xx: the site is treated as closed until the next try (RFC 9309)
      e.rules = RobotsRules::DisallowAll();
      e.expires = Clock::now() + std::min<Clock::duration>(kRobotsLifetime, seconds(300));
    }
  }

  void OnPage(uint64_t id, FetchResult& r) {
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return;
    PageJob& job = it->second;
    job.in_flight = false;
    if (r.status != 200) {
      if (Retriable(r) && job.attempts < options_.page_retries) {
        metrics_.Page("retried");
        auto wait =
            r.retry_after_s ? seconds(*r.retry_after_s) : DoubledBackoff(seconds(2), job.attempts, seconds(256));
        job.next_try = Clock::now() + std::min<Clock::duration>(wait, seconds(600));
        return;
      }
      metrics_.Page(FailureResult(r));
      return FromFeedContent(id, FailureReason(r));
    }
    webpage::WebArticle page = webpage::ReadWebArticle(r.body, r.content_type);
    if (page.text.empty()) {
      metrics_.Page("no_text");
      return FromFeedContent(id, "no article text on " + r.url);
    }
    metrics_.Page("fetched");
    std::string url = !page.canonical_url.empty() && page.canonical_url.starts_with("http") ? page.canonical_url
                      : !r.final_url.empty()                                                ? r.final_url
                                                                                            : job.item.url;
    Send(id, page, url);
  }

  // The article from what the feed itself carries, when the page gave none; else a dead letter.
  void FromFeedContent(uint64_t id, const std::string& failure) {
    PageJob& job = jobs_.at(id);
    if (job.item.content.empty())
      return DeadLetterJob(id, failure.empty() ? "the feed item carries no content" : failure);
    webpage::WebArticle a;
    if (job.item.content_is_html) {
      a = webpage::ReadWebArticle(job.item.content, "text/html; charset=utf-8");
    } else {
      a.text = job.item.content;
    }
    if (a.text.empty()) return DeadLetterJob(id, failure.empty() ? "the feed item's content has no text" : failure);
    Send(id, a, job.item.url);
  }

  v1::Article Envelope(const PageJob& job, const webpage::WebArticle& page, const std::string& url) const {
    const FeedState& f = feeds_[job.feed];
    v1::Article a;
    a.set_id(CanonicalUrl(url));
    a.set_url(CanonicalUrl(url));
    a.set_source(!f.spec.source.empty() ? f.spec.source : !page.site_name.empty() ? page.site_name : f.title);
    a.set_title(!page.title.empty() ? page.title : job.item.title);
    a.set_body(page.text);
    a.set_author(!page.author.empty() ? page.author : job.item.author);
    a.set_published_at(!page.published_at.empty() ? page.published_at : job.item.published_at);
    a.set_language(page.language);
    return a;
  }

  void Send(uint64_t id, const webpage::WebArticle& page, const std::string& url) {
    PageJob& job = jobs_.at(id);
    v1::Article article = Envelope(job, page, url);
    std::string key = DedupKey(article.url());
    uint64_t simhash = TextSimHash(article.body());
    const SeenEntry* same = key != job.key ? seen_.index().Find(key) : nullptr;
    const SeenEntry* near = same ? same : seen_.index().FindNear(simhash);
    std::string duplicate_of;
    if (near) {
      metrics_.Item("duplicate");
      if (options_.duplicates == DuplicatePolicy::kSkip) {
        // Remembered under this link too, so that the next poll does not fetch it again.
        unsettled_.push_back({.key = job.key, .url = job.item.url, .article_id = near->article_id});
        return Finish(id);
      }
      duplicate_of = near->article_id;
    }
    const std::string fetched_at = NowRfc3339();
    ArticleHeaders headers{.source = article.source(),
                           .feed = feeds_[job.feed].spec.url,
                           .fetched_at = fetched_at,
                           .duplicate_of = duplicate_of};
    SourceArticle out{.bytes = v1::ToJson(article), .content_type = "application/json", .origin = url};
    if (Status s = ProduceArticle(producer_, options_.topics.raw, out, headers); !s) {
      log::Error("article not produced", {{"url", url}, {"reason", s.error().reason}});
      ForgetValidators(feeds_[job.feed]);
      return Finish(id);  // not marked: the next poll of its feed offers it again
    }
    context_.metrics->records_out.Add();
    unsettled_.push_back({.key = job.key, .url = article.url(), .article_id = article.id(), .simhash = simhash});
    if (key != job.key)
      unsettled_.push_back({.key = key, .url = article.url(), .article_id = article.id(), .simhash = 0});
    Finish(id);
  }

  void DeadLetterJob(uint64_t id, const std::string& reason) {
    const PageJob& job = jobs_.at(id);
    v1::Article item;
    item.set_id(CanonicalUrl(job.item.url));
    item.set_url(job.item.url);
    item.set_title(job.item.title);
    item.set_body(job.item.summary);
    item.set_author(job.item.author);
    item.set_published_at(job.item.published_at);
    const std::string code = v1::ErrorCode_Name(v1::FETCH_FAILED);
    kafka::Headers headers = {{std::string(header::kContentType), "application/json"},
                              {std::string(header::kFeed), feeds_[job.feed].spec.url},
                              {std::string(header::kUrl), job.item.url},
                              {std::string(header::kDlqStage), std::string(kFeedsStage.name)},
                              {std::string(header::kDlqErrorCode), code},
                              {std::string(header::kDlqReason), reason},
                              {std::string(header::kDlqAt), NowRfc3339()},
                              {std::string(header::kDlqAttempts), std::to_string(std::max(job.attempts, 1))}};
    if (Status s = producer_.Produce(options_.topics.dlq, item.id(), v1::ToJson(item), headers); s) {
      context_.metrics->CountDeadLetters(v1::FETCH_FAILED, 1);
      log::Warn("page dead-lettered", {{"url", job.item.url}, {"reason", reason}});
      // Not offered again at the next poll: `herald dlq replay` sends it when wanted.
      unsettled_.push_back({.key = job.key, .url = job.item.url});
    } else {
      ForgetValidators(feeds_[job.feed]);
    }
    Finish(id);
  }

  void Finish(uint64_t id) {
    queued_keys_.erase(jobs_.at(id).key);
    jobs_.erase(id);
  }

  // Once the broker has acknowledged what was sent, it is marked seen.
  Status Settle() {
    if (unsettled_.empty()) return {};
    Status flushed = producer_.Flush(seconds(5));
    if (!flushed) {
      log::Warn("articles not acknowledged; they are offered again at their feed's next poll",
                {{"articles", std::to_string(unsettled_.size())}, {"reason", flushed.error().reason}});
      unsettled_.clear();
      for (FeedState& f : feeds_) ForgetValidators(f);
      return flushed;
    }
    for (SeenEntry& e : unsettled_) {
      if (Status s = seen_.Mark(std::move(e)); !s) log::Warn("seen entry not sent", {{"reason", s.error().reason}});
    }
    unsettled_.clear();
    return {};
  }

  const FeedsOptions& options_;
  const StageContext& context_;
  kafka::Producer& producer_;
  SeenTopic& seen_;
  FeedsMetrics metrics_;
  HttpFetcher fetcher_;
  std::mt19937_64 random_;
  std::vector<FeedState> feeds_;
  std::map<uint64_t, PageJob> jobs_;
  uint64_t next_job_ = 0;
  std::set<std::string> queued_keys_;
  std::map<std::string, RobotsEntry> robots_;
  std::vector<std::pair<uint64_t, std::string>> pending_failures_;
  std::vector<SeenEntry> unsettled_;
};

}  // namespace

Status RunFeeds(const FeedsOptions& o, const StageContext& c) {
  Result<std::vector<FeedSpec>> feeds = LoadFeedList(o);
  if (!feeds) return Unexpected(feeds.error());
  kafka::Cluster& cluster = c.cluster ? *c.cluster : kafka::Brokers();
  StageMetrics& metrics = *c.metrics;
  auto producer = cluster.NewProducer(o.kafka.ProducerProperties(),
                                      [&metrics](std::string_view s) { metrics.OnKafkaStatistics("producer", s); });
  if (!producer) return Unexpected(producer.error());
  SeenTopic seen(o, cluster, **producer);
  if (Status s = seen.Load(c.stop); !s) return Fatal("cannot read the seen topic: " + s.error().reason);
  c.metrics->SetConsuming(true);
  log::Info("polling feeds",
            {{"feeds", std::to_string(feeds->size())}, {"topic", o.topics.raw}, {"mode", o.once ? "once" : "daemon"}});
  FeedsDaemon daemon(o, c, **producer, seen, std::move(*feeds));
  return daemon.Run();
}

}  // namespace herald
