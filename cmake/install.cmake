# install.cmake — what `cmake --install` puts in the prefix.
install(TARGETS baogao-index baogao-query RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS baogao_shared baogao_static
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES include/baogao.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES data/lexicon.txt DESTINATION ${CMAKE_INSTALL_DATADIR}/baogao)

