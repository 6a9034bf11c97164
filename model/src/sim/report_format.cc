// Report formatting: events as they happen, and the report of a run —
// context, sites and call traces, mapping, page, last events — composed as
// data (report.h's Report) and rendered to text by render_report_text().
#include <algorithm>

#include "machine.h"
#include "torture.h"

#include <linux/mm.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace kmapsim {

uint64_t Machine::event(Ev kind, uint64_t a, uint64_t b, const char *what) {
  Event e{};
  e.kind = kind;
  e.task = static_cast<int16_t>(cur_task());
  e.cpu = static_cast<int16_t>(cur_task() >= 0 ? sched_.task(cur_task()).cpu : -1);
  e.irq = irq_instance_;
  e.a = a;
  e.b = b;
  e.what = what;
  const ApiSite *site = cur_task() >= 0 ? &sched_.task(cur_task()).site : nullptr;
  e.pc = site ? site->pc : 0;
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
  // A mapping's call trace, for the report that names it (a few loads).
  if ((kind == Ev::MapLocal || kind == Ev::Kmap) && site && site->fp) {
    map_traces_.emplace_back(seq, PcTrace{});
    capture_trace(map_traces_.back().second, site->fp);
  }
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
  if (task < 0 || static_cast<size_t>(task) >= ntasks())
    snprintf(b, 64, "(none)");
  else if (irq)
    snprintf(b, 64, "irq#%d on %s", irq, sched_.task(task).name.c_str());
  else
    snprintf(b, 64, "%s", sched_.task(task).name.c_str());
  return b;
}

const char *Machine::addr_str(const void *p) const {
  char *b = label_buf_[label_next_++ & 3];
  const char *c = static_cast<const char *>(p);
  if (mem_.in_region(c) || reinterpret_cast<uintptr_t>(p) < 0x10000) {
    snprintf(b, 64, "%p", p);
    return b;
  }
  for (size_t i = 0; i < ntasks(); i++)
    if (sched_.task(static_cast<int>(i)).fiber.contains(p)) {
      snprintf(b, 64, "a stack address of %s", sched_.task(static_cast<int>(i)).name.c_str());
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
  if (cur_task() < 0) return;
  const Task &t = sched_.task(cur_task());
  appendf(out, "%s (pid %d) on cpu %d, %s, preempt_count %d, pagefault_disabled %d, migrate_disabled %d, irqs %s\n",
          task_label(cur_task(), irq_instance_), t.id + 1, t.cpu, irq_instance_ ? "in hardirq" : "in task context", t.preempt_count,
          t.pagefault_disabled, t.migrate_disabled, t.irqs_off ? "off" : "on");
  out.pop_back();
}

void Machine::describe_page(std::string &out, Pfn pfn) const {
  if (pfn >= prof_.total_pages()) return;
  const struct page &pg = mem_.mem_map()[pfn];
  Pfn head = pfn;
  if (pg.compound_head & 1) head = static_cast<Pfn>(reinterpret_cast<const struct page *>(pg.compound_head - 1) - mem_.mem_map());
  unsigned order = (mem_.mem_map()[head].flags & KMAPSIM_PG_HEAD) ? mem_.mem_map()[head].order : 0;
  appendf(out, "pfn %u zone %s, folio head pfn %u order %u%s\n", pfn, mem_.is_highmem(pfn) ? "HighMem" : "Normal", head, order,
          (pg.flags & KMAPSIM_PG_USER_MAPPED) ? ", mapped to user space" : "");
  out.pop_back();
}

void Machine::describe_window(std::string &out, int w) const {
  if (w < 0 || static_cast<size_t>(w) >= arena_.nwindows()) return;
  const Window &win = arena_.win(w);
  bool pk = arena_.is_pkmap(w);
  const char *state = win.state == WinState::Live ? "live" : win.state == WinState::Released ? "released" : "never used";
  if (pk) {
    unsigned slot = arena_.pkmap_slot(w);
    appendf(out, "kmap() PKMAP slot %u at %p, pfn %d, pkmap_count %d (%s), last kmap() by %s", slot,
            static_cast<void *>(arena_.addr(w)), pkmap_.page_in(slot), pkmap_.count(slot), state, task_label(pkmap_.last_user(slot), 0));
    return;
  }
  int depth = -1;
  if (win.owner_task >= 0 && static_cast<size_t>(win.owner_task) < ntasks()) {
    const auto &st = sched_.task(win.owner_task).kmap_ctrl;
    for (size_t i = 0; i < st.size(); i++)
      if (st[i].window == w) depth = static_cast<int>(i);
  }
  appendf(out, "%s() at %p, pfn %u (%s), %s, owner %s on cpu %d", win.api, static_cast<void *>(arena_.addr(w)), win.pfn,
          mem_.is_highmem(win.pfn) ? "HighMem" : "Normal, forced map", state, task_label(win.owner_task, win.owner_irq),
          win.owner_task >= 0 && static_cast<size_t>(win.owner_task) < ntasks() ? sched_.task(win.owner_task).cpu : -1);
  if (depth >= 0) appendf(out, ", stack depth %d (fixmap slot %d)", depth, (depth + 1) * prof_.km_incr() - 1);
  appendf(out, ", made at event #%llu", static_cast<unsigned long long>(win.made_at));
  if (win.state == WinState::Released)
    appendf(out, ", unmapped at event #%llu by %s", static_cast<unsigned long long>(win.released_at), task_label(win.released_by, win.released_irq));
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

ReportEvent Machine::report_event(const Event &e) const {
  ReportEvent r;
  r.seq = e.seq;
  r.context = task_label(e.task, e.irq);
  r.cpu = e.cpu;
  r.kind = ev_name(e.kind);
  r.site = site_of_pc(e.pc);
  if (r.site.empty()) r.site = "-";
  std::string &o = r.detail;
  switch (e.kind) {
    case Ev::Alloc:
      if (e.a == UINT64_MAX)
        appendf(o, "%s", e.what);
      else
        appendf(o, "%s order %llu -> pfn %llu", e.what, static_cast<unsigned long long>(e.b), static_cast<unsigned long long>(e.a));
      break;
    case Ev::Free: appendf(o, "%s pfn %llu order %llu", e.what, static_cast<unsigned long long>(e.a), static_cast<unsigned long long>(e.b)); break;
    case Ev::Kmap:
    case Ev::MapLocal:
      appendf(o, "%s pfn %llu -> %p", e.what, static_cast<unsigned long long>(e.a), reinterpret_cast<void *>(e.b));
      break;
    case Ev::Kunmap:
    case Ev::UnmapLocal: appendf(o, "%s pfn %llu at %p", e.what, static_cast<unsigned long long>(e.a), reinterpret_cast<void *>(e.b)); break;
    case Ev::Switch:
    case Ev::Preempt:
    case Ev::Wake:
    case Ev::TaskStart: appendf(o, "%s -> %s", e.what, task_label(static_cast<int>(e.a), 0)); break;
    case Ev::Migrate: appendf(o, "to cpu %llu", static_cast<unsigned long long>(e.a)); break;
    case Ev::Pick: {
      appendf(o, "%s = %llu", e.what, static_cast<unsigned long long>(e.a));
      if (strcmp(e.what, "kmapsim_pick") == 0) {
        std::string t = pick_target(e.pc);
        if (!t.empty()) o += " -> " + t;
      }
      break;
    }
    default: appendf(o, "%s", e.what); break;
  }
  return r;
}

void Machine::format_event(std::string &o, const Event &e) const { o += render_event_line(report_event(e)); }

void Machine::report_sites(int window) {
  Report &r = result_.report;
  BugClass cls = r.cls;
  // The offending place: the faulting access, else the API call running.
  if (fault_trace_.n) {
    r.sites.push_back({cls == BugClass::SoftLockup ? "stuck" : "access",
                       cls == BugClass::SoftLockup ? "no scheduling point" : fault_write_ ? "write" : "read", symbolize_trace(fault_trace_)});
  } else if (cur_task() >= 0 && sched_.task(cur_task()).site.fp) {
    const ApiSite &s = sched_.task(cur_task()).site;
    PcTrace t;
    capture_trace(t, s.fp);
    std::string api = s.api;
    // The functions behind the kernel's macros (kunmap_local, this_cpu_ptr,
    // ...) by the kernel's names; kmapsim's own subject API as it is.
    if (api == "kmapsim_user_read")
      api = "user-side read kmapsim_user_read";
    else if (api == "kmapsim_subject_bug")
      api = "BUG";
    else if (api.rfind("kmapsim_", 0) == 0 && api.rfind("kmapsim_pick", 0) != 0 && api.rfind("kmapsim_user_", 0) != 0 &&
             api.rfind("kmapsim_expect", 0) != 0)
      api = api.substr(8);
    r.sites.push_back({"call", api + "()", symbolize_trace(t)});
  }
  // The call that made the mapping involved.
  if (window < 0 || static_cast<size_t>(window) >= arena_.nwindows()) return;
  const Window &win = arena_.win(window);
  if (win.state == WinState::Unused || !win.made_at) return;
  auto it = std::lower_bound(map_traces_.begin(), map_traces_.end(), win.made_at,
                             [](const std::pair<uint64_t, PcTrace> &p, uint64_t seq) { return p.first < seq; });
  if (it == map_traces_.end() || it->first > win.made_at + 2) return;
  bool pk = arena_.is_pkmap(window);
  r.sites.push_back({"mapped", std::string(pk ? "kmap" : win.api) + "()", symbolize_trace(it->second)});
}

// The first subject frame of a map event's call trace, "" if unknown.
static std::string map_site(const std::vector<std::pair<uint64_t, PcTrace>> &traces, uint64_t made_at) {
  auto it = std::lower_bound(traces.begin(), traces.end(), made_at,
                             [](const std::pair<uint64_t, PcTrace> &p, uint64_t seq) { return p.first < seq; });
  if (it == traces.end() || it->first > made_at + 2) return "";
  for (int i = 0; i < it->second.n; i++) {
    std::string s = site_of_pc(it->second.pc[i]);
    if (!s.empty()) return s;
  }
  return "";
}

// What each class needs beyond context, sites, mapping and page.
void Machine::report_details(BugClass cls, int window, int64_t pfn) {
  Report &r = result_.report;
  char b[512];
  if (!report_note_.empty()) r.details.push_back(report_note_);
  report_note_.clear();
  if (cls == BugClass::KunmapOrder && cur_task() >= 0) {
    const std::vector<LocalMap> &st = sched_.task(cur_task()).kmap_ctrl;
    r.details.push_back("slot stack of " + std::string(task_label(cur_task(), irq_instance_)) + " (top first):");
    for (size_t i = st.size(); i-- > 0;) {
      const LocalMap &lm = st[i];
      std::string site = map_site(map_traces_, lm.made_at);
      snprintf(b, sizeof b, "  [%zu] %s() pfn %u at %s, mapped at %s (event #%llu)%s", i, lm.api, lm.pfn, addr_str(arena_.addr(lm.window)),
               site.empty() ? "-" : site.c_str(), static_cast<unsigned long long>(lm.made_at), lm.window == window ? "  <- unmapped here" : "");
      r.details.push_back(b);
    }
  }
  // A rule about the section a local/atomic mapping opened: its map call.
  if ((cls == BugClass::SleepInAtomic || cls == BugClass::FaultInAtomic || cls == BugClass::LostAtomicity) && window < 0 && cur_task() >= 0) {
    const std::vector<LocalMap> &st = sched_.task(cur_task()).kmap_ctrl;
    for (size_t i = st.size(); i-- > 0;) {
      if (st[i].owner_irq != irq_instance_) continue;
      auto it = std::lower_bound(map_traces_.begin(), map_traces_.end(), st[i].made_at,
                                 [](const std::pair<uint64_t, PcTrace> &p, uint64_t seq) { return p.first < seq; });
      if (it != map_traces_.end() && it->first <= st[i].made_at + 2)
        r.sites.push_back({"mapped", std::string(st[i].api) + "()", symbolize_trace(it->second)});
      break;
    }
  }
  if (cls == BugClass::KmapEscape && window >= 0 && arena_.is_local(window)) {
    const Window &win = arena_.win(window);
    std::string site = map_site(map_traces_, win.made_at);
    snprintf(b, sizeof b, "contexts: mapped by %s (cpu %d) at %s, used by %s (cpu %d)", task_label(win.owner_task, win.owner_irq),
             win.owner_task >= 0 && static_cast<size_t>(win.owner_task) < ntasks() ? sched_.task(win.owner_task).cpu : -1,
             site.empty() ? "-" : site.c_str(), task_label(cur_task(), irq_instance_), cur_task() >= 0 ? sched_.task(cur_task()).cpu : -1);
    r.details.push_back(b);
  }
  if (cls == BugClass::MissingFlushDcache && pfn >= 0) {
    // The kernel-side write went through a mapping of the page: the latest.
    int best = -1;
    for (int w : arena_.touched())
      if (arena_.win(w).state != WinState::Unused && arena_.win(w).pfn == static_cast<Pfn>(pfn) &&
          (best < 0 || arena_.win(w).made_at > arena_.win(best).made_at))
        best = w;
    if (best >= 0) {
      auto it = std::lower_bound(map_traces_.begin(), map_traces_.end(), arena_.win(best).made_at,
                                 [](const std::pair<uint64_t, PcTrace> &p, uint64_t seq) { return p.first < seq; });
      if (it != map_traces_.end() && it->first <= arena_.win(best).made_at + 2)
        r.sites.push_back({"kernel-side mapping", std::string(arena_.is_pkmap(best) ? "kmap" : arena_.win(best).api) + "()",
                           symbolize_trace(it->second)});
      describe_window(r.mapping, best);
    }
    r.details.push_back("no flush_dcache_page() of the page between the kernel-side write and this user-side read");
    // The user mapping and the flushes of this page, in order (the last
    // flush came before the mapping the stale write went through).
    for (const DcacheCall &c : dcache_calls_) {
      if (c.pfn != static_cast<Pfn>(pfn)) continue;
      std::string site = site_of_pc(c.pc);
      snprintf(b, sizeof b, "%s() of pfn %u at %s (after event #%llu)", c.api, c.pfn, site.empty() ? "-" : site.c_str(),
               static_cast<unsigned long long>(c.seq));
      r.details.push_back(b);
    }
  }
}

void Machine::compose_report(BugClass cls, int window, int64_t pfn, const char *line) {
  Report &r = result_.report;
  r = Report{};
  r.cls = cls;
  r.first_line = std::string("BUG: kmapsim: ") + bug_class_name(cls) + ": " + line;
  r.profile = prof_.name;
  describe_context(r.context);
  report_sites(window);
  describe_window(r.mapping, window);
  if (pfn >= 0) describe_page(r.page, static_cast<Pfn>(pfn));
  report_details(cls, window, pfn);
  for (const Event &e : events_.recent()) r.events.push_back(report_event(e));
  r.decisions = trace().size();
  r.steps = sched_.steps();
  r.replay = replay_hint_;
  r.text = render_report_text(r);
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
  exec_->end_at_report();  // torture mode: prints the report and ends the process
}

}  // namespace kmapsim
