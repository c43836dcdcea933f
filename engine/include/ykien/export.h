// Which C++ declarations libykien.so exports (docs/cpp-api.md). The engine and sync
// are compiled with -fvisibility=hidden: only what is marked YKIEN_CXX_API (the
// public classes and functions of these headers) leaves the shared library, beside
// the C API. Linked statically, the marks change nothing.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define YKIEN_CXX_API __attribute__((visibility("default")))
// For a nested class of an exported one that is an implementation detail: nested
// classes take their enclosing class's visibility unless told otherwise.
#define YKIEN_CXX_INTERNAL __attribute__((visibility("hidden")))
#else
#define YKIEN_CXX_API
#define YKIEN_CXX_INTERNAL
#endif
