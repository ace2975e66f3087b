#include "server/app/settings.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

namespace {

using namespace mizan::server;

struct temp_dir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("mizan-settings-" + std::to_string(::getpid()));
  temp_dir() { std::filesystem::remove_all(path); }
  ~temp_dir() { std::filesystem::remove_all(path); }
};

settings load(std::map<std::string, std::string> env) {
  return load_settings(
      [&](const std::string& name) -> std::optional<std::string> {
        auto it = env.find(name);
        if (it == env.end()) return std::nullopt;
        return it->second;
      },
      "");
}

std::string error_of(std::map<std::string, std::string> env) {
  try {
    load(std::move(env));
  } catch (const config_error& e) {
    return e.what();
  }
  return "";
}

TEST(Settings, DefaultsAndGeneratedSecretsPersistPerDataDirectory) {
  temp_dir dir;
  const auto a = load({{"MIZAN_DATA_DIR", dir.path.string()}});
  EXPECT_GE(a.workers, 2u);
  EXPECT_EQ(load({{"MIZAN_DATA_DIR", dir.path.string()}, {"MIZAN_WORKERS", "7"}}).workers, 7u);
  EXPECT_EQ(a.worker_nice, 3);
  EXPECT_EQ(load({{"MIZAN_DATA_DIR", dir.path.string()}, {"MIZAN_WORKER_NICE", "0"}}).worker_nice,
            0);
  EXPECT_EQ(a.body_memory, 64u << 20);
  EXPECT_EQ(a.body_min_rate, 500u);
  EXPECT_EQ(
      load({{"MIZAN_DATA_DIR", dir.path.string()}, {"MIZAN_BODY_MIN_RATE", "0"}}).body_min_rate,
      0u);
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 8000);
  EXPECT_GE(a.secret_key.size(), 32u);
  EXPECT_NE(a.secret_key, a.cache_secret);
  EXPECT_NE(a.cache_secret, a.mwt_secret);
  const auto b = load({{"MIZAN_DATA_DIR", dir.path.string()}});
  EXPECT_EQ(a.secret_key, b.secret_key) << "restarts keep sessions valid";
  EXPECT_EQ(a.mwt_secret, b.mwt_secret);
  EXPECT_EQ(std::filesystem::status(dir.path / "secret_key").permissions() &
                std::filesystem::perms::others_read,
            std::filesystem::perms::none);
  EXPECT_NE(std::find(a.allowed_origins.begin(), a.allowed_origins.end(), "http://localhost:8000"),
            a.allowed_origins.end());
}

TEST(Settings, RedisUrlAndDrain) {
  temp_dir dir;
  const std::string d = dir.path.string();
  const auto s = load({{"MIZAN_DATA_DIR", d},
                       {"MIZAN_REDIS_URL", "redis://:pw@127.0.0.1:6380/2?command_timeout=250"},
                       {"MIZAN_DRAIN_MS", "1500"}});
  EXPECT_EQ(s.redis_url, "redis://:pw@127.0.0.1:6380/2?command_timeout=250");
  EXPECT_EQ(s.drain_ms, 1500u);
  EXPECT_EQ(load({{"MIZAN_DATA_DIR", d}}).redis_url, "");
}

TEST(Settings, MalformedSettingsNameTheVariable) {
  temp_dir dir;
  const auto d = dir.path.string();
  EXPECT_EQ(error_of({{"MIZAN_DATA_DIR", d}, {"MIZAN_BIND", "nonsense"}}).rfind("MIZAN_BIND:", 0),
            0u);
  EXPECT_EQ(error_of({{"MIZAN_DATA_DIR", d}, {"MIZAN_BIND", "h:99999"}}).rfind("MIZAN_BIND:", 0),
            0u);
  EXPECT_EQ(error_of({{"MIZAN_DATA_DIR", d}, {"MIZAN_THREADS", "0"}}).rfind("MIZAN_THREADS:", 0),
            0u);
  EXPECT_EQ(
      error_of({{"MIZAN_DATA_DIR", d}, {"MIZAN_WORKER_NICE", "20"}}).rfind("MIZAN_WORKER_NICE:", 0),
      0u);
  EXPECT_EQ(
      error_of({{"MIZAN_DATA_DIR", d}, {"MIZAN_WORKER_NICE", "-1"}}).rfind("MIZAN_WORKER_NICE:", 0),
      0u);
  EXPECT_EQ(error_of({{"MIZAN_DATA_DIR", d}, {"MIZAN_WORKERS", "0"}}).rfind("MIZAN_WORKERS:", 0),
            0u);
  EXPECT_EQ(
      error_of({{"MIZAN_DATA_DIR", d}, {"MIZAN_BODY_MEMORY", "0"}}).rfind("MIZAN_BODY_MEMORY:", 0),
      0u);
  EXPECT_EQ(error_of({{"MIZAN_DATA_DIR", d}, {"MIZAN_DEBUG", "yes"}}).rfind("MIZAN_DEBUG:", 0), 0u);
  EXPECT_EQ(error_of({{"MIZAN_DATA_DIR", d}, {"MIZAN_SECRET_KEY", "short"}})
                .rfind("MIZAN_SECRET_KEY:", 0),
            0u);
  EXPECT_EQ(error_of({{"MIZAN_DATA_DIR", d}, {"MIZAN_REDIS_URL", "rediss://x"}})
                .rfind("MIZAN_REDIS_URL:", 0),
            0u);
  const std::string redis_error =
      error_of({{"MIZAN_DATA_DIR", d}, {"MIZAN_REDIS_URL", "redis://:hunter2@h:99999/0"}});
  EXPECT_EQ(redis_error.rfind("MIZAN_REDIS_URL:", 0), 0u);
  EXPECT_EQ(redis_error.find("hunter2"), std::string::npos) << redis_error;
  EXPECT_EQ(error_of({{"MIZAN_DATA_DIR", d}, {"MIZAN_DRAIN_MS", "-1"}}).rfind("MIZAN_DRAIN_MS:", 0),
            0u);
  EXPECT_EQ(error_of({{"MIZAN_DATA_DIR", d}, {"MIZAN_DATABASE_URL", "mysql://x"}})
                .rfind("MIZAN_DATABASE_URL:", 0),
            0u);
  EXPECT_EQ(error_of({{"MIZAN_DATA_DIR", d}, {"MIZAN_ALLOWED_ORIGINS", "example.com"}})
                .rfind("MIZAN_ALLOWED_ORIGINS:", 0),
            0u);
  const std::string same(40, 'k');
  EXPECT_NE(
      error_of({{"MIZAN_DATA_DIR", d}, {"MIZAN_SECRET_KEY", same}, {"MIZAN_CACHE_SECRET", same}}),
      "");
}

TEST(Settings, MailSettings) {
  temp_dir dir;
  const auto d = dir.path.string();
  const auto defaults = load({{"MIZAN_DATA_DIR", d}});
  EXPECT_EQ(defaults.smtp_url, "");
  EXPECT_EQ(defaults.mail_from, "mizan@localhost");
  EXPECT_EQ(defaults.public_url, "");
  EXPECT_EQ(defaults.password_reset_seconds, 3600);
  EXPECT_EQ(defaults.email_verify_seconds, 48 * 3600);
  const auto set = load({{"MIZAN_DATA_DIR", d},
                         {"MIZAN_SMTP_URL", "smtp+starttls://u:p@mail.example.com"},
                         {"MIZAN_MAIL_FROM", "noreply@example.com"},
                         {"MIZAN_PUBLIC_URL", "https://example.com/app/"},
                         {"MIZAN_PASSWORD_RESET_TTL", "600"},
                         {"MIZAN_EMAIL_VERIFY_TTL", "86400"}});
  EXPECT_EQ(set.smtp_url, "smtp+starttls://u:p@mail.example.com");
  EXPECT_EQ(set.mail_from, "noreply@example.com");
  EXPECT_EQ(set.public_url, "https://example.com/app") << "links append /reset-password";
  EXPECT_EQ(set.password_reset_seconds, 600);
  EXPECT_EQ(set.email_verify_seconds, 86400);

  const auto starts = [&](std::map<std::string, std::string> env, std::string_view name) {
    env["MIZAN_DATA_DIR"] = d;
    return error_of(std::move(env)).rfind(std::string(name) + ":", 0) == 0;
  };
  EXPECT_TRUE(starts({{"MIZAN_SMTP_URL", "mail.example.com:25"}}, "MIZAN_SMTP_URL"));
  const auto smtp_error =
      error_of({{"MIZAN_DATA_DIR", d}, {"MIZAN_SMTP_URL", "smtp://u:hunter2@h:0"}});
  EXPECT_EQ(smtp_error.find("hunter2"), std::string::npos) << smtp_error;
  EXPECT_TRUE(starts({{"MIZAN_MAIL_FROM", "nobody"}}, "MIZAN_MAIL_FROM"));
  EXPECT_TRUE(starts({{"MIZAN_MAIL_FROM", "a@b\r\nBcc: c@d"}}, "MIZAN_MAIL_FROM"));
  EXPECT_TRUE(starts({{"MIZAN_PUBLIC_URL", "example.com"}}, "MIZAN_PUBLIC_URL"));
  EXPECT_TRUE(starts({{"MIZAN_PUBLIC_URL", "https://"}}, "MIZAN_PUBLIC_URL"));
  EXPECT_TRUE(starts({{"MIZAN_PUBLIC_URL", "https://x.com/?a=1"}}, "MIZAN_PUBLIC_URL"));
  EXPECT_TRUE(starts({{"MIZAN_PASSWORD_RESET_TTL", "0"}}, "MIZAN_PASSWORD_RESET_TTL"));
  EXPECT_TRUE(starts({{"MIZAN_EMAIL_VERIFY_TTL", "1h"}}, "MIZAN_EMAIL_VERIFY_TTL"));
}

}  // namespace
