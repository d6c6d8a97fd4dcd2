# AArch64 Linux with Debian's cross compiler (g++-aarch64-linux-gnu).
# model_main is linked statically, so it runs on any AArch64 Linux, or here
# under qemu-user:  qemu-aarch64 build/model_main INPUT.bin OUTPUT.bin
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(QNNC_LINK_OPTIONS -static)
