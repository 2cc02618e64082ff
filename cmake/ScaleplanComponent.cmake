# The core's areas as libraries (uses ScaleplanWarnings and ScaleplanQtFree).
include(ScaleplanWarnings)
include(ScaleplanQtFree)

# scaleplan_add_component(name DEPS ... PRIVATE_DEPS ...): one static library per core area,
# built from every .cpp in core/<name>/. Each area is its own library so that a broken file in
# one area never stops the others from building, and the dependency graph between areas is
# explicit (base <- counting, hardware, laws, importers <- fit, plan ...).
function(scaleplan_add_component name)
  cmake_parse_arguments(ARG "" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/${name}/*.cpp")
  if(NOT sources)
    message(STATUS "core/${name}: no sources yet, library not built")
    return()
  endif()
  add_library(scaleplan_${name} STATIC ${sources})
  target_include_directories(scaleplan_${name} PUBLIC "${CMAKE_CURRENT_SOURCE_DIR}")
  target_link_libraries(scaleplan_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  set_target_properties(scaleplan_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  scaleplan_set_warnings(scaleplan_${name})
  scaleplan_forbid_qt(scaleplan_${name})
endfunction()
