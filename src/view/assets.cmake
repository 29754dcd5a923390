# assets.cmake - sm_view carries its page's style and script (page.css,
# page.js) as C arrays generated at build time (cmake/embed_text.cmake).
set(_view ${CMAKE_SOURCE_DIR}/src/view)
set(_assets ${CMAKE_BINARY_DIR}/generated/view_assets.c)
add_custom_command(
  OUTPUT ${_assets}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/generated
  COMMAND ${CMAKE_COMMAND} -DPREFIX=sm_view_ -DOUT=${_assets}
          "-DFILES=${_view}/page.css;${_view}/page.js" -P ${CMAKE_SOURCE_DIR}/cmake/embed_text.cmake
  DEPENDS ${_view}/page.css ${_view}/page.js ${CMAKE_SOURCE_DIR}/cmake/embed_text.cmake
  COMMENT "Embedding the view page's style and script"
  VERBATIM)
target_sources(sm_view PRIVATE ${_assets})
