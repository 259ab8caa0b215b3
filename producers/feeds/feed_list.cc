// feed_list.cc: `herald feeds`' settings and its list of feeds (feeds.h).
#include <yaml-cpp/yaml.h>

#include <CLI/CLI.hpp>
#include <set>

#include "producers/feeds/feeds.h"

namespace herald {

void DeclareFeedsSettings(SettingsTable& t, FeedsOptions* o) {
  DeclareKafkaSettings(t, &o->kafka);
  DeclareTopicSettings(t, &o->topics);
  t.Add("feeds.urls", &o->urls, "Feed URLs to poll with the default settings.").Flag("--feed");
  t.Add("feeds.list", &o->list_path,
        "A YAML file listing feeds with their own settings (feeds: [{url, source, interval_s, fetch_pages, "
        "max_items}]).")
      .Flag("--feeds-file");
  t.Add("feeds.interval_s", &o->interval_s, "Seconds between two polls of a feed (a feed's max-age may shorten it).")
      .Flag("--interval")
      .Range(10, 86400);
  t.Add("feeds.fetch_pages", &o->fetch_pages,
        "Fetch each new item's page and extract its article; off: produce the feed's own content.")
      .Flag("--fetch-pages");
  t.Add("feeds.max_items", &o->max_items, "Items read from one poll of a feed, newest first.").Range(1, 10000);
  t.Add("feeds.per_host_connections", &o->fetch.per_host_connections, "Requests in flight to one host at once.")
      .Range(1, 16);
  t.Add("feeds.per_host_delay_ms", &o->fetch.per_host_delay_ms,
        "Least time between two requests to one host (a longer robots.txt Crawl-delay wins).")
      .Range(0, 600000);
  t.Add("feeds.timeout_ms", &o->fetch.timeout_ms, "Time one request may take, redirects included.").Range(1000, 600000);
  t.Add("feeds.max_redirects", &o->fetch.max_redirects, "Redirects followed per request.").Range(0, 20);
  t.Add("feeds.max_page_bytes", &o->fetch.max_body_bytes,
        "Largest feed or page body read (after decompression); larger ones fail.")
      .Range(1024, 256 << 20);
  t.Add("feeds.page_retries", &o->page_retries, "Attempts at a page before it is dead-lettered.").Range(1, 20);
  t.Add("feeds.robots", &o->robots, "Honour robots.txt for page fetches.");
  t.Add("feeds.user_agent", &o->fetch.user_agent, "User-Agent of every request; robots.txt groups are matched on it.");
  t.Add("feeds.seen_topic", &o->seen_topic,
        "Compacted topic of the articles sent, shared by every instance and read at start.");
  t.Add("feeds.group", &o->group,
        "Consumer group of the feeds daemons: instances in one group share the feeds, each polled by one.")
      .Flag("--group");
  t.Add("feeds.seen_capacity", &o->seen_capacity, "Newest seen articles kept in memory.").Range(1000, 100000000);
  t.Add("feeds.seen_retention_days", &o->seen_retention_days,
        "Days an article stays in the seen topic (created with this retention beside compaction): an item older "
        "than this that a feed still lists is sent again.")
      .Range(1, 3650);
  t.Add("feeds.duplicates", BindEnum(&o->duplicates, kDuplicatePolicyNames),
        "A near-duplicate of an article sent (the same text under another URL): skip it, or mark it "
        "(herald-duplicate-of) and send it.");
  t.Add("feeds.flush_timeout_s", &o->flush_timeout_s, "Seconds to wait for the last delivery reports.").Range(1, 3600);
}

void AddFeedsArguments(CLI::App* app, FeedsOptions* o) {
  app->add_flag("--once", o->once, "Poll every feed once, send what is new, and exit (for cron)");
}

namespace {

Status ReadEntry(const YAML::Node& node, const std::string& where, FeedSpec* spec) {
  if (!node.IsMap()) return Fatal(where + ": a feed is a mapping with a url");
  static const std::set<std::string> kKeys = {"url", "source", "interval_s", "fetch_pages", "max_items"};
  try {
    for (const auto& kv : node) {
      std::string key = kv.first.as<std::string>();
      if (!kKeys.contains(key)) return Fatal(where + ": unknown key '" + key + "'");
    }
    if (!node["url"] || node["url"].as<std::string>().empty()) return Fatal(where + ": the feed has no url");
    spec->url = node["url"].as<std::string>();
    if (!spec->url.starts_with("http://") && !spec->url.starts_with("https://"))
      return Fatal(where + ": url '" + spec->url + "' is not http or https");
    if (node["source"]) spec->source = node["source"].as<std::string>();
    if (node["interval_s"]) {
      spec->interval_s = node["interval_s"].as<int>();
      if (spec->interval_s < 10 || spec->interval_s > 86400) return Fatal(where + ": interval_s must be 10 to 86400");
    }
    if (node["fetch_pages"]) spec->fetch_pages = node["fetch_pages"].as<bool>() ? 1 : 0;
    if (node["max_items"]) {
      spec->max_items = node["max_items"].as<int>();
      if (spec->max_items < 1 || spec->max_items > 10000) return Fatal(where + ": max_items must be 1 to 10000");
    }
  } catch (const YAML::Exception& e) {
    return Fatal(where + ": " + e.msg);
  }
  return {};
}

}  // namespace

Result<std::vector<FeedSpec>> LoadFeedList(const FeedsOptions& o) {
  std::vector<FeedSpec> feeds;
  for (const std::string& url : o.urls) feeds.push_back({.url = url});
  if (!o.list_path.empty()) {
    YAML::Node root;
    try {
      root = YAML::LoadFile(o.list_path);
    } catch (const YAML::Exception& e) {
      return Fatal(o.list_path + ": " + e.what());
    }
    if (!root.IsMap() || !root["feeds"] || !root["feeds"].IsSequence())
      return Fatal(o.list_path + ": expected a 'feeds:' list");
    for (const YAML::Node& node : root["feeds"]) {
      FeedSpec spec;
      std::string where = o.list_path + ":" + std::to_string(node.Mark().line + 1);
      if (Status s = ReadEntry(node, where, &spec); !s) return Unexpected(s.error());
      feeds.push_back(std::move(spec));
    }
  }
  std::set<std::string> urls;
  for (FeedSpec& f : feeds) {
    if (!urls.insert(f.url).second) return Fatal("feed " + f.url + " is listed twice");
    if (f.interval_s == 0) f.interval_s = o.interval_s;
    if (f.fetch_pages < 0) f.fetch_pages = o.fetch_pages ? 1 : 0;
    if (f.max_items == 0) f.max_items = o.max_items;
  }
  if (feeds.empty()) return Fatal("no feeds: give feeds.urls (--feed URL) or feeds.list (--feeds-file FILE)");
  return feeds;
}

}  // namespace herald
