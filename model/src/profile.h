// The simulated machine's configuration: which kernel config a run models.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kmapsim {

struct Profile {
  std::string name;
  std::string description;
  bool highmem = true;           // CONFIG_HIGHMEM: a highmem zone, PKMAP, fixmap slots
  bool debug_kmap_local = true;  // CONFIG_DEBUG_KMAP_LOCAL: KM_MAX_IDX 33, KM_INCR 2
  bool force_map = false;        // CONFIG_DEBUG_KMAP_LOCAL_FORCE_MAP
  bool aliasing_dcache = false;  // VIVT / aliasing VIPT: flush_dcache_page matters
  bool debug_highmem = false;    // CONFIG_DEBUG_HIGHMEM (selects DEBUG_KMAP_LOCAL and, where allowed, FORCE_MAP)
  // The PTE value the architecture's pte_none() recognises. 0 on x86 and
  // ARM; xtensa's empty PTE is not 0, which is why the sched walk tests
  // guard slots with pte_val() != 0 (66f133ceab74), not pte_none().
  uint64_t pte_none_value = 0;
  // CONFIG_PREEMPT_RT: kmap_atomic() disables migration, not preemption
  // (highmem-internal.h); page faults stay disabled. No named profile sets
  // it: a test or a caller builds one from a base profile.
  bool preempt_rt = false;
  // ARCH_NEEDS_KMAP_HIGH_GET (ARM, arch/arm/include/asm/highmem.h):
  // kmap_atomic()/kmap_local_page() of a highmem page that already has a
  // PKMAP address reuse it through kmap_high_get(), taking a pkmap_count
  // reference instead of a fixmap slot; the unmap drops it with
  // kunmap_high(). Essential with a VIVT cache (one mapping, no alias).
  bool kmap_high_get = false;
  // ARCH_PKMAP_COLORING (xtensa with DCACHE_WAY_SIZE > PAGE_SIZE):
  // DCACHE_N_COLORS. A page gets a PKMAP slot of its own cache colour
  // (slot % colours == pfn % colours), each colour has its own cursor and
  // its LAST_PKMAP / colours slots; 1 is mm/highmem.c's uncoloured pool. A
  // power of two dividing last_pkmap. No named profile sets it.
  unsigned pkmap_colors = 1;
  // BITS_PER_LONG of the simulated kernel: the width of its unsigned long
  // (kmapsim_ulong() in <kmapsim/subject.h>). Subjects run as 64-bit host
  // code; where a kernel computation wraps at 32 bits, this says it does.
  unsigned long_bits = 32;
  unsigned last_pkmap = 1024;    // LAST_PKMAP
  unsigned nr_cpus = 2;
  unsigned lowmem_pages = 1024;
  unsigned highmem_pages = 1024;

  // include/asm-generic/kmap_size.h and mm/highmem.c.
  int km_max_idx() const { return debug_kmap_local ? 33 : 16; }
  int km_incr() const { return debug_kmap_local ? 2 : 1; }
  // The BUG_ON(idx >= KM_MAX_IDX) after each push allows this many maps:
  // 15 without DEBUG_KMAP_LOCAL, 16 with it.
  int max_local_maps() const { return (km_max_idx() - 1) / km_incr(); }
  unsigned total_pages() const { return lowmem_pages + highmem_pages; }
};

// nullptr when unknown.
const Profile *find_profile(std::string_view name);
const Profile &default_profile();
const std::vector<Profile> &all_profiles();

}  // namespace kmapsim
