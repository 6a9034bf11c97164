// Machine set-up, the run loop's entry and exit (events and reports:
// report_format.cc).
#include "machine.h"
#include "torture.h"

#include <linux/mm.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace kmapsim {

namespace {
thread_local Machine *t_current = nullptr;
int g_machine_count = 0;
// Fixed addresses make report text identical between processes (replay
// is byte for byte): each Machine of a process gets its own 64 GiB slot.
constexpr uintptr_t kRegionBase = 0x7e9000000000ull;
constexpr uintptr_t kRegionStride = 64ull << 30;
}  // namespace

Machine *Machine::running() { return t_current; }

void Machine::bind_thread(Machine *m) { t_current = m; }

Machine &M() {
  Machine *m = Machine::running();
  if (!m) {
    fprintf(stderr, "kmapsim: the kernel API was called outside a simulated run (call it from a subject)\n");
    exit(2);
  }
  return *m;
}

void install_fault_handler();  // fault.cc
struct page *mem_map_alloc(unsigned total);  // physmem.cc
void mem_map_free(struct page *mem_map, unsigned total);
void mem_map_publish(struct page *mem_map, unsigned total);

void subject_data_restore();  // subject_data.cc
void plain_access_link();     // plain_access.cc

Machine::Machine(const Profile &p) : prof_(p) {
  install_fault_handler();
  size_t total = prof_.total_pages();
  memfd_ = memfd_create("kmapsim-physmem", MFD_CLOEXEC);
  if (memfd_ < 0 || ftruncate(memfd_, static_cast<off_t>(total * kPage)) != 0) {
    perror("kmapsim: memfd for the simulated physical memory");
    exit(2);
  }
  nframe_windows_ = total * kCopies;
  nlocal_windows_ = nframe_windows_ + kSpillWindows;
  nwindows_ = nlocal_windows_ + prof_.last_pkmap;
  size_t phys_sz = total * kPage, dmap_sz = prof_.lowmem_pages * kPage;
  // [phys view][guard][direct map][guard][arena: window, guard, window, ...]
  region_size_ = phys_sz + kPage + dmap_sz + kPage + nwindows_ * 2 * kPage;
  uintptr_t want = kRegionBase + kRegionStride * static_cast<uintptr_t>(g_machine_count++);
  void *r = mmap(reinterpret_cast<void *>(want), region_size_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
                 -1, 0);
  if (r == MAP_FAILED || r != reinterpret_cast<void *>(want)) {
    if (r != MAP_FAILED) munmap(r, region_size_);
    r = mmap(nullptr, region_size_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (r == MAP_FAILED) {
      perror("kmapsim: reserving the arena");
      exit(2);
    }
  }
  region_ = static_cast<char *>(r);
  phys_ = region_;
  dmap_ = phys_ + phys_sz + kPage;
  arena_ = dmap_ + dmap_sz + kPage;
  if (mmap(phys_, phys_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, memfd_, 0) == MAP_FAILED ||
      (dmap_sz && mmap(dmap_, dmap_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, memfd_, 0) == MAP_FAILED)) {
    perror("kmapsim: mapping the simulated physical memory");
    exit(2);
  }
  mem_map_ = mem_map_alloc(static_cast<unsigned>(total));
  for (size_t i = 0; i < total; i++) mem_map_[i].flags = is_highmem(static_cast<Pfn>(i)) ? KMAPSIM_PG_HIGHMEM : 0;
  next_copy_.assign(total, 0);
  windows_.assign(nwindows_, Window{});
  alloc_bitmap_.assign(total, 0);
  pkmap_count_.assign(prof_.last_pkmap, 0);
  pkmap_page_.assign(prof_.last_pkmap, -1);
  pkmap_last_user_.assign(prof_.last_pkmap, -1);
  pkmap_slot_of_.assign(total, -1);
  cpus_.assign(prof_.nr_cpus, Cpu{});
  plain_access_link();
  if (const char *e = getenv("KMAPSIM_PLAIN_ACCESS")) plain_access_points_ = strcmp(e, "0") != 0;
  host_.adopt_current();
}

Machine::~Machine() {
  reset();
  arena_teardown();
  if (region_) munmap(region_, region_size_);
  if (memfd_ >= 0) close(memfd_);
  mem_map_free(mem_map_, prof_.total_pages());
}

// Back to a freshly booted machine: no pages allocated, no mappings, no
// tasks. Host mappings stay (mapping a window is paid once per process);
// every window is made inaccessible.
void Machine::reset() {
  for (int w : open_windows_) {
    Window &win = windows_[w];
    if (win.accessible) set_window_access(w, false);
  }
  open_windows_.clear();
  // Only what this run touched is reset: a run costs what it did, not the
  // size of the machine.
  for (int w : touched_windows_) {
    int32_t m = windows_[w].mapped_pfn;
    windows_[w] = Window{};
    windows_[w].mapped_pfn = m;
  }
  touched_windows_.clear();
  for (Pfn p : touched_pfns_) {
    mem_map_[p] = (struct page){};
    mem_map_[p].flags = is_highmem(p) ? KMAPSIM_PG_HIGHMEM : 0;
    alloc_bitmap_[p] = 0;
    next_copy_[p] = 0;
    pkmap_slot_of_[p] = -1;
  }
  touched_pfns_.clear();
  next_spill_ = 0;
  std::fill(pkmap_count_.begin(), pkmap_count_.end(), 0);
  std::fill(pkmap_page_.begin(), pkmap_page_.end(), -1);
  std::fill(pkmap_last_user_.begin(), pkmap_last_user_.end(), -1);
  last_pkmap_nr_ = 0;
  last_pkmap_nr_arr_.assign(prof_.pkmap_colors, 0);
  pkmap_held_ = 0;
  ntasks_ = 0;
  for (Cpu &c : cpus_) c.curr = -1;
  cur_task_ = -1;
  active_task_ = -1;
  active_irq_ = 0;
  irq_instance_ = 0;
  irq_counter_ = 0;
  worker_ = -1;
  irqs_.clear();
  work_queue_.clear();
  for (UserBuf &b : user_bufs_) free(b.base);
  user_bufs_.clear();
  user_view_.clear();
  pcpu_.clear();
  for (void *p : kmallocs_) free(p);
  kmallocs_.clear();
  events_.clear();
  map_traces_.clear();
  dcache_calls_.clear();
  fault_trace_.n = 0;
  for (auto &t : tasks_)
    if (t) t->site = ApiSite{};
  steps_ = 0;
  progress_total_ = spin_progress_ = idle_spins_ = 0;
  waiters_ = 0;
  fallible_calls_ = 0;
  plain_points_ = 0;
  last_api_ = "";
  api_depth_ = 0;
  watchdog_fired_ = false;
  run_serial_++;
  obs_hash_ = kFnvBasis;
  last_null_page_address_api_ = nullptr;
  expected_ = BugClass::None;
  entry_task_ = -1;
  entry_fn_ = nullptr;
  result_ = RunResult{};
}

RunResult Machine::run(void (*body)(), DecisionSource &src) {
  if (t_current) {
    fprintf(stderr, "kmapsim: internal error: nested Machine::run\n");
    abort();
  }
  reset();
  if (!torture_) arm_watchdog();
  subject_data_restore();
  decisions_.attach(&src);
  src.begin_run();
  t_current = this;
  mem_map_publish(mem_map_, prof_.total_pages());
  running_ = true;
  int main_task = create_task("main", body, nullptr, nullptr);
  cpus_[0].curr = main_task;
  cur_task_ = main_task;
  activate_context(main_task, 0);
  Fiber::switch_to(&host_, &tasks_[main_task]->fiber);
  // Back on the host: the run finished or was abandoned at a report.
  running_ = false;
  activate_context(-1, 0);
  t_current = nullptr;
  src.end_run();
  decisions_.detach();
  result_.steps = steps_;
  result_.decisions = trace().size();
  result_.trace_hash = trace().hash() ^ obs_hash_;
  return result_;
}

void Machine::abandon_run() {
  Task *t = cur_task_ >= 0 ? tasks_[cur_task_].get() : nullptr;
  Fiber::jump_to(t ? &t->fiber : &host_, &host_);
}

[[noreturn]] void Machine::finish_run() {
  end_run_checks();
  abandon_run();
}

// A kmap() that was never kunmap()ed by the end of the run (kmap-leak).
void Machine::end_run_checks() {
  for (unsigned s = 0; s < prof_.last_pkmap; s++)
    if (pkmap_count_[s] >= 2) {
      int w = pkmap_window(s);
      report(BugClass::KmapLeak, w, pkmap_page_[s], "kmap() of pfn %d (PKMAP slot %u, %d holder%s) was never kunmap()ed by the end of the run",
             pkmap_page_[s], s, pkmap_count_[s] - 1, pkmap_count_[s] > 2 ? "s" : "");
    }
}

}  // namespace kmapsim
