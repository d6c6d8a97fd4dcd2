# qnnc_add_model(TARGET MODEL.onnx [NAME NAME] [QNNC_ARGS ARG...])
#
# Compiles MODEL.onnx with qnnc when the build needs it (again when the
# model or qnnc changes) and makes TARGET a static library of the generated
# C++: link it and include "NAME.h" (NAME_run, NAME_ARENA_BYTES; NAME
# defaults to TARGET). QNNC_ARGS go to qnnc as they are, e.g. --target=native
# --threads=2 --bits=4 --calib=FILE; the library is compiled with the flags
# that --target and --threads need.
function(qnnc_add_model target model)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "NAME" "QNNC_ARGS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "qnnc_add_model(${target}): unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  foreach(a IN LISTS arg_QNNC_ARGS)
    if(a MATCHES "^--?(o|name|emit)(=|$)")
      message(FATAL_ERROR "qnnc_add_model(${target}): qnnc_add_model sets ${a} itself (use NAME)")
    endif()
  endforeach()
  if(NOT arg_NAME)
    set(arg_NAME ${target})
  endif()
  get_filename_component(model "${model}" ABSOLUTE)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/qnnc_${target})

  # What the generated code needs of the compiler for these arguments.
  get_target_property(qnnc qnnc::qnnc LOCATION)
  execute_process(COMMAND ${qnnc} ${arg_QNNC_ARGS} --print-build-flags
                  OUTPUT_VARIABLE flags ERROR_VARIABLE error RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "qnnc_add_model(${target}): ${error}")
  endif()
  foreach(key ARCH_FLAGS CLANG_FLAGS THREADS)
    string(REGEX MATCH "QNNC_${key}=([^\n]*)" _ "${flags}")
    set(${key} "${CMAKE_MATCH_1}")
  endforeach()

  add_custom_command(
    OUTPUT ${dir}/${arg_NAME}.cpp ${dir}/${arg_NAME}.h
    BYPRODUCTS ${dir}/${arg_NAME}.weights
    COMMAND qnnc::qnnc ${model} -o ${dir} --name ${arg_NAME} -q ${arg_QNNC_ARGS}
    DEPENDS ${model} qnnc::qnnc
    COMMENT "qnnc: compiling ${model}"
    VERBATIM)
  add_library(${target} STATIC ${dir}/${arg_NAME}.cpp ${dir}/${arg_NAME}.h)
  # The include path also leads the assembler to NAME.weights (.incbin).
  target_include_directories(${target} PUBLIC ${dir})
  target_compile_features(${target} PRIVATE cxx_std_17)
  separate_arguments(arch_flags UNIX_COMMAND "${ARCH_FLAGS}")
  # As the generated project compiles it: no multiply-add contraction, so
  # folded thresholds decide ties as qnnc computed them.
  target_compile_options(${target} PRIVATE -fno-exceptions -fno-rtti -ffp-contract=off ${arch_flags})
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_compile_options(${target} PRIVATE "SHELL:${CLANG_FLAGS}")
  endif()
  target_compile_definitions(${target} PRIVATE QNN_RT_THREADS=${THREADS})
  target_link_libraries(${target} PUBLIC m)
  if(THREADS GREATER 1)
    find_package(OpenMP REQUIRED)
    target_link_libraries(${target} PUBLIC OpenMP::OpenMP_CXX)
  endif()
endfunction()
