# cmake -DBUILD_DIR=... -DCONSUMER_DIR=... -DWORK_DIR=... [-DEMBED_DIR=...] [-DCXX=...] [-DBUILD_TYPE=...]
#       -P run_package_test.cmake
#
# Installs the build tree BUILD_DIR into a fresh prefix under WORK_DIR, then configures, builds
# and runs the consumer project against that prefix only. With EMBED_DIR (the worked example
# apps/embed_example/project): trains a small model with the installed `gat` (5 epochs on the
# synthetic graph), builds the example against the prefix and runs it on that checkpoint. The
# build tree must be fully built.
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
set(embed_build "${WORK_DIR}/embed-build")
set(checkpoint "${WORK_DIR}/model.safetensors")
# Start clean, so that a stale install or cache cannot make the test pass.
file(REMOVE_RECURSE "${prefix}" "${consumer_build}" "${embed_build}" "${checkpoint}")

function(run step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "package test: ${step} failed (${rc}): ${ARGN}")
  endif()
endfunction()

run(install "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}" --config "${BUILD_TYPE}")
# The installed interface is the public headers alone: no internal (detail) header may ship.
file(GLOB_RECURSE installed LIST_DIRECTORIES true "${prefix}/include/gat/*")
set(internal_headers ${installed})
list(FILTER internal_headers INCLUDE REGEX "/detail(/|$)")
if(internal_headers)
  message(FATAL_ERROR "package test: internal headers were installed: ${internal_headers}")
endif()
set(compiler_args)
if(CXX)
  list(APPEND compiler_args "-DCMAKE_CXX_COMPILER=${CXX}")
endif()
run(configure "${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${consumer_build}" "-DCMAKE_PREFIX_PATH=${prefix}"
    "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}" ${compiler_args})
run(build "${CMAKE_COMMAND}" --build "${consumer_build}" --config "${BUILD_TYPE}")
run(run "${consumer_build}/gat_consumer")

if(EMBED_DIR)
  # The installed command, run from the prefix (with its libraries first on the search path).
  set(run_env "${CMAKE_COMMAND}" -E env "LD_LIBRARY_PATH=${prefix}/lib:${prefix}/lib64:$ENV{LD_LIBRARY_PATH}")
  if(NOT EXISTS "${prefix}/bin/gat")
    message(FATAL_ERROR "package test: the install has no bin/gat (was the build tree built with the apps?)")
  endif()
  run(train ${run_env} "${prefix}/bin/gat" train --epochs 5 --threads 2 --save "${checkpoint}")
  run(configure-example "${CMAKE_COMMAND}" -S "${EMBED_DIR}" -B "${embed_build}" "-DCMAKE_PREFIX_PATH=${prefix}"
      "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}" ${compiler_args})
  run(build-example "${CMAKE_COMMAND}" --build "${embed_build}" --config "${BUILD_TYPE}")
  run(run-example ${run_env} "${embed_build}/embed_example" "${checkpoint}")
endif()
