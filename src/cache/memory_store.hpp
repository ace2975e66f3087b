// The in-process origin cache: used when no shared backend is configured.
#pragma once

#include "cache/store.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace mizan::cache {

/// Limits and clock of a memory_store.
struct memory_store_options {
  /// Total budget: what each entry takes from the allocator (its node, index
  /// slot, key, params, ETag and body, with malloc's headers and rounding),
  /// so that the process's memory, not just the payload, stays within it.
  /// Split evenly between shards.
  std::size_t max_bytes = 64 * 1024 * 1024;
  /// Total number of entries, split evenly between shards.
  std::size_t max_entries = 100'000;
  /// Independent partitions, each with its own lock; at least 1.
  std::size_t shards = 16;
  /// Time source for expiry; steady_clock::now when empty (tests inject a fake).
  std::function<std::chrono::steady_clock::time_point()> clock = nullptr;
};

/// A bounded, sharded, in-memory `store`.
///
/// Each key belongs to one shard (by hash), which keeps a least-recently-used
/// list, a hash index and a per-context index under its own mutex: requests
/// for different keys rarely contend, and `purge` walks only the entries of
/// the purged context. Over budget, a shard drops its least recently used
/// entries; an entry larger than a shard's whole budget is not stored.
/// Expired entries are dropped when read (or evicted as they age out of use).
/// Thread-safe.
class memory_store final : public store {
 public:
  explicit memory_store(memory_store_options options = {});
  ~memory_store() override;
  memory_store(const memory_store&) = delete;
  memory_store& operator=(const memory_store&) = delete;

  std::optional<cached_response> get(std::string_view key) override;
  void put(const std::string& key, entry_meta meta, cached_response value,
           std::chrono::milliseconds ttl) override;
  void purge(const params::invalidation_entry& entry) override;
  void clear() override;
  fill_ticket ticket(std::string_view context) override;
  void put(const std::string& key, entry_meta meta, cached_response value,
           std::chrono::milliseconds ttl, const fill_ticket& ticket) override;
  bool nonblocking() const noexcept override { return true; }

  /// Number of entries held, expired ones included until they are dropped.
  std::size_t size() const;
  /// Bytes charged against the budget.
  std::size_t bytes() const;

  /// The bytes one entry is charged, as `put` counts them.
  static std::size_t charge(std::string_view key, const entry_meta& meta,
                            const cached_response& value) noexcept;

 private:
  struct shard;
  shard& shard_for(std::string_view key) const noexcept;
  std::atomic<std::uint64_t>& purges_of(std::string_view context) noexcept;
  std::chrono::steady_clock::time_point now() const;
  void store(const std::string& key, entry_meta meta, cached_response value,
             std::chrono::milliseconds ttl, const fill_ticket* ticket);

  memory_store_options options_;
  std::size_t shard_count_;
  std::unique_ptr<shard[]> shards_;
  // Purges per context, counted in slots by the context's hash: two contexts
  // sharing a slot only make a put() skip now and then.
  std::array<std::atomic<std::uint64_t>, 256> purges_{};
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace mizan::cache
