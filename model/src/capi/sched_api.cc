// The C API's execution-context entry points (linux/preempt.h,
// irqflags.h, sched.h, workqueue.h, interrupt.h, kthread.h, percpu.h):
// preemption, migration, page faults and interrupts disabled, scheduling
// points and sleeping, work items, interrupt handlers, tasklets, kthreads,
// per-CPU data. Each adapts the signature and calls the scheduler or the part.
#include <cstdarg>
#include <climits>
#include <cstdio>
#include <cstring>

#include "api_entry.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define KMAPSIM_TSAN 1
#endif
#endif
#ifdef KMAPSIM_TSAN
#include <sanitizer/tsan_interface.h>
#endif

using kmapsim::BugClass;

namespace {
#ifdef KMAPSIM_TSAN
// ThreadSanitizer (torture mode) does not model fences. In the kernel a
// WRITE_ONCE() after smp_wmb() or smp_mb() is ordered after everything
// before the fence, so a reader that sees the value and then reads through
// it (an address dependency: READ_ONCE() of a pointer is an acquire load,
// <linux/compiler.h>) sees those earlier stores. Tell TSan: once a host
// thread (a torture task, with the handlers nested on it) has passed a
// write fence, its marked stores are releases. That over-approximates
// (stores after the fence are covered too), which can hide a race, never
// invent one. A read fence needs nothing: the reader takes the model lock
// at smp_rmb(), after the writer's store, and the lock orders the rest.
thread_local bool t_write_fenced = false;

void note_fence_for_tsan(const volatile void *addr, int kind, const char *api) {
  if (kind == KMAPSIM_SHARED_BARRIER) {
    // The fences pass no address (asm/barrier.h); a barrier point with one
    // (prepare_to_wait()'s) orders nothing.
    if (!addr && std::strstr(api, "rmb") == nullptr) t_write_fenced = true;
  } else if (kind == KMAPSIM_SHARED_WRITE && t_write_fenced && addr) {
    __tsan_release(const_cast<void *>(addr));
  }
}
#else
void note_fence_for_tsan(const volatile void *, int, const char *) {}
#endif
}  // namespace

extern "C" {

// ---- preempt.h
void preempt_disable(void) { KMAPSIM_API; m.preempt_disable(); }
void preempt_enable(void) { KMAPSIM_API; m.preempt_enable(true); }
void preempt_enable_no_resched(void) { KMAPSIM_API; m.preempt_enable(false); }
void migrate_disable(void) { KMAPSIM_API; m.migrate_disable(); }
void migrate_enable(void) { KMAPSIM_API; m.migrate_enable(); }
void pagefault_disable(void) { KMAPSIM_API; m.cur().pagefault_disabled++; }
void pagefault_enable(void) {
  KMAPSIM_API;
  if (m.cur().pagefault_disabled <= 0) m.report(BugClass::SubjectBug, -1, -1, "pagefault_enable() without pagefault_disable()");
  m.cur().pagefault_disabled--;
}
bool pagefault_disabled(void) { KMAPSIM_API; return m.cur().pagefault_disabled > 0; }
int preempt_count(void) { KMAPSIM_API; return m.cur().preempt_count; }
// in_interrupt() is irq_count(): softirq_count() too, so it holds with
// bottom halves disabled, as in the kernel (in_task() looks only at a
// softirq being served: a tasklet's).
bool in_interrupt(void) { KMAPSIM_API; return m.in_irq() || m.cur().bh_disabled > 0; }
bool in_irq(void) { KMAPSIM_API; return m.in_irq(); }
bool in_task(void) { KMAPSIM_API; return !m.in_irq() && !m.cur().serving_softirq; }
bool in_serving_softirq(void) { KMAPSIM_API; return m.cur().serving_softirq > 0; }  // an interrupt over a tasklet too
void local_bh_disable(void) { KMAPSIM_API; m.sched().bh_disable(); }
void local_bh_enable(void) { KMAPSIM_API; m.sched().bh_enable(); }
bool in_softirq(void) { KMAPSIM_API; return m.cur().bh_disabled > 0; }  // softirq_count()
bool in_atomic(void) {
  KMAPSIM_API;
  return m.cur().preempt_count > 0 || m.in_irq();
}
bool irqs_disabled(void) { KMAPSIM_API; return m.cur().irqs_off > 0 || m.in_irq(); }
unsigned long kmapsim_local_irq_save(void) { KMAPSIM_API; return m.irq_save(); }
void kmapsim_local_irq_restore(unsigned long flags) { KMAPSIM_API; m.irq_restore(flags); }
void local_irq_disable(void) { KMAPSIM_API; m.cur().irqs_off = 1; }
void local_irq_enable(void) { KMAPSIM_API; m.irq_restore(0); }
void kmapsim_cant_sleep(const char *file, int line, bool migrate_only) {
  KMAPSIM_API;
  char where[512];  // the site as BUG_ON()'s
  kmapsim::site_text(where, sizeof where, file, line);
  m.sched().assume_atomic(where, migrate_only);
}

// ---- sched.h
void might_sleep(void) {
  KMAPSIM_API;
  m.might_sleep("might_sleep");
  m.sched_point("might_sleep");
}
void kmapsim_shared_access(const volatile void *addr, int kind, const char *api) {
  note_fence_for_tsan(addr, kind, api);
  kmapsim::Machine *mp = kmapsim::Machine::running();
  if (!mp) return;  // a subject's constructor or main(): no run, no scheduler
  kmapsim::ApiGuard guard(*mp);
  // READ_ONCE() and friends are macros: the site is the subject's line, the
  // name the macro's (a spin's soft-lockup report names it).
  kmapsim::SiteGuard site(*mp, reinterpret_cast<uintptr_t>(__builtin_return_address(0)), __builtin_frame_address(0), api);
  mp->shared_access(addr, static_cast<kmapsim::Shared>(kind), api);
}
// cpu_relax(), and linux/delay.h's udelay(), mdelay(), ndelay(): a turn of
// a busy-wait (a scheduling point where the spinning task yields its
// turn), and a place where the run may stall the task.
void kmapsim_busy_wait(const char *api) {
  note_fence_for_tsan(nullptr, KMAPSIM_SHARED_RELAX, api);
  kmapsim::Machine *mp = kmapsim::Machine::running();
  if (!mp) return;  // no run, no scheduler
  kmapsim::ApiGuard guard(*mp);
  kmapsim::SiteGuard site(*mp, reinterpret_cast<uintptr_t>(__builtin_return_address(0)), __builtin_frame_address(0), api);
  mp->shared_access(nullptr, kmapsim::Shared::Relax, api);
  mp->stall(api);
}
void kmapsim_shared_stored(const volatile void *addr, unsigned long size, const char *api) {
  kmapsim::Machine *mp = kmapsim::Machine::running();
  if (!mp || size != sizeof(void *)) return;
  kmapsim::ApiGuard guard(*mp);
  kmapsim::SiteGuard site(*mp, reinterpret_cast<uintptr_t>(__builtin_return_address(0)), __builtin_frame_address(0), api);
  // The value just stored, read back as a pointer (an aligned word the
  // subject wrote).
  // An atomic load: in torture mode another task may be storing there now.
  const void *v = reinterpret_cast<const void *>(__atomic_load_n(reinterpret_cast<const volatile uintptr_t *>(addr), __ATOMIC_RELAXED));
  mp->reporter().note_handover(v, api, false);
}
void might_fault(void) {
  KMAPSIM_API;
  if (!m.cur().pagefault_disabled) might_sleep();
}
bool need_resched(void) {
  KMAPSIM_API;
  return m.need_resched();
}
void cond_resched(void) {
  KMAPSIM_API;
  m.might_sleep("cond_resched");
  m.yield_point("cond_resched");
  m.sched_point("cond_resched");
}
// schedule() and the sleeps for a while: simulated time does not pass by
// the length asked, so each is a yield (the others run first, fairly) that
// may sleep.
static void yield_sleep(kmapsim::Machine &m, const char *api) {
  m.might_sleep(api);
  m.yield_point(api);
  m.sched_point(api);
}
// schedule(): the others may run first (a yield); then, with a task state
// set (set_current_state(), prepare_to_wait()), it sleeps until a wake-up
// for that state (Sched::schedule_state()).
void schedule(void) {
  KMAPSIM_API;
  yield_sleep(m, "schedule");
  m.sched().schedule_state(0, false, "schedule");
}
// set_current_state() is a store and a full barrier (smp_store_mb()): a
// scheduling point before the store, where another task may make the
// condition true and wake this one before its state is set (the window a
// lost wake-up needs). __set_current_state() is the store alone.
void kmapsim_set_current_state(unsigned int state, int sched_point) {
  KMAPSIM_API;
  if (!m.in_run() || m.in_irq() || m.cur_task() < 0) return;
  if (sched_point) m.sched_point("set_current_state");
  m.cur().sleep_state = state;
  m.cur().state_woken = false;
}
// A sleep for a while is also where the run may stall the task
// (Machine::stall(): it finds the jiffies 60 s on).
void msleep(unsigned int) {
  KMAPSIM_API;
  yield_sleep(m, "msleep");
  m.stall("msleep");
}
// linux/delay.h: usleep_range() and fsleep() sleep as msleep() does.
void usleep_range_state(unsigned long, unsigned long, unsigned int) {
  KMAPSIM_API;
  yield_sleep(m, "usleep_range");
  m.stall("usleep_range");
}
int smp_processor_id(void) { KMAPSIM_API; return m.cpu_of_current(); }
int raw_smp_processor_id(void) { KMAPSIM_API; return m.cpu_of_current(); }
int num_online_cpus(void) { KMAPSIM_API; return static_cast<int>(m.profile().nr_cpus); }
// kmapsim_current(), kmapsim_task_comm(): task_struct.cc

// ---- workqueue.h, interrupt.h, kthread.h
bool schedule_work(struct work_struct *work) {
  KMAPSIM_API;
  m.note_handover(work, "schedule_work");
  return m.workqueue().schedule_work(work);
}
bool flush_work(struct work_struct *work) { KMAPSIM_API; return m.workqueue().flush_work(work); }
bool cancel_work_sync(struct work_struct *work) { KMAPSIM_API; return m.workqueue().cancel_work_sync(work); }
bool cancel_work(struct work_struct *work) { KMAPSIM_API; return m.workqueue().cancel_work(work); }
void flush_scheduled_work(void) { KMAPSIM_API; m.workqueue().flush_scheduled_work(); }

// Tasklets (softirq.cc). Initialising one is plain stores, as in the kernel.
void tasklet_init(struct tasklet_struct *t, void (*func)(unsigned long), unsigned long data) {
  KMAPSIM_API;
  *t = {};
  t->func = func;
  t->data = data;
}
void tasklet_setup(struct tasklet_struct *t, void (*callback)(struct tasklet_struct *)) {
  KMAPSIM_API;
  *t = {};
  t->use_callback = true;
  t->callback = callback;
}
void tasklet_schedule(struct tasklet_struct *t) {
  KMAPSIM_API;
  m.note_handover(t, "tasklet_schedule");
  m.softirq().schedule(t, false);
  m.sched_point("tasklet_schedule");
}
void tasklet_hi_schedule(struct tasklet_struct *t) {
  KMAPSIM_API;
  m.note_handover(t, "tasklet_hi_schedule");
  m.softirq().schedule(t, true);
  m.sched_point("tasklet_hi_schedule");
}
void tasklet_kill(struct tasklet_struct *t) { KMAPSIM_API; m.softirq().kill(t); }
void tasklet_disable_nosync(struct tasklet_struct *t) {
  KMAPSIM_API;
  m.sched_point("tasklet_disable_nosync");
  __atomic_fetch_add(&t->count.counter, 1, __ATOMIC_SEQ_CST);
}
void tasklet_unlock_wait(struct tasklet_struct *t) { KMAPSIM_API; m.softirq().unlock_wait(t, "tasklet_unlock_wait"); }
void tasklet_disable(struct tasklet_struct *t) {
  KMAPSIM_API;
  m.sched_point("tasklet_disable");
  __atomic_fetch_add(&t->count.counter, 1, __ATOMIC_SEQ_CST);
  m.softirq().unlock_wait(t, "tasklet_disable");
}
void tasklet_enable(struct tasklet_struct *t) {
  KMAPSIM_API;
  if (__atomic_load_n(&t->count.counter, __ATOMIC_SEQ_CST) <= 0)
    m.report(kmapsim::BugClass::SubjectBug, -1, -1, "tasklet_enable() of a tasklet that is not disabled");
  m.softirq().enable(t);
}

// The system workqueue under each of its kernel names (index 0); a queue
// alloc_workqueue() makes is a handle the model keeps until the run ends.
static struct workqueue_struct system_queue = {kmapsim::Workqueue::kSystem};
struct workqueue_struct *system_wq = &system_queue, *system_highpri_wq = &system_queue, *system_long_wq = &system_queue,
                        *system_unbound_wq = &system_queue, *system_freezable_wq = &system_queue,
                        *system_power_efficient_wq = &system_queue, *system_freezable_power_efficient_wq = &system_queue;

static int queue_of(kmapsim::Machine &m, struct workqueue_struct *wq, const char *api) {
  if (!wq || !m.workqueue().valid(wq->kmapsim_wq)) {
    m.report(kmapsim::BugClass::SubjectBug, -1, -1, "%s() on %s", api, wq ? "a destroyed workqueue" : "a NULL workqueue");
    return -1;
  }
  return wq->kmapsim_wq;
}

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags, int max_active, ...) {
  KMAPSIM_API;
  m.might_sleep("alloc_workqueue");
  m.sched_point("alloc_workqueue");
  if (m.alloc_fails("alloc_workqueue: injected allocation failure")) return nullptr;
  char name[64];
  va_list ap;
  va_start(ap, max_active);
  vsnprintf(name, sizeof name, fmt, ap);
  va_end(ap);
  return m.workqueue().alloc(name, (flags & __WQ_ORDERED) || max_active == 1);
}
void destroy_workqueue(struct workqueue_struct *wq) {
  KMAPSIM_API;
  int q = queue_of(m, wq, "destroy_workqueue");
  if (q >= 0 && !m.workqueue().destroy(q)) m.report(kmapsim::BugClass::SubjectBug, -1, -1, "destroy_workqueue() of the system workqueue");
}
bool queue_work(struct workqueue_struct *wq, struct work_struct *work) {
  KMAPSIM_API;
  int q = queue_of(m, wq, "queue_work");
  m.note_handover(work, "queue_work");
  return q >= 0 && m.workqueue().queue_work(q, work);
}
void flush_workqueue(struct workqueue_struct *wq) {
  KMAPSIM_API;
  int q = queue_of(m, wq, "flush_workqueue");
  if (q >= 0) m.workqueue().flush(q, "flush_workqueue");
}
void drain_workqueue(struct workqueue_struct *wq) {
  KMAPSIM_API;
  int q = queue_of(m, wq, "drain_workqueue");
  if (q >= 0) m.workqueue().drain(q, "drain_workqueue");
}
int request_irq(unsigned int irq, irq_handler_t handler, unsigned long, const char *name, void *dev_id) {
  KMAPSIM_API;
  m.note_handover(dev_id, "request_irq");
  return m.irq().request_irq(irq, reinterpret_cast<int (*)(int, void *)>(handler), name, dev_id);
}
const void *free_irq(unsigned int irq, void *dev_id) {
  KMAPSIM_API;
  m.irq().free_irq(irq, dev_id);
  return nullptr;
}
void disable_irq(unsigned int irq) { KMAPSIM_API; m.irq().disable_line(irq, true, "disable_irq"); }
void disable_irq_nosync(unsigned int irq) { KMAPSIM_API; m.irq().disable_line(irq, false, "disable_irq_nosync"); }
void enable_irq(unsigned int irq) { KMAPSIM_API; m.irq().enable_line(irq, "enable_irq"); }
void synchronize_irq(unsigned int irq) {
  KMAPSIM_API;
  m.irq().synchronize_line(irq, "synchronize_irq");
  m.sched_point("synchronize_irq");
}
// kthread_run(), or kthread_create() (asleep: the thread waits for
// wake_up_process()).
static struct task_struct *new_kthread(kmapsim::Machine &m, int (*threadfn)(void *), void *data, const char *name, bool asleep,
                                       const char *api) {
  m.might_sleep(api);
  m.note_handover(data, api);
  int id = m.create_task(name ? name : "kthread", nullptr, threadfn, data);
  if (asleep) m.sched().kthread_created(id);
  m.sched_point(api);
  return kmapsim::kernel_task(m, id);
}
struct task_struct *kthread_run_named(int (*threadfn)(void *data), void *data, const char *name) {
  KMAPSIM_API;
  return new_kthread(m, threadfn, data, name, false, "kthread_run");
}

// kthread_should_stop() reads a flag another task sets: a shared read, so
// a loop that polls it is a fair spin, never a livelock report.
bool kthread_should_stop(void) {
  KMAPSIM_API;
  kmapsim::Task &t = m.cur();
  m.shared_access(&t.should_stop, kmapsim::Shared::Read, "kthread_should_stop");
  return m.cur().should_stop;
}
struct task_struct *kthread_create_named(int (*threadfn)(void *data), void *data, const char *name) {
  KMAPSIM_API;
  return new_kthread(m, threadfn, data, name, true, "kthread_create");
}
int wake_up_process(struct task_struct *p) {
  KMAPSIM_API;
  int id = p ? p->kmapsim_id : -1;
  if (id < 0 || static_cast<size_t>(id) >= m.ntasks())
    m.report(BugClass::SubjectBug, -1, -1, "wake_up_process(%p): not a task of this run", static_cast<void *>(p));
  return m.sched().wake_up_process(id);
}
int kthread_stop(struct task_struct *k) {
  KMAPSIM_API;
  m.might_sleep("kthread_stop");
  int id = k ? k->kmapsim_id : -1;
  if (id < 0 || static_cast<size_t>(id) >= m.ntasks() || !m.task(id).threadfn)
    m.report(BugClass::SubjectBug, -1, -1, "kthread_stop(%p): not a kernel thread kthread_run() started in this run", static_cast<void *>(k));
  if (id == m.cur_task()) m.report(BugClass::PkmapDeadlock, -1, -1, "kthread_stop() of the calling thread itself: it waits for its own exit");
  return m.sched().kthread_stop(id);
}
// linux/sched/task.h's task_struct reference count, for the references a
// subject holds (Task::usage): what decides whether a kthread that returned
// on its own may still be stopped. Not scheduling points: atomic counts.
static kmapsim::Task &referenced_task(kmapsim::Machine &m, struct task_struct *p, const char *api) {
  int id = p ? p->kmapsim_id : -1;
  if (id < 0 || static_cast<size_t>(id) >= m.ntasks())
    m.report(BugClass::SubjectBug, -1, -1, "%s(%p): not a task of this run", api, static_cast<void *>(p));
  return m.task(id);
}
struct task_struct *get_task_struct(struct task_struct *p) {
  KMAPSIM_API;
  referenced_task(m, p, "get_task_struct").usage++;
  return p;
}
void put_task_struct(struct task_struct *p) {
  KMAPSIM_API;
  kmapsim::Task &t = referenced_task(m, p, "put_task_struct");
  if (t.usage <= 0)
    m.report(BugClass::MemoryError, -1, -1,
             "put_task_struct(%s) without a get_task_struct(): the reference dropped is the task's own, its task_struct "
             "is freed while it is in use",
             t.name.c_str());
  t.usage--;
}
int kthread_stop_put(struct task_struct *k) {
  int ret = kthread_stop(k);
  put_task_struct(k);
  return ret;
}
// Simulated time does not pass. With no task state set, a sleep for a
// while is a yield (as msleep()) that lasts its whole timeout (0 left).
// With one set, it sleeps until a wake-up for that state (the timeout it
// was given is left: no time passed; also when the wake-up came between
// set_current_state() and this call) or, once nothing else can run, its
// timeout (0 left); MAX_SCHEDULE_TIMEOUT never times out.
long schedule_timeout(long timeout) {
  KMAPSIM_API;
  yield_sleep(m, "schedule_timeout");
  long left = m.sched().schedule_state(timeout, timeout != LONG_MAX, "schedule_timeout");
  return timeout == LONG_MAX ? timeout : left;  // MAX_SCHEDULE_TIMEOUT: no timer, it comes back whole
}
long kmapsim_schedule_timeout_state(long timeout, unsigned int state) {
  kmapsim_set_current_state(state, 0);
  return schedule_timeout(timeout);
}
unsigned long msleep_interruptible(unsigned int) {
  KMAPSIM_API;
  yield_sleep(m, "msleep_interruptible");
  m.stall("msleep_interruptible");
  return 0;
}

// ---- sched.h: signal_pending(), fatal_signal_pending() (kernel/signal.cc)
int kmapsim_signal_pending(const struct task_struct *p, int fatal) {
  KMAPSIM_API;
  if (!p || m.cur_task() < 0 || p != kmapsim::kernel_task(m, m.cur_task())) return 0;
  return m.signal_arrives(fatal != 0, fatal ? "fatal_signal_pending: SIGKILL" : "signal_pending: a signal");
}

// ---- percpu.h
void *kmapsim_this_cpu_ptr(void *base, size_t size) {
  KMAPSIM_API;
  return m.percpu().percpu_ptr(base, size, -1, false);
}
void kmapsim_register_percpu(const void *base, const char *name) { kmapsim::percpu_names()[base] = name; }
void *kmapsim_per_cpu_ptr(void *base, size_t size, int cpu) { KMAPSIM_API; return m.percpu().percpu_ptr(base, size, cpu, true); }
void *kmapsim_this_cpu_ptr_named(void *base, size_t size, const char *expr) {
  KMAPSIM_API;
  return m.percpu().percpu_ptr(base, size, -1, false, expr);
}
void *kmapsim_per_cpu_ptr_named(void *base, size_t size, int cpu, const char *expr) {
  KMAPSIM_API;
  return m.percpu().percpu_ptr(base, size, cpu, true, expr);
}

}  // extern "C"
