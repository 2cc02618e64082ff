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
