# cmake -DTEMPLATE=page.1.in -DOUTPUT=page.1.gz -DVERSION=x.y.z -DDATA_DIR=/usr/share/scaleplan
#       [-DCLI=path/to/scaleplan-cli] -P ScaleplanManPage.cmake
# Writes a gzipped man page from its template: @PROJECT_VERSION@ and @SCALEPLAN_INSTALLED_DATA_DIR@
# are replaced, and @SCALEPLAN_CLI_COMMANDS@ by the output of `scaleplan-cli --man-commands` (the
# commands and options as the CLI itself declares them). gzip -n leaves out the time stamp so that
# the package is reproducible.
foreach(var TEMPLATE OUTPUT VERSION DATA_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "ScaleplanManPage.cmake: -D${var}=... is required")
  endif()
endforeach()
file(READ "${TEMPLATE}" page)
if(page MATCHES "@SCALEPLAN_CLI_COMMANDS@")
  if(NOT CLI)
    message(FATAL_ERROR "ScaleplanManPage.cmake: ${TEMPLATE} lists the CLI's commands: -DCLI=... is required")
  endif()
  execute_process(COMMAND "${CLI}" --man-commands OUTPUT_VARIABLE commands RESULT_VARIABLE rc
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR commands STREQUAL "")
    message(FATAL_ERROR "ScaleplanManPage.cmake: '${CLI} --man-commands' failed (${rc}): ${err}")
  endif()
  string(STRIP "${commands}" commands)
  string(REPLACE "@SCALEPLAN_CLI_COMMANDS@" "${commands}" page "${page}")
endif()
string(REPLACE "@PROJECT_VERSION@" "${VERSION}" page "${page}")
string(REPLACE "@SCALEPLAN_INSTALLED_DATA_DIR@" "${DATA_DIR}" page "${page}")
string(REGEX REPLACE "\\.gz$" "" plain "${OUTPUT}")
file(WRITE "${plain}" "${page}")
find_program(GZIP gzip REQUIRED)
execute_process(COMMAND "${GZIP}" -9nf "${plain}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ScaleplanManPage.cmake: gzip ${plain} failed (${rc})")
endif()
