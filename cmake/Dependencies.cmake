# Every third-party dependency is found here, as Debian installs it (scripts/install-deps.sh).
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)  # FindProtobuf module: Debian ships no protobuf CMake config.
find_package(gRPC CONFIG REQUIRED)
find_package(RocksDB CONFIG REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)
find_package(absl CONFIG REQUIRED)
find_package(GTest CONFIG REQUIRED)
find_package(benchmark CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(CURL REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)
pkg_check_modules(RDKAFKAPP REQUIRED IMPORTED_TARGET rdkafka++)
pkg_check_modules(JWT REQUIRED IMPORTED_TARGET libjwt)

# The long-running binaries allocate through jemalloc (reviewtrail_allocator). Off by default when
# the build instruments memory with a sanitizer, whose own allocator must stay in place.
if(CMAKE_CXX_FLAGS MATCHES "-fsanitize=")
  set(REVIEWTRAIL_JEMALLOC_DEFAULT OFF)
else()
  set(REVIEWTRAIL_JEMALLOC_DEFAULT ON)
endif()
option(REVIEWTRAIL_JEMALLOC "Link the server, service and benchmark binaries with jemalloc"
       ${REVIEWTRAIL_JEMALLOC_DEFAULT})
if(REVIEWTRAIL_JEMALLOC)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
endif()
