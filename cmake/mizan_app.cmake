# mizan_add_app(<name> <source>...): an application executable, in C++20,
# linked to Mizan::mizan (the server, the accounts functions and every module
# they use). Its main() registers functions and calls mizan::run
# (examples/minimal). Pair it with mizan_generate_client(TARGET <name> ...)
# for the typed TypeScript client. Installed with the package
# (cmake/mizan_install.cmake) and included by MizanConfig.cmake.
function(mizan_add_app name)
  if(NOT ARGN)
    message(FATAL_ERROR "mizan_add_app: ${name} has no sources")
  endif()
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE Mizan::mizan)
  set_target_properties(${name} PROPERTIES CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON
    CXX_EXTENSIONS OFF)
endfunction()
