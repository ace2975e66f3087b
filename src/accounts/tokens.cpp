#include "accounts/tokens.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

namespace mizan::accounts::tokens {
namespace {

struct issued_row {
  std::int64_t user_id;
  std::string email;
  std::int64_t expires_at;
};
BOOST_DESCRIBE_STRUCT(issued_row, (), (user_id, email, expires_at))

void need_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot start");
}

}  // namespace

std::string make() {
  need_sodium();
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

bool well_formed(std::string_view token) {
  return token.size() == 43 && std::all_of(token.begin(), token.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
         });
}

std::string hash(std::string_view token) {
  need_sodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[2 * sizeof digest + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string issue(db::connection& db, std::int64_t user_id, std::string_view purpose,
                  std::string_view email, std::int64_t ttl_seconds, std::int64_t now) {
  std::string token = make();
  db.exec(
      "INSERT INTO mizan_account_tokens (hash, user_id, purpose, email, created_at, expires_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      hash(token), user_id, std::string(purpose), std::string(email), now, now + ttl_seconds);
  return token;
}

std::optional<issued> consume(db::connection& db, std::string_view token, std::string_view purpose,
                              std::int64_t now) {
  if (!well_formed(token)) return std::nullopt;
  // One statement takes the row: of two concurrent uses, the second finds
  // nothing (SQLite: one writer; PostgreSQL: it waits for the first's row
  // lock, then sees the row gone).
  auto row = db.query_optional<issued_row>(
      "DELETE FROM mizan_account_tokens WHERE hash = ? AND purpose = ? "
      "RETURNING user_id, email, expires_at",
      hash(token), std::string(purpose));
  if (!row || !live(row->expires_at, now)) return std::nullopt;
  return issued{row->user_id, std::move(row->email), row->expires_at};
}

std::int64_t recent(db::connection& db, std::string_view purpose, std::string_view email,
                    std::int64_t window, std::int64_t now) {
  // Kept past expiry for as long as they count against the limit.
  db.exec("DELETE FROM mizan_account_tokens WHERE expires_at <= ? AND created_at <= ?", now,
          now - window);
  return db.scalar<std::int64_t>(
      "SELECT count(*) FROM mizan_account_tokens "
      "WHERE purpose = ? AND lower(email) = lower(?) AND created_at > ?",
      std::string(purpose), std::string(email), now - window);
}

}  // namespace mizan::accounts::tokens
