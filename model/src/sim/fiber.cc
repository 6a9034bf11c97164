#include "fiber.h"

#include <sys/mman.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KMAPSIM_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define KMAPSIM_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define KMAPSIM_ASAN 1
#endif
// The fuzz preset links ASan's runtime for the subject without instrumenting
// the model: the switches must still be announced, or ASan mistakes a fiber's
// stack for a wild pointer and keeps stale fake frames.
#if defined(KMAPSIM_ASAN_RUNTIME)
#define KMAPSIM_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#define KMAPSIM_TSAN 1
#endif

#ifdef KMAPSIM_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef KMAPSIM_TSAN
#include <sanitizer/tsan_interface.h>
#endif

#if !defined(__x86_64__)
#error "kmapsim's fiber switch is written for x86-64"
#endif

// kmapsim_fiber_swap(void **save_sp, void *load_sp): pushes the callee-saved
// registers, MXCSR and the x87 control word, saves rsp, loads the other
// fiber's rsp and pops the same set. A new fiber's stack is laid out so the
// final `ret` enters kmapsim_fiber_trampoline.
asm(R"(
  .text
  .globl kmapsim_fiber_swap
  .type kmapsim_fiber_swap,@function
kmapsim_fiber_swap:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size kmapsim_fiber_swap,.-kmapsim_fiber_swap

  .globl kmapsim_fiber_trampoline
  .type kmapsim_fiber_trampoline,@function
kmapsim_fiber_trampoline:
  movq %r12, %rdi
  callq kmapsim_fiber_first_entry
  ud2
  .size kmapsim_fiber_trampoline,.-kmapsim_fiber_trampoline
)");

extern "C" void kmapsim_fiber_swap(void **save_sp, void *load_sp);
extern "C" void kmapsim_fiber_trampoline();

namespace kmapsim {

namespace {
thread_local Fiber *t_switch_from = nullptr;
thread_local void *dead_sp_ = nullptr;  // jump_to from a fiber without a stack of its own
}

void fiber_first_entry(Fiber *f) {
#ifdef KMAPSIM_ASAN
  const void *bottom;
  size_t size;
  __sanitizer_finish_switch_fiber(nullptr, &bottom, &size);
  if (t_switch_from && !t_switch_from->stack_) {
    t_switch_from->bottom_ = bottom;
    t_switch_from->size_ = size;
  }
#endif
  f->entry_(f->arg_);
  fprintf(stderr, "kmapsim: internal error: a fiber entry returned\n");
  abort();
}

}  // namespace kmapsim

extern "C" void kmapsim_fiber_first_entry(kmapsim::Fiber *f) { kmapsim::fiber_first_entry(f); }

namespace kmapsim {

Fiber::~Fiber() {
  if (stack_) munmap(stack_, stack_size_);
#ifdef KMAPSIM_TSAN
  if (tsan_fiber_ && tsan_owned_) __tsan_destroy_fiber(tsan_fiber_);
#endif
}

void Fiber::adopt_current() {
#ifdef KMAPSIM_TSAN
  tsan_fiber_ = __tsan_get_current_fiber();
  tsan_owned_ = false;
#endif
}

void Fiber::init(Entry entry, void *arg, size_t stack_size) {
  if (!stack_ || stack_size_ != stack_size) {
    if (stack_) munmap(stack_, stack_size_);
    sp_ = nullptr;
    stack_size_ = stack_size;
    void *p = mmap(nullptr, stack_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
      perror("kmapsim: mmap of a fiber stack");
      abort();
    }
    stack_ = static_cast<char *>(p);
  }
#ifdef KMAPSIM_ASAN
  // A reused stack still carries the redzones of the frames that were live
  // when the fiber was last left (every run abandons its tasks mid-call).
  // They all lie above the stack pointer it was left at (switch_to and
  // jump_to save it); frames below it returned and cleaned up after
  // themselves. Unpoisoning only that part keeps a run from paying for the
  // whole stack's shadow.
  char *live = static_cast<char *>(sp_);
  if (live > stack_ + 4096 && live <= stack_ + stack_size_)
    __asan_unpoison_memory_region(live - 4096, static_cast<size_t>(stack_ + stack_size_ - (live - 4096)));
  else
    __asan_unpoison_memory_region(stack_, stack_size_);
#endif
#ifdef KMAPSIM_TSAN
  // A fiber is reused run after run, and every run abandons it mid-call (a
  // task's entry never returns), leaving a few entries on TSan's shadow
  // call stack of the fiber each time: after ~15000 runs it overflows and
  // TSan crashes. A fresh TSan fiber now and then starts that stack empty.
  // (The fiber being set up is never the running one.)
  if (tsan_fiber_ && tsan_owned_ && ++tsan_inits_ % 1024 == 0) {
    __tsan_destroy_fiber(tsan_fiber_);
    tsan_fiber_ = nullptr;
  }
  if (!tsan_fiber_) {
    tsan_fiber_ = __tsan_create_fiber(0);
    tsan_owned_ = true;
  }
#endif
  entry_ = entry;
  arg_ = arg;
  bottom_ = stack_;
  size_ = stack_size_;
  uintptr_t top = reinterpret_cast<uintptr_t>(stack_ + stack_size_) & ~uintptr_t(15);
  void **sp = reinterpret_cast<void **>(top);
  // After the final `ret` pops the trampoline address rsp == top: 16-byte
  // aligned at the trampoline's call, as the ABI wants.
  *--sp = reinterpret_cast<void *>(kmapsim_fiber_trampoline);
  *--sp = nullptr;                     // rbp
  *--sp = nullptr;                     // rbx
  *--sp = this;                        // r12: the trampoline's argument
  *--sp = nullptr;                     // r13
  *--sp = nullptr;                     // r14
  *--sp = nullptr;                     // r15
  uint32_t csr[2] = {0x1f80, 0x037f};  // default MXCSR, x87 control word
  --sp;
  __builtin_memcpy(sp, csr, sizeof csr);
  sp_ = sp;
}

void Fiber::switch_to(Fiber *from, Fiber *to) {
  t_switch_from = from;
#ifdef KMAPSIM_ASAN
  __sanitizer_start_switch_fiber(&from->fake_stack_, to->bottom_, to->size_);
#endif
#ifdef KMAPSIM_TSAN
  __tsan_switch_to_fiber(to->tsan_fiber_, 0);
#endif
  kmapsim_fiber_swap(&from->sp_, to->sp_);
#ifdef KMAPSIM_ASAN
  const void *bottom;
  size_t size;
  __sanitizer_finish_switch_fiber(from->fake_stack_, &bottom, &size);
  if (t_switch_from && !t_switch_from->stack_) {
    t_switch_from->bottom_ = bottom;
    t_switch_from->size_ = size;
  }
#endif
}

void Fiber::jump_to(Fiber *from, Fiber *to) {
  t_switch_from = from;
#ifdef KMAPSIM_ASAN
  // nullptr: the fiber we leave is never resumed, so ASan drops its fake stack.
  __sanitizer_start_switch_fiber(nullptr, to->bottom_, to->size_);
#endif
#ifdef KMAPSIM_TSAN
  __tsan_switch_to_fiber(to->tsan_fiber_, 0);
#endif
  // The abandoned fiber's stack pointer, for the next init() (above).
  kmapsim_fiber_swap(from->stack_ ? &from->sp_ : &dead_sp_, to->sp_);
  abort();
}

}  // namespace kmapsim
