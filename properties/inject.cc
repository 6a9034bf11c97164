// The injected violations of the completeness property: for each of the 13
// classes, several ways to break its rule, each from a legal state (the
// program's own atomic sections, disabled interrupts and locks are
// released first; its local mappings and kmap()s stay). Each way records
// the words the report's first line must contain: the API, the page, the
// address, the contexts involved. Decisions the violation needs (a
// highmem page, a user page that is not present, an interrupt right here)
// are forced through the ForcingSource; everything else stays random.
#include <cstdio>
#include <cstring>

#include "interp.h"

namespace kprop {

DEFINE_PER_CPU(int, g_snip_pcpu);

namespace {

struct Snip {
  volatile char *addr;
  struct page *page;
  struct completion go, done;
  spinlock_t lock;
  struct mutex mutex;
  struct work_struct work;
  char buf[8192];
  int never;             // a flag nobody sets (soft-lockup)
  atomic_t never_atomic;
} g_snip;

void words(std::initializer_list<std::string> w) {
  for (const std::string &s : w) g_expect_words.push_back(s);
}

bool highmem_profile() { return kmapsim::Machine::running()->profile().highmem; }

// Handler #index of the next request_irq(): after the program's own.
int next_irq_index() { return irq_handler_registered() ? 1 : 0; }

// Fires handler `index` at the next scheduling point (cond_resched()).
void fire_irq_now(int index) {
  g_force.irq = index;
  cond_resched();
}

int snip_reader(void *) {
  (void)*g_snip.addr;
  complete(&g_snip.done);
  return 0;
}

irqreturn_t snip_irq_reader(int, void *) {
  (void)*g_snip.addr;
  return IRQ_HANDLED;
}

irqreturn_t snip_irq_leak(int, void *) {
  char *a = static_cast<char *>(kmap_local_page(g_snip.page));
  a[0] = 1;
  return IRQ_HANDLED;
}

irqreturn_t snip_irq_sleep(int, void *) {
  kmap(g_snip.page);
  return IRQ_HANDLED;
}

void snip_work_fn(struct work_struct *) { (void)*g_snip.addr; }

int snip_thread_leak(void *) {
  char *a = static_cast<char *>(kmap_atomic(g_snip.page));
  a[1] = 2;
  complete(&g_snip.done);
  return 0;  // returns inside kmap_atomic()
}

int snip_helper(void *) {
  wait_for_completion(&g_snip.go);
  int *p = this_cpu_ptr(&g_snip_pcpu);
  *p += 1;
  complete(&g_snip.done);
  return 0;
}

unsigned off_of(const Step &s) { return s.x % 4096; }

}  // namespace

// Returns true when the report comes later (the run goes on).
static bool inject_one(BugClass cls, int v, unsigned off) {
  bool hm = highmem_profile();
  switch (cls) {
    case BugClass::KmapOverrun: {
      unsigned k = off % 4000;
      if (v == 2) {  // through a kmap() address
        struct page *p = fresh_page(true);
        char *a = static_cast<char *>(kmap(p));
        words({"kmap()", pfn_word(p), addr_word(a + PAGE_SIZE + k)});
        (void)static_cast<volatile char *>(a)[PAGE_SIZE + k];
        return false;
      }
      if (v == 3) {  // a helper asked for more than its one page
        struct page *p = fresh_page(true);
        size_t o = 100 + off % 3000, len = PAGE_SIZE - o + 1 + k % 50;
        words({"memcpy_from_page", pfn_word(p), "offset " + std::to_string(o), "len " + std::to_string(len)});
        memcpy_from_page(g_snip.buf, p, o, len);
        return false;
      }
      if (v == 5) {  // kmap_local_folio() of a compound page, then past its one page
        struct page *p = fresh_page(true, 1);
        size_t o = off % PAGE_SIZE;
        char *a = static_cast<char *>(kmap_local_folio(reinterpret_cast<struct folio *>(p), o));
        char *bad = a + (PAGE_SIZE - o) + k % 64;
        words({"kmap_local_folio()", pfn_word(p), addr_word(bad)});
        (void)*static_cast<volatile char *>(bad);
        return false;
      }
      struct page *p = fresh_page(v != 4);
      char *a;
      const char *api;
      if (v == 0) a = static_cast<char *>(kmap_local_page(p)), api = "kmap_local_page()";
      else if (v == 1) a = static_cast<char *>(kmap_atomic(p)), api = "kmap_atomic()";
      else a = static_cast<char *>(kmap_local_pfn(page_to_pfn(p))), api = "kmap_local_pfn()";
      words({api, pfn_word(p), addr_word(a + PAGE_SIZE + k), "offset " + std::to_string(PAGE_SIZE + k)});
      if (v == 1)
        static_cast<volatile char *>(a)[PAGE_SIZE + k] = 1;
      else
        (void)static_cast<volatile char *>(a)[PAGE_SIZE + k];
      return false;
    }
    case BugClass::KmapEscape: {
      struct page *p = fresh_page(true);
      g_snip.page = p;
      char *a = static_cast<char *>(kmap_local_page(p));
      g_snip.addr = a + off;
      words({"kmap_local_page()", pfn_word(p), addr_word(a + off), "main"});
      if (v == 0) {  // handed to a kthread
        init_completion(&g_snip.done);
        kthread_run(snip_reader, nullptr, "snip-reader");
        g_expect_words.push_back("snip-reader");
        wait_for_completion(&g_snip.done);
      } else if (v == 1) {  // read by an interrupt handler
        int idx = next_irq_index();
        request_irq(9, snip_irq_reader, 0, "snip-irq", nullptr);
        g_expect_words.push_back("irq#");
        fire_irq_now(idx);
      } else {  // handed to a work item
        INIT_WORK(&g_snip.work, snip_work_fn);
        schedule_work(&g_snip.work);
        g_expect_words.push_back("kworker");
        flush_work(&g_snip.work);
      }
      return false;
    }
    case BugClass::KunmapOrder: {
      struct page *p1 = fresh_page(true), *p2 = fresh_page(true);
      bool at1 = v == 1, at2 = v >= 1;
      char *a = static_cast<char *>(at1 ? kmap_atomic(p1) : kmap_local_page(p1));
      char *b = static_cast<char *>(at2 ? kmap_atomic(p2) : kmap_local_page(p2));
      (void)b;
      words({at1 ? "kunmap_atomic" : "kunmap_local", addr_word(a + off), pfn_word(p1), pfn_word(p2)});
      if (at1)
        kunmap_atomic(a + off);
      else
        kunmap_local(a + off);
      return false;
    }
    case BugClass::KunmapBadAddress: {
      struct page *p = fresh_page(true);
      switch (v) {
        case 0: {  // one page past a mapping (the end pointer of a full-page loop)
          char *a = static_cast<char *>(kmap_local_page(p));
          words({"kunmap_local", addr_word(a + PAGE_SIZE), "one page past"});
          kunmap_local(a + PAGE_SIZE);
          break;
        }
        case 1:  // not a kmap address at all
          words({"kunmap_local", "not a kmap address"});
          kunmap_local(g_snip.buf + off % 4096);
          break;
        case 2: {  // a kmap() address
          char *k = static_cast<char *>(kmap(p));
          words({"kunmap_local", addr_word(k + off), pfn_word(p), "kmap() address"});
          kunmap_local(k + off);
          break;
        }
        case 3: {  // twice
          char *a = static_cast<char *>(kmap_local_page(p));
          kunmap_local(a);
          words({"kunmap_local", addr_word(a + off), pfn_word(p), "double unmap"});
          kunmap_local(a + off);
          break;
        }
        case 4:  // kunmap() of a page nobody kmap()ed
          words({"kunmap()", pfn_word(p)});
          kunmap(p);
          break;
        default: {  // the wrong variant
          char *a = static_cast<char *>(kmap_local_page(p));
          words({"kunmap_atomic", addr_word(a + off), pfn_word(p), "kmap_local_page"});
          kunmap_atomic(a + off);
          break;
        }
      }
      return false;
    }
    case BugClass::KmapUseAfterUnmap: {
      struct page *p = fresh_page(true);
      if (v == 1) {
        char *k = static_cast<char *>(kmap(p));
        kunmap(p);
        words({"kmap()", pfn_word(p), addr_word(k + off)});
        (void)static_cast<volatile char *>(k)[off];
        return false;
      }
      char *a = static_cast<char *>(v == 2 ? kmap_atomic(p) : kmap_local_page(p));
      if (v == 2)
        kunmap_atomic(a);
      else
        kunmap_local(a);
      if (v == 3) {
        struct page *q = fresh_page(true);
        kmap_local_page(q);  // another mapping in between
      }
      words({v == 2 ? "kmap_atomic()" : "kmap_local_page()", pfn_word(p), addr_word(a + off)});
      if (v == 2)
        static_cast<volatile char *>(a)[off] = 3;
      else
        (void)static_cast<volatile char *>(a)[off];
      return false;
    }
    case BugClass::KmapLeak: {
      struct page *p = fresh_page(true);
      g_snip.page = p;
      switch (v) {
        case 0:  // main returns holding a local mapping
          kmap_local_page(p);
          words({"main", "kmap_local_page()", pfn_word(p)});
          g_return_now = true;
          return true;
        case 1:  // kmap() never kunmap()ed: reported at the end of the run
          kmap(p);
          words({"kmap()", pfn_word(p), "never kunmap()ed"});
          return true;
        case 2:  // freed while kmap()ed
          kmap(p);
          words({"__free_pages", pfn_word(p)});
          __free_pages(p, 0);
          return false;
        case 3: {  // an interrupt handler returns holding a local mapping
          int idx = next_irq_index();
          request_irq(9, snip_irq_leak, 0, "snip-irq", nullptr);
          words({"snip-irq", "kmap_local_page()", pfn_word(p)});
          fire_irq_now(idx);
          return false;
        }
        default:  // a kthread returns inside kmap_atomic()
          init_completion(&g_snip.done);
          words({"snip-thread", "kmap_atomic()"});
          if (hm) g_expect_words.push_back(pfn_word(p));
          kthread_run(snip_thread_leak, nullptr, "snip-thread");
          wait_for_completion(&g_snip.done);
          return true;
      }
    }
    case BugClass::KmapSlotOverflow: {
      struct page *p = fresh_page(v == 1);
      words({v ? "kmap_atomic()" : "kmap_local_pfn()", pfn_word(p), "KM_MAX_IDX"});
      for (int i = 0; i < 40; i++) {
        if (v)
          kmap_atomic(p);
        else
          kmap_local_pfn(page_to_pfn(p));
      }
      return false;
    }
    case BugClass::SleepInAtomic: {
      struct page *p = fresh_page(true);
      g_snip.page = p;
      unsigned long flags;
      switch (v) {
        case 0: {
          struct page *q = fresh_page(true);
          kmap_atomic(p);
          words({"kmap()", "inside kmap_atomic()"});
          kmap(q);
          break;
        }
        case 1:
          spin_lock(&g_snip.lock);
          words({"cond_resched()", "preemption disabled"});
          cond_resched();
          break;
        case 2:
          preempt_disable();
          words({"mutex_lock()", "preemption disabled"});
          mutex_lock(&g_snip.mutex);
          break;
        case 3:
          local_irq_save(flags);
          (void)flags;
          words({"kmalloc()", "interrupts disabled"});
          kmalloc(64, GFP_KERNEL);
          break;
        case 4:
          kmap_atomic(p);
          words({"alloc_pages()", "inside kmap_atomic()"});
          alloc_page(GFP_KERNEL);
          break;
        default: {
          int idx = next_irq_index();
          request_irq(9, snip_irq_sleep, 0, "snip-irq", nullptr);
          words({"kmap()", "in interrupt context"});
          fire_irq_now(idx);
          break;
        }
      }
      return false;
    }
    case BugClass::FaultInAtomic: {
      char *u = static_cast<char *>(kmapsim_user_buffer(2 * PAGE_SIZE));
      unsigned n = 1 + off % 200;
      if (v == 0) {
        struct page *p = fresh_page(true);
        char *a = static_cast<char *>(kmap_atomic(p));
        g_force.user_fault = true;
        words({"copy_to_user()", "inside kmap_atomic()"});
        copy_to_user(u + off, a, n);
      } else {  // a lowmem page: kmap_atomic() disables page faults all the same
        kmap_atomic(fresh_page(false));
        g_force.user_fault = true;
        words({"copy_from_user()", "inside kmap_atomic()"});
        copy_from_user(g_snip.buf, u + off, n);
      }
      return false;
    }
    case BugClass::HighmemPageAddress: {
      struct page *p = fresh_page(true);
      if (v == 1) {
        kmap(p);
        kunmap(p);
      }
      char *a = static_cast<char *>(page_address(p));
      unsigned o = off % 4096;
      if (a)  // the stale PKMAP address of a page nobody holds
        words({"page_address()", pfn_word(p), addr_word(a + o)});
      else  // NULL: a flush came first (or it never was kmap()ed)
        words({"page_address()", "NULL"});
      (void)static_cast<volatile char *>(a)[o];
      return false;
    }
    case BugClass::LostAtomicity: {
      g_force.no_migrate = true;
      init_completion(&g_snip.go);
      init_completion(&g_snip.done);
      kthread_run(snip_helper, nullptr, "snip-helper");
      struct page *p = fresh_page(v == 0);
      char *a = static_cast<char *>(kmap_local_page(p));
      int *mine = this_cpu_ptr(&g_snip_pcpu);
      *mine = 7;
      complete(&g_snip.go);
      wait_for_completion(&g_snip.done);  // the helper uses this CPU's instance meanwhile
      words({"main", "g_snip_pcpu", "snip-helper"});
      this_cpu_ptr(&g_snip_pcpu);
      kunmap_local(a);
      return false;
    }
    case BugClass::MissingFlushDcache: {
      struct page *p = fresh_page(off % 2);
      unsigned o = off % 4096;
      kmapsim_user_map(p);
      words({pfn_word(p), "offset " + std::to_string(o), "flush_dcache_page()"});
      if (v == 0) {
        char *a = static_cast<char *>(kmap_local_page(p));
        a[o] = static_cast<char>(~a[o]);
        kunmap_local(a);
      } else if (v == 1) {
        char *k = static_cast<char *>(kmap(p));
        k[o] = static_cast<char>(~k[o]);
        kunmap(p);
      } else {
        char *a = static_cast<char *>(kmap_atomic(p));
        a[o] = static_cast<char>(~a[o]);
        kunmap_atomic(a);
      }
      kmapsim_user_read(p, o, g_snip.buf, 1);
      return false;
    }
    case BugClass::PkmapDeadlock:
      if (v == 0) {  // more pages held by kmap() than the pool has slots
        words({"kmap()", "PKMAP slot"});
        unsigned n = kmapsim::Machine::running()->profile().last_pkmap;
        for (unsigned i = 0; i <= n; i++) kmap(fresh_page(true));
      } else if (v == 1) {
        words({"spin_lock", "main", "recursive"});
        spin_lock(&g_snip.lock);
        spin_lock(&g_snip.lock);
      } else {
        words({"mutex_lock", "main", "recursive"});
        mutex_lock(&g_snip.mutex);
        mutex_lock(&g_snip.mutex);
      }
      return false;
    case BugClass::SoftLockup:
      // A wait for something nobody will do: fairness lets every other
      // task run first, then no fair schedule makes progress.
      words({"main spins at"});
      // The program's interrupt handler maps and unmaps on every firing,
      // which is progress: the lockup would then be found only by the step
      // bound. The run ends at the report, so the handler is not needed.
      if (irq_handler_registered()) free_irq(7, nullptr);
      if (v == 0) {
        while (!READ_ONCE(g_snip.never))
          cpu_relax();
      } else {
        while (!atomic_read(&g_snip.never_atomic))
          cond_resched();
      }
      return false;
    default:
      return false;
  }
}

void inject(Ctx &c) {
  normalize(c, 10);
  g_injected = true;
  g_force.no_irq = true;  // only the interrupts a violation asks for
  spin_lock_init(&g_snip.lock);
  g_snip.lock.name = "snip_lock";
  mutex_init(&g_snip.mutex);
  g_snip.mutex.name = "snip_mutex";
  const Program &p = *g_prog;
  unsigned off = p.inject_at < c.steps->size() ? off_of((*c.steps)[p.inject_at]) : 77;
  bool later = inject_one(p.inject, p.inject_variant, off);
  if (later) return;
  g_missed = true;
  fail("missed detection: the injected %s violation (way #%d) was not reported", kmapsim::bug_class_name(p.inject), p.inject_variant);
}

}  // namespace kprop
