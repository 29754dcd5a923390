# package.cmake - the Debian package (`make deb`: cpack -G DEB in a build
# configured with CMAKE_INSTALL_PREFIX=/usr).  One package, storymovie,
# holding what `make install` installs; its Depends are computed from the
# libraries the program and libstorymovie link (dpkg-shlibdeps), its shlibs
# file declares libstorymovie.so.MAJOR for packages built against it.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME storymovie)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "storymovie maintainers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "script-grounded visual-story datasets from films")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"storymovie aligns movie screenplays with subtitles (who says what, when),
links visual stories (sequences of movie keyframes) to the script context of
their time window, has a language model rewrite stories with the film's real
names and dialogue, exports training data and scores the models that come out.
.
This package holds the storymovie command, its manual pages and bash
completion, the libstorymovie library (shared and static) with its headers and
pkg-config file, and the Python module (import storymovie).")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion, pkg-config")
# Python leaves __pycache__ beside the module when root imports it: it goes
# with the package.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_SOURCE_DIR}/cmake/deb/prerm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Only what `make install` installs (not the tests' or benchmarks' builds).
set(CPACK_STRIP_FILES ON)
include(CPack)
