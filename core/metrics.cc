#include "core/metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <fstream>

namespace herald::metrics {
namespace {

std::string FormatValue(double v) {
  char buf[64];
  if (v == static_cast<double>(static_cast<int64_t>(v)) && v < 1e15 && v > -1e15) {
    std::snprintf(buf, sizeof buf, "%" PRId64, static_cast<int64_t>(v));
  } else {
    std::snprintf(buf, sizeof buf, "%.9g", v);
  }
  return buf;
}

void AddTo(std::atomic<double>& target, double v) {
  double old = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(old, old + v, std::memory_order_relaxed)) {
  }
}

// Inserts `extra` into a label text: {a="1"} + le="0.5" -> {a="1",le="0.5"}.
std::string WithLabel(const std::string& labels, const std::string& extra) {
  if (labels.empty()) return "{" + extra + "}";
  return labels.substr(0, labels.size() - 1) + "," + extra + "}";
}

void Header(std::string* out, const std::string& name, const std::string& help, const std::string& type) {
  *out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

std::vector<double> LatencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  std::sort(bounds_.begin(), bounds_.end());
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i] = 0;
}

void Histogram::Observe(double value) {
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  AddTo(sum_, value);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.upper_bounds = bounds_;
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

double Histogram::Snapshot::Quantile(double q) const {
  if (count == 0) return 0;
  double rank = q * static_cast<double>(count);
  uint64_t below = 0;
  for (size_t i = 0; i < cumulative.size(); ++i) {
    if (static_cast<double>(cumulative[i]) >= rank) {
      if (i == upper_bounds.size()) return upper_bounds.empty() ? 0 : upper_bounds.back();
      double lower = i == 0 ? 0 : upper_bounds[i - 1];
      double in_bucket = static_cast<double>(cumulative[i] - below);
      double fraction = in_bucket > 0 ? (rank - static_cast<double>(below)) / in_bucket : 1;
      return lower + (upper_bounds[i] - lower) * fraction;
    }
    below = cumulative[i];
  }
  return upper_bounds.empty() ? 0 : upper_bounds.back();
}

std::string FormatLabels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (const auto& [k, v] : labels) {
    if (out.size() > 1) out += ",";
    out += k + "=\"";
    for (char c : v) {
      if (c == '\\' || c == '"') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    out += "\"";
  }
  return out + "}";
}

void Samples::Gauge(const std::string& name, const std::string& help, const Labels& labels, double value) {
  Sample& s = families_[name];
  s.type = "gauge";
  s.help = help;
  s.lines.emplace_back(FormatLabels(labels), value);
}

void Samples::Counter(const std::string& name, const std::string& help, const Labels& labels, double value) {
  Sample& s = families_[name];
  s.type = "counter";
  s.help = help;
  s.lines.emplace_back(FormatLabels(labels), value);
}

Registry::Family& Registry::FamilyFor(const std::string& name, const std::string& type, const std::string& help) {
  Family& f = families_[name];
  f.type = type;
  f.help = help;
  return f;
}

Counter& Registry::AddCounter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = FamilyFor(name, "counter", help).counters[FormatLabels(labels)];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Registry::AddGauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = FamilyFor(name, "gauge", help).gauges[FormatLabels(labels)];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& Registry::AddHistogram(const std::string& name, const std::string& help, const Labels& labels,
                                  std::vector<double> upper_bounds) {
  std::lock_guard lock(mutex_);
  auto& slot = FamilyFor(name, "histogram", help).histograms[FormatLabels(labels)];
  if (!slot) slot = std::make_unique<Histogram>(std::move(upper_bounds));
  return *slot;
}

void Registry::AddCollector(std::function<void(Samples&)> collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string Registry::RenderPrometheus() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    Header(&out, name, f.help, f.type);
    for (const auto& [labels, c] : f.counters) out += name + labels + " " + FormatValue(c->value()) + "\n";
    for (const auto& [labels, g] : f.gauges) out += name + labels + " " + FormatValue(g->value()) + "\n";
    for (const auto& [labels, h] : f.histograms) {
      Histogram::Snapshot s = h->snapshot();
      for (size_t i = 0; i < s.upper_bounds.size(); ++i) {
        out += name + "_bucket" + WithLabel(labels, "le=\"" + FormatValue(s.upper_bounds[i]) + "\"") + " " +
               FormatValue(static_cast<double>(s.cumulative[i])) + "\n";
      }
      out +=
          name + "_bucket" + WithLabel(labels, "le=\"+Inf\"") + " " + FormatValue(static_cast<double>(s.count)) + "\n";
      out += name + "_sum" + labels + " " + FormatValue(s.sum) + "\n";
      out += name + "_count" + labels + " " + FormatValue(static_cast<double>(s.count)) + "\n";
    }
  }
  Samples samples;
  for (const auto& collect : collectors_) collect(samples);
  for (const auto& [name, s] : samples.families_) {
    Header(&out, name, s.help, s.type);
    for (const auto& [labels, value] : s.lines) out += name + labels + " " + FormatValue(value) + "\n";
  }
  return out;
}

void AddProcessCollector(Registry& registry) {
  const double start = static_cast<double>(std::time(nullptr));
  registry.AddCollector([start](Samples& out) {
    long pages = 0, resident = 0;
    if (std::ifstream statm("/proc/self/statm"); statm >> pages >> resident) {
      out.Gauge("process_resident_memory_bytes", "Resident memory size in bytes.", {},
                static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)));
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    out.Counter("process_cpu_seconds_total", "User and system CPU time spent in seconds.", {},
                seconds(usage.ru_utime) + seconds(usage.ru_stime));
    out.Gauge("process_start_time_seconds", "Start time of the process since the Unix epoch in seconds.", {}, start);
  });
}

}  // namespace herald::metrics
