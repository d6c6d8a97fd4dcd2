# Cortex-M4F without an OS (arm-none-eabi, newlib with semihosting I/O):
# model_main runs on an MPS2 AN386 board or under
#   qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
#     -semihosting-config enable=on,target=native,arg=model_main,arg=IN.bin,arg=OUT.bin \
#     -kernel model_main
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
# -Wno-psabi: GCC's note that passing std::integral_constant changed in 7.1.
set(CMAKE_C_FLAGS_INIT "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
set(CMAKE_CXX_FLAGS_INIT "${CMAKE_C_FLAGS_INIT} -Wno-psabi")
# What model_main needs without an OS; CMakeLists.txt adds them to it (with
# the target's instruction-set flags), so CMAKE_*_FLAGS stay the user's.
set(QNNC_STARTUP_SOURCES ${CMAKE_CURRENT_LIST_DIR}/startup.c)
set(QNNC_HARNESS_DEFINITIONS QNNC_NO_OS)
# The board's memory: the link fails when the program (code and constants;
# data, arena and what stack and heap need) does not fit. The MPS2 AN386
# has 4 MiB of each; a microcontroller, e.g. -DQNNC_FLASH_BYTES=262144
# -DQNNC_RAM_BYTES=65536.
set(QNNC_FLASH_BYTES 4194304 CACHE STRING "flash bytes: code and constants")
set(QNNC_RAM_BYTES 4194304 CACHE STRING "RAM bytes: data, arena, heap and stack")
set(QNNC_STACK_HEAP_BYTES 4096 CACHE STRING "RAM the link must leave for stack and heap")
# (No OS, no executable-stack notes: newlib's objects have none.)
set(QNNC_LINK_OPTIONS --specs=rdimon.specs -nostartfiles -Wl,--no-warn-execstack -T${CMAKE_CURRENT_LIST_DIR}/mps2-an386.ld
    -Wl,--defsym=__qnnc_flash_bytes=${QNNC_FLASH_BYTES} -Wl,--defsym=__qnnc_ram_bytes=${QNNC_RAM_BYTES}
    -Wl,--defsym=__qnnc_stack_heap_bytes=${QNNC_STACK_HEAP_BYTES})
