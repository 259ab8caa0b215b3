#include "processors/syntax/perceptron.h"

#include <gtest/gtest.h>

#include <vector>

namespace herald::syntax {
namespace {

TEST(PerceptronTest, LearnsSeparableExamplesAndAveragesItsWeights) {
  Perceptron model(3);
  const std::vector<std::vector<uint64_t>> examples = {{11, 12}, {21, 22}, {31, 12}};
  const int truth[] = {0, 1, 2};
  for (int epoch = 0; epoch < 5; ++epoch) {
    for (size_t i = 0; i < examples.size(); ++i) {
      model.Update(examples[i], truth[i], model.Predict(examples[i]));
      model.NextExample();
    }
  }
  model.Average();
  for (size_t i = 0; i < examples.size(); ++i) EXPECT_EQ(model.Predict(examples[i]), truth[i]) << i;
  EXPECT_EQ(model.features(), 5u);
  const bool only_class_2[] = {false, false, true};
  EXPECT_EQ(model.Predict(examples[0], only_class_2), 2) << "the best among the allowed";
  float scores[3];
  model.Score(std::vector<uint64_t>{999}, scores);
  EXPECT_EQ(scores[0] + scores[1] + scores[2], 0.0f) << "unknown features weigh nothing";
}

TEST(PerceptronTest, PruningDropsFeaturesThatBarelyMoveAndKeepsTheRest) {
  Perceptron model(2);
  for (int i = 0; i < 10; ++i) {
    model.Update(std::vector<uint64_t>{1}, 0, 1);  // strong: ten updates
    model.NextExample();
  }
  model.Update(std::vector<uint64_t>{2}, 1, 0);  // weak: one, at the very end
  model.NextExample();
  model.Average();
  model.Prune(0.5f);
  EXPECT_EQ(model.features(), 1u);
  EXPECT_EQ(model.Predict(std::vector<uint64_t>{1}), 0);
}

TEST(PerceptronTest, SerialisesToTheSameScoresAndRefusesOtherBytes) {
  Perceptron model(4);
  for (uint64_t f = 0; f < 3000; ++f) {  // enough to grow the table several times
    model.Update(std::vector<uint64_t>{f, f * 7 + 1}, static_cast<int>(f % 4), static_cast<int>((f + 1) % 4));
    model.NextExample();
  }
  model.Average();
  auto loaded = Perceptron::Deserialize(model.Serialize());
  ASSERT_TRUE(loaded) << loaded.error().reason;
  EXPECT_EQ(loaded->features(), model.features());
  for (uint64_t f : {0ull, 1ull, 1234ull, 2999ull, 0ull}) {
    float a[4], b[4];
    model.Score(std::vector<uint64_t>{f, f * 7 + 1}, a);
    loaded->Score(std::vector<uint64_t>{f, f * 7 + 1}, b);
    // Stored as 16-bit integers of one scale (the weights here are within 1 of zero).
    for (int c = 0; c < 4; ++c) EXPECT_NEAR(a[c], b[c], 1e-3f) << f;
  }
  std::string bytes = model.Serialize();
  bytes.pop_back();
  EXPECT_FALSE(Perceptron::Deserialize(bytes));
  EXPECT_FALSE(Perceptron::Deserialize("not a model"));
}

}  // namespace
}  // namespace herald::syntax
