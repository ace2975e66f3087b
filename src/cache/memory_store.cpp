#include "cache/memory_store.hpp"

#include <algorithm>
#include <array>
#include <list>
#include <mutex>
#include <tuple>
#include <unordered_map>

namespace mizan::cache {
namespace {

using time_point = std::chrono::steady_clock::time_point;

// What the allocator really takes for a request of `n` bytes: glibc's malloc
// adds an 8-byte header, rounds up to 16 and hands out at least 32. Charging
// this, rather than the bytes asked for, keeps the budget the memory the
// process actually uses (small entries cost up to twice their payload).
constexpr std::size_t heap_block(std::size_t n) noexcept {
  return std::max<std::size_t>(32, (n + 8 + 15) & ~std::size_t{15});
}

// A string's own heap block: none while it fits in the object itself (SSO).
constexpr std::size_t sso_capacity = std::string().capacity();
std::size_t string_heap(std::size_t capacity) noexcept {
  return capacity > sso_capacity ? heap_block(capacity + 1) : 0;
}

}  // namespace

// Aligned so that two shards' mutexes never share a cache line.
struct alignas(64) memory_store::shard {
  struct node {
    std::string key;
    entry_meta meta;
    cached_response value;
    time_point expires;
    std::size_t bytes = 0;
    std::list<node>::iterator self;
    // Doubly linked chain of the entries of one context, for purge.
    node* context_prev = nullptr;
    node* context_next = nullptr;
  };

  mutable std::mutex mutex;
  std::list<node> lru;  // front: most recently used
  std::unordered_map<std::string_view, std::list<node>::iterator> by_key;  // views of node::key
  std::unordered_map<std::string, node*> by_context;  // first node of each context's chain
  std::size_t bytes = 0;
  std::size_t max_bytes = 0;
  std::size_t max_entries = 0;

  // Links a node, prepared outside the lock in `fresh`, as most recently used.
  void insert(std::list<node>& fresh) {
    lru.splice(lru.begin(), fresh);
    node& n = lru.front();
    n.self = lru.begin();
    by_key.emplace(n.key, n.self);
    node*& head = by_context[n.meta.context];
    n.context_next = head;
    if (head != nullptr) head->context_prev = &n;
    head = &n;
    bytes += n.bytes;
  }

  void erase(node& n) {
    if (n.context_prev != nullptr) {
      n.context_prev->context_next = n.context_next;
    } else if (n.context_next != nullptr) {
      by_context.find(n.meta.context)->second = n.context_next;
    } else {
      by_context.erase(n.meta.context);
    }
    if (n.context_next != nullptr) n.context_next->context_prev = n.context_prev;
    by_key.erase(n.key);
    bytes -= n.bytes;
    lru.erase(n.self);
  }

  void erase_key(std::string_view key) {
    if (const auto it = by_key.find(key); it != by_key.end()) erase(*it->second);
  }

  void evict() {
    while (!lru.empty() && (bytes > max_bytes || lru.size() > max_entries)) erase(lru.back());
  }

  void clear() {
    by_key.clear();
    by_context.clear();
    lru.clear();
    bytes = 0;
  }
};

memory_store::memory_store(memory_store_options options)
    : options_(std::move(options)),
      shard_count_(std::max<std::size_t>(options_.shards, 1)),
      shards_(new shard[shard_count_]) {
  for (std::size_t i = 0; i < shard_count_; ++i) {
    // Round up, so that small totals still leave every shard some room.
    shards_[i].max_bytes = (options_.max_bytes + shard_count_ - 1) / shard_count_;
    shards_[i].max_entries = (options_.max_entries + shard_count_ - 1) / shard_count_;
  }
}

memory_store::~memory_store() = default;

memory_store::shard& memory_store::shard_for(std::string_view key) const noexcept {
  return shards_[std::hash<std::string_view>{}(key) % shard_count_];
}

time_point memory_store::now() const {
  return options_.clock ? options_.clock() : std::chrono::steady_clock::now();
}

std::size_t memory_store::charge(std::string_view key, const entry_meta& meta,
                                 const cached_response& value) noexcept {
  using list_node = std::pair<std::array<void*, 2>, shard::node>;  // std::list's links + value
  using index_node = std::tuple<void*, std::string_view, std::list<shard::node>::iterator,
                                std::size_t>;  // next, key, value, cached hash
  using shared_block = std::pair<std::array<void*, 2>, std::string>;  // make_shared's block
  // The node and its key-index slot; the index's bucket array, which doubles
  // as it grows, averages under two pointers an entry.
  std::size_t bytes = heap_block(sizeof(list_node)) + heap_block(sizeof(index_node)) +
                      2 * sizeof(void*) + string_heap(key.size()) +
                      string_heap(meta.context.capacity()) + string_heap(meta.scope.capacity()) +
                      string_heap(value.etag.capacity()) +
                      string_heap(value.content_type.capacity());
  if (meta.params.capacity() > 0) {
    bytes += heap_block(meta.params.capacity() * sizeof(meta.params.front()));
  }
  for (const auto& [name, text] : meta.params) {
    bytes += string_heap(name.capacity()) + string_heap(text.capacity());
  }
  // The body is charged whole although hits share it: the cache keeps it alive.
  if (value.body) bytes += heap_block(sizeof(shared_block)) + string_heap(value.body->capacity());
  return bytes;
}

std::optional<cached_response> memory_store::get(std::string_view key) {
  const time_point time = now();
  shard& s = shard_for(key);
  std::lock_guard lock(s.mutex);
  const auto it = s.by_key.find(key);
  if (it == s.by_key.end()) return std::nullopt;
  shard::node& n = *it->second;
  if (n.expires <= time) {
    s.erase(n);
    return std::nullopt;
  }
  s.lru.splice(s.lru.begin(), s.lru, n.self);
  return n.value;
}

std::atomic<std::uint64_t>& memory_store::purges_of(std::string_view context) noexcept {
  return purges_[std::hash<std::string_view>{}(context) % purges_.size()];
}

fill_ticket memory_store::ticket(std::string_view context) {
  return {generation_.load(), purges_of(context).load()};
}

void memory_store::put(const std::string& key, entry_meta meta, cached_response value,
                       std::chrono::milliseconds ttl) {
  store(key, std::move(meta), std::move(value), ttl, nullptr);
}

void memory_store::put(const std::string& key, entry_meta meta, cached_response value,
                       std::chrono::milliseconds ttl, const fill_ticket& ticket) {
  store(key, std::move(meta), std::move(value), ttl, &ticket);
}

void memory_store::store(const std::string& key, entry_meta meta, cached_response value,
                         std::chrono::milliseconds ttl, const fill_ticket* ticket) {
  shard& s = shard_for(key);
  if (ttl <= std::chrono::milliseconds::zero()) {
    std::lock_guard lock(s.mutex);
    s.erase_key(key);
    return;
  }
  // Build the node before taking the lock: only pointer work happens under it.
  std::list<shard::node> fresh;
  auto& n = fresh.emplace_back();
  n.bytes = charge(key, meta, value);
  n.key = key;
  n.meta = std::move(meta);
  n.value = std::move(value);
  n.expires = now() + ttl;
  std::atomic<std::uint64_t>& purges = purges_of(n.meta.context);

  std::lock_guard lock(s.mutex);
  // Checked under the shard's lock: a purge counts before it sweeps the
  // shards, so it either is seen here or sweeps this entry away after.
  if (ticket && (ticket->generation != generation_.load() || ticket->purges != purges.load())) {
    return;
  }
  s.erase_key(key);
  if (n.bytes > s.max_bytes || s.max_entries == 0) return;
  s.insert(fresh);
  s.evict();
}

void memory_store::purge(const params::invalidation_entry& entry) {
  purges_of(entry.context).fetch_add(1);
  for (std::size_t i = 0; i < shard_count_; ++i) {
    shard& s = shards_[i];
    std::lock_guard lock(s.mutex);
    const auto chain = s.by_context.find(entry.context);
    if (chain == s.by_context.end()) continue;
    for (shard::node* n = chain->second; n != nullptr;) {
      shard::node* const next = n->context_next;  // read before `n` is erased
      if (params::matches(entry, n->meta.context, n->meta.params)) s.erase(*n);
      n = next;
    }
  }
}

void memory_store::clear() {
  generation_.fetch_add(1);
  for (std::size_t i = 0; i < shard_count_; ++i) {
    std::lock_guard lock(shards_[i].mutex);
    shards_[i].clear();
  }
}

std::size_t memory_store::size() const {
  std::size_t total = 0;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    std::lock_guard lock(shards_[i].mutex);
    total += shards_[i].lru.size();
  }
  return total;
}

std::size_t memory_store::bytes() const {
  std::size_t total = 0;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    std::lock_guard lock(shards_[i].mutex);
    total += shards_[i].bytes;
  }
  return total;
}

}  // namespace mizan::cache
