# Every third-party library comes from Debian's packages (scripts/bootstrap.sh).
find_package(Threads REQUIRED)
# FindBoost in CMake 3.25 predates Boost 1.81 and warns about it; the
# components used here are plain libraries it finds correctly.
set(Boost_NO_WARN_NEW_VERSIONS ON)
find_package(Boost 1.81 EXACT REQUIRED COMPONENTS json)
find_package(OpenSSL 3 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(fmt REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
if(MIZAN_TESTS)
  find_package(GTest REQUIRED)
endif()
