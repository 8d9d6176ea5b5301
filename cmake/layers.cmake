# The layers of the library (docs/architecture.md): one target per folder of src/careflow/, each
# linking only the layers below it that it may use, PRIVATE, so that a dependency the picture does
# not allow is not declared here and shows up as a link error. (Static libraries linked PRIVATE still
# pass on their link to whoever links them: only the declaration is private.)
#
# This file is also the table of what each layer may include: cmake/check_layers.cmake reads it
# (cmake -P, where careflow_layer() records the table and makes no target), and refuses a
# `#include "careflow/<layer>/..."` the table does not allow, naming file and line.
#
#   careflow_layer(NAME [HEADERS_ONLY] DEPENDS layer... [PUBLIC_LIBS lib...] [PRIVATE_LIBS lib...])
#     NAME          the folder src/careflow/NAME; its *.cpp are globbed (a new file needs no edit)
#     HEADERS_ONLY  an INTERFACE target (the folder has no .cpp)
#     DEPENDS       the layers NAME may include and link, linked PRIVATE
#     PUBLIC_LIBS   third-party libraries its headers use; PRIVATE_LIBS: only its .cpp files
#   A layer whose folder has no .cpp yet (and is not HEADERS_ONLY) makes no target: api, until
#   it has sources. Each target made is careflow_NAME, and is linked by the INTERFACE target
#   `careflow` (every layer), which tests/, bench/ and fuzz/ link.
#
#   careflow_front_end(DIR MAY_INCLUDE layer...)
#     DIR (apps/careflow) may include these layers; the check scans DIR/*.{cpp,hpp}.

function(careflow_layer NAME)
  cmake_parse_arguments(PARSE_ARGV 1 arg "HEADERS_ONLY" "" "DEPENDS;PUBLIC_LIBS;PRIVATE_LIBS")
  set_property(GLOBAL APPEND PROPERTY CAREFLOW_LAYERS ${NAME})
  set_property(GLOBAL PROPERTY CAREFLOW_LAYER_${NAME}_MAY_INCLUDE ${arg_DEPENDS})
  if(CMAKE_SCRIPT_MODE_FILE)  # read as the table by check_layers.cmake
    return()
  endif()
  set(dir ${PROJECT_SOURCE_DIR}/src/careflow/${NAME})
  set(target careflow_${NAME})
  if(arg_HEADERS_ONLY)
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${target} INTERFACE ${arg_PUBLIC_LIBS})
  else()
    file(GLOB sources CONFIGURE_DEPENDS ${dir}/*.cpp)
    if(NOT sources)
      return()  # not yet a layer with code (api, while it is being built)
    endif()
    add_library(${target} STATIC ${sources})
    target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    list(TRANSFORM arg_DEPENDS PREPEND careflow_ OUTPUT_VARIABLE layer_targets)
    target_link_libraries(${target} PUBLIC ${arg_PUBLIC_LIBS} PRIVATE ${layer_targets} ${arg_PRIVATE_LIBS})
    # A static library is never linked by itself, and a program linking every layer finds an
    # undeclared dependency's symbols anyway (or not, by the order of the archives). So each layer
    # is linked whole, with only what it declares, into a program that does nothing: a symbol of
    # a layer it does not declare is an undefined reference, and the build fails.
    if(NOT TARGET careflow_link_check_main)
      add_library(careflow_link_check_main OBJECT ${PROJECT_SOURCE_DIR}/cmake/link_check_main.cpp)
    endif()
    add_executable(careflow_link_check_${NAME} $<TARGET_OBJECTS:careflow_link_check_main>)
    target_link_libraries(careflow_link_check_${NAME} PRIVATE -Wl,--whole-archive ${target} -Wl,--no-whole-archive)
    set_target_properties(careflow_link_check_${NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/link_check)
  endif()
  set_property(GLOBAL APPEND PROPERTY CAREFLOW_LAYER_TARGETS ${target})
endfunction()

function(careflow_front_end DIR)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "MAY_INCLUDE")
  set_property(GLOBAL APPEND PROPERTY CAREFLOW_FRONT_ENDS ${DIR})
  set_property(GLOBAL PROPERTY CAREFLOW_FRONT_END_${DIR}_MAY_INCLUDE ${arg_MAY_INCLUDE})
endfunction()

# The table (docs/architecture.md draws it). A capability never includes another, nor report.
careflow_layer(base HEADERS_ONLY)
careflow_layer(core DEPENDS base
  PRIVATE_LIBS fmt::fmt)
careflow_layer(io DEPENDS core base
  PUBLIC_LIBS Threads::Threads  # output_folder.hpp: std::future
  PRIVATE_LIBS fmt::fmt nlohmann_json::nlohmann_json pugixml::pugixml TBB::tbb PkgConfig::XLSXWRITER
               PkgConfig::LIBDEFLATE ZLIB::ZLIB OpenSSL::Crypto)
careflow_layer(validate DEPENDS io core base
  PUBLIC_LIBS Threads::Threads  # collection.hpp: std::mutex
  PRIVATE_LIBS fmt::fmt TBB::tbb)
careflow_layer(analyse DEPENDS io core base
  PRIVATE_LIBS fmt::fmt)
careflow_layer(benchmark DEPENDS io core base
  PRIVATE_LIBS fmt::fmt Eigen3::Eigen GSL::gsl Threads::Threads)
careflow_layer(forecast DEPENDS io core base
  PRIVATE_LIBS fmt::fmt TBB::tbb tomlplusplus::tomlplusplus)
careflow_layer(synth DEPENDS io core base
  PRIVATE_LIBS nlohmann_json::nlohmann_json TBB::tbb Threads::Threads)
careflow_layer(report DEPENDS validate analyse benchmark forecast synth io core base
  PRIVATE_LIBS fmt::fmt)
careflow_layer(api DEPENDS report validate analyse benchmark forecast synth io core base
  PRIVATE_LIBS fmt::fmt)
# The CLI reaches the library through api only, and includes io, core and base for the value types
# it prints and the files it opens (docs/architecture.md).
careflow_front_end(apps/careflow MAY_INCLUDE api io core base)

if(NOT CMAKE_SCRIPT_MODE_FILE)
  # The include check, part of ALL: run again whenever a scanned file (or the table) changes; a
  # forbidden include fails the build, naming file and line.
  file(GLOB_RECURSE CAREFLOW_LAYER_CHECKED CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/careflow/*
       ${PROJECT_SOURCE_DIR}/apps/careflow/*)
  set(stamp ${CMAKE_BINARY_DIR}/check_layers.stamp)
  add_custom_command(OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} -DSTAMP=${stamp} -P ${PROJECT_SOURCE_DIR}/cmake/check_layers.cmake
    DEPENDS ${PROJECT_SOURCE_DIR}/cmake/check_layers.cmake ${PROJECT_SOURCE_DIR}/cmake/layers.cmake ${CAREFLOW_LAYER_CHECKED}
    COMMENT "Checking includes against the layers (docs/architecture.md)" VERBATIM)
  add_custom_target(check_layers ALL DEPENDS ${stamp})

  # Every layer, for what needs the whole library (tests/, bench/, fuzz/; the CLI until it links api).
  get_property(CAREFLOW_LAYER_TARGETS GLOBAL PROPERTY CAREFLOW_LAYER_TARGETS)
  add_library(careflow INTERFACE)
  target_link_libraries(careflow INTERFACE ${CAREFLOW_LAYER_TARGETS})

  # Only the reference-data default needs the source folder; keeping the definition on that one
  # file leaves every other object independent of where the checkout lives (compiler caches share
  # them). Likewise the version, so that a new version recompiles one file.
  set_source_files_properties(${PROJECT_SOURCE_DIR}/src/careflow/io/reference_data.cpp PROPERTIES
    COMPILE_DEFINITIONS CAREFLOW_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  set_source_files_properties(${PROJECT_SOURCE_DIR}/src/careflow/core/version.cpp PROPERTIES
    COMPILE_DEFINITIONS CAREFLOW_VERSION="${PROJECT_VERSION}")
endif()
