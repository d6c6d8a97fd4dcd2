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
set(CMAKE_CXX_FLAGS_INIT "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Wno-psabi")
# What model_main needs without an OS; CMakeLists.txt adds them to it (with
# the target's instruction-set flags), so CMAKE_*_FLAGS stay the user's.
set(QNNC_STARTUP_SOURCES ${CMAKE_CURRENT_LIST_DIR}/startup.cpp)
set(QNNC_LINK_OPTIONS --specs=rdimon.specs -T${CMAKE_CURRENT_LIST_DIR}/mps2-an386.ld)
