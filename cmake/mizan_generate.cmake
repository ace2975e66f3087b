# mizan_generate_client(TARGET <app> OUT <dir> [FRAMEWORK react|vue|svelte|all] [ALL])
#
# Adds `<app>_client`, a target that builds <app> and then runs
# `<app> generate --out <dir> --framework <fw>`. Call it once per output
# directory; every call hangs off the same `<app>_client`. Files are rewritten
# only when their contents change. ALL also runs it in the default build.
function(mizan_generate_client)
  cmake_parse_arguments(G "ALL" "TARGET;OUT;FRAMEWORK" "" ${ARGN})
  if(NOT G_TARGET OR NOT G_OUT)
    message(FATAL_ERROR "mizan_generate_client: TARGET and OUT are required")
  endif()
  if(NOT G_FRAMEWORK)
    set(G_FRAMEWORK all)
  endif()
  if(NOT G_FRAMEWORK MATCHES "^(react|vue|svelte|all)$")
    message(FATAL_ERROR "mizan_generate_client: FRAMEWORK must be react, vue, svelte or all")
  endif()
  set(umbrella ${G_TARGET}_client)
  if(NOT TARGET ${umbrella})
    add_custom_target(${umbrella})
  endif()
  get_property(count TARGET ${umbrella} PROPERTY MIZAN_CLIENT_COUNT)
  if(NOT count)
    set(count 0)
  endif()
  math(EXPR count "${count} + 1")
  set_property(TARGET ${umbrella} PROPERTY MIZAN_CLIENT_COUNT ${count})
  set(all_flag)
  if(G_ALL)
    set(all_flag ALL)
  endif()
  # The app creates <dir> itself; nothing here depends on it existing.
  add_custom_target(${umbrella}_${count} ${all_flag}
    COMMAND ${G_TARGET} generate --out ${G_OUT} --framework ${G_FRAMEWORK}
    COMMENT "Generating the ${G_FRAMEWORK} client of ${G_TARGET} in ${G_OUT}"
    VERBATIM)
  add_dependencies(${umbrella}_${count} ${G_TARGET})
  add_dependencies(${umbrella} ${umbrella}_${count})
endfunction()
