// feeds.h: `herald feeds`: a daemon (or, with --once, a cron job) that polls
// RSS, RDF, Atom and JSON feeds, fetches each new item's page, extracts its
// article and produces it to the raw topic, once.
//
//   FeedsOptions o;  o.urls = {"https://example.com/rss.xml"};
//   Status s = RunFeeds(o, context);     // until context.stop, or one round with o.once
//
// Each feed is polled every interval_s with a conditional GET (the last
// ETag and Last-Modified; saved in the seen topic when the daemon stops or a
// `once` round ends with every item settled, so the next start polls
// conditionally too; forgotten when an item of the poll could not be sent, so
// that a 304 never hides it), sooner when its Cache-Control max-age says so and
// later after a failure (doubling with jitter up to an hour, or what a 429 or
// 503 says in Retry-After). Every new item (dedup.h: its canonical URL not
// seen before, by this instance or another, since the seen topic's oldest
// entry) has its page fetched (http_fetcher.h: many at once on this thread,
// at most per_host_connections per host and per_host_delay_ms apart,
// robots.txt honoured and cached an hour) and read by webpage/web_article.h:
// main text, title, author, time, canonical URL, language. A feed with
// fetch_pages off, or an item whose page cannot be fetched but whose feed
// carries its content, is produced from the feed's content. The article goes
// to the raw topic as a JSON envelope (Article's fields), keyed by its
// canonical URL, with the headers every producer adds (article.proto) and
// herald-feed, herald-fetched-at and, for a near-duplicate when
// feeds.duplicates is "mark", herald-duplicate-of.
//
// Once across restarts and instances: after the broker acknowledges an
// article, a record keyed by its dedup key goes to the seen topic (compacted,
// and records older than seen_retention_days deleted, so the topic and the
// read at start stay bounded; created so when missing): {"url", "article_id", "simhash", "seen_at_ms"} as
// JSON. Each instance reads the whole seen topic at start (its own consumer
// group, so it reads every partition) before its first poll, and keeps
// reading it, so what another instance sent is skipped too; the newest
// seen_capacity entries are kept in memory. Several instances share the feeds
// through the consumer group feeds.group (seen_topic.h): each feed is polled
// by one of them.
// Failure: a page that fails after page_retries attempts goes to the
// dead-letter topic (FETCH_FAILED, stage "feeds", value the item as a JSON
// envelope, key its URL); a feed that fails is logged, counted and retried
// later. Bad input never stops the daemon; a feed list that cannot be read or
// a broker that cannot be reached at start is a fatal Error.
// Metrics: herald_feeds_polls_total{result}, herald_feeds_items_total{result},
// herald_feeds_pages_total{result}, herald_feeds_bytes_total,
// herald_feeds_fetch_seconds (histogram), herald_feeds_backoff_seconds{feed},
// herald_feeds_host_backoff_seconds{host} (http_fetcher.h's per-origin backoff),
// herald_feeds_owned (the feeds this instance polls).
// Thread-safety: one RunFeeds per process.
#pragma once

#include <string>
#include <vector>

#include "core/options.h"
#include "core/settings.h"
#include "core/stage_metrics.h"
#include "core/status.h"
#include "producers/feeds/http_fetcher.h"

namespace CLI {
class App;
}

namespace herald {

// One feed of the list.
struct FeedSpec {
  std::string url;
  std::string source;    // publisher name for its articles; empty: the page's, else the feed's title
  int interval_s = 0;    // 0: feeds.interval_s
  int fetch_pages = -1;  // -1: feeds.fetch_pages; 0 no; 1 yes
  int max_items = 0;     // 0: feeds.max_items
};

enum class DuplicatePolicy { kSkip, kMark };
inline constexpr EnumName<DuplicatePolicy> kDuplicatePolicyNames[] = {{DuplicatePolicy::kSkip, "skip"},
                                                                      {DuplicatePolicy::kMark, "mark"}};

struct FeedsOptions {
  KafkaOptions kafka;
  Topics topics;
  std::vector<std::string> urls;  // feeds.urls: feeds with every default
  std::string list_path;          // feeds.list: a YAML file of feeds with their own settings
  int interval_s = 300;
  bool fetch_pages = true;
  int max_items = 200;
  // feeds.per_host_connections, per_host_delay_ms, timeout_ms, max_redirects,
  // max_page_bytes (max_body_bytes) and user_agent.
  FetcherOptions fetch;
  int page_retries = 3;
  bool robots = true;
  std::string seen_topic = "herald.feeds.seen";
  std::string group = "herald-feeds";  // the instances that share the feeds
  int seen_capacity = 200000;
  int seen_retention_days = 30;
  DuplicatePolicy duplicates = DuplicatePolicy::kSkip;
  int flush_timeout_s = 60;
  bool once = false;
};

void DeclareFeedsSettings(SettingsTable& table, FeedsOptions* options);
void AddFeedsArguments(CLI::App* app, FeedsOptions* options);

// Every feed of options.urls and options.list_path, with the list's defaults applied.
// The list file:
//   feeds:
//     - url: https://example.com/rss.xml     # required
//       source: Example News                 # optional
//       interval_s: 600                      # optional, 10 to 86400
//       fetch_pages: false                   # optional
//       max_items: 50                        # optional, 1 to 10000
// Failure: a file that cannot be read, or an entry without a URL or with an
// unknown key or a value out of range, is an Error naming the file and line.
Result<std::vector<FeedSpec>> LoadFeedList(const FeedsOptions& options);

Status RunFeeds(const FeedsOptions& options, const StageContext& context);

}  // namespace herald
