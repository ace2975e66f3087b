#include "cache/cache_key.hpp"

#include "core/crypto.hpp"

#include <charconv>

namespace mizan::cache {

std::string cache_key(std::string_view secret, std::string_view context, std::int64_t rev,
                      std::string_view canonical_params, std::string_view scope) {
  constexpr std::string_view tag = "mizan-cache-v1\n";
  char rev_text[24];
  const std::string_view rev_view(rev_text,
                                  std::to_chars(rev_text, rev_text + sizeof rev_text, rev).ptr);
  std::string message;
  message.reserve(tag.size() + context.size() + rev_view.size() + canonical_params.size() +
                  scope.size() + 3);
  message.append(tag).append(context).append(1, '\n').append(rev_view).append(1, '\n');
  message.append(canonical_params).append(1, '\n').append(scope);

  std::string key;
  key.reserve(8 + context.size() + 1 + 64);
  key.append("mizan:c:").append(context).append(1, ':');
  key.append(crypto::to_hex(crypto::hmac_sha256(secret, message)));
  return key;
}

std::string user_scope(std::string_view user_id) {
  std::string scope = "user:";
  scope.append(user_id);
  return scope;
}

}  // namespace mizan::cache
