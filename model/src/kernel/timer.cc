// Timers (linux/timer.h) on the tasklet machinery (softirq.cc). An armed
// timer is its softirq item queued at once on the CPU it expires on, so its
// callback runs where that CPU's softirqs run, in softirq context, with
// the context checks of a tasklet. Simulated time has no wheel: an expiry
// is "whenever the run lets softirqs run there", which covers every later
// moment the explorer's orders reach, as a delayed work item's does.
//
// As kernel/time/timer.c: mod_timer() of a pending timer keeps it queued
// once (and says it was pending); del_timer() takes a pending one off its
// queue without waiting; del_timer_sync() first waits, spinning, until the
// callback is not running on any CPU (called from that callback, or from
// an interrupt over it, it spins forever: reported once every task waits);
// timer_shutdown() clears the function, after which arming does nothing.
// A timer still queued in the stack of a task that returns is reported:
// its expiry would run a callback on a dead stack.
#include "api_entry.h"
#include "machine.h"

#include <linux/timer.h>
#undef current

namespace {

constexpr unsigned long kRun = 1ul << TASKLET_STATE_RUN;

struct tasklet_struct *item(struct timer_list *t) { return &t->__kmapsim_softirq; }

void set_up(kmapsim::Machine &m, struct timer_list *t, const char *api) {
  if (t && t->__kmapsim_softirq.callback == kmapsim_timer_fire) return;
  m.report(kmapsim::BugClass::SubjectBug, -1, -1, "%s(%p): a timer never set up with timer_setup() or DEFINE_TIMER()", api,
           static_cast<void *>(t));
}

// Arms t on cpu (-1: the current one). Whether it was pending.
int arm(kmapsim::Machine &m, struct timer_list *t, unsigned long expires, int cpu, const char *api) {
  set_up(m, t, api);
  if (!t->function) {  // shut down: arming does nothing
    m.sched_point(api);
    return 0;
  }
  m.note_handover(t, api);
  t->expires = expires;
  bool pending = m.softirq().dequeue(item(t));
  m.softirq().schedule(item(t), false, cpu);
  m.sched_point(api);
  return pending;
}

// Takes t off its queue, and with sync first waits until its callback is
// not running (then takes off what the callback re-armed, as the kernel's
// retry does). Whether it was pending.
int cancel(kmapsim::Machine &m, struct timer_list *t, bool sync, bool shutdown, const char *api) {
  set_up(m, t, api);
  m.sched_point(api);
  if (sync) m.softirq().spin_until_done(item(t), api);
  bool pending = m.softirq().dequeue(item(t));
  if (shutdown) t->function = nullptr;
  return pending;
}

}  // namespace

extern "C" {

// The softirq item's function: the timer's callback, with interrupts off
// for TIMER_IRQSAFE.
void kmapsim_timer_fire(struct tasklet_struct *tl) {
  struct timer_list *t = reinterpret_cast<struct timer_list *>(reinterpret_cast<char *>(tl) - offsetof(struct timer_list, __kmapsim_softirq));
  void (*fn)(struct timer_list *) = t->function;
  if (!fn) return;  // shut down after it was queued
  if (t->flags & TIMER_IRQSAFE) {
    unsigned long flags;
    local_irq_save(flags);
    fn(t);
    local_irq_restore(flags);
  } else {
    fn(t);
  }
}

void kmapsim_timer_setup(struct timer_list *t, void (*fn)(struct timer_list *), unsigned int flags) {
  KMAPSIM_API;
  (void)m;
  t->expires = 0;
  t->function = fn;
  t->flags = flags & TIMER_INIT_FLAGS;
  t->__kmapsim_softirq = {};
  t->__kmapsim_softirq.use_callback = true;
  t->__kmapsim_softirq.callback = kmapsim_timer_fire;
}

int mod_timer(struct timer_list *t, unsigned long expires) {
  KMAPSIM_API;
  return arm(m, t, expires, -1, "mod_timer");
}

void add_timer(struct timer_list *t) {
  KMAPSIM_API;
  set_up(m, t, "add_timer");
  if (timer_pending(t)) {
    m.event(kmapsim::Ev::Note, 0, 0, "WARNING: add_timer() of a pending timer (mod_timer() re-arms one)");
    return;
  }
  arm(m, t, t->expires, -1, "add_timer");
}

void add_timer_on(struct timer_list *t, int cpu) {
  KMAPSIM_API;
  if (cpu < 0 || static_cast<size_t>(cpu) >= m.sched().nr_cpus())
    m.report(kmapsim::BugClass::SubjectBug, -1, -1, "add_timer_on(%p, %d): no such CPU (this profile has %zu)", static_cast<void *>(t), cpu,
             m.sched().nr_cpus());
  arm(m, t, t->expires, cpu, "add_timer_on");
}

int mod_timer_pending(struct timer_list *t, unsigned long expires) {
  KMAPSIM_API;
  set_up(m, t, "mod_timer_pending");
  if (!timer_pending(t)) {
    m.sched_point("mod_timer_pending");
    return 0;
  }
  return arm(m, t, expires, -1, "mod_timer_pending");
}

// A pending timer's expiry only moves earlier, which the model's "whenever"
// covers already: it stays queued; an idle one is armed.
int timer_reduce(struct timer_list *t, unsigned long expires) {
  KMAPSIM_API;
  set_up(m, t, "timer_reduce");
  if (timer_pending(t)) {
    if (time_before(expires, t->expires)) t->expires = expires;
    m.sched_point("timer_reduce");
    return 1;
  }
  return arm(m, t, expires, -1, "timer_reduce");
}

int timer_pending(const struct timer_list *t) {
  return (__atomic_load_n(&t->__kmapsim_softirq.state, __ATOMIC_SEQ_CST) & (1ul << TASKLET_STATE_SCHED)) != 0;
}

int timer_delete(struct timer_list *t) {
  KMAPSIM_API;
  return cancel(m, t, false, false, "del_timer");
}

int timer_delete_sync(struct timer_list *t) {
  KMAPSIM_API;
  return cancel(m, t, true, false, "del_timer_sync");
}

// -1 when the callback is running (nothing changed), else del_timer()'s value.
int try_to_del_timer_sync(struct timer_list *t) {
  KMAPSIM_API;
  set_up(m, t, "try_to_del_timer_sync");
  if (__atomic_load_n(&t->__kmapsim_softirq.state, __ATOMIC_SEQ_CST) & kRun) {
    m.sched_point("try_to_del_timer_sync");
    return -1;
  }
  return cancel(m, t, false, false, "try_to_del_timer_sync");
}

int timer_shutdown(struct timer_list *t) {
  KMAPSIM_API;
  return cancel(m, t, false, true, "timer_shutdown");
}

int timer_shutdown_sync(struct timer_list *t) {
  KMAPSIM_API;
  return cancel(m, t, true, true, "timer_shutdown_sync");
}

}  // extern "C"
