# Installs ykien (component "ykien") into a prefix under WORK_DIR, then configures,
# builds and runs this consumer project against it — the C API and the C++ API, with
# CMake's find_package and with pkg-config. Variables: BUILD_DIR SOURCE_DIR WORK_DIR
# GENERATOR C_COMPILER CXX_COMPILER EXTRA_FLAGS (sanitizer flags when the library was
# built with them) EXPECT_SYNC (the library has sync: its headers are installed).
cmake_minimum_required(VERSION 3.16)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}")
  endif()
  message(STATUS "${out}")
endfunction()

set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --component ykien)

set(headers include/ykien.h include/ykien/database.h include/ykien/export.h)
if(EXPECT_SYNC)
  list(APPEND headers include/ykien/sync/client.h include/ykien/sync/protocol.h)
endif()
foreach(f ${headers})
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()

run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/build -G ${GENERATOR}
    -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    "-DCMAKE_C_FLAGS=${EXTRA_FLAGS}" "-DCMAKE_CXX_FLAGS=${EXTRA_FLAGS}"
    "-DCMAKE_EXE_LINKER_FLAGS=${EXTRA_FLAGS}")
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/consumer ${WORK_DIR}/shared.db)
run(${WORK_DIR}/build/consumer_cxx ${WORK_DIR}/shared_cxx.db)
if(EXISTS ${WORK_DIR}/build/consumer_static)
  run(${WORK_DIR}/build/consumer_static ${WORK_DIR}/static.db)
  run(${WORK_DIR}/build/consumer_cxx_static ${WORK_DIR}/static_cxx.db)
else()
  message(FATAL_ERROR "ykien::ykien_static was not found in the installed package")
endif()

# pkg-config: the .pc file is relocatable (prefix from its own location).
find_program(PKG_CONFIG pkg-config)
if(PKG_CONFIG)
  file(GLOB_RECURSE pc_files ${prefix}/*/ykien.pc)
  list(GET pc_files 0 pc)
  get_filename_component(pc_dir ${pc} DIRECTORY)
  set(ENV{PKG_CONFIG_PATH} ${pc_dir})
  execute_process(COMMAND ${PKG_CONFIG} --cflags --libs ykien OUTPUT_VARIABLE flags RESULT_VARIABLE rc
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pkg-config ykien failed")
  endif()
  separate_arguments(flags UNIX_COMMAND "${flags}")
  separate_arguments(extra UNIX_COMMAND "${EXTRA_FLAGS}")
  get_filename_component(libdir ${pc_dir} DIRECTORY)
  run(${C_COMPILER} ${extra} ${SOURCE_DIR}/main.c ${flags} -Wl,-rpath,${libdir} -o ${WORK_DIR}/consumer_pc)
  run(${WORK_DIR}/consumer_pc ${WORK_DIR}/pc.db)
  run(${CXX_COMPILER} -std=c++20 ${extra} ${SOURCE_DIR}/main.cpp ${flags} -Wl,-rpath,${libdir}
      -o ${WORK_DIR}/consumer_cxx_pc)
  run(${WORK_DIR}/consumer_cxx_pc ${WORK_DIR}/pc_cxx.db)
endif()
