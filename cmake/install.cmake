# What `cmake --install` puts beside bin/cell and bin/cellrun (whose rules
# are with their targets) and share/cell/policies: the man pages, the
# documentation, and the CMake package that gives other projects
# find_package(cell) and cell_add_policy(). See docs/build-integration.md.
#
# The compiler's library (cellcore) is internal: static, not installed, no
# headers, no pkg-config file. The supported interfaces are the commands and
# the bundle format (docs/bundle.md).

include(CMakePackageConfigHelpers)

install(FILES ${CMAKE_SOURCE_DIR}/man/cell.1 ${CMAKE_SOURCE_DIR}/man/cellrun.1
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_SOURCE_DIR}/man/cell-policy.5
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
  FILES_MATCHING PATTERN "*.md")
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

# The package holds no library, only paths to commands: it lives under share/
# (searched by find_package like lib/) and its version check ignores the
# consumer's pointer size.
set(CELL_INSTALL_CMAKEDIR ${CMAKE_INSTALL_DATADIR}/cmake/cell)
set(CELL_INSTALL_POLICYDIR ${CMAKE_INSTALL_DATADIR}/cell/policies)
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/cellConfig.cmake.in
  ${CMAKE_BINARY_DIR}/package/cellConfig.cmake
  INSTALL_DESTINATION ${CELL_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_BINDIR CELL_INSTALL_POLICYDIR)
# Before 1.0 a minor release may change the language or the bundle format.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/package/cellConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES
  ${CMAKE_BINARY_DIR}/package/cellConfig.cmake
  ${CMAKE_BINARY_DIR}/package/cellConfigVersion.cmake
  ${CMAKE_SOURCE_DIR}/cmake/cellAddPolicy.cmake
  DESTINATION ${CELL_INSTALL_CMAKEDIR})
