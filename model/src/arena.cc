// The arena: every temporary mapping a subject sees (kmap_local, kmap_atomic,
// kmap) is a real host mapping of its frame in a page-sized window, with an
// inaccessible guard page after it. Frame windows are kCopies per frame,
// used in turn, so a released address keeps faulting until the same frame
// has been mapped kCopies more times (the quarantine). A window is made
// accessible with one mprotect() and closed with another: the floor of the
// design's cost. Only the running context's local windows are accessible.
// Where ASan is present the window is opened and closed through its shadow
// instead (asan_window.h): no system call once the window is mapped.
#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>

#include "asan_window.h"
#include "fuzz_feedback.h"
#include "machine.h"

namespace kmapsim {

bool Machine::in_arena(const void *a) const {
  const char *p = static_cast<const char *>(a);
  return p >= arena_ && p < arena_ + nwindows_ * 2 * kPage;
}

int Machine::window_of(const void *addr, bool *in_guard) const {
  if (!in_arena(addr)) return -1;
  size_t off = static_cast<size_t>(static_cast<const char *>(addr) - arena_);
  *in_guard = (off / kPage) & 1;
  return static_cast<int>(off / (2 * kPage));
}

static void must(int rc, const char *what) {
  if (rc != 0) {
    perror(what);
    fprintf(stderr, "kmapsim: internal error: %s failed (vm.max_map_count?)\n", what);
    abort();
  }
}

// Picks the next window of pfn not in use and maps the frame there, once:
// later uses of the same window only flip its protection. A spill window
// is remapped whenever it changes frames.
int Machine::open_frame_window(Pfn pfn) {
  int base = static_cast<int>(pfn) * kCopies;
  int w = -1;
  for (int i = 0; i < kCopies; i++) {
    int c = (next_copy_[pfn] + i) % kCopies;
    if (windows_[base + c].state != WinState::Live) {
      w = base + c;
      next_copy_[pfn] = static_cast<uint8_t>((c + 1) % kCopies);
      break;
    }
  }
  if (w < 0) {
    // Every copy of this frame is live (one page mapped many times at
    // once): take a spill window, which any frame can be mapped into.
    for (int i = 0; i < kSpillWindows && w < 0; i++) {
      int c = static_cast<int>(nframe_windows_) + static_cast<int>((next_spill_ + i) % kSpillWindows);
      if (windows_[c].state != WinState::Live) {
        w = c;
        next_spill_ = (next_spill_ + i + 1) % kSpillWindows;
      }
    }
    if (w < 0) report(BugClass::SubjectBug, -1, pfn, "more than %d temporary mappings live at once: kmapsim's window pool is exhausted", kSpillWindows);
  }
  show_and_open_window(w, pfn, "mmap of a frame window");
  return w;
}

// Opens window w on frame pfn. A window that shows another frame (or none
// yet) is remapped: one mmap() both maps the frame and opens it; one that
// already shows it only has its access flipped.
void Machine::show_and_open_window(int w, Pfn pfn, const char *what) {
  Window &win = windows_[w];
  if (win.mapped_pfn == static_cast<int32_t>(pfn)) {
    set_window_access(w, true);
    return;
  }
  if (win.accessible) set_window_access(w, false);  // keeps open_windows_ exact
  void *p = mmap(window_addr(w), kPage, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, memfd_, static_cast<off_t>(pfn) * kPage);
  if (p == MAP_FAILED) must(-1, what);
  if (poisons_windows()) poison_window(window_addr(w), true);
  win.mapped_pfn = static_cast<int32_t>(pfn);
  win.accessible = true;
  open_windows_.push_back(w);
}

void Machine::set_window_access(int w, bool rw) {
  Window &win = windows_[w];
  if (win.accessible == rw) return;
  if (poisons_windows())
    poison_window(window_addr(w), rw);
  else
    must(mprotect(window_addr(w), kPage, rw ? PROT_READ | PROT_WRITE : PROT_NONE), "mprotect of a window");
  if (rw && !win.accessible) open_windows_.push_back(w);
  win.accessible = rw;
}

// Poisoning in deterministic mode only: torture mode runs under TSan.
bool Machine::poisons_windows() const { return !torture_ && windows_poisoned(); }

// Before the region is unmapped: its windows' shadow must not stay
// poisoned for whatever the host maps there next.
void Machine::arena_teardown() {
  if (arena_ && poisons_windows()) unpoison_range(arena_, nwindows_ * 2 * kPage);
}

void Machine::release_window(int w) {
  set_window_access(w, false);
  Window &win = windows_[w];
  win.state = WinState::Released;
  win.released_at = events_.seq();
  win.released_by = static_cast<int16_t>(cur_task_);
  win.released_irq = irq_instance_;
}

// What __kmap_local_sched_out/in do, for every change of the running
// context (task switch, another CPU's task running, interrupt entry/exit):
// only (task, irq)'s live local windows stay accessible.
//
// Not in torture mode: protections are process-wide and several contexts
// run at once, so every live window stays accessible from its map to its
// unmap (escapes to another context are not caught there; overruns and uses
// after unmap still are).
void Machine::activate_context(int task, int irq) {
  if (torture_) return;
  if (task == active_task_ && irq == active_irq_) return;
  bool from_live = active_task_ >= 0 && static_cast<size_t>(active_task_) < ntasks_;
  feedback::context_switch(active_task_, task, from_live ? static_cast<unsigned>(tasks_[active_task_]->kmap_ctrl.size()) : 0);
  if (from_live) {
    for (const LocalMap &m : tasks_[active_task_]->kmap_ctrl)
      if (m.owner_irq == active_irq_) set_window_access(m.window, false);
  }
  active_task_ = task;
  active_irq_ = irq;
  if (task < 0) return;
  Task &t = *tasks_[task];
  for (size_t i = 0; i < t.kmap_ctrl.size(); i++) {
    const LocalMap &m = t.kmap_ctrl[i];
    if (m.owner_irq != irq) continue;
    int w = m.window;
    if (broken_sched_in_ && i + 1 < t.kmap_ctrl.size()) w = t.kmap_ctrl[i + 1].window;  // test hook
    set_window_access(w, true);
  }
}

}  // namespace kmapsim
