# CTest bench/province-quick-<backend>: runs `ykien-bench province --quick` on one
# backend and checks that it exits 0 and prints every figure it must. Nothing about
# time is asserted.
#   cmake -DBENCH=path/to/ykien-bench -DBACKEND=sqlite|postgres [-DPG_DIR=DIR] -P province_smoke.cmake
# PG_DIR: a directory made by scripts/pg-test-cluster.sh (its conninfo, or skip).
set(figures
  province_devices province_requests province_requests_per_s province_push_p50_ms province_push_p99_ms
  province_pull_p50_ms province_pull_p99_ms province_changes_per_s province_pulled_changes_per_s
  province_seed_cells province_seed_s province_hub_cells province_hub_initial_sync_s)

set(args province --quick --backend ${BACKEND})
set(names)
foreach(f ${figures})
  list(APPEND names ${f}_${BACKEND})
endforeach()
if(BACKEND STREQUAL "postgres")
  if(NOT EXISTS ${PG_DIR}/conninfo)
    set(why "no cluster in ${PG_DIR}: run the sync-pg/setup test")
    if(EXISTS ${PG_DIR}/skip)
      file(READ ${PG_DIR}/skip why)
    endif()
    message("YKIEN-SKIP: PostgreSQL not available: ${why}")
    return()
  endif()
  file(STRINGS ${PG_DIR}/conninfo conninfo LIMIT_COUNT 1)
  list(APPEND args --postgres "${conninfo}")
  list(APPEND names ${figures})  # the unsuffixed figures are PostgreSQL's
endif()

execute_process(COMMAND ${BENCH} ${args} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
message("${out}")
if(NOT rc EQUAL 0)
  list(JOIN args " " command)
  message(FATAL_ERROR "ykien-bench ${command} exited with ${rc}:\n${err}")
endif()
foreach(name ${names})
  if(NOT out MATCHES "(^|\n)BENCH ${name} [0-9.]+ [^\n]+\n")
    message(FATAL_ERROR "ykien-bench printed no figure ${name}\nstderr:\n${err}")
  endif()
endforeach()
