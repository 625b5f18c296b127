# Integration tests of `zari serve` and `zari fastagi` through their sockets,
# as a browser, a web back end or Asterisk talks to them (included from
# tests/CMakeLists.txt). Python clients use the standard library only.
#
# Label no-sanitizer: the browser test (an uninstrumented Chromium and node
# driving a server that sanitizers slow down a lot). The socket tests run in
# sanitizer builds too: the server under test is the instrumented zari.
# Nothing is skipped silently: a missing tool is a failing test that says
# what to run.

find_program(ZARI_SERVER_PYTHON3 NAMES python3)
set(ZARI_SERVER_TEST_ENV "ZARI_SOURCE_DIR=${PROJECT_SOURCE_DIR}" "PYTHONDONTWRITEBYTECODE=1")
foreach(name http_api transport store operators redis deploy fastagi)
  if(ZARI_SERVER_PYTHON3)
    add_test(NAME server_${name}
             COMMAND ${ZARI_SERVER_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/server/${name}_test.py
                     $<TARGET_FILE:zari_cli> ${PROJECT_SOURCE_DIR})
    set_tests_properties(server_${name} PROPERTIES ENVIRONMENT "${ZARI_SERVER_TEST_ENV}" LABELS server TIMEOUT 300)
  else()
    add_test(NAME server_${name} COMMAND sh -c "echo 'python3 not found: run scripts/setup-deps.sh' >&2; exit 1")
  endif()
endforeach()

# The chat widget in headless Chromium (playwright-core from bindings/node).
# The script itself fails, saying to run scripts/setup-deps.sh, when Chromium
# or playwright-core is missing.
find_program(ZARI_BROWSER_NODE NAMES node nodejs)
# widget: the visitor's side; takeover: a visitor and an operator in two pages.
foreach(name widget takeover)
  if(ZARI_BROWSER_NODE)
    add_test(NAME browser_${name}
             COMMAND ${ZARI_BROWSER_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/browser/${name}_test.js
                     $<TARGET_FILE:zari_cli> ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/browser)
  else()
    add_test(NAME browser_${name}
             COMMAND sh -c "echo 'node not found: run scripts/setup-deps.sh (nodejs, chromium, playwright-core)' >&2; exit 1")
  endif()
  set_tests_properties(browser_${name} PROPERTIES LABELS "browser;no-sanitizer" TIMEOUT 300)
endforeach()
