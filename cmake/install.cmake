# install.cmake - what `make install` puts where (PREFIX, default
# /usr/local; DESTDIR for staging), and what the build makes for it: the
# manual pages and the bash completion, generated from the --help texts
# (scripts/help2man.py), and storymovie.pc.
#
#   bin/storymovie
#   LIBDIR/libstorymovie.so.MAJOR.MINOR.PATCH, .so.MAJOR, .so; libstorymovie.a
#   LIBDIR/pkgconfig/storymovie.pc
#   include/storymovie/*.h
#   share/man/man1/storymovie.1, storymovie-COMMAND[-SUB].1
#   share/bash-completion/completions/storymovie
#   SM_PYTHON_DIR/storymovie/   the Python module (python/storymovie)

# The program finds its library wherever the tree is installed (PREFIX or
# a staging directory), without LD_LIBRARY_PATH; a system library directory
# needs no run path.
list(FIND CMAKE_C_IMPLICIT_LINK_DIRECTORIES "${CMAKE_INSTALL_FULL_LIBDIR}" _system_libdir)
if(_system_libdir EQUAL -1)
  file(RELATIVE_PATH _bin_to_lib ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LIBDIR})
  set_target_properties(storymovie PROPERTIES INSTALL_RPATH "$ORIGIN/${_bin_to_lib}")
endif()

# Where Python looks for modules under PREFIX: Debian's python3 reads
# /usr/lib/python3/dist-packages (every version; what the .deb uses) and
# /usr/local/lib/python3.X/dist-packages; other Pythons and prefixes read
# PREFIX/lib/python3.X/site-packages (or PYTHONPATH).
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(_pydir lib/python3/dist-packages)
elseif(CMAKE_INSTALL_PREFIX STREQUAL "/usr/local" AND EXISTS /etc/debian_version)
  set(_pydir lib/python${Python3_VERSION_MAJOR}.${Python3_VERSION_MINOR}/dist-packages)
else()
  set(_pydir lib/python${Python3_VERSION_MAJOR}.${Python3_VERSION_MINOR}/site-packages)
endif()
set(SM_PYTHON_DIR ${_pydir} CACHE STRING
    "Where the Python module goes, relative to the prefix (or absolute)")
if(IS_ABSOLUTE "${SM_PYTHON_DIR}")
  set(_pyfull ${SM_PYTHON_DIR})
else()
  set(_pyfull ${CMAKE_INSTALL_PREFIX}/${SM_PYTHON_DIR})
endif()
set(SM_PYTHON_FULL_DIR ${_pyfull})

# The manual pages and the completion, from the program just built.
if(NOT SM_FUZZ)
  set(SM_MAN_DIR ${CMAKE_BINARY_DIR}/man/man1)
  set(SM_COMPLETION ${CMAKE_BINARY_DIR}/completion/storymovie)
  add_custom_command(
    OUTPUT ${CMAKE_BINARY_DIR}/man/pages.txt ${SM_COMPLETION}
    COMMAND Python3::Interpreter ${CMAKE_SOURCE_DIR}/scripts/help2man.py
            --storymovie $<TARGET_FILE:storymovie> --man ${SM_MAN_DIR}
            --completion ${SM_COMPLETION} --stamp ${CMAKE_BINARY_DIR}/man/pages.txt
    DEPENDS storymovie ${CMAKE_SOURCE_DIR}/scripts/help2man.py
    COMMENT "Writing the manual pages and the bash completion from --help"
    VERBATIM)
  add_custom_target(sm_manual ALL DEPENDS ${CMAKE_BINARY_DIR}/man/pages.txt ${SM_COMPLETION})
endif()

# storymovie.pc
set(SM_PC_LIBS_PRIVATE "")
foreach(p UTF8PROC UCHARDET JANSSON CURL SQLITE3 LIBCRYPTO)
  foreach(l ${${p}_LIBRARIES})
    string(APPEND SM_PC_LIBS_PRIVATE "-l${l} ")
  endforeach()
endforeach()
string(APPEND SM_PC_LIBS_PRIVATE "-lpthread -lm")
set(SM_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
set(SM_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
configure_file(${CMAKE_SOURCE_DIR}/cmake/storymovie.pc.in ${CMAKE_BINARY_DIR}/storymovie.pc @ONLY)

# The Python module finds the library through _location.py, relative to
# itself: right in PREFIX and in a staged tree alike.
file(RELATIVE_PATH _py_to_lib ${_pyfull}/storymovie ${CMAKE_INSTALL_FULL_LIBDIR})
file(WRITE ${CMAKE_BINARY_DIR}/python/_location.py.new
     "# Written by the build: where libstorymovie is, from this directory.\n"
     "LIBRARY = \"${_py_to_lib}/libstorymovie.so.${PROJECT_VERSION_MAJOR}\"\n")
configure_file(${CMAKE_BINARY_DIR}/python/_location.py.new ${CMAKE_BINARY_DIR}/python/_location.py COPYONLY)

install(TARGETS storymovie RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS storymovie_shared LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS storymovie_static ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES ${SM_PUBLIC_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/storymovie)
install(FILES ${CMAKE_BINARY_DIR}/storymovie.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(NOT SM_FUZZ)
  install(DIRECTORY ${SM_MAN_DIR}/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 FILES_MATCHING PATTERN "*.1")
  install(FILES ${SM_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
endif()
install(FILES ${CMAKE_SOURCE_DIR}/python/storymovie/__init__.py ${CMAKE_BINARY_DIR}/python/_location.py
        DESTINATION ${SM_PYTHON_DIR}/storymovie)

# make uninstall: remove what the last install wrote (install_manifest.txt),
# then the directories it made that are left empty.
add_custom_target(uninstall
  COMMAND ${CMAKE_COMMAND} -DMANIFEST=${CMAKE_BINARY_DIR}/install_manifest.txt
          -P ${CMAKE_SOURCE_DIR}/cmake/uninstall.cmake
  COMMENT "Removing the installed files")
