# SQLite compiled from an amalgamation (YKIEN_SQLITE_AMALGAMATION: a directory with
# sqlite3.c and sqlite3.h) into a static library that stands in for
# PkgConfig::SQLite3. For builds with no system SQLite to link: the Android NDK has
# none, and iOS gets a known version with FTS5. The C libraries take its objects
# inside (platform/CMakeLists.txt). scripts/sqlite-amalgamation.sh makes the
# directory from Debian's sqlite3 source package.
set(_dir "${YKIEN_SQLITE_AMALGAMATION}")
foreach(f sqlite3.c sqlite3.h)
  if(NOT EXISTS "${_dir}/${f}")
    message(FATAL_ERROR "YKIEN_SQLITE_AMALGAMATION=${_dir} has no ${f} "
                        "(scripts/sqlite-amalgamation.sh DIR makes one from Debian's source package)")
  endif()
endforeach()
file(STRINGS "${_dir}/sqlite3.h" _version REGEX "^#define SQLITE_VERSION +\"")
string(REGEX REPLACE ".*\"(.*)\".*" "\\1" _version "${_version}")
message(STATUS "SQLite ${_version} bundled from ${_dir}")

add_library(ykien_sqlite3 STATIC "${_dir}/sqlite3.c")
target_include_directories(ykien_sqlite3 SYSTEM PUBLIC "$<BUILD_INTERFACE:${_dir}>")
# What the engine uses, and defaults for a phone. Options that would change what
# SQL means (SQLITE_DQS, LIKE on blobs...) stay as in the system SQLite the desktop
# tests run on, so that those tests speak for mobile builds too.
target_compile_definitions(ykien_sqlite3 PRIVATE
  SQLITE_ENABLE_FTS5                # opinion search (engine/src/store/schema.cpp)
  SQLITE_THREADSAFE=2               # a connection is used by one thread at a time: Database
                                    # serializes its calls (the server opens FULLMUTEX)
  SQLITE_DEFAULT_WAL_SYNCHRONOUS=1  # NORMAL under WAL, as the engine sets it: safe, fewer fsyncs
  SQLITE_TEMP_STORE=2               # temporary tables in memory: Android has no writable /tmp
  SQLITE_DEFAULT_MEMSTATUS=0        # no global allocation statistics (a mutex per malloc)
  SQLITE_OMIT_DEPRECATED            # APIs the engine does not use: smaller, and a
  SQLITE_OMIT_SHARED_CACHE          # link error should anyone start to use them
  SQLITE_OMIT_LOAD_EXTENSION        # no run-time extensions, no libdl
  HAVE_USLEEP=1                     # busy waits in milliseconds, not whole seconds
  HAVE_LOCALTIME_R=1)               # thread-safe 'localtime' modifier
# Not our code: its warnings are SQLite's business, and -Werror must not stop on them.
# Hidden: the version scripts keep SQLite private in the shared libraries anyway, and
# linked from libykien.a it neither interposes on nor is interposed by another SQLite
# the app loads as a shared library (iOS's libsqlite3.dylib, say).
target_compile_options(ykien_sqlite3 PRIVATE -w)
set_target_properties(ykien_sqlite3 PROPERTIES
  POSITION_INDEPENDENT_CODE ON
  C_VISIBILITY_PRESET hidden)
# FTS5's ranking needs log() from libm, a library of its own except on Apple.
set(YKIEN_SQLITE_SYSTEM_LIBS "")
if(NOT APPLE)
  set(YKIEN_SQLITE_SYSTEM_LIBS m)
endif()
target_link_libraries(ykien_sqlite3 PUBLIC Threads::Threads ${YKIEN_SQLITE_SYSTEM_LIBS})
add_library(PkgConfig::SQLite3 ALIAS ykien_sqlite3)
unset(_dir)
unset(_version)
