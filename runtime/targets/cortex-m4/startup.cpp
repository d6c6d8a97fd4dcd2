// Cortex-M4F bare-metal startup for the generated harness on an ARM MPS2
// board (AN386, as qemu-system-arm -M mps2-an386 models it): the vector
// table, the FPU switched on, .data copied from flash, then newlib's crt0
// (rdimon: zeroes .bss, takes argv over semihosting, calls main, exits).
extern "C" {
void _start();
extern char __stack_top[], __etext[], __data_start__[], __data_end__[];

[[noreturn]] static void fault() {
  for (;;) {
  }
}

[[noreturn]] void reset() {
  *reinterpret_cast<volatile unsigned *>(0xE000ED88) |= 0xFu << 20; // CPACR: CP10, CP11 full access
  __asm volatile("dsb\n isb");
  for (char *from = __etext, *to = __data_start__; to < __data_end__;)
    *to++ = *from++;
  _start();
  fault();
}

// Initial stack pointer, reset, NMI, hard/mem/bus/usage faults, SVC,
// debug monitor, PendSV, SysTick.
__attribute__((section(".vectors"), used)) void (*const vectors[16])() = {
    reinterpret_cast<void (*)()>(__stack_top), reset, fault, fault, fault, fault, fault, nullptr, nullptr, nullptr,
    nullptr, fault, fault, nullptr, fault, fault};
}
