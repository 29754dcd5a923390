# embed.cmake - turn the page's style and script into C strings.
#
#   cmake -DCSS=page.css -DJS=page.js -DOUT=view_assets.c -P embed.cmake
#
# page.css and page.js stay real CSS and JavaScript files in the tree; the
# build writes them into the library, byte for byte, as sm_view_page_css
# and sm_view_page_js (with their lengths), so `storymovie view` needs no
# file at run time.
set(_c "/* Generated from src/view/page.css and page.js by src/view/embed.cmake: do not edit. */\n#include <stddef.h>\n")
foreach(_name css js)
  string(TOUPPER ${_name} _var)
  file(READ "${${_var}}" _hex HEX)
  string(LENGTH "${_hex}" _hexlen)
  math(EXPR _len "${_hexlen} / 2")
  # 32 bytes a line, every byte as \xHH inside string literals.
  string(REGEX REPLACE "(................................................................)" "\\1\n" _lines "${_hex}")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" _lines "${_lines}")
  string(REPLACE "\n" "\"\n    \"" _lines "${_lines}")
  string(APPEND _c "const char sm_view_page_${_name}[] =\n    \"${_lines}\";\nconst size_t sm_view_page_${_name}_len = ${_len};\n")
endforeach()
file(WRITE "${OUT}.tmp" "${_c}")
file(RENAME "${OUT}.tmp" "${OUT}")
