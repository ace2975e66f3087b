# mizan_module(NAME [RECURSE] DEPS ...): a static library from src/<NAME>/*.cpp
# (RECURSE: and its folders'), tests excluded, and, when tests are on,
# mizan_<NAME>_tests from its *_test.cpp.
# Users of the library see include/ only; src/ is visible to the modules and
# their tests, and scripts/check-modules.sh holds each module to its DEPS.
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
  target_include_directories(mizan_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include
    PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR})
  target_link_libraries(mizan_${name} PUBLIC ${M_DEPS})
  mizan_warnings(mizan_${name})
  if(MIZAN_TESTS AND tests)
    add_executable(mizan_${name}_tests ${tests})
    target_include_directories(mizan_${name}_tests PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR})
    target_link_libraries(mizan_${name}_tests PRIVATE mizan_${name} ${M_TEST_DEPS}
      GTest::gtest GTest::gtest_main GTest::gmock)
    mizan_warnings(mizan_${name}_tests)
    gtest_discover_tests(mizan_${name}_tests DISCOVERY_TIMEOUT 60
      PROPERTIES ENVIRONMENT "MIZAN_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
  endif()
endfunction()
