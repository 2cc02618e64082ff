# The check that the Qt-free core stays Qt-free: scaleplan_forbid_qt(target) marks a target,
# scaleplan_check_qt_free() (end of the top-level CMakeLists) checks every marked one.

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
