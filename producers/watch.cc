#include "producers/watch.h"

#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/kafka_cluster.h"
#include "core/log.h"

namespace herald {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A failed file waits this long before its next try, doubling up to the cap.
constexpr auto kFirstRetry = std::chrono::seconds(5);
constexpr auto kLongestRetry = std::chrono::minutes(5);

// inotify on one directory, for the files in it that are complete: closed
// after writing, or moved in.
class CompletedFiles {
 public:
  static Result<std::unique_ptr<CompletedFiles>> Watch(const fs::path& dir) {
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) return Fatal("inotify: " + std::string(std::strerror(errno)));
    if (::inotify_add_watch(fd, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_ONLYDIR) < 0) {
      const std::string reason = std::strerror(errno);
      ::close(fd);
      return Fatal("cannot watch " + dir.string() + ": " + reason);
    }
    return std::unique_ptr<CompletedFiles>(new CompletedFiles(fd));
  }
  ~CompletedFiles() { ::close(fd_); }
  CompletedFiles(const CompletedFiles&) = delete;
  CompletedFiles& operator=(const CompletedFiles&) = delete;

  // The names completed within `timeout`; *overflowed when the kernel dropped
  // events (its queue was full), so that a rescan must find them.
  std::vector<std::string> Wait(std::chrono::milliseconds timeout, bool* overflowed) {
    std::vector<std::string> names;
    pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return names;
    alignas(inotify_event) char buffer[64 * 1024];
    for (;;) {
      const ssize_t n = ::read(fd_, buffer, sizeof buffer);
      if (n <= 0) break;
      for (ssize_t at = 0; at < n;) {
        const auto* e = reinterpret_cast<const inotify_event*>(buffer + at);
        if (e->mask & IN_Q_OVERFLOW) *overflowed = true;
        if (e->len > 0 && !(e->mask & IN_ISDIR)) names.emplace_back(e->name);
        at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
      }
    }
    return names;
  }

 private:
  explicit CompletedFiles(int fd) : fd_(fd) {}
  int fd_;
};

class Watcher {
 public:
  Watcher(const ProduceOptions& o, const StageContext& c, kafka::Producer& producer, fs::path done)
      : options_(o),
        context_(c),
        producer_(producer),
        done_dir_(std::move(done)),
        done_(c.metrics->registry().AddCounter("herald_watch_files_total", "Watched files, by result",
                                               {{"result", "done"}})),
        failed_(c.metrics->registry().AddCounter("herald_watch_files_total", "Watched files, by result",
                                                 {{"result", "failed"}})) {}

  // Every file of the directory that has been left alone for settle_ms.
  void Rescan() {
    const auto settled = fs::file_time_type::clock::now() - std::chrono::milliseconds(options_.settle_ms);
    std::vector<fs::path> ready;
    std::error_code ec;
    for (const fs::directory_entry& e : fs::directory_iterator(options_.watch_dir, ec)) {
      std::error_code stat_error;
      if (!e.is_regular_file(stat_error) || IgnoredInWatch(e.path().filename().string(), options_.format)) continue;
      if (e.last_write_time(stat_error) <= settled && !stat_error) ready.push_back(e.path());
    }
    if (ec) log::Warn("cannot list the watched directory", {{"dir", options_.watch_dir}, {"reason", ec.message()}});
    std::sort(ready.begin(), ready.end());  // in name order, as `herald produce DIR` reads
    for (const fs::path& p : ready) Produce(p);
  }

  // Produces one complete file and moves it to the done directory.
  void Produce(const fs::path& path) {
    std::error_code ec;
    if (context_.stop.stop_requested() || !fs::is_regular_file(path, ec)) return;  // moved on already
    if (unmovable_.contains(path.string())) return;
    if (auto retry = retries_.find(path.string()); retry != retries_.end() && Clock::now() < retry->second.next) {
      return;
    }
    const int64_t delivered_before = producer_.delivered();
    int64_t sent = 0;
    const std::string ingested_at = NowRfc3339();
    Status s = ForEachArticle({path.string()}, options_.format, [&](SourceArticle&& a) {
      Status produced =
          ProduceArticle(producer_, options_.topics.raw, a, {.source = options_.source, .ingested_at = ingested_at});
      if (produced) ++sent;
      return produced;
    });
    if (s) s = producer_.Flush(std::chrono::seconds(options_.flush_timeout_s));
    const int64_t delivered = producer_.delivered() - delivered_before;
    if (s && delivered != sent) {
      s = Retriable(std::to_string(sent - delivered) + " of its " + std::to_string(sent) +
                    " articles were not delivered");
    }
    if (!s) return Failed(path, s.error().reason);
    if (Status moved = MoveToDone(path); !moved) {
      // Delivered: trying again would only send its articles twice.
      unmovable_.insert(path.string());
      log::Error("file produced but not moved; it is skipped until the daemon restarts",
                 {{"file", path.string()}, {"reason", moved.error().reason}});
      failed_.Add();
      return;
    }
    retries_.erase(path.string());
    context_.metrics->records_out.Add(delivered);
    done_.Add();
    log::Info("file produced", {{"file", path.string()}, {"articles", std::to_string(delivered)}});
  }

 private:
  struct Retry {
    Clock::time_point next;
    Clock::duration wait;
  };

  Status MoveToDone(const fs::path& path) {
    fs::path target = done_dir_ / path.filename();
    // A name produced before keeps its file: the new one gets the time beside it.
    if (fs::exists(target)) target += "." + std::to_string(NowMicros());
    std::error_code ec;
    fs::rename(path, target, ec);
    if (ec) return Fatal("cannot move it to " + target.string() + ": " + ec.message());
    return {};
  }

  void Failed(const fs::path& path, const std::string& reason) {
    Retry& r = retries_[path.string()];
    r.wait = r.wait == Clock::duration{} ? Clock::duration(kFirstRetry)
                                         : std::min<Clock::duration>(r.wait * 2, kLongestRetry);
    r.next = Clock::now() + r.wait;
    failed_.Add();
    log::Warn("file not produced; it stays and is tried again",
              {{"file", path.string()},
               {"reason", reason},
               {"retry_in_s", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(r.wait).count())}});
  }

  const ProduceOptions& options_;
  const StageContext& context_;
  kafka::Producer& producer_;
  fs::path done_dir_;
  metrics::Counter& done_;
  metrics::Counter& failed_;
  std::map<std::string, Retry> retries_;  // by path
  std::set<std::string> unmovable_;       // produced, but the move failed
};

}  // namespace

bool IgnoredInWatch(std::string_view name, ArticleFormat format) {
  if (name.empty() || name.front() == '.') return true;
  for (std::string_view partial : {".tmp", ".part", ".partial"}) {
    if (name.ends_with(partial)) return true;
  }
  return format == ArticleFormat::kAuto && FormatFromExtension(fs::path(name)) == ArticleFormat::kAuto;
}

Status RunWatch(const ProduceOptions& o, const StageContext& c) {
  const fs::path dir = o.watch_dir;
  const fs::path done = o.done_dir.empty() ? dir / ".done" : fs::path(o.done_dir);
  std::error_code ec;
  fs::create_directories(done, ec);
  if (ec) return Fatal("cannot make the done directory " + done.string() + ": " + ec.message());
  auto events = CompletedFiles::Watch(dir);
  if (!events) return Unexpected(events.error());
  // Files are moved by rename, which cannot cross filesystems: a done
  // directory elsewhere would fail each move after the file was sent.
  struct stat watched {
  }, finished{};
  if (::stat(dir.c_str(), &watched) != 0 || ::stat(done.c_str(), &finished) != 0 || watched.st_dev != finished.st_dev) {
    return Fatal("the done directory " + done.string() + " must be on the filesystem of " + dir.string() +
                 " (files are moved there by rename)");
  }
  kafka::Cluster& cluster = c.cluster ? *c.cluster : kafka::Brokers();
  // Its statistics tell readiness whether a broker is up.
  StageMetrics& metrics = *c.metrics;
  auto producer = cluster.NewProducer(o.kafka.ProducerProperties(),
                                      [&metrics](std::string_view s) { metrics.OnKafkaStatistics("producer", s); });
  if (!producer) return Unexpected(producer.error());
  Watcher watcher(o, c, **producer, done);
  c.metrics->SetConsuming(true);
  log::Info("watching", {{"dir", dir.string()}, {"done_dir", done.string()}, {"topic", o.topics.raw}});
  const auto every = std::chrono::milliseconds(o.settle_ms);
  auto next_scan = Clock::now();  // what is there at start, first
  while (!c.stop.stop_requested()) {
    c.metrics->Heartbeat();
    // Nothing in flight between files: this only serves the producer's
    // statistics (readiness) and any late delivery report.
    (void)(*producer)->Flush(std::chrono::milliseconds(0));
    bool overflowed = false;
    for (const std::string& name : (*events)->Wait(std::chrono::milliseconds(200), &overflowed)) {
      if (!IgnoredInWatch(name, o.format)) watcher.Produce(dir / name);
    }
    if (overflowed || Clock::now() >= next_scan) {
      watcher.Rescan();
      next_scan = Clock::now() + every;
    }
  }
  return (*producer)->Flush(std::chrono::seconds(o.flush_timeout_s));
}

}  // namespace herald
