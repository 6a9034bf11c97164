// What imported kernel code reaches that kmapsim does not model yet: a
// function the tree declares and implements elsewhere, a wait queue
// wake-up, an RCU grace period. The run stops at once with the name, as
// input kmapsim cannot run (exit 2), never carrying on as if it had worked.
#include <cstdio>
#include <unistd.h>

extern "C" __attribute__((noreturn)) void kmapsim_unmodelled(const char *name) {
  fprintf(stderr, "kmapsim: unmodelled kernel function %s() reached: kmapsim does not implement it yet "
          "(write the caller's harness with KMAPSIM_IMPORT so it is not called, or model it in model/src)\n", name);
  fflush(stderr);
  _exit(2);
}
