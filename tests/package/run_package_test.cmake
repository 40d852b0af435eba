# cmake -DBUILD_DIR=... -DCONSUMER_DIR=... -DWORK_DIR=... [-DCXX=...] [-DBUILD_TYPE=...] -P run_package_test.cmake
#
# Installs the build tree BUILD_DIR into a fresh prefix under WORK_DIR, then configures, builds
# and runs the consumer project against that prefix only. The build tree must be fully built.
foreach(var BUILD_DIR CONSUMER_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_package_test.cmake needs -D${var}=...")
  endif()
endforeach()
if(NOT BUILD_TYPE)
  set(BUILD_TYPE Release)
endif()

set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/consumer-build")
# Start clean, so that a stale install or cache cannot make the test pass.
file(REMOVE_RECURSE "${prefix}" "${consumer_build}")

function(run step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "package test: ${step} failed (${rc}): ${ARGN}")
  endif()
endfunction()

run(install "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}" --config "${BUILD_TYPE}")
set(configure_args -S "${CONSUMER_DIR}" -B "${consumer_build}" "-DCMAKE_PREFIX_PATH=${prefix}"
    "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
if(CXX)
  list(APPEND configure_args "-DCMAKE_CXX_COMPILER=${CXX}")
endif()
run(configure "${CMAKE_COMMAND}" ${configure_args})
run(build "${CMAKE_COMMAND}" --build "${consumer_build}" --config "${BUILD_TYPE}")
run(run "${consumer_build}/gat_consumer")
