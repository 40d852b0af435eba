# gat's dependencies, all from Debian's packages (scripts/install-deps installs them).
find_package(dnnl CONFIG REQUIRED)
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(Boost 1.74 REQUIRED)           # Boost.Graph is header-only for what gat uses
find_package(nlohmann_json 3.10 REQUIRED)
find_package(ZLIB REQUIRED)
