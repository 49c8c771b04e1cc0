# embed.cmake — turns page.html into page.c, defining bgi_page_html (the bytes
# plus a NUL) and bgi_page_html_len, so the page ships inside the binary and the
# server needs no files at run time. Written as bytes, the page needs no C
# escaping and can be edited as plain HTML.
#   cmake -DINPUT=page.html -DOUTPUT=page.c -P embed.cmake
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR n_bytes "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# Break the initialiser into lines of 16 bytes (CMake regexes have no {n}).
string(REPEAT "0x..," 16 sixteen)
string(REGEX REPLACE "(${sixteen})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}" "/* page.c — generated from server/page.html by server/embed.cmake; do not edit. */
#include <stddef.h>

extern const char bgi_page_html[];
extern const size_t bgi_page_html_len;

const char bgi_page_html[] = {
${bytes}0x00};
const size_t bgi_page_html_len = ${n_bytes};
")
