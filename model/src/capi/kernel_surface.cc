// What imported kernel code reaches that kmapsim does not model yet: a
// function the tree declares and implements elsewhere. The run stops at once with the name, as
// input kmapsim cannot run (exit 2), never carrying on as if it had worked.
#include <cstdio>
#include <unistd.h>

extern "C" __attribute__((noreturn)) void kmapsim_unmodelled(const char *name) {
  fprintf(stderr, "kmapsim: unmodelled kernel function %s() reached: kmapsim does not implement it yet "
          "(write the caller's harness with KMAPSIM_IMPORT so it is not called, or model it in model/src)\n", name);
  fflush(stderr);
  _exit(2);
}

// Dynamic per-CPU data (alloc_percpu): one instance per possible CPU, back
// to back, from the subject heap (so it can fail like the kernel's), and
// reached through the model's this_cpu_ptr()/per_cpu_ptr() like static ones.
extern "C" void *kcalloc(size_t n, size_t size, unsigned int flags);
extern "C" void kfree(const void *ptr);
extern "C" void kmapsim_register_percpu(const void *base, const char *name);

extern "C" void *kmapsim_alloc_percpu(size_t size, unsigned int gfp) {
  constexpr size_t kNrCpusMax = 8;  // KMAPSIM_NR_CPUS_MAX
  return kcalloc(kNrCpusMax, size ? size : 1, gfp);
}

extern "C" void free_percpu(void *ptr) {
  if (ptr) kfree(ptr);
}
