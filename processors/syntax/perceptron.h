// perceptron.h: a multiclass averaged perceptron over hashed sparse features,
// the model inside herald's tagger and parser.
//
// Hand-written, because it is the hot path of syntax: scoring a token is a few
// dozen hash-table probes and row additions, with no allocation; no kept
// Debian library offers a linear model this small and this fast to query.
//
//   Perceptron model(17);                        // classes
//   uint64_t features[] = {FeatureHash(1, word), FeatureHash(2, suffix)};
//   int guess = model.Predict(features);
//   model.Update(features, truth, guess);        // training: +1 truth, -1 guess
//   model.NextExample();
//   ...
//   model.Average();                             // once, at the end of training
//   std::string bytes = model.Serialize();       // and Perceptron::Deserialize(bytes)
//
// Weights are averaged over every example seen (Collins 2002; lazily, as in
// Honnibal's tagger), which keeps a greedy model from over-fitting the last
// examples of an epoch.
// Thread-safety: const methods (Score, Predict) may run on many threads at once;
// training is single-threaded.
// Failure: Deserialize refuses bytes that are not a model of this format.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace herald::syntax {

// A feature's 64-bit key from a template number and a value's hash (or two).
inline constexpr uint64_t MixHash(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}
inline constexpr uint64_t HashText(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a, then mixed
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return MixHash(h);
}
inline constexpr uint64_t FeatureHash(uint64_t template_id, uint64_t a, uint64_t b = 0) {
  return MixHash(template_id * 0x9e3779b97f4a7c15ULL ^ a ^ MixHash(b + 0x632be59bd9b4e019ULL));
}

// madvise(MADV_HUGEPAGE); a kernel without it keeps ordinary pages.
void AdviseHugePages(void* p, size_t bytes);

// The tables are megabytes probed at random: on 4 KiB pages most probes miss
// the TLB as well as the cache. Blocks of 2 MiB or more are allocated on 2 MiB
// boundaries and offered to the kernel as transparent huge pages (madvise),
// which takes some of those misses away; smaller ones are ordinary.
template <typename T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr size_t kHugePage = size_t{2} << 20;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}
  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) return static_cast<T*>(::operator new(bytes));
    const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* p = std::aligned_alloc(kHugePage, rounded);
    if (p == nullptr) throw std::bad_alloc();
    AdviseHugePages(p, rounded);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) {
    if (n * sizeof(T) < kHugePage)
      ::operator delete(p);
    else
      std::free(p);
  }
  bool operator==(const HugePageAllocator&) const { return true; }
};
class Perceptron {
 public:
  explicit Perceptron(int classes);

  int classes() const { return classes_; }
  size_t features() const { return (weights_.empty() ? quantised_.size() : weights_.size()) / classes_; }

  // scores[c] = the sum of each known feature's weight for class c. `scores` has classes() entries.
  void Score(std::span<const uint64_t> features, float* scores) const;
  // The best-scoring class (the lowest on ties), among those `allowed` says (all when null).
  int Predict(std::span<const uint64_t> features, const bool* allowed = nullptr) const;

  // Training: moves the weights towards `truth` and away from `guess`.
  void Update(std::span<const uint64_t> features, int truth, int guess);
  // Counts one example, for the averages.
  void NextExample() { ++examples_; }
  // Replaces each weight by its average over the examples seen; ends training.
  void Average();
  // Drops the features whose every weight is within `threshold` of zero.
  void Prune(float threshold);

  std::string Serialize() const;
  static Result<Perceptron> Deserialize(std::string_view bytes);

 private:
  // The row of `key`, or -1.
  int64_t Find(uint64_t key) const;
  // The row of `key`, added (zeros) when new.
  size_t FindOrAdd(uint64_t key);
  void Rehash(size_t capacity);

  int classes_;
  // Open addressing, linear probing; key 0 marks an empty slot (a feature
  // whose hash is 0 is stored as 1). A probe reads the key and its row on one cache line.
  struct Slot {
    uint64_t key = 0;
    uint32_t row = 0;
  };
  std::vector<Slot, HugePageAllocator<Slot>> slots_;
  std::vector<float, HugePageAllocator<float>> weights_;  // row * classes_ + class
  // A loaded model of at most kInlineClasses classes (the parser's
  // transitions, scored twice per word with 70 features) keeps its weights,
  // as the file's 16-bit integers, inside its slots with 16 bits of the key
  // (the bits the slot's index does not use): a probe is one cache miss
  // instead of two, eight slots to a line, and the table half the size. A
  // feature the model lacks whose bits collide with a stored one's adds that
  // one's weights: about one feature in 60,000, which no score on EWT dev shows.
  static constexpr int kInlineClasses = 3;
  struct InlineSlot {
    uint16_t check = 0;  // 0: empty
    int16_t weights[kInlineClasses] = {};
  };
  static uint16_t CheckBits(uint64_t key) {
    const auto bits = static_cast<uint16_t>(key >> 48);
    return bits == 0 ? 1 : bits;
  }
  std::vector<InlineSlot, HugePageAllocator<InlineSlot>> inline_slots_;
  float inline_scale_ = 0;
  void ScoreInline(std::span<const uint64_t> features, float* scores) const;
  template <typename Weight, typename Sum>
  void AddRows(const Weight* weights, std::span<const uint64_t> features, Sum* sums) const;
  // A loaded model keeps the file's 16-bit weights (half the memory of
  // floats) and one scale; training it again turns them back into floats.
  std::vector<int16_t, HugePageAllocator<int16_t>> quantised_;
  float scale_ = 0;
  void Thaw();
  // Training only: each weight's running total and when it last changed.
  std::vector<double> totals_;
  std::vector<int64_t> stamps_;
  int64_t examples_ = 0;
  bool training_ = false;
};

}  // namespace herald::syntax
