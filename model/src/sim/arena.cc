// The arena: every temporary mapping a subject sees (kmap_local, kmap_atomic,
// kmap) is a real host mapping of its frame in a page-sized window, with an
// inaccessible guard page after it. Frame windows are kCopies per frame,
// used in turn, so a released address keeps faulting until the same frame
// has been mapped kCopies more times (the quarantine). A window is made
// accessible with one mprotect() and closed with another: the floor of the
// design's cost. Only the running context's local windows are accessible
// (kmap_local.cc decides which).
// Where ASan is present the window is opened and closed through its shadow
// instead (asan_window.h): no system call once the window is mapped.
#include "arena.h"

#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>

#include "asan_window.h"

namespace kmapsim {

void Arena::init(char *base, int memfd, size_t total_pages, unsigned npkmap) {
  base_ = base;
  memfd_ = memfd;
  nframe_windows_ = total_pages * kCopies;
  nlocal_windows_ = nframe_windows_ + kSpillWindows;
  nwindows_ = nlocal_windows_ + npkmap;
  next_copy_.assign(total_pages, 0);
  windows_.assign(nwindows_, Window{});
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
int Arena::open_frame_window(Pfn pfn) {
  int w = pick_frame_window(pfn);
  if (w >= 0) show_and_open(w, pfn, "mmap of a frame window");
  return w;
}

// The choice of open_frame_window() alone: the host mapping is left as it
// is (a window it does not open keeps faulting).
int Arena::pick_frame_window(Pfn pfn) {
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
    if (w < 0) return -1;
  }
  return w;
}

// Opens window w on frame pfn. A window that shows another frame (or none
// yet) is remapped: one mmap() both maps the frame and opens it; one that
// already shows it only has its access flipped.
void Arena::show_and_open(int w, Pfn pfn, const char *what) {
  Window &win = windows_[w];
  if (win.mapped_pfn == static_cast<int32_t>(pfn)) {
    set_access(w, true);
    return;
  }
  if (win.accessible) set_access(w, false);  // keeps open_ exact
  void *p = mmap(addr(w), kPage, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, memfd_, static_cast<off_t>(pfn) * kPage);
  if (p == MAP_FAILED) must(-1, what);
  if (poisons()) poison_window(addr(w), true);
  win.mapped_pfn = static_cast<int32_t>(pfn);
  win.accessible = true;
  open_.push_back(w);
}

void Arena::set_access(int w, bool rw) {
  Window &win = windows_[w];
  if (win.accessible == rw) return;
  if (poisons())
    poison_window(addr(w), rw);
  else
    must(mprotect(addr(w), kPage, rw ? PROT_READ | PROT_WRITE : PROT_NONE), "mprotect of a window");
  if (rw && !win.accessible) open_.push_back(w);
  win.accessible = rw;
}

bool Arena::poisons() const { return shadow_allowed_ && windows_poisoned(); }

void Arena::teardown() {
  if (base_ && poisons()) unpoison_range(base_, nwindows_ * 2 * kPage);
}

void Arena::release(int w, uint64_t seq, int task, int irq) {
  set_access(w, false);
  Window &win = windows_[w];
  win.state = WinState::Released;
  win.released_at = seq;
  win.released_by = static_cast<int16_t>(task);
  win.released_irq = irq;
}

// Host mappings stay (mapping a window is paid once per process); every
// window is made inaccessible, and only what this run touched is reset: a
// run costs what it did, not the size of the machine.
void Arena::reset() {
  for (int w : open_)
    if (windows_[w].accessible) set_access(w, false);
  open_.clear();
  for (int w : touched_) {
    int32_t m = windows_[w].mapped_pfn;
    windows_[w] = Window{};
    windows_[w].mapped_pfn = m;
    if (static_cast<size_t>(w) < nframe_windows_) next_copy_[static_cast<size_t>(w) / kCopies] = 0;
  }
  touched_.clear();
  next_spill_ = 0;
}

}  // namespace kmapsim
