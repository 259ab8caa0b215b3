// metrics.h: a small registry of counters, gauges and histograms rendered in
// Prometheus' text exposition format (version 0.0.4) for /metrics.
//
//   metrics::Registry registry;
//   metrics::Counter& in = registry.AddCounter("herald_records_in_total", "Records consumed", {{"stage", "store"}});
//   in.Add(batch.size());
//   metrics::Histogram& write = registry.AddHistogram("herald_sink_write_seconds", "...", {{"sink", "sqlite"}});
//   write.Observe(0.0021);
//   registry.AddCollector([&](metrics::Samples& out) { out.Gauge("herald_consumer_lag", "...", labels, lag); });
//   std::string text = registry.RenderPrometheus();
//
// Metrics are declared where the code that updates them lives (StageMetrics,
// the Kafka statistics reader); the admin endpoint only renders the registry.
// Collectors produce values that are read at scrape time (lag, queue depth,
// process RSS) instead of being pushed.
// Thread-safety: Add*/AddCollector/Render are mutex-guarded; updating a
// Counter, Gauge or Histogram is lock-free and may happen on any thread. Metric
// references stay valid as long as the registry.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace herald::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Add(int64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Latency buckets in seconds, 100 µs to 30 s.
std::vector<double> LatencyBuckets();

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);

  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<uint64_t> cumulative;  // per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
    // The value below which `q` (0..1) of observations fall, interpolated within its bucket.
    double Quantile(double q) const;
  };
  Snapshot snapshot() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

// What collectors write at scrape time.
class Samples {
 public:
  void Gauge(const std::string& name, const std::string& help, const Labels& labels, double value);
  void Counter(const std::string& name, const std::string& help, const Labels& labels, double value);

 private:
  friend class Registry;
  struct Sample {
    std::string type, help;
    std::vector<std::pair<std::string, double>> lines;  // label text, value
  };
  std::map<std::string, Sample> families_;
};

class Registry {
 public:
  Counter& AddCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& AddGauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& AddHistogram(const std::string& name, const std::string& help, const Labels& labels = {},
                          std::vector<double> upper_bounds = LatencyBuckets());
  void AddCollector(std::function<void(Samples&)> collector);

  std::string RenderPrometheus() const;

 private:
  struct Family {
    std::string type, help;
    std::map<std::string, std::unique_ptr<Counter>> counters;  // by label text
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
  };
  Family& FamilyFor(const std::string& name, const std::string& type, const std::string& help);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
  std::vector<std::function<void(Samples&)>> collectors_;
};

// Prometheus label text, e.g. {stage="store",code="EMPTY_ARTICLE"}, values escaped.
std::string FormatLabels(const Labels& labels);

// Adds process_resident_memory_bytes, process_cpu_seconds_total and
// process_start_time_seconds (read from /proc and getrusage at scrape time).
void AddProcessCollector(Registry& registry);

}  // namespace herald::metrics
