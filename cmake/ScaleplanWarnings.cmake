# scaleplan_set_warnings(target): the project's warning flags, as errors when SCALEPLAN_WERROR is ON.
function(scaleplan_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor>)
    if(SCALEPLAN_WERROR)
      target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
    endif()
    # GCC 12 at -O2/-O3 reports a false -Wrestrict inside libstdc++ for `"literal" + std::string`
    # (GCC bug 105329, fixed in GCC 13); it would fail every Release build with -Werror.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
      target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wno-restrict>)
    endif()
  endif()
endfunction()

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

# Marks a target as part of the Qt-free core; scaleplan_check_qt_free() (called at the end of the
# top-level CMakeLists) fails the configure step if any marked target links Qt, directly or
# through another library. Core must stay Qt-free so the CLI, the tests and the GUI share it.
function(scaleplan_forbid_qt target)
  set_property(GLOBAL APPEND PROPERTY SCALEPLAN_QT_FREE_TARGETS ${target})
endfunction()

function(_scaleplan_collect_links target out_var)
  set(seen ${${out_var}})
  if(target IN_LIST seen)
    return()
  endif()
  list(APPEND seen ${target})
  if(TARGET ${target})
    get_target_property(libs ${target} LINK_LIBRARIES)
    get_target_property(ilibs ${target} INTERFACE_LINK_LIBRARIES)
    foreach(lib IN LISTS libs ilibs)
      if(lib AND NOT lib MATCHES "NOTFOUND$" AND NOT lib MATCHES "^\\$<")
        _scaleplan_collect_links(${lib} seen)
      endif()
    endforeach()
  endif()
  set(${out_var} ${seen} PARENT_SCOPE)
endfunction()

function(scaleplan_check_qt_free)
  get_property(targets GLOBAL PROPERTY SCALEPLAN_QT_FREE_TARGETS)
  foreach(target IN LISTS targets)
    set(all "")
    _scaleplan_collect_links(${target} all)
    foreach(lib IN LISTS all)
      if(lib MATCHES "^Qt[56]?::|QCustomPlot")
        message(FATAL_ERROR "${target} is part of the Qt-free core but links ${lib}")
      endif()
    endforeach()
  endforeach()
endfunction()
