// The kernel-facing C API (model/include/linux/*.h): thin entry points
// into the running Machine. Kernel semantics live in the Machine's files;
// this file only adapts signatures.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <set>
#include <string>

#include "machine.h"
#include "subject_registry.h"

#include <kmapsim/selfcheck.h>
#include <kmapsim/subject.h>
#undef current

using kmapsim::BugClass;
using kmapsim::M;

// Every entry that touches the model holds an ApiGuard for the call: in
// torture mode that is the model lock, in deterministic mode nothing.
// It also records where the subject called (the outermost entry of the
// running context only: a return address and the frame, two stores), for
// the event list and the report's call traces.
#define KMAPSIM_API          \
  kmapsim::Machine &m = M(); \
  kmapsim::ApiGuard api_guard_(m); \
  SiteGuard api_site_(m, reinterpret_cast<uintptr_t>(__builtin_return_address(0)), __builtin_frame_address(0), __func__)

namespace {
class SiteGuard {
 public:
  SiteGuard(kmapsim::Machine &m, uintptr_t pc, const void *fp, const char *api) {
    if (m.cur_task() < 0) return;
    kmapsim::ApiSite &s = m.cur().site;
    // Deterministic mode counts API depth per context (an interrupt handler
    // starts again at 0); torture mode does not, and an empty slot says
    // this is the outermost call.
    if (m.policy().parallel ? s.pc != 0 : m.api_depth() != 1) return;
    slot_ = &s;
    prev_ = s;
    s = {pc, fp, api};
  }
  ~SiteGuard() {
    if (slot_) *slot_ = prev_;
  }
  SiteGuard(const SiteGuard &) = delete;
  SiteGuard &operator=(const SiteGuard &) = delete;

 private:
  kmapsim::ApiSite *slot_ = nullptr;
  kmapsim::ApiSite prev_;
};

// For the few entries that also work outside a run (they read a lock or a
// completion the model writes under its lock).
struct GuardIfRunning {
  GuardIfRunning() {
    if (kmapsim::Machine *m = kmapsim::Machine::running()) g.emplace(*m);
  }
  std::optional<kmapsim::ApiGuard> g;
};
}  // namespace

extern "C" {

// ---- mm.h
struct page *alloc_pages(gfp_t gfp, unsigned int order) { KMAPSIM_API; return m.mem().alloc_pages(gfp, order, "alloc_pages"); }
void __free_pages(struct page *page, unsigned int order) { KMAPSIM_API; m.mem().free_pages(page, order, "__free_pages"); }
struct folio *folio_alloc(gfp_t gfp, unsigned int order) { KMAPSIM_API; return reinterpret_cast<struct folio *>(m.mem().alloc_pages(gfp, order, "folio_alloc")); }
void folio_put(struct folio *folio) { KMAPSIM_API; m.mem().put_page(&folio->page); }
void folio_get(struct folio *folio) { KMAPSIM_API; m.mem().get_page(&folio->page); }
void get_page(struct page *page) { KMAPSIM_API; m.mem().get_page(page); }
void put_page(struct page *page) { KMAPSIM_API; m.mem().put_page(page); }
void *page_address(const struct page *page) { KMAPSIM_API; return m.mem().page_address(page); }
unsigned long page_to_pfn(const struct page *page) { KMAPSIM_API; return m.mem().page_to_pfn(page); }
struct page *pfn_to_page(unsigned long pfn) { KMAPSIM_API; return m.mem().pfn_to_page(pfn); }
struct page *virt_to_page(const void *addr) { KMAPSIM_API; return m.mem().virt_to_page(addr); }

// ---- highmem.h
void *kmap(struct page *page) { KMAPSIM_API; return m.pkmap().kmap(page); }
void kunmap(struct page *page) { KMAPSIM_API; m.pkmap().kunmap(page); }
void *kmap_atomic(struct page *page) { KMAPSIM_API; return m.local().kmap_local(page, true, "kmap_atomic"); }
void *kmap_atomic_prot(struct page *page, pgprot_t) { KMAPSIM_API; return m.local().kmap_local(page, true, "kmap_atomic_prot"); }
void *kmap_atomic_pfn(unsigned long pfn) { KMAPSIM_API; return m.local().kmap_local_pfn(pfn, true, "kmap_atomic_pfn"); }
void kmapsim_kunmap_atomic(const void *addr) { KMAPSIM_API; m.local().kunmap_local_indexed(addr, true, "kunmap_atomic"); }
void *kmap_local_page(struct page *page) { KMAPSIM_API; return m.local().kmap_local(page, false, "kmap_local_page"); }
void *kmap_local_page_prot(struct page *page, pgprot_t) { KMAPSIM_API; return m.local().kmap_local(page, false, "kmap_local_page_prot"); }
void *kmap_local_folio(struct folio *folio, size_t offset) {
  KMAPSIM_API;
  if (!folio || offset >= folio_size(folio))
    m.report(BugClass::KmapOverrun, -1, -1, "kmap_local_folio(folio, offset %zu): the offset is outside the folio", offset);
  char *base = static_cast<char *>(m.local().kmap_local(folio_page(folio, offset / PAGE_SIZE), false, "kmap_local_folio"));
  return base + offset % PAGE_SIZE;
}
void *kmap_local_pfn(unsigned long pfn) { KMAPSIM_API; return m.local().kmap_local_pfn(pfn, false, "kmap_local_pfn"); }
void kmapsim_kunmap_local(const void *addr) { KMAPSIM_API; m.local().kunmap_local_indexed(addr, false, "kunmap_local"); }
struct page *kmap_to_page(void *addr) { KMAPSIM_API; return m.local().kmap_to_page(addr); }
void kmap_flush_unused(void) { KMAPSIM_API; m.pkmap().flush_unused(); }
bool is_kmap_addr(const void *addr) { KMAPSIM_API; return m.local().is_kmap_addr(addr); }
bool folio_test_partial_kmap(const struct folio *folio) { KMAPSIM_API; return m.local().partial_kmap(folio); }

// ---- cacheflush.h
void flush_dcache_page(struct page *page) { KMAPSIM_API; m.user().flush_dcache_page(page); }
void flush_dcache_folio(struct folio *folio) { KMAPSIM_API; m.user().flush_dcache_page(&folio->page); }

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
bool in_interrupt(void) { KMAPSIM_API; return m.in_irq(); }
bool in_irq(void) { KMAPSIM_API; return m.in_irq(); }
bool in_task(void) { KMAPSIM_API; return !m.in_irq(); }
bool in_atomic(void) {
  KMAPSIM_API;
  return m.cur().preempt_count > 0 || m.in_irq();
}
bool irqs_disabled(void) { KMAPSIM_API; return m.cur().irqs_off > 0 || m.in_irq(); }
unsigned long kmapsim_local_irq_save(void) { KMAPSIM_API; return m.irq_save(); }
void kmapsim_local_irq_restore(unsigned long flags) { KMAPSIM_API; m.irq_restore(flags); }
void local_irq_disable(void) { KMAPSIM_API; m.cur().irqs_off = 1; }
void local_irq_enable(void) { KMAPSIM_API; m.irq_restore(0); }

// ---- sched.h
void might_sleep(void) {
  KMAPSIM_API;
  m.might_sleep("might_sleep");
  m.sched_point("might_sleep");
}
void kmapsim_shared_access(const volatile void *addr, int kind, const char *api) {
  kmapsim::Machine *mp = kmapsim::Machine::running();
  if (!mp) return;  // a subject's constructor or main(): no run, no scheduler
  kmapsim::ApiGuard guard(*mp);
  // READ_ONCE() and friends are macros: the site is the subject's line, the
  // name the macro's (a spin's soft-lockup report names it).
  SiteGuard site(*mp, reinterpret_cast<uintptr_t>(__builtin_return_address(0)), __builtin_frame_address(0), api);
  mp->shared_access(addr, static_cast<kmapsim::Shared>(kind), api);
}
void might_fault(void) {
  KMAPSIM_API;
  if (!m.cur().pagefault_disabled) might_sleep();
}
void cond_resched(void) {
  KMAPSIM_API;
  m.might_sleep("cond_resched");
  m.yield_point("cond_resched");
  m.sched_point("cond_resched");
}
void schedule(void) {
  KMAPSIM_API;
  m.might_sleep("schedule");
  m.yield_point("schedule");
  m.sched_point("schedule");
}
void msleep(unsigned int) {
  KMAPSIM_API;
  m.might_sleep("msleep");
  m.yield_point("msleep");
  m.sched_point("msleep");
}
int smp_processor_id(void) { KMAPSIM_API; return m.cpu_of_current(); }
int raw_smp_processor_id(void) { KMAPSIM_API; return m.cpu_of_current(); }
int num_online_cpus(void) { KMAPSIM_API; return static_cast<int>(m.profile().nr_cpus); }
// kmapsim_current(), kmapsim_task_comm(): task_struct.cc

// ---- spinlock.h, mutex.h, completion.h
void spin_lock_init(spinlock_t *lock) { lock->owner = 0; }
void spin_lock(spinlock_t *lock) { KMAPSIM_API; m.locking().spin_lock(lock, false, nullptr); }
void spin_unlock(spinlock_t *lock) { KMAPSIM_API; m.locking().spin_unlock(lock, false, 0); }
void spin_lock_irq(spinlock_t *lock) {
  KMAPSIM_API;
  unsigned long f;
  m.locking().spin_lock(lock, true, &f);
}
void spin_unlock_irq(spinlock_t *lock) { KMAPSIM_API; m.locking().spin_unlock(lock, true, 0); }
unsigned long kmapsim_spin_lock_irqsave(spinlock_t *lock) {
  KMAPSIM_API;
  unsigned long f = 0;
  m.locking().spin_lock(lock, true, &f);
  return f;
}
void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags) { KMAPSIM_API; m.locking().spin_unlock(lock, true, flags); }
int spin_trylock(spinlock_t *lock) { KMAPSIM_API; return m.locking().spin_trylock(lock); }
void mutex_init(struct mutex *lock) { lock->owner = 0; }
void mutex_lock(struct mutex *lock) { KMAPSIM_API; m.locking().mutex_lock(lock); }
int mutex_lock_interruptible(struct mutex *lock) {
  KMAPSIM_API;
  return m.locking().mutex_lock_mode(lock, kmapsim::WaitMode::Interruptible, "mutex_lock_interruptible");
}
int mutex_lock_killable(struct mutex *lock) {
  KMAPSIM_API;
  return m.locking().mutex_lock_mode(lock, kmapsim::WaitMode::Killable, "mutex_lock_killable");
}
int mutex_trylock(struct mutex *lock) { KMAPSIM_API; return m.locking().mutex_trylock(lock); }
void mutex_unlock(struct mutex *lock) { KMAPSIM_API; m.locking().mutex_unlock(lock); }
bool mutex_is_locked(struct mutex *lock) {
  GuardIfRunning g;
  return lock->owner != 0;
}
void init_completion(struct completion *x) { x->done = 0; }
void reinit_completion(struct completion *x) {
  GuardIfRunning g;
  x->done = 0;
}
void complete(struct completion *x) { KMAPSIM_API; m.locking().complete(x, false); }
void complete_all(struct completion *x) { KMAPSIM_API; m.locking().complete(x, true); }
void wait_for_completion(struct completion *x) { KMAPSIM_API; m.locking().wait_for_completion(x); }
int wait_for_completion_interruptible(struct completion *x) {
  KMAPSIM_API;
  return static_cast<int>(m.locking().wait_for_completion_mode(x, kmapsim::WaitMode::Interruptible, "wait_for_completion_interruptible"));
}
int wait_for_completion_killable(struct completion *x) {
  KMAPSIM_API;
  return static_cast<int>(m.locking().wait_for_completion_mode(x, kmapsim::WaitMode::Killable, "wait_for_completion_killable"));
}
// The _timeout forms: 0 when the timeout expired, else the jiffies left
// (simulated time does not pass: all of them, at least 1).
unsigned long wait_for_completion_timeout(struct completion *x, unsigned long timeout) {
  KMAPSIM_API;
  long r = m.locking().wait_for_completion_mode(x, kmapsim::WaitMode::Timeout, "wait_for_completion_timeout");
  return r ? 0 : (timeout ? timeout : 1);
}
// The _interruptible/_killable_timeout forms: 0 when the time ran out
// (mode result 1), the error when interrupted, else time left (>= 1).
static long timeout_wait_result(long r, unsigned long timeout) {
  if (r == 1) return 0;
  if (r) return r;
  return timeout ? static_cast<long>(timeout) : 1;
}
long wait_for_completion_interruptible_timeout(struct completion *x, unsigned long timeout) {
  KMAPSIM_API;
  return timeout_wait_result(
      m.locking().wait_for_completion_mode(x, kmapsim::WaitMode::InterruptibleTimeout, "wait_for_completion_interruptible_timeout"), timeout);
}
long wait_for_completion_killable_timeout(struct completion *x, unsigned long timeout) {
  KMAPSIM_API;
  return timeout_wait_result(
      m.locking().wait_for_completion_mode(x, kmapsim::WaitMode::KillableTimeout, "wait_for_completion_killable_timeout"), timeout);
}
bool try_wait_for_completion(struct completion *x) {
  GuardIfRunning g;
  if (!x->done) return false;
  if (x->done < (1u << 30)) x->done--;
  return true;
}
bool completion_done(struct completion *x) {
  GuardIfRunning g;
  return x->done != 0;
}

// ---- workqueue.h, interrupt.h, kthread.h
bool schedule_work(struct work_struct *work) {
  KMAPSIM_API;
  m.note_handover(work, "schedule_work");
  return m.workqueue().schedule_work(work);
}
bool flush_work(struct work_struct *work) { KMAPSIM_API; return m.workqueue().flush_work(work); }
bool cancel_work_sync(struct work_struct *work) { KMAPSIM_API; return m.workqueue().cancel_work_sync(work); }
void flush_scheduled_work(void) { KMAPSIM_API; m.workqueue().flush_scheduled_work(); }
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
struct task_struct *kthread_run_named(int (*threadfn)(void *data), void *data, const char *name) {
  KMAPSIM_API;
  m.might_sleep("kthread_run");
  m.note_handover(data, "kthread_run");
  int id = m.create_task(name ? name : "kthread", nullptr, threadfn, data);
  m.sched_point("kthread_run");
  return kmapsim::kernel_task(m, id);
}

// ---- percpu.h
void *kmapsim_this_cpu_ptr(void *base, size_t size) {
  KMAPSIM_API;
  return m.percpu().percpu_ptr(base, size, -1, false);
}
void kmapsim_register_percpu(const void *base, const char *name) { kmapsim::percpu_names()[base] = name; }
void *kmapsim_per_cpu_ptr(void *base, size_t size, int cpu) { KMAPSIM_API; return m.percpu().percpu_ptr(base, size, cpu, true); }

// ---- slab.h: host memory, freed at the end of the run if the subject did not.
void *kmalloc(size_t size, gfp_t flags) {
  KMAPSIM_API;
  if (gfpflags_allow_blocking(flags)) m.might_sleep("kmalloc");
  m.sched_point("kmalloc");
  if (!(flags & __GFP_NOFAIL) && m.decide(kmapsim::Site::AllocFail)) return nullptr;
  void *p = malloc(size ? size : 1);
  if (!p) return nullptr;
  if (flags & __GFP_ZERO)
    memset(p, 0, size);
  else
    memset(p, 0x6b, size);
  m.note_kmalloc(p);
  return p;
}
void *kzalloc(size_t size, gfp_t flags) { return kmalloc(size, flags | __GFP_ZERO); }
void *kcalloc(size_t n, size_t size, gfp_t flags) {
  if (size && n > SIZE_MAX / size) return nullptr;
  return kmalloc(n * size, flags | __GFP_ZERO);
}
void kfree(const void *ptr) {
  if (!ptr) return;
  KMAPSIM_API;
  if (m.forget_kmalloc(ptr)) {
    free(const_cast<void *>(ptr));
    return;
  }
  m.report(BugClass::SubjectBug, -1, -1, "kfree(%s): not a live kmalloc() allocation (double free?)", m.addr_str(ptr));
}

// ---- uaccess.h
unsigned long copy_to_user(void __user *to, const void *from, unsigned long n) { KMAPSIM_API; return m.user().copy_user(to, from, n, true, false, "copy_to_user"); }
unsigned long copy_from_user(void *to, const void __user *from, unsigned long n) {
  KMAPSIM_API;
  return m.user().copy_user(to, from, n, false, false, "copy_from_user");
}
unsigned long __copy_to_user_inatomic(void __user *to, const void *from, unsigned long n) {
  KMAPSIM_API;
  return m.user().copy_user(to, from, n, true, true, "__copy_to_user_inatomic");
}
unsigned long __copy_from_user_inatomic(void *to, const void __user *from, unsigned long n) {
  KMAPSIM_API;
  return m.user().copy_user(to, from, n, false, true, "__copy_from_user_inatomic");
}
size_t fault_in_readable(const char __user *uaddr, size_t size) { KMAPSIM_API; return m.user().fault_in(uaddr, size); }
size_t fault_in_writeable(char __user *uaddr, size_t size) { KMAPSIM_API; return m.user().fault_in(uaddr, size); }

// ---- bug.h
void kmapsim_subject_bug(const char *file, int line, const char *cond) {
  KMAPSIM_API;
  m.entry_check_failed(file, line, cond);
  // As the kernel's BUG(): "kernel BUG at file:line!", the path relative to
  // the subject's directory. No heap-owning local may live here: the report
  // abandons this stack.
  char where[512];
  {
    std::string rel = kmapsim::report_path(file ? file : "");
    snprintf(where, sizeof where, "%s:%d", rel.empty() ? "?" : rel.c_str(), line);
  }
  m.reporter().note_kernel_bug(where);
  if (cond && strcmp(cond, "BUG()") == 0) m.report(BugClass::SubjectBug, -1, -1, "the subject's own BUG() fired at %s", where);
  m.report(BugClass::SubjectBug, -1, -1, "the subject's own BUG_ON(%s) fired at %s", cond, where);
}
void kmapsim_subject_warn(const char *file, int line, const char *cond) {
  KMAPSIM_API;
  m.entry_check_failed(file, line, cond);
  // The event's text must outlive the run: each distinct warning once.
  static std::set<std::string> texts;
  std::string where = kmapsim::report_path(file ? file : "");
  const std::string &t = *texts.insert("WARNING: at " + where + ":" + std::to_string(line) + " WARN_ON(" + cond + ")").first;
  m.event(kmapsim::Ev::Note, 0, 0, t.c_str());
}

// ---- mm.h: a struct page read outside mem_map (kmapsim_page_read())
void kmapsim_page_outside_mem_map(const struct page *page, const char *what) {
  // Outside a run (a test looking at a page afterwards) there is no
  // machine to check against, and the read is left alone.
  kmapsim::Machine *running = kmapsim::Machine::running();
  if (!running || !running->in_run()) return;
  KMAPSIM_API;
  // Offsets, not addresses: mem_map's host address differs between
  // processes, the report text must not.
  long bytes = reinterpret_cast<const char *>(page) - reinterpret_cast<const char *>(m.mem().mem_map());
  if (bytes >= 0 && static_cast<unsigned long>(bytes) < m.profile().total_pages() * sizeof(struct page)) return;
  long total = static_cast<long>(m.profile().total_pages());
  long idx = bytes / static_cast<long>(sizeof(struct page));
  if (idx >= total)
    m.report(BugClass::MemoryError, -1, -1,
             "%s() read a struct page %ld entries past the end of mem_map (index %ld, the machine has pfns 0-%ld): "
             "out-of-bounds read of the struct page array",
             what, idx - total + 1, idx, total - 1);
  m.report(BugClass::MemoryError, -1, -1,
           "%s() read a struct page %ld entries before the start of mem_map: out-of-bounds read of the struct page array", what,
           bytes < 0 ? (-bytes + static_cast<long>(sizeof(struct page)) - 1) / static_cast<long>(sizeof(struct page)) : 0L);
}

// ---- kmapsim/subject.h
unsigned long kmapsim_pick(unsigned long lo, unsigned long hi) {
  KMAPSIM_API;
  if (hi < lo) m.report(BugClass::SubjectBug, -1, -1, "kmapsim_pick(%lu, %lu): empty range", lo, hi);
  unsigned long v = static_cast<unsigned long>(m.decide_pick(lo, hi));
  m.event(kmapsim::Ev::Pick, v, 0, "kmapsim_pick");
  return v;
}
// The same decision as kmapsim_pick(); the event names the value by label
// (a string literal: the event keeps the pointer).
unsigned long kmapsim_pick_named(const char *label, unsigned long lo, unsigned long hi) {
  KMAPSIM_API;
  if (!label) label = "kmapsim_pick_named";
  if (hi < lo) m.report(BugClass::SubjectBug, -1, -1, "kmapsim_pick_named(\"%s\", %lu, %lu): empty range", label, lo, hi);
  unsigned long v = static_cast<unsigned long>(m.decide_pick(lo, hi));
  m.event(kmapsim::Ev::Pick, v, 0, label);
  return v;
}
unsigned int kmapsim_bits_per_long(void) { KMAPSIM_API; return m.profile().long_bits; }
void __user *kmapsim_user_buffer(size_t len) { KMAPSIM_API; return m.user().user_buffer(len); }
void kmapsim_user_map(struct page *page) { KMAPSIM_API; m.user().user_map(page); }
void kmapsim_user_read(struct page *page, size_t off, void *buf, size_t len) { KMAPSIM_API; m.user().user_read(page, off, buf, len); }
void kmapsim_set_default_profile(const char *profile) { kmapsim::default_subject_profile() = profile ? profile : ""; }
void kmapsim_register_subject(const char *name, kmapsim_subject_fn fn, const char *file, int line) {
  kmapsim::register_subject(name, fn, file, line);
}

// ---- kmapsim/selfcheck.h
void kmapsim_expect(const char *bug_class) {
  KMAPSIM_API;
  BugClass c = kmapsim::bug_class_from_name(bug_class ? bug_class : "");
  if (c == BugClass::None) m.report(BugClass::SubjectBug, -1, -1, "kmapsim_expect(\"%s\"): no such class", bug_class ? bug_class : "(null)");
  m.set_expected(c);
}
void kmapsim_missed(const char *what) {
  KMAPSIM_API;
  m.report(BugClass::SubjectBug, -1, -1, "missed detection: %s should have been reported as %s", what, kmapsim::bug_class_name(m.expected()));
}
void kmapsim_assert_invariants(void) {
  KMAPSIM_API;
  std::string why = m.check_invariants();
  if (!why.empty()) {
    fprintf(stderr, "kmapsim: internal error: model invariant broken: %s\n", why.c_str());
    abort();
  }
}

}  // extern "C"
