# install.cmake — what `cmake --install` puts in the prefix: the programs, the
# header, the shared (libbaogao.so.0) and static libraries, the starter lexicon
# and the short names of issuing bodies, and the metadata other build systems
# use to find the library: a pkg-config file (lib/pkgconfig/baogao.pc) and a
# CMake package (find_package(baogao), target baogao::baogao).
include(CMakePackageConfigHelpers)

set(BAOGAO_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/baogao)

# Consumers see baogao::baogao (shared) and baogao::baogao_static, not our
# internal target names.
set_target_properties(baogao_shared PROPERTIES EXPORT_NAME baogao)
set_target_properties(baogao_static PROPERTIES EXPORT_NAME baogao_static)

install(TARGETS baogao-index baogao-query RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES include/baogao.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# The shared and static libraries go in separate export sets: the static one
# drags in Xapian, ICU, cJSON and OpenCC as link dependencies, which a program
# using the shared library must not be required to have.
install(TARGETS baogao_shared EXPORT baogaoTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS baogao_static EXPORT baogaoStaticTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT baogaoTargets NAMESPACE baogao:: DESTINATION ${BAOGAO_CMAKE_DIR})
install(EXPORT baogaoStaticTargets NAMESPACE baogao:: DESTINATION ${BAOGAO_CMAKE_DIR})

configure_package_config_file(cmake/baogaoConfig.cmake.in
  ${CMAKE_BINARY_DIR}/baogaoConfig.cmake INSTALL_DESTINATION ${BAOGAO_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/baogaoConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_BINARY_DIR}/baogaoConfig.cmake ${CMAKE_BINARY_DIR}/baogaoConfigVersion.cmake
  DESTINATION ${BAOGAO_CMAKE_DIR})

# baogao.pc finds its prefix relative to itself (${pcfiledir}), so it stays
# right under `cmake --install --prefix` and in a moved or staged tree.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(BAOGAO_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(BAOGAO_PC_LIBDIR "${CMAKE_INSTALL_FULL_LIBDIR}")
  set(BAOGAO_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
else()
  file(RELATIVE_PATH _bg_up "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
  string(REGEX REPLACE "/$" "" _bg_up "${_bg_up}")
  set(BAOGAO_PC_PREFIX "\${pcfiledir}/${_bg_up}")
  set(BAOGAO_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
  set(BAOGAO_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file(cmake/baogao.pc.in ${CMAKE_BINARY_DIR}/baogao.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/baogao.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The starter lexicon (data/lexicon.txt) is what writers use by default; the
# short names of issuing bodies (data/bodies.txt) what the body filter knows.
install(FILES data/lexicon.txt data/bodies.txt data/synonyms.txt DESTINATION ${CMAKE_INSTALL_DATADIR}/baogao)

# The manual pages, and the bash completions: one file per program, named
# after it, where bash-completion looks for it when the program is first
# completed (tests/docs_test.sh checks both against the programs' --help).
install(FILES man/baogao-index.1 man/baogao-query.1 man/baogao-serve.1
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES completions/baogao-index completions/baogao-query completions/baogao-serve
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
