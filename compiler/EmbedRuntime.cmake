# Embeds the runtime headers, output templates and target files into
# RuntimeFiles.cpp so that qnnc can write a self-contained output directory
# from anywhere.
file(WRITE ${OUTPUT} "// Generated from runtime/ by EmbedRuntime.cmake.\n#include \"compiler/RuntimeFiles.h\"\nnamespace qnnc::runtime_files {\n")
function(embed var path)
  file(READ ${path} text)
  file(APPEND ${OUTPUT} "const char *const ${var} = R\"qnnc_embed(${text})qnnc_embed\";\n")
endfunction()
# Every file matching `pattern` under runtime/ as `list`, a std::vector<File>
# of paths relative to runtime/.
function(embed_files list pattern)
  file(GLOB files RELATIVE ${RUNTIME_DIR} ${RUNTIME_DIR}/${pattern})
  list(SORT files)
  set(entries "")
  set(index 0)
  foreach(f ${files})
    embed(${list}${index} ${RUNTIME_DIR}/${f})
    string(APPEND entries "  {\"${f}\", ${list}${index}},\n")
    math(EXPR index "${index} + 1")
  endforeach()
  file(APPEND ${OUTPUT} "const std::vector<File> ${list} = {\n${entries}};\n")
endfunction()
embed(modelHeader ${RUNTIME_DIR}/harness/model.h.in)
embed(harness ${RUNTIME_DIR}/harness/model_main.c.in)
embed(cmakeLists ${RUNTIME_DIR}/harness/CMakeLists.txt.in)
embed_files(headers "qnn_runtime/*.h")
embed_files(targetFiles "targets/*/*")
file(APPEND ${OUTPUT} "}\n")
