// The C API's memory entry points (linux/mm.h, highmem.h, cacheflush.h,
// slab.h, uaccess.h, asm/io.h): pages and folios, kmap/kmap_local/kmap_atomic,
// the data-cache flushes, kmalloc, user copies, device registers. Each adapts
// the signature and calls the part that models it (PhysMem, Pkmap,
// KmapLocal, UserMem, Mmio).
#include <cstdlib>
#include <cstring>

#include "api_entry.h"

using kmapsim::BugClass;

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
// Only the newest local mapping can be the returned one: a function that
// returns an older one while a newer stays live leaves its caller no way to
// unmap both in order, and the newer one is then reported as leaked.
void kmapsim_unmap_returned(const void *addr) {
  KMAPSIM_API;
  bool guard = false;
  int w = m.arena().window_of(addr, &guard);
  if (w < 0 || guard || m.arena().win(w).state != kmapsim::WinState::Live) return;
  const kmapsim::Task &t = m.cur();
  if (m.arena().is_local(w)) {
    if (t.kmap_ctrl.empty() || t.kmap_ctrl.back().window != w) return;
    bool atomic = t.kmap_ctrl.back().atomic;
    m.local().kunmap_local_indexed(addr, atomic, atomic ? "kunmap_atomic" : "kunmap_local");
  } else if (m.arena().is_pkmap(w)) {
    m.pkmap().kunmap(m.mem().page(m.arena().win(w).pfn));
  }
}

// ---- cacheflush.h
void flush_dcache_page(struct page *page) { KMAPSIM_API; m.user().flush_dcache_page(page); }
void flush_dcache_folio(struct folio *folio) { KMAPSIM_API; m.user().flush_dcache_page(&folio->page); }

// ---- slab.h: host memory, freed at the end of the run if the subject did not.
struct page *kmapsim_zero_page(void) {
  KMAPSIM_API;
  return m.mem().zero_page();
}

void *kmalloc(size_t size, gfp_t flags) {
  KMAPSIM_API;
  if (gfpflags_allow_blocking(flags)) m.might_sleep("kmalloc");
  m.sched_point("kmalloc");
  if (!(flags & __GFP_NOFAIL) && m.alloc_fails("kmalloc: injected allocation failure")) return nullptr;
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
  if (ZERO_OR_NULL_PTR(ptr)) return;  // NULL, or the ZERO_SIZE_PTR of krealloc(p, 0)
  KMAPSIM_API;
  if (m.forget_kmalloc(ptr)) {
    free(const_cast<void *>(ptr));
    return;
  }
  m.report(BugClass::SubjectBug, -1, -1, "kfree(%s): not a live kmalloc() allocation (double free?)", m.addr_str(ptr));
}

// ---- asm/io.h: register windows and what the device answers (Mmio)
void __iomem *ioremap(phys_addr_t offset, size_t size) { KMAPSIM_API; return m.mmio().ioremap(offset, size, "ioremap"); }
void iounmap(volatile void __iomem *addr) { KMAPSIM_API; m.mmio().iounmap(addr, "iounmap"); }
u64 kmapsim_mmio_read(const volatile void __iomem *addr, unsigned int bytes, u64 held, const char *api) {
  KMAPSIM_API;
  return m.mmio().read(addr, bytes, held, api);
}
void kmapsim_mmio_write(volatile void __iomem *addr, unsigned int bytes, const char *api) { KMAPSIM_API; m.mmio().write(addr, bytes, api); }
void kmapsim_mmio_range(const volatile void __iomem *addr, size_t n, const char *api) { KMAPSIM_API; m.mmio().range(addr, n, api); }

// ---- uaccess.h
int kmapsim_get_user(void *to, const void __user *from, unsigned long n, const char *api) {
  KMAPSIM_API;
  return m.user().copy_user(to, from, n, false, false, api) ? -EFAULT : 0;
}
int kmapsim_put_user(const void *from, void __user *to, unsigned long n, const char *api) {
  KMAPSIM_API;
  return m.user().copy_user(to, from, n, true, false, api) ? -EFAULT : 0;
}
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
// Zeroes user memory: faults and comes back short as copy_to_user() does.
unsigned long clear_user(void __user *to, unsigned long n) { KMAPSIM_API; return m.user().copy_user(to, nullptr, n, true, false, "clear_user"); }
size_t fault_in_readable(const char __user *uaddr, size_t size) { KMAPSIM_API; return m.user().fault_in(uaddr, size); }
size_t fault_in_writeable(char __user *uaddr, size_t size) { KMAPSIM_API; return m.user().fault_in(uaddr, size); }

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

}  // extern "C"
