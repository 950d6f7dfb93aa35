# Warnings are errors on our own targets only; third-party and generated code keep their defaults.
option(REVIEWTRAIL_WERROR "Treat warnings as errors on ReviewTrail's own targets" ON)

function(reviewtrail_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
                                           -Wimplicit-fallthrough
                                           # Designated initializers leave the rest defaulted on purpose;
                                           # -Wnull-dereference is left out: at -O2 GCC 12 reports it
                                           # inside inlined library code (CLI11, libstdc++).
                                           -Wno-missing-field-initializers)
  # clang checks the locking annotations (ABSL_GUARDED_BY and friends, on absl::Mutex): a guarded
  # member touched without its lock, or a lock left held, does not compile.
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_compile_options(${target} PRIVATE -Wthread-safety)
  endif()
  if(REVIEWTRAIL_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# reviewtrail_allocator(<target>): the binary allocates through jemalloc (RocksDB's recommended
# allocator) when REVIEWTRAIL_JEMALLOC is on: less CPU in malloc and free for the projections' many
# short-lived strings and messages, and memory handed back to the system after a burst (a rebuild).
function(reviewtrail_allocator target)
  if(REVIEWTRAIL_JEMALLOC)
    target_link_libraries(${target} PRIVATE PkgConfig::JEMALLOC)
  endif()
endfunction()

# reviewtrail_library(NAME <name> SOURCES ... DEPS ...): libs/<name> with include/ public.
function(reviewtrail_library)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(reviewtrail_${ARG_NAME} ${ARG_SOURCES})
  add_library(reviewtrail::${ARG_NAME} ALIAS reviewtrail_${ARG_NAME})
  target_include_directories(reviewtrail_${ARG_NAME} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(reviewtrail_${ARG_NAME} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  reviewtrail_warnings(reviewtrail_${ARG_NAME})
endfunction()

# reviewtrail_test(NAME <name> LABEL unit|integration|e2e SOURCES ... DEPS ...)
function(reviewtrail_test)
  cmake_parse_arguments(ARG "" "NAME;LABEL;TIMEOUT" "SOURCES;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  # The shared test helpers (status_matchers.h: the IsError matcher).
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
  reviewtrail_warnings(${ARG_NAME})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  gtest_discover_tests(${ARG_NAME} PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT}
                       DISCOVERY_TIMEOUT 60)
endfunction()

# The libFuzzer targets of tests/fuzz need clang: the dev preset (clang) builds them beside the
# tests, and its CTest runs each one briefly (label fuzz).
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  set(REVIEWTRAIL_FUZZ_DEFAULT ON)
else()
  set(REVIEWTRAIL_FUZZ_DEFAULT OFF)
endif()
option(REVIEWTRAIL_FUZZ "Build the libFuzzer targets of tests/fuzz (clang only)"
       ${REVIEWTRAIL_FUZZ_DEFAULT})
