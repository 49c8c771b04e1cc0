# embed.cmake — turns page.html into page.c, defining bgi_page_html (the bytes
# plus a NUL) and bgi_page_html_len, so the page ships inside the binary and the
# server needs no files at run time. Written as bytes, the page needs no C
# escaping and can be edited as plain HTML. It also defines the base64 SHA-256
# of the page's one <script> and one <style> element, which the page's
# Content-Security-Policy names instead of allowing any inline code.
#   cmake -DINPUT=page.html -DOUTPUT=page.c -P embed.cmake
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR n_bytes "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# Break the initialiser into lines of 16 bytes (CMake regexes have no {n}).
string(REPEAT "0x..," 16 sixteen)
string(REGEX REPLACE "(${sixteen})" "\\1\n" bytes "${bytes}")

# Base64 of the bytes written as hex (what a CSP hash source is made of).
function(hex_to_base64 hex out)
  set(alphabet "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
  string(LENGTH "${hex}" n)
  set(result "")
  set(i 0)
  while(i LESS n)
    math(EXPR left "${n} - ${i}")
    if(left GREATER 6)
      set(left 6)
    endif()
    string(SUBSTRING "${hex}" ${i} ${left} group)
    # Pad the group to 3 bytes; the chars past the real bytes become '='.
    math(EXPR v "0x${group} << (4 * (6 - ${left}))")
    math(EXPR n_chars "${left} / 2 + 1")
    foreach(shift 18 12 6 0)
      math(EXPR k "(${v} >> ${shift}) & 63")
      if(n_chars GREATER 0)
        string(SUBSTRING "${alphabet}" ${k} 1 c)
      else()
        set(c "=")
      endif()
      string(APPEND result "${c}")
      math(EXPR n_chars "${n_chars} - 1")
    endforeach()
    math(EXPR i "${i} + 6")
  endwhile()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

# The base64 SHA-256 of the text of the page's one <tag> element.
function(element_sha256 tag out)
  file(READ "${INPUT}" html)
  string(FIND "${html}" "<${tag}>" start)
  string(FIND "${html}" "<${tag}>" last REVERSE)
  string(FIND "${html}" "</${tag}>" end)
  if(start LESS 0 OR end LESS start OR NOT start EQUAL last)
    message(FATAL_ERROR "${INPUT}: needs exactly one <${tag}>…</${tag}> element (and the tag nowhere else)")
  endif()
  string(LENGTH "<${tag}>" open_len)
  math(EXPR start "${start} + ${open_len}")
  math(EXPR len "${end} - ${start}")
  string(SUBSTRING "${html}" ${start} ${len} text)
  string(SHA256 digest "${text}")
  hex_to_base64("${digest}" b64)
  set(${out} "${b64}" PARENT_SCOPE)
endfunction()

element_sha256(script script_sha256)
element_sha256(style style_sha256)

file(WRITE "${OUTPUT}" "/* page.c — generated from server/page.html by server/embed.cmake; do not edit. */
#include <stddef.h>

extern const char bgi_page_html[];
extern const size_t bgi_page_html_len;
extern const char bgi_page_script_sha256[];
extern const char bgi_page_style_sha256[];

const char bgi_page_html[] = {
${bytes}0x00};
const size_t bgi_page_html_len = ${n_bytes};
const char bgi_page_script_sha256[] = \"${script_sha256}\";
const char bgi_page_style_sha256[] = \"${style_sha256}\";
")
