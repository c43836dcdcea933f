# A mobile-style build of this tree in WORK_DIR (no libcurl, no server, SQLite from
# the amalgamation in AMALGAMATION), then the C API test against its libykien.so and
# libykien.a, and proof that SQLite inside them is the bundled one: no libsqlite3
# needed, the amalgamation's source id and our compile options in the library.
# Variables: SOURCE_DIR WORK_DIR AMALGAMATION GENERATOR C_COMPILER CXX_COMPILER
# WERROR JOBS READELF NM.
# Not sanitized: what this adds is how SQLite gets in; the code it runs is the
# engine the main (sanitized in CI) build tests, and ASan would double the time
# sqlite3.c takes to compile. Plain -O0 build, for the same reason.
cmake_minimum_required(VERSION 3.16)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}")
  endif()
  set(run_out "${out}" PARENT_SCOPE)
endfunction()

function(fail what)
  message(FATAL_ERROR "bundled SQLite: ${what}")
endfunction()

set(build ${WORK_DIR}/build)
# Kept between runs: a rerun only rebuilds what changed.
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${build} -G ${GENERATOR}
    -DCMAKE_BUILD_TYPE= -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    -DYKIEN_WITH_CURL=OFF -DYKIEN_WITH_SERVER=OFF -DYKIEN_C_WITH_CURL=OFF
    -DYKIEN_SQLITE_AMALGAMATION=${AMALGAMATION} -DYKIEN_WERROR=${WERROR} -DYKIEN_SANITIZE=OFF)
if(NOT run_out MATCHES "SQLite [0-9.]+ bundled from")
  fail("the sub-build did not take the amalgamation:\n${run_out}")
endif()
run(${CMAKE_COMMAND} --build ${build} --parallel ${JOBS}
    --target ykien_c ykien_c_static ykien_capi_test ykien_capi_test_static)

# The C API test (search included: FTS5) against both libraries.
foreach(test ykien_capi_test ykien_capi_test_static)
  run(${build}/tests/platform/${test})
  message(STATUS "${test}: ${run_out}")
endforeach()

set(lib ${build}/platform/libykien.so)
# Nothing asks for the system's libsqlite3: not the library, not its users.
foreach(binary ${lib} ${build}/tests/platform/ykien_capi_test ${build}/tests/platform/ykien_capi_test_static)
  run(${READELF} -d ${binary})
  if(run_out MATCHES "libsqlite3")
    fail("${binary} needs libsqlite3:\n${run_out}")
  endif()
endforeach()

# SQLite is defined inside, and kept private (version script, hidden visibility).
run(${NM} -D ${lib})
if(run_out MATCHES "[ \t\n][A-Za-z] (sqlite3_[a-z_0-9]+)")
  fail("libykien.so imports or exports ${CMAKE_MATCH_1}")
endif()

# It is the amalgamation's SQLite, compiled with our options: the source id of its
# sqlite3.h, and option names SQLite keeps for PRAGMA compile_options (the system
# SQLite is THREADSAFE=1).
file(STRINGS ${AMALGAMATION}/sqlite3.h id_line REGEX "^#define SQLITE_SOURCE_ID")
string(REGEX REPLACE ".*\"(.*)\".*" "\\1" source_id "${id_line}")
if(source_id STREQUAL "")
  fail("no SQLITE_SOURCE_ID in ${AMALGAMATION}/sqlite3.h")
endif()
foreach(expected "${source_id}" "ENABLE_FTS5" "THREADSAFE=2" "DEFAULT_WAL_SYNCHRONOUS=1" "TEMP_STORE=2"
                 "OMIT_LOAD_EXTENSION")
  file(STRINGS ${lib} found LIMIT_COUNT 1 REGEX "${expected}")
  if(NOT found)
    fail("libykien.so does not hold \"${expected}\"")
  endif()
endforeach()
message(STATUS "libykien.so holds SQLite ${source_id}, needs no libsqlite3, exports no sqlite3_*")
