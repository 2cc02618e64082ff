# scaleplan_add_test(<name> SOURCES <files> LIBS <targets> [GUI])
# The one helper that registers every test: a QtTest executable, a ctest entry with a timeout,
# and the environment the test needs (shipped data, offscreen platform for GUI tests, a private
# config directory so that no test reads or writes the user's own settings).
function(scaleplan_add_test name)
  cmake_parse_arguments(ARG "GUI" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} Qt6::Test)
  target_include_directories(${name} PRIVATE "${PROJECT_SOURCE_DIR}/tests")
  target_compile_definitions(${name} PRIVATE
    SCALEPLAN_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
    SCALEPLAN_SHIPPED_DATA_DIR="${PROJECT_SOURCE_DIR}/data")
  scaleplan_set_warnings(${name})
  add_test(NAME ${name} COMMAND ${name})
  set(env "SCALEPLAN_DATA_DIR=${PROJECT_SOURCE_DIR}/data"
          "SCALEPLAN_CONFIG_DIR=${CMAKE_CURRENT_BINARY_DIR}/config-${name}")
  if(ARG_GUI)
    list(APPEND env "QT_QPA_PLATFORM=offscreen")
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT 600 ENVIRONMENT "${env}")
endfunction()

# Registers tests/<dir>/test_*.cpp, one executable per file, each linked to <libs>.
function(scaleplan_add_tests_in dir)
  cmake_parse_arguments(ARG "GUI" "" "LIBS" ${ARGN})
  file(GLOB files CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/${dir}/test_*.cpp")
  foreach(file IN LISTS files)
    get_filename_component(stem ${file} NAME_WE)
    if(ARG_GUI)
      scaleplan_add_test(${stem} SOURCES ${file} LIBS ${ARG_LIBS} GUI)
    else()
      scaleplan_add_test(${stem} SOURCES ${file} LIBS ${ARG_LIBS})
    endif()
  endforeach()
endfunction()
