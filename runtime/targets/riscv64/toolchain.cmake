# RISC-V 64 (RV64GC) Linux with Debian's cross compiler
# (g++-riscv64-linux-gnu). model_main is linked statically, so it runs on
# any RV64 Linux, or here under qemu-user:
#   qemu-riscv64 build/model_main INPUT.bin OUTPUT.bin
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(CMAKE_C_COMPILER riscv64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER riscv64-linux-gnu-g++)
set(QNNC_LINK_OPTIONS -static)
