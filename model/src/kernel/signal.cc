// Signals, as the code that runs in a system call sees them: a signal for
// the task arrives when the run decides (a fallible call of kind
// Fault::Interrupted: the fault sweep and exhaustive enumeration reach
// every place one can arrive), and then stays pending, as in the kernel
// until the return to user space delivers it. So once a fatal signal has
// arrived, fatal_signal_pending() stays true and every killable sleep
// after it ends at once; a non-fatal one does the same for signal_pending()
// and interruptible sleeps. Only the current task's signals are modelled.
//
// Only a user task gets one: the subject's own, which runs a system call.
// Kernel threads and kworkers ignore every signal (kthreadd's
// ignore_signals(), which the threads it creates inherit), so an
// interruptible sleep of theirs ends only for kthread_stop(), whose pending
// "signal" (TIF_NOTIFY_SIGNAL) sched.cc sets. Were one to arrive, a thread
// waiting for its stop would return early and a correct kthread_stop()
// would look like a use after free.
#include "machine.h"

namespace kmapsim {

// The decision is asked even when a signal is pending already, so that a
// sleep's place in the run's decision stream does not depend on earlier
// answers (recorded traces of runs without a pending signal are unchanged).
bool Machine::signal_arrives(bool fatal_only, const char *api) {
  if (!running_ || cur_task() < 0) return false;
  Task &t = cur();
  if (t.subject && fallible(Fault::Interrupted, api)) {
    Signal s = fatal_only ? Signal::Fatal : Signal::Pending;
    if (s > t.signal) t.signal = s;
  }
  return t.signal == Signal::Fatal || (!fatal_only && t.signal != Signal::None);
}

}  // namespace kmapsim
