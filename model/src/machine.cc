// Machine set-up, the run loop's entry and exit, events and reports.
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
  trace_.clear();
  events_.clear();
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
  src_ = &src;
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
  src_ = nullptr;
  result_.steps = steps_;
  result_.decisions = trace_.size();
  result_.trace_hash = trace_.hash() ^ obs_hash_;
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

uint64_t Machine::event(Ev kind, uint64_t a, uint64_t b, const char *what) {
  Event e{};
  e.kind = kind;
  e.task = static_cast<int16_t>(cur_task_);
  e.cpu = static_cast<int16_t>(cur_task_ >= 0 ? tasks_[cur_task_]->cpu : -1);
  e.irq = irq_instance_;
  e.a = a;
  e.b = b;
  e.what = what;
  // FNV-1a over whole words (one multiply per field, not per byte) with a
  // fold: every event pays this, and byte-wise hashing of the 40 bytes was
  // most of the cost of a lowmem kmap_local_page (tests/bench).
  const uint64_t mix[5] = {static_cast<uint64_t>(kind), a, b, static_cast<uint64_t>(e.task), static_cast<uint64_t>(e.cpu)};
  uint64_t h = obs_hash_;
  for (uint64_t w : mix) {
    h = (h ^ w) * 0x100000001b3ull;
    h ^= h >> 32;
  }
  obs_hash_ = h;
  // What another context could observe is progress (fairness, sched_fair.cc);
  // scheduling itself is not.
  switch (kind) {
    case Ev::Switch:
    case Ev::Preempt:
    case Ev::Migrate:
    case Ev::IrqEnter:
    case Ev::IrqExit:
    case Ev::Block: break;
    default: note_progress(); break;
  }
  uint64_t seq = events_.push(e);
  if (log_events_) {
    std::string line;
    Event copy = e;
    copy.seq = seq;
    format_event(line, copy);
    fputs(line.c_str(), stderr);
  }
  return seq;
}

const char *Machine::task_label(int task, int irq) const {
  char *b = label_buf_[label_next_++ & 3];
  if (task < 0 || static_cast<size_t>(task) >= ntasks_)
    snprintf(b, 64, "(none)");
  else if (irq)
    snprintf(b, 64, "irq#%d on %s", irq, tasks_[task]->name.c_str());
  else
    snprintf(b, 64, "%s", tasks_[task]->name.c_str());
  return b;
}

const char *Machine::addr_str(const void *p) const {
  char *b = label_buf_[label_next_++ & 3];
  const char *c = static_cast<const char *>(p);
  if ((c >= region_ && c < region_ + region_size_) || reinterpret_cast<uintptr_t>(p) < 0x10000) {
    snprintf(b, 64, "%p", p);
    return b;
  }
  for (size_t i = 0; i < ntasks_; i++)
    if (tasks_[i]->fiber.contains(p)) {
      snprintf(b, 64, "a stack address of %s", tasks_[i]->name.c_str());
      return b;
    }
  snprintf(b, 64, "a non-kmap address (heap, global or garbage)");
  return b;
}

static void appendf(std::string &out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void appendf(std::string &out, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  out += buf;
}

void Machine::describe_context(std::string &out) const {
  if (cur_task_ < 0) return;
  const Task &t = *tasks_[cur_task_];
  appendf(out, "  context: %s (pid %d) on cpu %d, %s, preempt_count %d, pagefault_disabled %d, migrate_disabled %d, irqs %s\n",
          task_label(cur_task_, irq_instance_), t.id + 1, t.cpu, irq_instance_ ? "in hardirq" : "in task context", t.preempt_count,
          t.pagefault_disabled, t.migrate_disabled, t.irqs_off ? "off" : "on");
}

void Machine::describe_page(std::string &out, Pfn pfn) const {
  if (pfn >= prof_.total_pages()) return;
  const struct page &pg = mem_map_[pfn];
  Pfn head = pfn;
  if (pg.compound_head & 1) head = static_cast<Pfn>(reinterpret_cast<const struct page *>(pg.compound_head - 1) - mem_map_);
  unsigned order = (mem_map_[head].flags & KMAPSIM_PG_HEAD) ? mem_map_[head].order : 0;
  appendf(out, "  page: pfn %u zone %s, folio head pfn %u order %u%s\n", pfn, is_highmem(pfn) ? "HighMem" : "Normal", head, order,
          (pg.flags & KMAPSIM_PG_USER_MAPPED) ? ", mapped to user space" : "");
}

void Machine::describe_window(std::string &out, int w) const {
  if (w < 0 || static_cast<size_t>(w) >= nwindows_) return;
  const Window &win = windows_[w];
  bool pk = static_cast<size_t>(w) >= nlocal_windows_;
  const char *state = win.state == WinState::Live ? "live" : win.state == WinState::Released ? "released" : "never used";
  if (pk) {
    unsigned slot = static_cast<unsigned>(w - nlocal_windows_);
    appendf(out, "  mapping: kmap() PKMAP slot %u at %p, pfn %d, pkmap_count %d (%s), last kmap() by %s\n", slot,
            static_cast<void *>(window_addr(w)), pkmap_page_[slot], pkmap_count_[slot], state, task_label(pkmap_last_user_[slot], 0));
    return;
  }
  int depth = -1;
  if (win.owner_task >= 0 && static_cast<size_t>(win.owner_task) < ntasks_) {
    const auto &st = tasks_[win.owner_task]->kmap_ctrl;
    for (size_t i = 0; i < st.size(); i++)
      if (st[i].window == w) depth = static_cast<int>(i);
  }
  appendf(out, "  mapping: %s() at %p, pfn %u (%s), %s, owner %s on cpu %d", win.api, static_cast<void *>(window_addr(w)), win.pfn,
          is_highmem(win.pfn) ? "HighMem" : "Normal, forced map", state, task_label(win.owner_task, win.owner_irq),
          win.owner_task >= 0 && static_cast<size_t>(win.owner_task) < ntasks_ ? tasks_[win.owner_task]->cpu : -1);
  if (depth >= 0) appendf(out, ", stack depth %d (fixmap slot %d)", depth, (depth + 1) * prof_.km_incr() - 1);
  appendf(out, ", made at event #%llu", static_cast<unsigned long long>(win.made_at));
  if (win.state == WinState::Released)
    appendf(out, ", unmapped at event #%llu by %s", static_cast<unsigned long long>(win.released_at), task_label(win.released_by, win.released_irq));
  out += "\n";
}

static const char *ev_name(Ev k) {
  switch (k) {
    case Ev::Alloc: return "alloc";
    case Ev::Free: return "free";
    case Ev::Kmap: return "kmap";
    case Ev::Kunmap: return "kunmap";
    case Ev::MapLocal: return "map";
    case Ev::UnmapLocal: return "unmap";
    case Ev::PkmapFlush: return "pkmap-flush";
    case Ev::Switch: return "switch";
    case Ev::Preempt: return "preempt";
    case Ev::Migrate: return "migrate";
    case Ev::IrqEnter: return "irq-enter";
    case Ev::IrqExit: return "irq-exit";
    case Ev::TaskStart: return "task-start";
    case Ev::TaskExit: return "task-exit";
    case Ev::Block: return "block";
    case Ev::Wake: return "wake";
    case Ev::UserCopy: return "user-copy";
    case Ev::Pick: return "pick";
    case Ev::Note: return "note";
  }
  return "?";
}

void Machine::format_event(std::string &o, const Event &e) const {
  appendf(o, "    #%-5llu %-22s cpu%-2d %-12s", static_cast<unsigned long long>(e.seq), task_label(e.task, e.irq), e.cpu, ev_name(e.kind));
  switch (e.kind) {
    case Ev::Alloc:
      if (e.a == UINT64_MAX)
        appendf(o, "%s\n", e.what);
      else
        appendf(o, "%s order %llu -> pfn %llu\n", e.what, static_cast<unsigned long long>(e.b), static_cast<unsigned long long>(e.a));
      break;
    case Ev::Free: appendf(o, "%s pfn %llu order %llu\n", e.what, static_cast<unsigned long long>(e.a), static_cast<unsigned long long>(e.b)); break;
    case Ev::Kmap:
    case Ev::MapLocal:
      appendf(o, "%s pfn %llu -> %p\n", e.what, static_cast<unsigned long long>(e.a), reinterpret_cast<void *>(e.b));
      break;
    case Ev::Kunmap:
    case Ev::UnmapLocal: appendf(o, "%s pfn %llu at %p\n", e.what, static_cast<unsigned long long>(e.a), reinterpret_cast<void *>(e.b)); break;
    case Ev::Switch:
    case Ev::Preempt:
    case Ev::Wake:
    case Ev::TaskStart: appendf(o, "%s -> %s\n", e.what, task_label(static_cast<int>(e.a), 0)); break;
    case Ev::Migrate: appendf(o, "to cpu %llu\n", static_cast<unsigned long long>(e.a)); break;
    case Ev::Pick: appendf(o, "%s = %llu\n", e.what, static_cast<unsigned long long>(e.a)); break;
    default: appendf(o, "%s\n", e.what); break;
  }
}

void Machine::compose_report(BugClass cls, int window, int64_t pfn, const char *line) {
  Report &r = result_.report;
  r.cls = cls;
  r.first_line = std::string("BUG: kmapsim: ") + bug_class_name(cls) + ": " + line;
  std::string &o = r.text;
  o = r.first_line + "\n";
  appendf(o, "  profile: %s\n", prof_.name.c_str());
  describe_context(o);
  describe_window(o, window);
  if (pfn >= 0) describe_page(o, static_cast<Pfn>(pfn));
  o += "  last events (oldest first):\n";
  for (const Event &e : events_.recent()) format_event(o, e);
  appendf(o, "  decisions: %zu, steps: %llu\n", trace_.size(), static_cast<unsigned long long>(steps_));
  if (!replay_hint_.empty()) appendf(o, "  replay: %s\n", replay_hint_.c_str());
  result_.reported = true;
  result_.expected = cls == expected_;
}

void Machine::report(BugClass cls, int window, int64_t pfn, const char *fmt, ...) {
  {
    char line[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (!running_) {
      fprintf(stderr, "BUG: kmapsim: %s: %s\n", bug_class_name(cls), line);
      abort();
    }
    compose_report(cls, window, pfn, line);
  }
  if (torture_) torture_->fatal_report();  // prints the report and ends the process
  abandon_run();
}

}  // namespace kmapsim
