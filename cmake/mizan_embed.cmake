# mizan_embed_text(TARGET FILE HEADER SYMBOL): compiles the text of FILE (a
# script another process runs: the SSR renderer host, the edge Worker) into
# TARGET as `const std::string_view SYMBOL`, a raw string literal, declared
# in HEADER. Editing FILE re-runs the configure step, which rewrites the
# generated .cpp only when the text changed.
function(mizan_embed_text target file header symbol)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
  file(READ ${file} MIZAN_EMBEDDED_TEXT)
  string(FIND "${MIZAN_EMBEDDED_TEXT}" ")mizan_embedded\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${file} contains the raw string delimiter )mizan_embedded\"")
  endif()
  file(RELATIVE_PATH MIZAN_EMBEDDED_FROM ${PROJECT_SOURCE_DIR} ${file})
  string(REGEX MATCH "^(.*)::([^:]+)$" _ ${symbol})
  set(MIZAN_EMBEDDED_NAMESPACE ${CMAKE_MATCH_1})
  set(MIZAN_EMBEDDED_NAME ${CMAKE_MATCH_2})
  set(MIZAN_EMBEDDED_HEADER ${header})
  get_filename_component(stem ${file} NAME_WE)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${stem}_embedded.cpp)
  file(CONFIGURE OUTPUT ${out} @ONLY CONTENT [=[// Generated from @MIZAN_EMBEDDED_FROM@ by cmake/mizan_embed.cmake: do not edit.
#include "@MIZAN_EMBEDDED_HEADER@"

namespace @MIZAN_EMBEDDED_NAMESPACE@ {

const std::string_view @MIZAN_EMBEDDED_NAME@ = R"mizan_embedded(@MIZAN_EMBEDDED_TEXT@)mizan_embedded";

}  // namespace @MIZAN_EMBEDDED_NAMESPACE@
]=])
  target_sources(${target} PRIVATE ${out})
endfunction()
