/* Cortex-M4F bare-metal startup for the generated harness on an ARM MPS2
 * board (AN386, as qemu-system-arm -M mps2-an386 models it): the vector
 * table, the FPU switched on, .data copied from flash and .bss zeroed, the
 * C library's semihosting handles and constructors, argv from the debugger
 * (semihosting SYS_GET_CMDLINE), then main and exit. Not newlib's crt0:
 * it moves the stack to wherever the debugger's SYS_HEAPINFO says (under
 * qemu, 32 MiB up), and the program must live in the RAM the linker script
 * gives it. C, like the harness, so a model object links without a C++
 * compiler.
 *
 * Also the harness's cycle counter (SysTick at the core clock, counted
 * across its 24-bit wraps) and, built with QNNC_MEASURE_STACK, the RAM
 * the whole program used: the free RAM between the heap and the stack is
 * painted at reset and read back at exit ("ram_stack_bytes N" etc. on
 * stderr). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv);
void initialise_monitor_handles(void); /* newlib's librdimon */
void __libc_init_array(void);
extern char __stack_top[], __etext[], __data_start__[], __data_end__[], __bss_start__[], __bss_end__[], end[];

/* __libc_init_array calls these (crti.o's, which are not linked). */
void _init(void) {}
void _fini(void) {}

static _Noreturn void fault(void) {
  for (;;) {
  }
}

/* The core clock of the MPS2 AN386 (qemu models the board's 25 MHz). */
const unsigned long qnnc_cpu_hz = 25000000;
static volatile unsigned long systick_wraps;
static void systick(void) { ++systick_wraps; }

#define SYST_CSR (*(volatile unsigned *)0xE000E010)
#define SYST_RVR (*(volatile unsigned *)0xE000E014)
#define SYST_CVR (*(volatile unsigned *)0xE000E018)

/* Core clock cycles since reset. */
unsigned long long qnnc_cycles(void) {
  unsigned long wraps;
  unsigned current;
  do {
    wraps = systick_wraps;
    current = SYST_CVR;
  } while (wraps != systick_wraps);
  return ((unsigned long long)wraps << 24) + (0xFFFFFFu - current);
}

static int semihost(int operation, void *argument) {
  register int r0 __asm("r0") = operation;
  register void *r1 __asm("r1") = argument;
  __asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

#ifdef QNNC_MEASURE_STACK
#define PAINT 0xA5u
static unsigned char *painted_to; /* the free RAM [end, painted_to) */

/* At exit: the heap's top and the stack's deepest point are the ends of
 * the longest run of paint left between them. */
static void report_ram(void) {
  const unsigned char *gap = painted_to, *gap_end = painted_to;
  for (const unsigned char *p = (const unsigned char *)end; p < painted_to;) {
    const unsigned char *run = p;
    while (p < painted_to && *p == PAINT)
      ++p;
    if (p - run > gap_end - gap) {
      gap = run;
      gap_end = p;
    }
    while (p < painted_to && *p != PAINT)
      ++p;
  }
  fprintf(stderr, "ram_stack_bytes %ld\nram_heap_bytes %ld\nram_untouched_bytes %ld\n",
          (long)((const unsigned char *)__stack_top - gap_end), (long)(gap - (const unsigned char *)end),
          (long)(gap_end - gap));
}
#endif

_Noreturn void reset(void) {
  *(volatile unsigned *)0xE000ED88 |= 0xFu << 20; /* CPACR: CP10, CP11 full access */
  __asm volatile("dsb\n isb");
  for (char *from = __etext, *to = __data_start__; to < __data_end__;)
    *to++ = *from++;
  for (char *to = __bss_start__; to < __bss_end__;)
    *to++ = 0;
#ifdef QNNC_MEASURE_STACK
  {
    unsigned char *sp;
    __asm volatile("mov %0, sp" : "=r"(sp));
    painted_to = sp - 256; /* this frame and the calls to come stay clear */
    for (unsigned char *p = (unsigned char *)end; p < painted_to; ++p)
      *p = PAINT;
  }
#endif
  SYST_RVR = 0xFFFFFFu;
  SYST_CVR = 0;
  SYST_CSR = 7; /* enabled, interrupt on wrap, core clock */
  initialise_monitor_handles();
  __libc_init_array();
#ifdef QNNC_MEASURE_STACK
  atexit(report_ram);
#endif
  static char line[256];
  static char *argv[16];
  struct {
    char *buffer;
    int size;
  } cmdline = {line, sizeof line - 1};
  int argc = 0;
  if (semihost(0x15 /* SYS_GET_CMDLINE */, &cmdline) == 0)
    for (char *p = line; *p && argc < 15;) {
      while (*p == ' ')
        *p++ = 0;
      if (*p)
        argv[argc++] = p;
      while (*p && *p != ' ')
        ++p;
    }
  exit(main(argc, argv));
}

/* Initial stack pointer, reset, NMI, hard/mem/bus/usage faults, SVC,
 * debug monitor, PendSV, SysTick. */
__attribute__((section(".vectors"), used)) void (*const vectors[16])(void) = {
    (void (*)(void))__stack_top, reset, fault, fault, fault, fault, fault, 0, 0, 0, 0, fault, fault, 0, fault,
    systick};
