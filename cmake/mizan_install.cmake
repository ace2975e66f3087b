# The installed package. `cmake --install <build dir> --prefix <dir>` puts
# there the public headers (include/mizan), the static libraries an
# application links (each module installs its own: cmake/mizan_module.cmake)
# and lib/cmake/Mizan, so that a project outside this tree builds with
#   find_package(Mizan CONFIG REQUIRED)
#   mizan_add_app(my_app main.cpp)
# (examples/minimal; scripts/check-install.sh proves it). Test binaries and
# mizan-gen are not installed: `<app> generate` is the generator.
# bin/mizan (`mizan new`) reads its templates from share/mizan/templates and
# the packed npm packages from share/mizan/npm, both beside it
# (scripts/check-new-app.sh packs them there).
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

# `mizan new`: OPTIONAL, so that installing a build that made only the
# libraries (scripts/check-install.sh) still works.
install(TARGETS mizan_cli RUNTIME DESTINATION bin OPTIONAL)
install(DIRECTORY templates/ DESTINATION share/mizan/templates USE_SOURCE_PERMISSIONS)
# `cmake --build <dir> --target mizan_npm` builds the npm packages and packs
# them into <dir>/npm; `cmake --install` puts the tarballs in share/mizan/npm,
# where `mizan new` finds them for a new app's package.json.
set(mizan_npm_dir ${PROJECT_BINARY_DIR}/npm)
set(mizan_npm_commands COMMAND ${CMAKE_COMMAND} -E make_directory ${mizan_npm_dir})
foreach(mizan_pkg base react vue svelte devtools)
  list(APPEND mizan_npm_commands
    COMMAND npm run build --silent --workspace packages/${mizan_pkg}
    COMMAND npm pack --silent --workspace packages/${mizan_pkg} --pack-destination ${mizan_npm_dir})
endforeach()
add_custom_target(mizan_npm ${mizan_npm_commands} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  COMMENT "Packing @mizan/base, react, vue, svelte and devtools into ${mizan_npm_dir}" VERBATIM)
# A plain `cmake --install` packs them first when nothing has (it needs the
# workspace's node_modules: `npm ci`); without Node.js it warns and installs
# the C++ part alone, and `mizan new --mizan-npm <dir>` can name the packages.
install(CODE "
  file(GLOB mizan_packed \"${mizan_npm_dir}/*.tgz\")
  if(NOT mizan_packed)
    execute_process(COMMAND \"${CMAKE_COMMAND}\" --build \"${PROJECT_BINARY_DIR}\" --target mizan_npm
                    RESULT_VARIABLE mizan_npm_result)
    if(NOT mizan_npm_result EQUAL 0)
      message(WARNING \"The npm packages could not be packed (npm ci first?): share/mizan/npm stays empty\")
    endif()
  endif()")
install(DIRECTORY ${mizan_npm_dir}/ DESTINATION share/mizan/npm OPTIONAL)
