# cmake/check_layers.cmake on two tiny trees, with the real table (cmake/layers.cmake): one with two
# forbidden includes (a capability including report; one capability including another, in a header,
# after lines that CMake's lists would mangle), which must fail naming each file and line and write
# no stamp; and a clean one (allowed includes, a forbidden one commented out), which must pass.
# Usage: cmake -DCHECKER=cmake/check_layers.cmake -DWORK=scratch-folder -P check_layers_test.cmake
cmake_minimum_required(VERSION 3.22)
file(REMOVE_RECURSE "${WORK}")

function(fixture root path text)
  file(WRITE "${WORK}/${root}/${path}" "${text}")
endfunction()

# A layer's own header, a lower layer, a standard header: allowed everywhere below.
set(allowed_lines [==[// fixture
#include "careflow/core/date.hpp"
]==])
# Lines 3-5 of rules.hpp: a semicolon, unbalanced brackets and a continued line, which must not
# shift the line numbers.
set(tricky_lines [==[#pragma once
#include <vector>
int a[2] = {1, 2}; int b[
#define TWO_LINES(x) \
  (x)
#include "careflow/io/csv.hpp"
]==])

foreach(tree forbidden clean)
  fixture(${tree} src/careflow/core/date.hpp "#pragma once\n#include \"careflow/base/random.hpp\"\n")
  fixture(${tree} src/careflow/report/page.cpp "#include \"careflow/benchmark/analysis.hpp\"\n#include \"careflow/report/svg_chart.hpp\"\n")
  fixture(${tree} apps/careflow/cmd_x.cpp "#include \"careflow/api/validate.hpp\"\n#include \"careflow/io/csv.hpp\"\n")
endforeach()
# The CLI reaches capabilities only through api.
fixture(forbidden apps/careflow/cmd_y.cpp "#include \"careflow/api/forecast.hpp\"\n#include \"careflow/forecast/scenario.hpp\"\n")
fixture(forbidden src/careflow/benchmark/page.cpp "${allowed_lines}#include \"careflow/report/svg_chart.hpp\"\n")
fixture(forbidden src/careflow/validate/rules.hpp "${tricky_lines}  #  include <careflow/analyse/analyse.hpp>\n")
fixture(clean src/careflow/benchmark/page.cpp "${allowed_lines}// #include \"careflow/report/svg_chart.hpp\"\n")
fixture(clean src/careflow/validate/rules.hpp "${tricky_lines}")

function(run tree result_var output_var)
  execute_process(COMMAND ${CMAKE_COMMAND} -DROOT=${WORK}/${tree} -DSTAMP=${WORK}/${tree}.stamp -P ${CHECKER}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(${result_var} ${rc} PARENT_SCOPE)
  set(${output_var} "${out}${err}" PARENT_SCOPE)
endfunction()

set(failures "")
run(forbidden rc out)
if(rc EQUAL 0)
  string(APPEND failures "the tree with forbidden includes passed\n")
endif()
if(EXISTS ${WORK}/forbidden.stamp)
  string(APPEND failures "the tree with forbidden includes was stamped\n")
endif()
foreach(expected
    "src/careflow/benchmark/page.cpp:3: benchmark may not include careflow/report/svg_chart.hpp (docs/architecture.md)"
    "src/careflow/validate/rules.hpp:7: validate may not include careflow/analyse/analyse.hpp (docs/architecture.md)"
    "apps/careflow/cmd_y.cpp:2: apps/careflow may not include careflow/forecast/scenario.hpp (docs/architecture.md)"
    "3 include(s) the layers do not allow")
  string(FIND "${out}" "${expected}" at)
  if(at EQUAL -1)
    string(APPEND failures "expected \"${expected}\" in:\n${out}\n")
  endif()
endforeach()
string(REGEX MATCHALL "may not include" refusals "${out}")
list(LENGTH refusals n)
if(NOT n EQUAL 3)
  string(APPEND failures "expected 3 refusals, got ${n}:\n${out}\n")
endif()

run(clean rc out)
if(NOT rc EQUAL 0)
  string(APPEND failures "the clean tree failed:\n${out}\n")
endif()
if(NOT EXISTS ${WORK}/clean.stamp)
  string(APPEND failures "the clean tree was not stamped\n")
endif()

if(failures)
  message(FATAL_ERROR "${failures}")
endif()
message(STATUS "check_layers: refuses the three forbidden includes by file and line; passes the clean tree")
