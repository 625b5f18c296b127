# Bindings (Python, Node) and examples, run through the shared libzari as a
# host program would load it (included from tests/CMakeLists.txt).
#
# Label no-sanitizer: an ASan/TSan-built libzari cannot be dlopen'ed by an
# uninstrumented python or node, so sanitizer runs (-LE no-sanitizer) skip
# them. The C example is a plain C program and runs everywhere.
#
# Nothing is skipped silently: without python3, node or the npm packages of
# bindings/node, a test is still registered, and it fails saying what to run.

set(ZARI_PACK_TELECOM ${PROJECT_SOURCE_DIR}/intents/telecom)

# A test that fails with a message (a missing tool is not a pass).
function(zari_missing_tool_test name message)
  add_test(NAME ${name} COMMAND sh -c "echo \"$0\" >&2; exit 1" "${message}")
  set_tests_properties(${name} PROPERTIES LABELS no-sanitizer)
endfunction()

# ---- C example: built with -pedantic -Werror as C99, run against the pack.
add_executable(zari_example_hello ${PROJECT_SOURCE_DIR}/examples/c/hello.c)
target_link_libraries(zari_example_hello PRIVATE zari)
set_target_properties(zari_example_hello PROPERTIES C_STANDARD 99 C_EXTENSIONS OFF)
target_compile_options(zari_example_hello PRIVATE -Wall -Wextra -pedantic -Werror)
set(ZARI_HELLO_OUTPUT "\\[ka\\] [^\n]* -> balance\n.*\\[az\\] [^\n]* -> balance\n.*\\[en\\] [^\n]* -> balance\n")
add_test(NAME example_c_hello COMMAND zari_example_hello ${ZARI_PACK_TELECOM})
set_tests_properties(example_c_hello PROPERTIES PASS_REGULAR_EXPRESSION "${ZARI_HELLO_OUTPUT}")

# ---- The complete program of docs/C_API.md, so the guide cannot rot either.
file(READ ${PROJECT_SOURCE_DIR}/docs/C_API.md ZARI_C_API_GUIDE)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/C_API.md)
string(FIND "${ZARI_C_API_GUIDE}" "```c\n#include <stdio.h>" ZARI_GUIDE_BEGIN)
if(ZARI_GUIDE_BEGIN LESS 0)
  message(FATAL_ERROR "docs/C_API.md lost its complete example (a ```c block starting with #include <stdio.h>)")
endif()
math(EXPR ZARI_GUIDE_BEGIN "${ZARI_GUIDE_BEGIN} + 5")
string(SUBSTRING "${ZARI_C_API_GUIDE}" ${ZARI_GUIDE_BEGIN} -1 ZARI_GUIDE_REST)
string(FIND "${ZARI_GUIDE_REST}" "```" ZARI_GUIDE_END)
string(SUBSTRING "${ZARI_GUIDE_REST}" 0 ${ZARI_GUIDE_END} ZARI_GUIDE_CODE)
file(CONFIGURE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/c_api_guide_example.c CONTENT "${ZARI_GUIDE_CODE}" @ONLY)
add_executable(zari_c_api_guide_example ${CMAKE_CURRENT_BINARY_DIR}/c_api_guide_example.c)
target_link_libraries(zari_c_api_guide_example PRIVATE zari)
set_target_properties(zari_c_api_guide_example PROPERTIES C_STANDARD 99 C_EXTENSIONS OFF)
target_compile_options(zari_c_api_guide_example PRIVATE -Wall -Wextra -pedantic -Werror)
file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/c_api_guide)
add_test(NAME example_c_api_guide COMMAND zari_c_api_guide_example)
# It writes unresolved.db into the working directory: run it in the build tree,
# with the pack reached through a symlink named as in the guide.
file(CREATE_LINK ${PROJECT_SOURCE_DIR}/intents ${CMAKE_CURRENT_BINARY_DIR}/c_api_guide/intents SYMBOLIC)
set_tests_properties(example_c_api_guide PROPERTIES
  WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/c_api_guide
  PASS_REGULAR_EXPRESSION "\\[answer ka\\][^\n]*\n-> operator: session visitor-42, reason requested[^\n]*\n\\[handoff ka\\]")

# ---- Python (ctypes, stdlib unittest): one ctest per test module.
find_program(ZARI_PYTHON3 NAMES python3)
set(ZARI_PYTHON_ENV
  "ZARI_LIBRARY=$<TARGET_FILE:zari>"
  "PYTHONPATH=${PROJECT_SOURCE_DIR}/bindings/python"
  "ZARI_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
  "PYTHONDONTWRITEBYTECODE=1")
if(ZARI_PYTHON3)
  file(GLOB ZARI_PYTHON_TESTS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/bindings/python/tests/test_*.py)
  foreach(file ${ZARI_PYTHON_TESTS})
    get_filename_component(module ${file} NAME_WE)
    add_test(NAME "python: ${module}"
             COMMAND ${ZARI_PYTHON3} -X dev -m unittest discover -v
                     -s ${PROJECT_SOURCE_DIR}/bindings/python/tests -p ${module}.py
             WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/bindings/python)
    set_tests_properties("python: ${module}" PROPERTIES
      ENVIRONMENT "${ZARI_PYTHON_ENV}" LABELS "bindings;no-sanitizer" TIMEOUT 600)
  endforeach()
  add_test(NAME example_python_hello
           COMMAND ${ZARI_PYTHON3} ${PROJECT_SOURCE_DIR}/examples/python/hello.py ${ZARI_PACK_TELECOM})
  set_tests_properties(example_python_hello PROPERTIES
    ENVIRONMENT "${ZARI_PYTHON_ENV}" LABELS no-sanitizer PASS_REGULAR_EXPRESSION "${ZARI_HELLO_OUTPUT}")
else()
  zari_missing_tool_test(python_binding
    "python3 not found: run scripts/setup-deps.sh, then re-run cmake")
endif()

# ---- Node (koffi, node --test): one ctest per test file.
find_program(ZARI_NODE NAMES node nodejs)
set(ZARI_NODE_DIR ${PROJECT_SOURCE_DIR}/bindings/node)
set(ZARI_NODE_ENV "ZARI_LIBRARY=$<TARGET_FILE:zari>" "ZARI_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
if(NOT ZARI_NODE)
  zari_missing_tool_test(node_binding
    "node not found: run scripts/setup-deps.sh (installs nodejs and npm), then re-run cmake")
elseif(NOT EXISTS ${ZARI_NODE_DIR}/node_modules/koffi/package.json)
  zari_missing_tool_test(node_binding
    "bindings/node/node_modules/koffi is missing: run scripts/setup-deps.sh (npm install in bindings/node)")
  # npm install adds node_modules to bindings/node: configure again then.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ZARI_NODE_DIR})
else()
  file(GLOB ZARI_NODE_TESTS CONFIGURE_DEPENDS ${ZARI_NODE_DIR}/test/*.test.js)
  foreach(file ${ZARI_NODE_TESTS})
    get_filename_component(name ${file} NAME)
    string(REGEX REPLACE "\\.test\\.js$" "" name ${name})
    add_test(NAME "node: ${name}" COMMAND ${ZARI_NODE} --test ${file} WORKING_DIRECTORY ${ZARI_NODE_DIR})
    set_tests_properties("node: ${name}" PROPERTIES
      ENVIRONMENT "${ZARI_NODE_ENV}" LABELS "bindings;no-sanitizer" TIMEOUT 600)
  endforeach()
  add_test(NAME example_node_hello COMMAND ${ZARI_NODE} ${PROJECT_SOURCE_DIR}/examples/node/hello.js ${ZARI_PACK_TELECOM})
  set_tests_properties(example_node_hello PROPERTIES
    ENVIRONMENT "${ZARI_NODE_ENV}" LABELS no-sanitizer PASS_REGULAR_EXPRESSION "${ZARI_HELLO_OUTPUT}")
endif()

# ---- PHP through FFI (php-cli 8.2 from Debian, installed by setup-deps.sh).
find_program(ZARI_PHP NAMES php)
if(ZARI_PHP)
  add_test(NAME example_php_hello
           COMMAND ${ZARI_PHP} ${PROJECT_SOURCE_DIR}/examples/php/hello.php ${ZARI_PACK_TELECOM})
  set_tests_properties(example_php_hello PROPERTIES
    ENVIRONMENT "ZARI_LIBRARY=$<TARGET_FILE:zari>" LABELS no-sanitizer
    PASS_REGULAR_EXPRESSION "-> \\[balance\\][^\n]*\n.*-> \\[balance\\][^\n]*\n.*-> \\[balance\\]")
else()
  zari_missing_tool_test(example_php_hello "php not found: run scripts/setup-deps.sh, then re-run cmake")
endif()
