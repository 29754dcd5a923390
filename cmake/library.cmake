# library.cmake - libstorymovie: the stage libraries combined into the one
# library users link, shared (libstorymovie.so.<API major>) and static
# (libstorymovie.a).  The stages keep their own static libraries sm_<folder>
# for the tests and benchmarks, which reach inside them; the objects are
# compiled once (position-independent) and go into both.
#
# The shared library exports exactly the public API: the functions and
# variables declared in include/storymovie/*.h (scripts/exports.py writes the
# linker version script from them), under the version node STORYMOVIE_0.
# Everything else stays local, so internal names can change freely.

find_package(Python3 REQUIRED COMPONENTS Interpreter)

set(SM_PUBLIC_HEADERS_GLOB ${CMAKE_SOURCE_DIR}/include/storymovie/*.h)
file(GLOB SM_PUBLIC_HEADERS CONFIGURE_DEPENDS ${SM_PUBLIC_HEADERS_GLOB})
list(APPEND SM_PUBLIC_HEADERS ${SM_VERSION_HEADER})
set(SM_EXPORTS_MAP ${CMAKE_BINARY_DIR}/generated/storymovie.map)
add_custom_command(
  OUTPUT ${SM_EXPORTS_MAP}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/generated
  COMMAND Python3::Interpreter ${CMAKE_SOURCE_DIR}/scripts/exports.py --map ${SM_EXPORTS_MAP}
          ${SM_PUBLIC_HEADERS}
  DEPENDS ${SM_PUBLIC_HEADERS} ${CMAKE_SOURCE_DIR}/scripts/exports.py
  COMMENT "Listing the public API for libstorymovie.so"
  VERBATIM)
add_custom_target(sm_exports DEPENDS ${SM_EXPORTS_MAP})

set(_objects "")
set(_deps "")
foreach(lib ${SM_LIBS})
  list(APPEND _objects $<TARGET_OBJECTS:${lib}>)
endforeach()
# The libraries the stages use, each once (not the stages themselves: their
# objects are inside).
foreach(mod ${SM_MODULES})
  foreach(dep ${SM_DEPS_${mod}})
    if(NOT dep MATCHES "^sm_")
      list(APPEND _deps ${dep})
    endif()
  endforeach()
endforeach()
list(REMOVE_DUPLICATES _deps)

add_library(storymovie_shared SHARED ${_objects})
add_library(storymovie_static STATIC ${_objects})
add_dependencies(storymovie_shared sm_exports)
foreach(t storymovie_shared storymovie_static)
  set_target_properties(${t} PROPERTIES OUTPUT_NAME storymovie)
  target_include_directories(${t} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include> $<BUILD_INTERFACE:${CMAKE_BINARY_DIR}/include>)
endforeach()
target_link_libraries(storymovie_shared PRIVATE ${_deps})
target_link_libraries(storymovie_static PUBLIC ${_deps})
set_target_properties(storymovie_shared PROPERTIES
  VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR}
  LINK_DEPENDS ${SM_EXPORTS_MAP})
target_link_options(storymovie_shared PRIVATE
  -Wl,--version-script=${SM_EXPORTS_MAP}
  # a header that declares what no source defines is an error, not a hole
  -Wl,--no-undefined-version)
if(NOT SM_SANITIZE AND NOT SM_FUZZ)
  # Every library it needs is named (the sanitizer runtimes are the
  # program's, so not under them).
  target_link_options(storymovie_shared PRIVATE -Wl,--no-undefined)
endif()
