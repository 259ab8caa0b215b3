#include "processors/syntax/perceptron.h"

#include <sys/mman.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace herald::syntax {
namespace {

constexpr char kMagic[8] = {'H', 'R', 'L', 'D', 'P', 'C', 'P', '2'};

uint64_t StoredKey(uint64_t key) { return key == 0 ? 1 : key; }

template <typename T>
void Append(std::string* out, const T& value) {
  out->append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <typename T>
bool Take(std::string_view* in, T* value, size_t count = 1) {
  if (count > in->size() / sizeof(T)) return false;
  const size_t bytes = sizeof(T) * count;
  if (bytes > 0) std::memcpy(value, in->data(), bytes);
  in->remove_prefix(bytes);
  return true;
}

}  // namespace

void AdviseHugePages(void* p, size_t bytes) { (void)madvise(p, bytes, MADV_HUGEPAGE); }

Perceptron::Perceptron(int classes) : classes_(std::max(1, classes)) { Rehash(1024); }

int64_t Perceptron::Find(uint64_t key) const {
  key = StoredKey(key);
  const size_t mask = slots_.size() - 1;
  for (size_t slot = key & mask;; slot = (slot + 1) & mask) {
    if (slots_[slot].key == key) return slots_[slot].row;
    if (slots_[slot].key == 0) return -1;
  }
}

size_t Perceptron::FindOrAdd(uint64_t key) {
  if (int64_t row = Find(key); row >= 0) return static_cast<size_t>(row);
  if ((features() + 1) * 2 > slots_.size()) Rehash(slots_.size() * 2);
  key = StoredKey(key);
  const size_t mask = slots_.size() - 1;
  size_t slot = key & mask;
  while (slots_[slot].key != 0) slot = (slot + 1) & mask;
  const size_t row = features();
  slots_[slot] = {key, static_cast<uint32_t>(row)};
  weights_.resize(weights_.size() + classes_, 0.0f);
  if (training_) {
    totals_.resize(weights_.size(), 0.0);
    stamps_.resize(weights_.size(), examples_);
  }
  return row;
}

void Perceptron::Rehash(size_t capacity) {
  auto old = std::move(slots_);
  slots_.assign(capacity, Slot{});
  const size_t mask = capacity - 1;
  for (const Slot& s : old) {
    if (s.key == 0) continue;
    size_t slot = s.key & mask;
    while (slots_[slot].key != 0) slot = (slot + 1) & mask;
    slots_[slot] = s;
  }
}

void Perceptron::ScoreInline(std::span<const uint64_t> features, float* scores) const {
  const size_t mask = inline_slots_.size() - 1;
  for (uint64_t f : features) __builtin_prefetch(&inline_slots_[StoredKey(f) & mask]);
  int32_t sums[kInlineClasses] = {};
  for (uint64_t f : features) {
    const uint64_t key = StoredKey(f);
    const uint16_t check = CheckBits(key);
    for (size_t slot = key & mask;; slot = (slot + 1) & mask) {
      const InlineSlot& s = inline_slots_[slot];
      if (s.check == check) {
        for (int c = 0; c < kInlineClasses; ++c) sums[c] += s.weights[c];
        break;
      }
      if (s.check == 0) break;
    }
  }
  for (int c = 0; c < classes_; ++c) scores[c] = static_cast<float>(sums[c]) * inline_scale_;
}

void Perceptron::Score(std::span<const uint64_t> features, float* scores) const {
  if (!inline_slots_.empty()) return ScoreInline(features, scores);
  if (weights_.empty()) {  // loaded: the file's 16-bit weights, scaled once at the end
    AddRows(quantised_.data(), features, scores);
    for (int c = 0; c < classes_; ++c) scores[c] *= scale_;
    return;
  }
  AddRows(weights_.data(), features, scores);
}

template <typename Weight, typename Sum>
void Perceptron::AddRows(const Weight* weights, std::span<const uint64_t> features, Sum* sums) const {
  std::fill(sums, sums + classes_, Sum{});
  // The probes miss the cache (the tables are megabytes): ask for all the
  // slots' lines at once, then all the rows', so that the misses overlap
  // instead of coming one after another.
  const size_t mask = slots_.size() - 1;
  for (uint64_t f : features) __builtin_prefetch(&slots_[StoredKey(f) & mask]);
  int64_t rows[128];
  for (size_t start = 0; start < features.size(); start += std::size(rows)) {
    const size_t n = std::min(features.size() - start, std::size(rows));
    for (size_t i = 0; i < n; ++i) {
      rows[i] = Find(features[start + i]);
      if (rows[i] >= 0) __builtin_prefetch(&weights[static_cast<size_t>(rows[i]) * classes_]);
    }
    for (size_t i = 0; i < n; ++i) {
      if (rows[i] < 0) continue;
      const Weight* w = &weights[static_cast<size_t>(rows[i]) * classes_];
      for (int c = 0; c < classes_; ++c) sums[c] += w[c];
    }
  }
}

int Perceptron::Predict(std::span<const uint64_t> features, const bool* allowed) const {
  float scores[256];
  std::vector<float> heap;
  float* s = scores;
  if (classes_ > 256) {
    heap.resize(classes_);
    s = heap.data();
  }
  Score(features, s);
  int best = -1;
  for (int c = 0; c < classes_; ++c) {
    if (allowed && !allowed[c]) continue;
    if (best < 0 || s[c] > s[best]) best = c;
  }
  return best < 0 ? 0 : best;
}

void Perceptron::Thaw() {
  if (!weights_.empty() || quantised_.empty()) return;
  weights_.resize(quantised_.size());
  for (size_t i = 0; i < quantised_.size(); ++i) weights_[i] = quantised_[i] * scale_;
  quantised_ = {};
  inline_slots_ = {};
}

void Perceptron::Update(std::span<const uint64_t> features, int truth, int guess) {
  if (truth == guess) return;
  Thaw();
  if (!training_) {
    training_ = true;
    totals_.resize(weights_.size(), 0.0);
    stamps_.resize(weights_.size(), examples_);
  }
  auto move = [&](size_t row, int c, float delta) {
    const size_t i = row * classes_ + c;
    totals_[i] += static_cast<double>(examples_ - stamps_[i]) * weights_[i];
    stamps_[i] = examples_;
    weights_[i] += delta;
  };
  for (uint64_t f : features) {
    const size_t row = FindOrAdd(f);
    move(row, truth, 1.0f);
    move(row, guess, -1.0f);
  }
}

void Perceptron::Average() {
  if (training_ && examples_ > 0) {
    for (size_t i = 0; i < weights_.size(); ++i) {
      const double total = totals_[i] + static_cast<double>(examples_ - stamps_[i]) * weights_[i];
      weights_[i] = static_cast<float>(total / static_cast<double>(examples_));
    }
  }
  totals_ = {};
  stamps_ = {};
  examples_ = 0;
  training_ = false;
}

void Perceptron::Prune(float threshold) {
  Thaw();
  std::vector<uint64_t> kept_keys;
  std::vector<float> kept_weights;
  for (const Slot& s : slots_) {
    if (s.key == 0) continue;
    const float* w = &weights_[static_cast<size_t>(s.row) * classes_];
    if (std::none_of(w, w + classes_, [&](float x) { return std::fabs(x) > threshold; })) continue;
    kept_keys.push_back(s.key);
    kept_weights.insert(kept_weights.end(), w, w + classes_);
  }
  weights_.clear();
  slots_.assign(1024, Slot{});
  for (size_t i = 0; i < kept_keys.size(); ++i) {
    const size_t row = FindOrAdd(kept_keys[i]);
    std::copy_n(&kept_weights[i * classes_], classes_, &weights_[row * classes_]);
  }
}

std::string Perceptron::Serialize() const {
  std::string out(kMagic, sizeof kMagic);
  Append(&out, static_cast<uint32_t>(classes_));
  Append(&out, static_cast<uint64_t>(features()));
  std::vector<uint64_t> by_row(features());
  for (const Slot& s : slots_) {
    if (s.key != 0) by_row[s.row] = s.key;
  }
  if (weights_.empty()) {  // loaded: the bytes it was read from
    Append(&out, scale_);
    out.append(reinterpret_cast<const char*>(by_row.data()), by_row.size() * sizeof(uint64_t));
    out.append(reinterpret_cast<const char*>(quantised_.data()), quantised_.size() * sizeof(int16_t));
    return out;
  }
  // Weights as 16-bit integers of one scale: half the bytes of floats, and
  // every weight within 1/65534 of the largest of its true value (the
  // scores, sums of a few dozen, move far less than the margins between classes).
  float largest = 0.0f;
  for (float w : weights_) largest = std::max(largest, std::fabs(w));
  const float scale = largest > 0 ? largest / 32767.0f : 1.0f;
  Append(&out, scale);
  out.append(reinterpret_cast<const char*>(by_row.data()), by_row.size() * sizeof(uint64_t));
  std::vector<int16_t> quantised(weights_.size());
  for (size_t i = 0; i < weights_.size(); ++i) quantised[i] = static_cast<int16_t>(std::lround(weights_[i] / scale));
  out.append(reinterpret_cast<const char*>(quantised.data()), quantised.size() * sizeof(int16_t));
  return out;
}

Result<Perceptron> Perceptron::Deserialize(std::string_view bytes) {
  char magic[sizeof kMagic];
  uint32_t classes = 0;
  uint64_t features = 0;
  float scale = 0;
  if (!Take(&bytes, magic, sizeof magic) || std::memcmp(magic, kMagic, sizeof magic) != 0 || !Take(&bytes, &classes) ||
      !Take(&bytes, &features) || !Take(&bytes, &scale) || classes == 0 || classes > 4096 || !(scale > 0) ||
      features > bytes.size() || bytes.size() != features * (sizeof(uint64_t) + classes * sizeof(int16_t))) {
    return Fail(v1::INTERNAL, "not a herald perceptron model (or a truncated one)");
  }
  Perceptron p(static_cast<int>(classes));
  std::vector<uint64_t> keys(features);
  Take(&bytes, keys.data(), features);
  size_t capacity = 1024;
  while (capacity < features * 2) capacity *= 2;
  p.Rehash(capacity);
  p.quantised_.resize(features * classes);
  Take(&bytes, p.quantised_.data(), p.quantised_.size());
  p.scale_ = scale;
  const auto& quantised = p.quantised_;
  const size_t mask = capacity - 1;
  for (size_t row = 0; row < features; ++row) {
    size_t slot = keys[row] & mask;
    while (p.slots_[slot].key != 0) slot = (slot + 1) & mask;
    p.slots_[slot] = {keys[row], static_cast<uint32_t>(row)};
  }
  if (p.classes_ <= kInlineClasses) {
    p.inline_slots_.assign(capacity, InlineSlot{});
    p.inline_scale_ = scale;
    for (size_t row = 0; row < features; ++row) {
      size_t slot = keys[row] & mask;
      while (p.inline_slots_[slot].check != 0) slot = (slot + 1) & mask;
      InlineSlot& s = p.inline_slots_[slot];
      s.check = CheckBits(StoredKey(keys[row]));
      std::copy_n(&quantised[row * p.classes_], p.classes_, s.weights);
    }
  }
  return p;
}

}  // namespace herald::syntax
