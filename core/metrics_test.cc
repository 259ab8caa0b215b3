#include "core/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace herald::metrics {
namespace {

using ::testing::HasSubstr;

TEST(MetricsTest, RendersCountersGaugesAndHistogramsInPrometheusTextFormat) {
  Registry r;
  r.AddCounter("herald_records_in_total", "Records consumed.", {{"stage", "store"}}).Add(3);
  r.AddCounter("herald_records_in_total", "Records consumed.", {{"stage", "store"}}).Add(2);
  r.AddGauge("herald_up", "Up.").Set(1);
  Histogram& h = r.AddHistogram("herald_write_seconds", "Write time.", {{"sink", "sqlite"}}, {0.01, 0.1});
  h.Observe(0.005);
  h.Observe(0.05);
  h.Observe(3);
  r.AddCollector([](Samples& s) { s.Gauge("herald_lag", "Lag.", {{"topic", "t\"x"}, {"partition", "0"}}, 7); });
  std::string text = r.RenderPrometheus();
  EXPECT_THAT(text, HasSubstr("# HELP herald_records_in_total Records consumed.\n"
                              "# TYPE herald_records_in_total counter\n"
                              "herald_records_in_total{stage=\"store\"} 5\n"));
  EXPECT_THAT(text, HasSubstr("herald_up 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE herald_write_seconds histogram\n"
                              "herald_write_seconds_bucket{sink=\"sqlite\",le=\"0.01\"} 1\n"
                              "herald_write_seconds_bucket{sink=\"sqlite\",le=\"0.1\"} 2\n"
                              "herald_write_seconds_bucket{sink=\"sqlite\",le=\"+Inf\"} 3\n"
                              "herald_write_seconds_sum{sink=\"sqlite\"} 3.055\n"
                              "herald_write_seconds_count{sink=\"sqlite\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE herald_lag gauge\nherald_lag{topic=\"t\\\"x\",partition=\"0\"} 7\n"));
}

TEST(MetricsTest, HistogramQuantilesInterpolateWithinBuckets) {
  Histogram h({1, 2, 4});
  for (int i = 0; i < 50; ++i) h.Observe(0.5);
  for (int i = 0; i < 50; ++i) h.Observe(3);
  Histogram::Snapshot s = h.snapshot();
  EXPECT_EQ(s.count, 100u);
  EXPECT_DOUBLE_EQ(s.Quantile(0.5), 1.0);
  EXPECT_DOUBLE_EQ(s.Quantile(0.75), 3.0);
  EXPECT_DOUBLE_EQ(Histogram({1}).snapshot().Quantile(0.99), 0.0) << "empty";
}

TEST(MetricsTest, ProcessCollectorReportsMemoryAndCpu) {
  Registry r;
  AddProcessCollector(r);
  std::string text = r.RenderPrometheus();
  EXPECT_THAT(text, HasSubstr("# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes "));
  EXPECT_THAT(text, HasSubstr("# TYPE process_cpu_seconds_total counter\n"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("process_resident_memory_bytes 0\n")));
}

}  // namespace
}  // namespace herald::metrics
