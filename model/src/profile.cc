#include "profile.h"

namespace kmapsim {

namespace {

std::vector<Profile> make_profiles() {
  std::vector<Profile> v;
  Profile strict;
  strict.name = "strict";
  strict.description =
      "32-bit HIGHMEM (PAE: LAST_PKMAP 512) with DEBUG_KMAP_LOCAL, FORCE_MAP and an aliasing data cache: every "
      "debug aid at once; catches every class (default)";
  strict.force_map = true;
  strict.aliasing_dcache = true;
  strict.debug_highmem = true;
  // x86-32 with PAE: 512 PKMAP slots, so a pool held by a few tasks can run dry.
  strict.last_pkmap = 512;
  v.push_back(strict);

  Profile x86;
  x86.name = "x86-32";
  x86.description = "x86-32 HIGHMEM kernel as distributions build it: 15 local slots, lowmem direct-mapped";
  x86.debug_kmap_local = false;
  v.push_back(x86);

  Profile fm;
  fm.name = "x86-32-forcemap";
  fm.description = "x86-32 with DEBUG_KMAP_LOCAL_FORCE_MAP (selects DEBUG_KMAP_LOCAL): lowmem pages get real temporary maps";
  fm.force_map = true;
  v.push_back(fm);

  Profile arm;
  arm.name = "arm-vivt";
  arm.description = "ARM32 HIGHMEM with a VIVT data cache: flush_dcache_page is required, LAST_PKMAP 512";
  arm.debug_kmap_local = false;
  arm.aliasing_dcache = true;
  arm.last_pkmap = 512;
  // VIVT highmem needs ARCH_NEEDS_KMAP_HIGH_GET: ARM's header refuses the
  // one combination that would undefine it (SMP with CPU_TLB_V6) with VIVT.
  arm.kmap_high_get = true;
  v.push_back(arm);

  Profile x64;
  x64.name = "x86-64";
  x64.description = "64-bit: no HIGHMEM, kmap_local is page_address and nothing is tracked";
  x64.highmem = false;
  x64.long_bits = 64;
  x64.debug_kmap_local = false;
  x64.lowmem_pages = 2048;
  x64.highmem_pages = 0;
  v.push_back(x64);

  // 64-bit with DEBUG_KMAP_LOCAL_FORCE_MAP (x86-64 allows it since
  // 14df32670291). KMAP_LOCAL is built in, but without CONFIG_HIGHMEM the
  // kmap_local_page/folio/pfn and kmap_atomic of highmem-internal.h are
  // page_address() and never reach __kmap_local_page_prot(), so no local
  // mapping is ever made: what this machine catches is what x86-64 catches.
  // Only folio_test_partial_kmap() changes (true under FORCE_MAP).
  Profile x64fm = x64;
  x64fm.name = "x86-64-forcemap";
  x64fm.description =
      "64-bit with DEBUG_KMAP_LOCAL_FORCE_MAP: KMAP_LOCAL is built in, but kmap_local_page() without HIGHMEM is still page_address(), "
      "so nothing is forced or tracked";
  x64fm.debug_kmap_local = true;
  x64fm.force_map = true;
  v.push_back(x64fm);

  // Tiny variants: 8 PKMAP slots and small zones, for fast exploration of pool pressure.
  size_t n = v.size();
  for (size_t i = 0; i < n; i++) {
    Profile t = v[i];
    t.name += "-tiny";
    t.description += " (tiny: 8 PKMAP slots, 1024 pages)";
    t.last_pkmap = 8;
    if (t.highmem) {
      t.lowmem_pages = 512;
      t.highmem_pages = 512;
    } else {
      t.lowmem_pages = 1024;
    }
    v.push_back(t);
  }
  return v;
}

}  // namespace

const std::vector<Profile> &all_profiles() {
  static const std::vector<Profile> profiles = make_profiles();
  return profiles;
}

const Profile *find_profile(std::string_view name) {
  for (const Profile &p : all_profiles())
    if (p.name == name) return &p;
  return nullptr;
}

const Profile &default_profile() { return all_profiles()[0]; }

}  // namespace kmapsim
