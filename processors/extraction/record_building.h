// record_building.h: helpers the extraction passes share to build an
// EventRecord's messages on its arena (or the heap, without one).
// Thread-safety: as the record they build. Failure: none.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/arena.h>
#include <google/protobuf/repeated_ptr_field.h>

#include "herald/v1/event.pb.h"

namespace herald::extraction {

inline void SetSpan(v1::Span* s, uint32_t b, uint32_t e) {
  s->set_begin(b);
  s->set_end(e);
}

// Messages of one kind built on the record's arena (or the heap, without one)
// and found again by key, until they join the record in key order.
template <typename T>
class KeyedMessages {
 public:
  explicit KeyedMessages(google::protobuf::Arena* arena) : arena_(arena) {}
  KeyedMessages(const KeyedMessages&) = delete;
  KeyedMessages& operator=(const KeyedMessages&) = delete;
  ~KeyedMessages() {
    if (arena_ == nullptr) {
      for (auto& [key, message] : by_key_) delete message;
    }
  }

  T& operator[](const std::string& key) {
    T*& slot = by_key_[key];
    if (slot == nullptr) slot = google::protobuf::Arena::CreateMessage<T>(arena_);
    return *slot;
  }
  // The messages in key order, handed over: the caller adds or deletes each.
  std::vector<T*> Release() {
    std::vector<T*> out;
    for (auto& [key, message] : by_key_) out.push_back(std::exchange(message, nullptr));
    return out;
  }
  // The keys in order, for messages not yet released.
  const std::map<std::string, T*>& entries() const { return by_key_; }

 private:
  google::protobuf::Arena* arena_;
  std::map<std::string, T*> by_key_;
};

// Adds a message built on the field's arena (or the heap) without copying it.
template <typename T>
void Adopt(google::protobuf::RepeatedPtrField<T>* field, T* message) {
  field->AddAllocated(message);
}

}  // namespace herald::extraction
