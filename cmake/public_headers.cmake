# Every public header compiles on its own, with include/ and the third-party
# headers only: one translation unit per header, built with the tests.
file(GLOB_RECURSE public_headers CONFIGURE_DEPENDS RELATIVE ${PROJECT_SOURCE_DIR}/include
  ${PROJECT_SOURCE_DIR}/include/mizan/*.hpp)
set(units)
foreach(header ${public_headers})
  string(MAKE_C_IDENTIFIER ${header} unit)
  set(unit_file ${CMAKE_CURRENT_BINARY_DIR}/public_headers/${unit}.cpp)
  file(CONFIGURE OUTPUT ${unit_file} CONTENT "#include <${header}>\n#include <${header}>  // and guarded\n")
  list(APPEND units ${unit_file})
endforeach()
add_library(mizan_public_headers OBJECT ${units})
target_include_directories(mizan_public_headers PRIVATE ${PROJECT_SOURCE_DIR}/include)
target_link_libraries(mizan_public_headers PRIVATE Boost::headers Boost::json)
mizan_warnings(mizan_public_headers)
