#include "producers/progress.h"

#include <unistd.h>

#include <cstdio>

namespace herald {
namespace {

std::string Grouped(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

std::string FormatProgress(int64_t done, int64_t total, std::chrono::duration<double> elapsed) {
  constexpr int kWidth = 20;
  int filled = total > 0 ? static_cast<int>(kWidth * done / total) : kWidth;
  std::string bar = "[" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "]";
  double seconds = elapsed.count();
  int64_t rate = seconds > 0 ? static_cast<int64_t>(done / seconds) : 0;
  std::string eta = "-";
  if (rate > 0 && total >= done) eta = std::to_string((total - done + rate - 1) / rate) + "s";
  return bar + "  " + Grouped(done) + "/" + Grouped(total) + " articles  " + Grouped(rate) + "/s  ETA " + eta;
}

Progress::Progress(int64_t total)
    : total_(total), enabled_(isatty(STDERR_FILENO) == 1), start_(std::chrono::steady_clock::now()), last_draw_() {}

void Progress::Update(int64_t done) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100) && done < total_) return;
  last_draw_ = now;
  std::fprintf(stderr, "\r%s", FormatProgress(done, total_, now - start_).c_str());
  std::fflush(stderr);
}

void Progress::Finish() {
  if (enabled_) std::fprintf(stderr, "\r\033[K");
}

}  // namespace herald
