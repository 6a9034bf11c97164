// Fibers: simulated tasks run on one host thread and switch only at
// scheduling points. The switch saves callee-saved registers and the stack
// pointer (no signal-mask system call, unlike swapcontext), and tells ASan
// and TSan about every stack change so their bookkeeping stays right.
#pragma once

#include <cstddef>

namespace kmapsim {

class Fiber {
 public:
  using Entry = void (*)(void *arg);

  Fiber() = default;
  ~Fiber();
  Fiber(const Fiber &) = delete;
  Fiber &operator=(const Fiber &) = delete;

  // Makes this fiber the record of the calling host context (no own stack).
  void adopt_current();
  // Prepares a fiber that will run entry(arg) on its own stack when first
  // switched to. The stack is kept across init() calls (runs reuse fibers).
  void init(Entry entry, void *arg, size_t stack_size = 256 * 1024);
  // Switches from `from` (the fiber running now) to `to`.
  static void switch_to(Fiber *from, Fiber *to);
  // Switches to `to` from a context that will never be resumed (a signal
  // handler on a dying fiber, or an exiting fiber).
  [[noreturn]] static void jump_to(Fiber *from, Fiber *to);
  bool contains(const void *p) const {
    return stack_ && static_cast<const char *>(p) >= stack_ && static_cast<const char *>(p) < stack_ + stack_size_;
  }

 private:
  void *sp_ = nullptr;
  char *stack_ = nullptr;
  size_t stack_size_ = 0;
  // For the host context, learnt on the first switch back to it.
  const void *bottom_ = nullptr;
  size_t size_ = 0;
  void *fake_stack_ = nullptr;
  // ThreadSanitizer's fiber of this context (used only where TSan is linked).
  [[maybe_unused]] void *tsan_fiber_ = nullptr;
  [[maybe_unused]] bool tsan_owned_ = false;
  [[maybe_unused]] unsigned tsan_inits_ = 0;
  friend void fiber_first_entry(Fiber *);
  Entry entry_ = nullptr;
  void *arg_ = nullptr;
};

}  // namespace kmapsim
