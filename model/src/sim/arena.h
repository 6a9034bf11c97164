// The arena of host windows behind every temporary mapping (arena.cc):
// kmap_local/kmap_atomic windows (kCopies per frame, then spill windows)
// and the PKMAP slots, each one page with an inaccessible guard page after
// it. The arena knows nothing of tasks or PKMAP counts: its users fill in a
// window's record (owner, page, API) and ask it to open, close or release
// the window.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kmapsim {

using Pfn = uint32_t;
constexpr size_t kPage = 4096;

enum class WinState : uint8_t { Unused, Live, Released };

// One window's record. Frame windows belong to one frame (kCopies per
// frame, used in turn so a released address is not handed out again soon);
// PKMAP windows are the pool's slots.
struct Window {
  int32_t mapped_pfn = -1;  // frame the host mapping shows, -1: none yet
  WinState state = WinState::Unused;
  bool accessible = false;
  bool atomic = false;
  int16_t owner_task = -1;
  int32_t owner_irq = 0;
  Pfn pfn = 0;
  const char *api = "";
  uint64_t made_at = 0, released_at = 0;
  int16_t released_by = -1;
  int32_t released_irq = 0;
  bool via_page_address = false;  // PKMAP: page_address() handed it out while unheld
  bool touched = false;           // on the arena's touched list (reset after the run)
};

class Arena {
 public:
  static constexpr int kCopies = 4;
  static constexpr int kSpillWindows = 256;

  // base: the reserved address range (size() bytes); memfd: the frames.
  void init(char *base, int memfd, size_t total_pages, unsigned npkmap);
  static size_t size_for(size_t total_pages, unsigned npkmap) { return (total_pages * kCopies + kSpillWindows + npkmap) * 2 * kPage; }
  // Whether windows are opened through ASan's shadow (never in torture
  // mode: it runs under TSan).
  void set_shadow_allowed(bool on) { shadow_allowed_ = on; }
  bool poisons() const;

  bool contains(const void *a) const {
    const char *p = static_cast<const char *>(a);
    return p >= base_ && p < base_ + nwindows_ * 2 * kPage;
  }
  // The window holding addr (guard page included), -1 outside the arena.
  int window_of(const void *addr, bool *in_guard) const {
    if (!contains(addr)) return -1;
    size_t off = static_cast<size_t>(static_cast<const char *>(addr) - base_);
    *in_guard = (off / kPage) & 1;
    return static_cast<int>(off / (2 * kPage));
  }
  char *addr(int w) const { return base_ + static_cast<size_t>(w) * 2 * kPage; }
  size_t nwindows() const { return nwindows_; }
  size_t nframe_windows() const { return nframe_windows_; }
  bool is_local(int w) const { return w >= 0 && static_cast<size_t>(w) < nlocal_windows_; }
  bool is_pkmap(int w) const { return static_cast<size_t>(w) >= nlocal_windows_ && static_cast<size_t>(w) < nwindows_; }
  int pkmap_window(unsigned slot) const { return static_cast<int>(nlocal_windows_ + slot); }
  unsigned pkmap_slot(int w) const { return static_cast<unsigned>(static_cast<size_t>(w) - nlocal_windows_); }

  const Window &win(int w) const { return windows_[w]; }
  // The record of w, to be changed: reset with the run.
  Window &touch(int w) {
    Window &win = windows_[w];
    if (!win.touched) {
      win.touched = true;
      touched_.push_back(w);
    }
    return win;
  }
  // Marks w's page as handed out by page_address() (or not).
  void set_via_page_address(int w, bool on) { windows_[w].via_page_address = on; }
  const std::vector<int> &touched() const { return touched_; }
  // Whether a local/atomic window is live: a window made live this run is
  // on the touched list, so this looks at this run's windows only.
  bool any_live_local() const {
    for (int w : touched_)
      if (is_local(w) && windows_[w].state == WinState::Live) return true;
    return false;
  }

  // The next frame window of pfn not in use, opened on it; -1 when every
  // copy and every spill window is live.
  int open_frame_window(Pfn pfn);
  // The window open_frame_window() would open, chosen the same way (the
  // round-robin copy advances), without opening it on the host.
  int pick_frame_window(Pfn pfn);
  // Opens w on pfn: remaps it when it shows another frame, else flips it.
  void show_and_open(int w, Pfn pfn, const char *what);
  void set_access(int w, bool rw);
  // Closes w for good: a released window keeps faulting (quarantine).
  void release(int w, uint64_t seq, int task, int irq);
  // Back to a fresh run: every window closed, touched records cleared.
  void reset();
  // Before the region is unmapped: no shadow stays poisoned.
  void teardown();

 private:
  char *base_ = nullptr;
  int memfd_ = -1;
  // Window indices: [frame windows: kCopies per frame][spill windows][PKMAP slots].
  size_t nframe_windows_ = 0, nlocal_windows_ = 0, nwindows_ = 0;
  unsigned next_spill_ = 0;
  bool shadow_allowed_ = true;
  std::vector<uint8_t> next_copy_;  // per frame: the copy to use next
  std::vector<Window> windows_;
  std::vector<int> open_;     // windows that are accessible now (or were, since the last reset)
  std::vector<int> touched_;  // windows whose record this run changed
};

}  // namespace kmapsim
