#include "cache/redis_store.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <charconv>
#include <exception>
#include <span>
#include <vector>

namespace mizan::cache {
namespace {

// The server's clock, so that processes with skewed clocks agree on expiry.
constexpr std::string_view now_lua = R"(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
)";

// KEYS: generation, entry, context set, pair-set registry, purge count,
// pair sets... ARGV: payload, ttl in ms, and the ticket's generation and
// purge count ('' for an unconditional put).
const std::string put_lua = std::string(now_lua) + R"(
local ttl = tonumber(ARGV[2])
local expires = now + ttl
local generation = redis.call('GET', KEYS[1]) or '0'
if ARGV[3] ~= '' and (generation ~= ARGV[3] or (redis.call('GET', KEYS[5]) or '0') ~= ARGV[4]) then
  return 0
end
redis.call('SET', KEYS[2], generation .. ' ' .. ARGV[1], 'PX', ttl)
local function index(set, member, option)
  redis.call('ZREMRANGEBYSCORE', set, '-inf', now)
  if option then
    redis.call('ZADD', set, option, expires, member)
  else
    redis.call('ZADD', set, expires, member)
  end
  if redis.call('PTTL', set) < ttl then redis.call('PEXPIRE', set, ttl) end
end
index(KEYS[3], KEYS[2])
for i = 6, #KEYS do
  index(KEYS[i], KEYS[2])
  index(KEYS[4], KEYS[i], 'GT')
end
return 1
)";

// KEYS: purge count, context set, pair sets... Returns the number of
// entries deleted.
const std::string purge_scoped_lua = std::string(now_lua) + R"(
redis.call('INCR', KEYS[1])
for i = 2, #KEYS do redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now) end
local members
if #KEYS == 3 then
  members = redis.call('ZRANGE', KEYS[3], 0, -1)
else
  members = redis.call('ZINTER', #KEYS - 2, unpack(KEYS, 3))
end
local purged = 0
for i = 1, #members, 1000 do
  local batch = {unpack(members, i, math.min(i + 999, #members))}
  purged = purged + redis.call('DEL', unpack(batch))
  for j = 2, #KEYS do redis.call('ZREM', KEYS[j], unpack(batch)) end
end
return purged
)";

// KEYS: purge count, context set, pair-set registry. Returns the number of
// entries deleted.
constexpr std::string_view purge_whole_lua = R"(
redis.call('INCR', KEYS[1])
local function drain(set)
  local deleted = 0
  while true do
    local batch = redis.call('ZRANGE', set, 0, 999)
    if #batch == 0 then return deleted end
    deleted = deleted + redis.call('UNLINK', unpack(batch))
    redis.call('ZREMRANGEBYRANK', set, 0, #batch - 1)
  end
end
local purged = drain(KEYS[2])
drain(KEYS[3])
return purged
)";

struct script {
  std::string source;
  std::string sha;

  explicit script(std::string text) : source(std::move(text)) {
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(source.data()), source.size(), digest);
    static constexpr char hex[] = "0123456789abcdef";
    for (const unsigned char byte : digest) {
      sha.push_back(hex[byte >> 4]);
      sha.push_back(hex[byte & 15]);
    }
  }
};

const script& put_script() {
  static const script s(put_lua);
  return s;
}
const script& purge_scoped_script() {
  static const script s(purge_scoped_lua);
  return s;
}
const script& purge_whole_script() {
  static const script s{std::string(purge_whole_lua)};
  return s;
}

// EVALSHA, then EVAL when the server does not know the script (a restart, a
// SCRIPT FLUSH): EVAL also loads it for the next EVALSHA.
redis::reply run(redis::client& c, const script& s, std::span<const std::string> keys,
                 std::span<const redis::arg> args = {}) {
  std::vector<redis::arg> argv;
  argv.reserve(3 + keys.size() + args.size());
  argv.emplace_back("EVALSHA");
  argv.emplace_back(s.sha);
  argv.emplace_back(keys.size());
  for (const std::string& k : keys) argv.emplace_back(k);
  argv.insert(argv.end(), args.begin(), args.end());
  redis::reply r = c.command_argv(argv);
  if (r.is_error() && r.str.starts_with("NOSCRIPT")) {
    argv[0] = redis::arg("EVAL");
    argv[1] = redis::arg(s.source);
    r = c.command_argv(argv);
  }
  return r;
}

void append_sized(std::string& out, std::string_view text) {
  out.append(std::to_string(text.size())).append(1, ':').append(text);
}

// `{etag size} {type size}\n{etag}{type}{body}`: the script prefixes the generation.
std::string payload(const cached_response& value) {
  const std::string_view body = value.body ? std::string_view(*value.body) : std::string_view();
  std::string out = std::to_string(value.etag.size());
  out.append(1, ' ').append(std::to_string(value.content_type.size())).append(1, '\n');
  out.reserve(out.size() + value.etag.size() + value.content_type.size() + body.size());
  out.append(value.etag).append(value.content_type).append(body);
  return out;
}

// Reads a decimal number ending at `end` from the front of `text`.
bool take_number(std::string_view& text, char end, std::size_t& number) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || ptr == text.data() + text.size() || *ptr != end) return false;
  text.remove_prefix(static_cast<std::size_t>(ptr - text.data()) + 1);
  return true;
}

std::optional<cached_response> parse(std::string_view stored, std::string_view generation) {
  if (!stored.starts_with(generation) || stored.size() == generation.size() ||
      stored[generation.size()] != ' ') {
    return std::nullopt;  // another generation's entry, or not one of ours
  }
  stored.remove_prefix(generation.size() + 1);
  std::size_t etag_size = 0;
  std::size_t type_size = 0;
  if (!take_number(stored, ' ', etag_size) || !take_number(stored, '\n', type_size) ||
      etag_size > stored.size() || type_size > stored.size() - etag_size) {
    return std::nullopt;
  }
  cached_response value;
  value.etag = stored.substr(0, etag_size);
  value.content_type = stored.substr(etag_size, type_size);
  value.body = std::make_shared<const std::string>(stored.substr(etag_size + type_size));
  return value;
}

std::vector<std::string> put_keys(const std::string& key, const entry_meta& meta) {
  std::vector<std::string> keys;
  keys.reserve(5 + meta.params.size());
  keys.emplace_back(detail::redis_generation_key);
  keys.push_back(key);
  keys.push_back(detail::redis_context_set(meta.context));
  keys.push_back(detail::redis_pair_sets(meta.context));
  keys.push_back(detail::redis_purge_count(meta.context));
  for (const auto& [name, text] : meta.params) {
    keys.push_back(detail::redis_pair_set(meta.context, name, text));
  }
  return keys;
}

bool to_number(std::string_view text, std::uint64_t& number) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  return ec == std::errc() && ptr == text.data() + text.size();
}

void raise_to(std::atomic<std::uint64_t>& target, std::uint64_t value) {
  std::uint64_t current = target.load();
  while (current < value && !target.compare_exchange_weak(current, value)) {
  }
}

}  // namespace

namespace detail {

std::string redis_context_set(std::string_view context) {
  std::string out = "mizan:i:";
  append_sized(out, context);
  return out;
}

std::string redis_pair_set(std::string_view context, std::string_view name,
                           std::string_view value) {
  std::string out = redis_context_set(context);
  out.append(1, ':');
  append_sized(out, name);
  out.append(1, '=').append(value);
  return out;
}

std::string redis_pair_sets(std::string_view context) {
  std::string out = "mizan:p:";
  append_sized(out, context);
  return out;
}

std::string redis_purge_count(std::string_view context) {
  std::string out = "mizan:e:";
  append_sized(out, context);
  return out;
}

void add_redis_put(redis::pipeline& commands, const std::string& key, const entry_meta& meta,
                   const cached_response& value, std::chrono::milliseconds ttl) {
  const std::vector<std::string> keys = put_keys(key, meta);
  std::vector<std::string> command{"EVALSHA", put_script().sha, std::to_string(keys.size())};
  command.insert(command.end(), keys.begin(), keys.end());
  command.push_back(payload(value));
  command.push_back(std::to_string(ttl.count()));
  command.emplace_back();  // unconditional
  command.emplace_back();
  commands.add_argv(std::move(command));
}

}  // namespace detail

redis_store::redis_store(redis::endpoint& redis) : redis_(redis), seen_outages_(redis.outages()) {}

// Moves the generation when a purge was lost or Redis was out since the last
// look, before anything is served. Throws unavailable, as the client does.
void redis_store::ensure_fresh(redis::client& c) {
  const std::uint64_t lost = lost_.load();
  const std::uint64_t outages = redis_.outages();
  if (lost == handled_lost_.load() && outages == seen_outages_.load()) return;
  const redis::reply r = c.command("INCR", detail::redis_generation_key);
  if (r.is_error())
    throw redis::unavailable("INCR " + std::string(detail::redis_generation_key) + ": " + r.str);
  raise_to(handled_lost_, lost);
  raise_to(seen_outages_, outages);
}

std::optional<cached_response> redis_store::get(std::string_view key) {
  fill_ticket unused;
  return read(key, {}, unused);
}

std::optional<cached_response> redis_store::get(std::string_view key, std::string_view context,
                                                fill_ticket& ticket) {
  return read(key, context, ticket);
}

fill_ticket redis_store::ticket(std::string_view context) {
  fill_ticket t;
  read({}, context, t);
  return t;
}

// One MGET: the generation, then the entry and the context's purge count when
// asked for. A ticket that could not be read matches nothing.
std::optional<cached_response> redis_store::read(std::string_view key, std::string_view context,
                                                 fill_ticket& ticket) {
  ticket = unmatched;
  try {
    auto c = redis_.acquire();
    ensure_fresh(*c);
    std::vector<redis::arg> argv{redis::arg("MGET"), redis::arg(detail::redis_generation_key)};
    if (!key.empty()) argv.emplace_back(key);
    const std::string count_key =
        context.empty() ? std::string() : detail::redis_purge_count(context);
    if (!context.empty()) argv.emplace_back(count_key);
    const redis::reply r = c->command_argv(argv);
    if (r.type != redis::reply::kind::array || r.elements.size() != argv.size() - 1) {
      return std::nullopt;
    }
    const redis::reply& generation = r.elements[0];
    const std::string_view generation_text =
        generation.is_nil() ? std::string_view("0") : std::string_view(generation.str);
    if (!context.empty()) {
      const redis::reply& count = r.elements.back();
      const std::string_view count_text =
          count.is_nil() ? std::string_view("0") : std::string_view(count.str);
      fill_ticket read_ticket;
      if (to_number(generation_text, read_ticket.generation) &&
          to_number(count_text, read_ticket.purges)) {
        ticket = read_ticket;
      }
    }
    if (key.empty()) return std::nullopt;
    const redis::reply& stored = r.elements[1];
    if (stored.type != redis::reply::kind::string) return std::nullopt;
    return parse(stored.str, generation_text);
  } catch (const std::exception&) {
    return std::nullopt;  // fail open: the caller computes
  }
}

void redis_store::put(const std::string& key, entry_meta meta, cached_response value,
                      std::chrono::milliseconds ttl) {
  write(key, meta, value, ttl, nullptr);
}

void redis_store::put(const std::string& key, entry_meta meta, cached_response value,
                      std::chrono::milliseconds ttl, const fill_ticket& ticket) {
  if (ticket == unmatched) return;
  write(key, meta, value, ttl, &ticket);
}

void redis_store::write(const std::string& key, const entry_meta& meta,
                        const cached_response& value, std::chrono::milliseconds ttl,
                        const fill_ticket* ticket) {
  try {
    auto c = redis_.acquire();
    ensure_fresh(*c);
    if (ttl <= std::chrono::milliseconds::zero()) {
      c->command("DEL", key);  // its index members leave when purged or pruned
      return;
    }
    const std::string text = payload(value);
    const std::string generation = ticket ? std::to_string(ticket->generation) : std::string();
    const std::string purges = ticket ? std::to_string(ticket->purges) : std::string();
    const redis::arg args[] = {text, ttl.count(), generation, purges};
    run(*c, put_script(), put_keys(key, meta), args);
  } catch (const std::exception&) {
    // Fail open: not caching costs a computation later.
  }
}

void redis_store::purge(const params::invalidation_entry& entry) {
  try {
    auto c = redis_.acquire();
    ensure_fresh(*c);
    std::vector<std::string> keys{detail::redis_purge_count(entry.context),
                                  detail::redis_context_set(entry.context)};
    redis::reply r;
    if (entry.params.empty()) {
      keys.push_back(detail::redis_pair_sets(entry.context));
      r = run(*c, purge_whole_script(), keys);
    } else {
      for (const auto& [name, text] : entry.params) {
        keys.push_back(detail::redis_pair_set(entry.context, name, text));
      }
      r = run(*c, purge_scoped_script(), keys);
    }
    if (r.is_error()) lost_.fetch_add(1);
  } catch (const std::exception&) {
    lost_.fetch_add(1);  // the next call that reaches Redis moves the generation
  }
}

void redis_store::sync() {
  try {
    auto c = redis_.acquire();
    ensure_fresh(*c);
  } catch (const std::exception&) {
    // Still unreachable: the next call tries again.
  }
}

void redis_store::clear() {
  try {
    const redis::reply r = redis_.command("INCR", detail::redis_generation_key);
    if (r.is_error()) lost_.fetch_add(1);
  } catch (const std::exception&) {
    lost_.fetch_add(1);
  }
}

}  // namespace mizan::cache
