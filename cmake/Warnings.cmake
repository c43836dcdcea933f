# Warnings on every target of ours through one interface library.
add_library(ykien_warnings INTERFACE)
target_compile_options(ykien_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  $<$<BOOL:${YKIEN_WERROR}>:-Werror>)
