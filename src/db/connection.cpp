#include "mizan/db/connection.hpp"

#include <atomic>
#include <utility>

#include "db/backend.hpp"

namespace mizan::db {

namespace {
std::atomic<std::uint64_t> next_connection_serial{1};
}  // namespace

connection::connection(std::unique_ptr<detail::connection_backend> backend)
    : backend_(std::move(backend)), serial_(next_connection_serial.fetch_add(1)) {}

connection::~connection() = default;

detail::statement& connection::prepare(std::string_view sql) {
  return backend_->prepare(sql);
}

void connection::execute_script(std::string_view sql) {
  backend_->execute_script(sql);
}

std::int64_t connection::last_insert_rowid() {
  return backend_->last_insert_rowid();
}

db::engine connection::engine() const noexcept {
  return backend_->engine();
}

std::uint64_t connection::statements_prepared() const noexcept {
  return backend_->statements_prepared();
}

bool connection::transaction_active() const noexcept {
  return depth_ > 0 && backend_->transaction_active();
}

std::optional<snapshot_version> connection::snapshot() {
  if (!transaction_active()) return std::nullopt;
  const auto changes = backend_->own_changes();
  if (changes != changes_at_begin_) return std::nullopt;
  return snapshot_version{serial_, backend_->data_version(), changes};
}

connection::transaction_guard::transaction_guard(connection& c, bool read_only) : c_(c) {
  c_.backend_->begin(c_.depth_, read_only);
  if (c_.depth_ == 0) c_.changes_at_begin_ = c_.backend_->own_changes();
  ++c_.depth_;
}

connection::transaction_guard::~transaction_guard() {
  if (!open_) return;
  --c_.depth_;
  c_.backend_->rollback(c_.depth_);
}

void connection::transaction_guard::commit() {
  c_.backend_->commit(c_.depth_ - 1);
  --c_.depth_;
  open_ = false;
}

}  // namespace mizan::db
