# What `cmake --install` puts beside the executables, and the Debian package CPack builds from it
# (scripts/package; by hand: cmake --build build/release --target scaleplan_package_files, then
# cpack --config build/release/CPackConfig.cmake).
#
# Installed layout (the package's prefix is /usr):
#   bin/scaleplan, bin/scaleplan-cli             (app/, app/gui/ CMakeLists)
#   lib/scaleplan/libscaleplan_gpubench_cuda.so  (core/gpubench, when the CUDA backend is built)
#   share/scaleplan/{hardware,models}.json, share/scaleplan/example_runs/   (app/CMakeLists)
#     found at run time as <exe>/../share/scaleplan (core/base/file_io.hpp: dataDirectory())
#   share/man/man1/scaleplan.1.gz, scaleplan-cli.1.gz        (generated below)
#   share/doc/scaleplan/{copyright,changelog.gz}, share/lintian/overrides/scaleplan (resources/debian/)
#   share/bash-completion/completions/scaleplan-cli          (resources/completion/)
#   share/applications/scaleplan.desktop, share/metainfo/io.github.scaleplan.ScalePlan.metainfo.xml,
#   share/icons/hicolor/{scalable,NxN}/apps/scaleplan.{svg,png}  (GUI only)
#
# Debian dependencies are read from the executables' shared libraries (dpkg-shlibdeps, from
# dpkg-dev); Qt's platform and SVG plugins come with libqt6gui6 and libqt6svg6, which that finds.
include(GNUInstallDirs)

# Where the package puts the data; named in the man pages.
set(SCALEPLAN_PACKAGE_PREFIX "/usr")
set(scaleplan_package_data_dir "${SCALEPLAN_PACKAGE_PREFIX}/${CMAKE_INSTALL_DATADIR}/scaleplan")

# Man pages ------------------------------------------------------------------------------------
# scaleplan-cli(1)'s COMMANDS section is written by the CLI itself (--man-commands), so it lists
# every command and option; scaleplan(1) is hand-written (the GUI has a handful of options;
# scripts/test-package checks that each one of its --help is in the page).
set(scaleplan_man_dir "${PROJECT_BINARY_DIR}/man")
set(scaleplan_man_pages "")
function(scaleplan_add_man_page name)
  cmake_parse_arguments(ARG "" "CLI" "DEPENDS" ${ARGN})
  set(template "${PROJECT_SOURCE_DIR}/resources/man/${name}.1.in")
  set(output "${scaleplan_man_dir}/${name}.1.gz")
  set(cli_arg "")
  if(ARG_CLI)
    set(cli_arg "-DCLI=${ARG_CLI}")
  endif()
  add_custom_command(
    OUTPUT "${output}"
    COMMAND "${CMAKE_COMMAND}" "-DTEMPLATE=${template}" "-DOUTPUT=${output}" "-DVERSION=${PROJECT_VERSION}"
            "-DDATA_DIR=${scaleplan_package_data_dir}" ${cli_arg} -P "${PROJECT_SOURCE_DIR}/cmake/ScaleplanManPage.cmake"
    DEPENDS "${template}" "${PROJECT_SOURCE_DIR}/cmake/ScaleplanManPage.cmake" ${ARG_DEPENDS}
    COMMENT "Writing the man page ${name}.1"
    VERBATIM)
  install(FILES "${output}" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
  set(scaleplan_man_pages ${scaleplan_man_pages} "${output}" PARENT_SCOPE)
endfunction()

if(TARGET scaleplan-cli)
  scaleplan_add_man_page(scaleplan-cli CLI "$<TARGET_FILE:scaleplan-cli>" DEPENDS scaleplan-cli)
  install(FILES "${PROJECT_SOURCE_DIR}/resources/completion/scaleplan-cli"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/bash-completion/completions")
endif()

# Desktop integration (the GUI) ------------------------------------------------------------------
if(TARGET scaleplan)
  scaleplan_add_man_page(scaleplan)
  configure_file("${PROJECT_SOURCE_DIR}/resources/io.github.scaleplan.ScalePlan.metainfo.xml.in"
                 "${PROJECT_BINARY_DIR}/io.github.scaleplan.ScalePlan.metainfo.xml" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/io.github.scaleplan.ScalePlan.metainfo.xml"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/metainfo")
  # PNGs at the hicolor theme's usual sizes, rendered from scaleplan.svg at build time (the SVG
  # itself is installed as the scalable icon by app/gui/CMakeLists.txt).
  find_package(Qt6 REQUIRED COMPONENTS Gui Svg)
  add_executable(scaleplan-render-icon "${PROJECT_SOURCE_DIR}/resources/render_icon.cpp")
  target_link_libraries(scaleplan-render-icon PRIVATE Qt6::Gui Qt6::Svg)
  scaleplan_set_warnings(scaleplan-render-icon)
  set(scaleplan_icons "")
  foreach(size 16 24 32 48 64 128 256)
    set(png "${PROJECT_BINARY_DIR}/icons/hicolor/${size}x${size}/apps/scaleplan.png")
    add_custom_command(
      OUTPUT "${png}"
      COMMAND "${CMAKE_COMMAND}" -E make_directory "${PROJECT_BINARY_DIR}/icons/hicolor/${size}x${size}/apps"
      COMMAND scaleplan-render-icon "${PROJECT_SOURCE_DIR}/resources/scaleplan.svg" ${size} "${png}"
      DEPENDS scaleplan-render-icon "${PROJECT_SOURCE_DIR}/resources/scaleplan.svg"
      COMMENT "Rendering the ${size}x${size} icon"
      VERBATIM)
    list(APPEND scaleplan_icons "${png}")
  endforeach()
  add_custom_target(scaleplan_icons ALL DEPENDS ${scaleplan_icons})
  install(DIRECTORY "${PROJECT_BINARY_DIR}/icons/hicolor" DESTINATION "${CMAKE_INSTALL_DATADIR}/icons"
          FILES_MATCHING PATTERN "*.png")
endif()
add_custom_target(scaleplan_man_pages ALL DEPENDS ${scaleplan_man_pages})

# Debian's files in share/doc/scaleplan: copyright and the (native package's) changelog.gz.
set(SCALEPLAN_PACKAGE_MAINTAINER "ScalePlan developers <scaleplan@example.org>"
    CACHE STRING "Maintainer field of the Debian package: Name <e-mail>")
configure_file("${PROJECT_SOURCE_DIR}/resources/debian/changelog.in" "${PROJECT_BINARY_DIR}/debian/changelog" @ONLY)
find_program(SCALEPLAN_GZIP gzip REQUIRED)
add_custom_command(
  OUTPUT "${PROJECT_BINARY_DIR}/debian/changelog.gz"
  COMMAND "${SCALEPLAN_GZIP}" -9nkf "${PROJECT_BINARY_DIR}/debian/changelog"
  DEPENDS "${PROJECT_BINARY_DIR}/debian/changelog"
  COMMENT "Compressing the Debian changelog"
  VERBATIM)
add_custom_target(scaleplan_debian_changelog ALL DEPENDS "${PROJECT_BINARY_DIR}/debian/changelog.gz")
install(FILES "${PROJECT_BINARY_DIR}/debian/changelog.gz" "${PROJECT_SOURCE_DIR}/resources/debian/copyright"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/scaleplan")
if(TARGET scaleplan_gpubench_cuda)
  # The CUDA module's RUNPATH to the CUDA toolkit, explained in the file.
  install(FILES "${PROJECT_SOURCE_DIR}/resources/debian/lintian-overrides-cuda"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/lintian/overrides" RENAME scaleplan)
endif()

# Everything the install rules copy, so that scripts/package builds only these (not every test and
# benchmark): `install` and CPack do not build `all` first (CMAKE_SKIP_INSTALL_ALL_DEPENDENCY).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
add_custom_target(scaleplan_package_files DEPENDS scaleplan_man_pages scaleplan_debian_changelog)
foreach(target scaleplan-cli scaleplan scaleplan_icons scaleplan_gpubench_cuda)
  if(TARGET ${target})
    add_dependencies(scaleplan_package_files ${target})
  endif()
endforeach()

# The Debian package ----------------------------------------------------------------------------
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "scaleplan")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${SCALEPLAN_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "plan LLM training runs from a compute budget")
set(CPACK_PACKAGING_INSTALL_PREFIX "${SCALEPLAN_PACKAGE_PREFIX}")
set(CPACK_PACKAGE_DIRECTORY "${PROJECT_BINARY_DIR}/package")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")  # scaleplan_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SCALEPLAN_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Long description: CPack puts the summary above it, indents each line by one space and writes an
# empty line as " .", as debian/control wants.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "ScalePlan finds the compute-optimal model size and token count for a training
budget (FLOPs, dollars, GPU-hours or a deadline) under a scaling law
(Chinchilla, Kaplan, data-constrained, inference-aware or fitted to your own
runs), predicts the loss, and turns the FLOPs into wall-clock time,
GPU-hours, dollars and energy on a chosen accelerator. It also counts the
parameters, FLOPs and memory of Transformer architectures, imports training
logs and fits scaling laws to them, and benchmarks the GPU.

This package holds the desktop application (scaleplan) and the
command-line tool (scaleplan-cli).")
include(CPack)
