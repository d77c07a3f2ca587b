# `cmake --install` and `cpack -G DEB`: the jaams executable, the core libraries with their public
# headers and a CMake package (find_package(jaams) -> jaams::jaams), the configs, split lists and
# shipped weights under share/jaams (where util/data_files looks beside an installed executable),
# and a man page made from `jaams --help`.
include(CMakePackageConfigHelpers)

install(TARGETS jaams RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# jaams_core is the whole library; consumers know it as jaams::jaams.
set_target_properties(jaams_core PROPERTIES EXPORT_NAME jaams)
install(TARGETS ${JAAMS_LIBRARIES} EXPORT jaamsTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY include/jaams DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${CMAKE_BINARY_DIR}/generated/jaams/version.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/jaams)

set(jaams_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/jaams)
install(EXPORT jaamsTargets NAMESPACE jaams:: DESTINATION ${jaams_cmake_dir})
configure_package_config_file(cmake/jaamsConfig.cmake.in ${CMAKE_BINARY_DIR}/jaamsConfig.cmake
                              INSTALL_DESTINATION ${jaams_cmake_dir})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/jaamsConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/jaamsConfig.cmake ${CMAKE_BINARY_DIR}/jaamsConfigVersion.cmake
        DESTINATION ${jaams_cmake_dir})

# Data found at run time through util/data_files (<exe>/../share/jaams/<relative path>).
install(DIRECTORY configs DESTINATION ${CMAKE_INSTALL_DATADIR}/jaams)
install(DIRECTORY models/compact_cnn DESTINATION ${CMAKE_INSTALL_DATADIR}/jaams/models)

# The man page is `jaams --help` and `jaams --version` as help2man lays them out (Debian: help2man).
find_program(HELP2MAN help2man)
if(HELP2MAN)
  add_custom_command(
    OUTPUT ${CMAKE_BINARY_DIR}/jaams.1
    COMMAND ${HELP2MAN} --no-info --no-discard-stderr --name "music-genre classification toolkit"
            --output ${CMAKE_BINARY_DIR}/jaams.1 $<TARGET_FILE:jaams>
    DEPENDS jaams
    COMMENT "Man page jaams.1 from jaams --help")
  add_custom_target(jaams_man ALL DEPENDS ${CMAKE_BINARY_DIR}/jaams.1)
  install(FILES ${CMAKE_BINARY_DIR}/jaams.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "help2man not found (Debian: help2man): no man page is installed")
endif()

set(CPACK_PACKAGE_NAME jaams)
set(CPACK_PACKAGE_VENDOR "jaams")
set(CPACK_PACKAGE_CONTACT "jaams maintainers <jaams@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Music-genre classification toolkit: train, evaluate and run classifiers")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION sound)
# The runtime Depends come from the shared libraries the executable links (dpkg-shlibdeps, in
# dpkg-dev), so they follow whatever LibTorch, OpenCV or FFTW this build used.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
include(CPack)
