// A socket's queue of frames to write: a vector read from a moving head, so
// that an idle socket's empty queue costs no allocation (std::deque
// allocates a block as soon as it is made, for every socket).
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace mizan::ws {

template <class T>
class frame_queue {
 public:
  bool empty() const noexcept { return head_ == items_.size(); }
  std::size_t size() const noexcept { return items_.size() - head_; }
  T& front() noexcept { return items_[head_]; }

  void push_back(T item) {
    if (head_ > 0 && head_ == items_.size()) clear();
    items_.push_back(std::move(item));
  }
  void pop_front() {
    items_[head_] = T{};  // release what it holds now
    if (++head_ == items_.size()) clear();
  }
  /// Removes every queued item for which `drop(item)` is true, keeping order.
  template <class Pred>
  void erase_if(Pred drop) {
    items_.erase(
        std::remove_if(items_.begin() + static_cast<std::ptrdiff_t>(head_), items_.end(), drop),
        items_.end());
    if (empty()) clear();
  }
  /// Empties the queue and gives its memory back.
  void clear() noexcept {
    std::vector<T>().swap(items_);
    head_ = 0;
  }

 private:
  std::vector<T> items_;
  std::size_t head_ = 0;
};

}  // namespace mizan::ws
