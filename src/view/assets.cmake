# assets.cmake - sm_view carries its page's style and script (page.css,
# page.js) as C arrays generated at build time (embed.cmake).
set(_view ${CMAKE_SOURCE_DIR}/src/view)
set(_assets ${CMAKE_BINARY_DIR}/generated/view_assets.c)
add_custom_command(
  OUTPUT ${_assets}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/generated
  COMMAND ${CMAKE_COMMAND} -DCSS=${_view}/page.css -DJS=${_view}/page.js -DOUT=${_assets}
          -P ${_view}/embed.cmake
  DEPENDS ${_view}/page.css ${_view}/page.js ${_view}/embed.cmake
  COMMENT "Embedding the view page's style and script"
  VERBATIM)
target_sources(sm_view PRIVATE ${_assets})
