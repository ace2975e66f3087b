#include "mizan/db/connection.hpp"

#include <utility>

#include "db/backend.hpp"

namespace mizan::db {

connection::connection(std::unique_ptr<detail::connection_backend> backend)
    : backend_(std::move(backend)) {}

connection::~connection() = default;

detail::statement& connection::prepare(std::string_view sql) {
  return backend_->prepare(sql);
}

void connection::execute_script(std::string_view sql) {
  backend_->execute_script(sql);
}

std::int64_t connection::last_insert_rowid() const noexcept {
  return backend_->last_insert_rowid();
}

std::uint64_t connection::statements_prepared() const noexcept {
  return backend_->statements_prepared();
}

bool connection::transaction_active() const noexcept {
  return depth_ > 0 && backend_->transaction_active();
}

connection::transaction_guard::transaction_guard(connection& c, bool read_only) : c_(c) {
  c_.backend_->begin(c_.depth_, read_only);
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
