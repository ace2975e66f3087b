# mizan_module(NAME [RECURSE] DEPS ...): a static library from src/<NAME>/*.cpp
# (RECURSE: and its folders'), tests excluded, and, when tests are on,
# mizan_<NAME>_tests from its *_test.cpp.
# Users of the library see include/ only; src/ is visible to the modules and
# their tests, and scripts/check-modules.sh holds each module to its DEPS.
# The library is installed, and exported as Mizan::<NAME>; its tests are not.
function(mizan_warnings target)
  # Designated initializers may omit members on purpose (mizan::rules{...});
  # GCC 12's -Wextra would still flag that.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
  # GCC 12 warns -Wrestrict inside libstdc++ for `"text" + std::string` at
  # -O2 and above (GCC bug 105651, a false positive fixed in GCC 13); which
  # line trips it depends on inlining, so the warning is off, not dodged.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(MIZAN_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

function(mizan_module name)
  cmake_parse_arguments(M "RECURSE" "" "DEPS;TEST_DEPS" ${ARGN})
  set(glob GLOB)
  if(M_RECURSE)
    set(glob GLOB_RECURSE)  # a module whose parts have folders of their own
  endif()
  file(${glob} sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  file(${glob} tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cpp)
  if(tests)
    list(REMOVE_ITEM sources ${tests})
  endif()
  add_library(mizan_${name} STATIC ${sources})
  add_library(Mizan::${name} ALIAS mizan_${name})
  # Installed as Mizan::<NAME> (cmake/mizan_install.cmake), with the public
  # headers its only include directory.
  set_target_properties(mizan_${name} PROPERTIES EXPORT_NAME ${name})
  target_include_directories(mizan_${name}
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>
    PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR})
  target_compile_features(mizan_${name} PUBLIC cxx_std_20)
  target_link_libraries(mizan_${name} PUBLIC ${M_DEPS})
  mizan_warnings(mizan_${name})
  install(TARGETS mizan_${name} EXPORT MizanTargets ARCHIVE DESTINATION lib)
  if(MIZAN_TESTS AND tests)
    add_executable(mizan_${name}_tests ${tests})
    target_include_directories(mizan_${name}_tests PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR})
    target_link_libraries(mizan_${name}_tests PRIVATE mizan_${name} ${M_TEST_DEPS}
      GTest::gtest GTest::gtest_main GTest::gmock)
    mizan_warnings(mizan_${name}_tests)
    # Discovered once the module's CMakeLists.txt has run to its end, so that
    # mizan_test_properties() calls after mizan_module() are seen.
    cmake_language(EVAL CODE "cmake_language(DEFER CALL _mizan_discover_tests [[${name}]])")
  endif()
endfunction()

# mizan_test_properties(NAME FILTER pattern[:pattern...] PROPERTIES name value...):
# ctest properties for the tests of mizan_NAME_tests whose names match one of
# the gtest patterns (`*/postgresql`), e.g. FIXTURES_REQUIRED for a service
# they need. Call it after mizan_module(NAME) in the same CMakeLists.txt. A
# test takes the properties of the first call whose FILTER matches it, so
# put the narrower filters first and repeat what they share. With tests off
# (MIZAN_TESTS) it does nothing. Every test has
# ENVIRONMENT MIZAN_SOURCE_DIR: set more variables with
# ENVIRONMENT_MODIFICATION NAME=set:VALUE.
function(mizan_test_properties name)
  cmake_parse_arguments(T "" "FILTER" "PROPERTIES" ${ARGN})
  if(NOT T_FILTER OR T_FILTER MATCHES "-")
    message(FATAL_ERROR "mizan_test_properties: FILTER takes positive gtest patterns")
  endif()
  if(NOT TARGET mizan_${name}_tests)
    return()  # tests are off (MIZAN_TESTS), or the module has none
  endif()
  set_property(TARGET mizan_${name}_tests APPEND PROPERTY MIZAN_TEST_FILTERS ${T_FILTER})
  get_target_property(filters mizan_${name}_tests MIZAN_TEST_FILTERS)
  list(LENGTH filters n)
  set_property(TARGET mizan_${name}_tests PROPERTY MIZAN_TEST_PROPERTIES_${n} ${T_PROPERTIES})
endfunction()

# One discovery per mizan_test_properties() call, each leaving out the tests
# earlier ones took, and one for the rest.
function(_mizan_discover_tests name)
  set(target mizan_${name}_tests)
  set(common ENVIRONMENT "MIZAN_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
  get_target_property(filters ${target} MIZAN_TEST_FILTERS)
  set(taken "")
  set(n 0)
  if(filters)
    foreach(filter IN LISTS filters)
      math(EXPR n "${n} + 1")
      get_target_property(properties ${target} MIZAN_TEST_PROPERTIES_${n})
      set(expression "${filter}")
      if(taken)
        string(APPEND expression "-${taken}")
        string(APPEND taken ":${filter}")
      else()
        set(taken "${filter}")
      endif()
      gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60 TEST_FILTER "${expression}"
        PROPERTIES ${common} ${properties})
    endforeach()
  endif()
  if(taken)
    gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60 TEST_FILTER "*-${taken}"
      PROPERTIES ${common})
  else()
    gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60 PROPERTIES ${common})
  endif()
endfunction()
