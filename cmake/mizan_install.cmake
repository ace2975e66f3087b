# The installed package. `cmake --install <build dir> --prefix <dir>` puts
# there the public headers (include/mizan), the static libraries an
# application links (each module installs its own: cmake/mizan_module.cmake)
# and lib/cmake/Mizan, so that a project outside this tree builds with
#   find_package(Mizan CONFIG REQUIRED)
#   mizan_add_app(my_app main.cpp)
# (examples/minimal; scripts/check-install.sh proves it). Test binaries and
# mizan-gen are not installed: `<app> generate` is the generator.
include(CMakePackageConfigHelpers)

# Mizan::mizan: what an application links, the server and the accounts
# functions, and through them every other module.
add_library(mizan INTERFACE)
add_library(Mizan::mizan ALIAS mizan)
target_link_libraries(mizan INTERFACE mizan_server mizan_accounts)
install(TARGETS mizan EXPORT MizanTargets)

install(DIRECTORY include/mizan DESTINATION include FILES_MATCHING PATTERN "*.hpp")

set(mizan_package_dir lib/cmake/Mizan)
install(EXPORT MizanTargets NAMESPACE Mizan:: DESTINATION ${mizan_package_dir})
configure_package_config_file(cmake/MizanConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/MizanConfig.cmake INSTALL_DESTINATION ${mizan_package_dir})
# 0.x: a new minor version may break the API.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/MizanConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/MizanConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/MizanConfigVersion.cmake
  cmake/mizan_generate.cmake cmake/mizan_app.cmake
  DESTINATION ${mizan_package_dir})
