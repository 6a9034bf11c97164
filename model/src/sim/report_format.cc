// The report part's formatting (reporter.h): the report of a run —
// context, sites and call traces, mapping, page, class-specific details,
// last events — composed as data (report.h's Report) and rendered to text by
// render_report_text(); and one event's line (repro --events).
#include <algorithm>

#include "machine.h"
#include "reporter.h"

#include <linux/mm.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace kmapsim {

static void appendf(std::string &out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void appendf(std::string &out, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  out += buf;
}

void Reporter::describe_context(std::string &out) const {
  if (m_.cur_task() < 0) return;
  const Task &t = m_.sched().task(m_.cur_task());
  char softirq[64];
  snprintf(softirq, sizeof softirq, "in softirq (%s)", t.softirq_item);
  appendf(out, "%s (pid %d) on cpu %d, %s, preempt_count %d, pagefault_disabled %d, migrate_disabled %d, irqs %s\n",
          task_label(m_.cur_task(), m_.cur_irq()), t.id + 1, t.cpu,
          m_.cur_irq() ? "in hardirq" : t.serving_softirq ? softirq : "in task context", t.preempt_count, t.pagefault_disabled,
          t.migrate_disabled, t.irqs_off ? "off" : "on");
  out.pop_back();
}

void Reporter::describe_page(std::string &out, Pfn pfn) const {
  if (pfn >= m_.profile().total_pages()) return;
  const struct page &pg = m_.mem().mem_map()[pfn];
  Pfn head = pfn;
  if (pg.compound_head & 1) head = static_cast<Pfn>(reinterpret_cast<const struct page *>(pg.compound_head - 1) - m_.mem().mem_map());
  unsigned order = (m_.mem().mem_map()[head].flags & KMAPSIM_PG_HEAD) ? m_.mem().mem_map()[head].order : 0;
  appendf(out, "pfn %u zone %s, folio head pfn %u order %u%s\n", pfn, m_.mem().is_highmem(pfn) ? "HighMem" : "Normal", head, order,
          (pg.flags & KMAPSIM_PG_USER_MAPPED) ? ", mapped to user space" : "");
  out.pop_back();
}

void Reporter::describe_window(std::string &out, int w) const {
  if (w < 0 || static_cast<size_t>(w) >= m_.arena().nwindows()) return;
  const Window &win = m_.arena().win(w);
  bool pk = m_.arena().is_pkmap(w);
  const char *state = win.state == WinState::Live ? "live" : win.state == WinState::Released ? "released" : "never used";
  if (pk) {
    unsigned slot = m_.arena().pkmap_slot(w);
    appendf(out, "kmap() PKMAP slot %u at %p, pfn %d, pkmap_count %d (%s), last kmap() by %s", slot,
            static_cast<void *>(m_.arena().addr(w)), m_.pkmap().page_in(slot), m_.pkmap().count(slot), state, task_label(m_.pkmap().last_user(slot), 0));
    return;
  }
  int depth = -1;
  if (win.owner_task >= 0 && static_cast<size_t>(win.owner_task) < m_.ntasks()) {
    const auto &st = m_.sched().task(win.owner_task).kmap_ctrl;
    for (size_t i = 0; i < st.size(); i++)
      if (st[i].window == w) depth = static_cast<int>(i);
  }
  appendf(out, "%s() at %p, pfn %u (%s), %s, owner %s on cpu %d", win.api, static_cast<void *>(m_.arena().addr(w)), win.pfn,
          m_.mem().is_highmem(win.pfn) ? "HighMem" : "Normal, forced map", state, task_label(win.owner_task, win.owner_irq),
          win.owner_task >= 0 && static_cast<size_t>(win.owner_task) < m_.ntasks() ? m_.sched().task(win.owner_task).cpu : -1);
  if (depth >= 0) appendf(out, ", stack depth %d (fixmap slot %d)", depth, (depth + 1) * m_.profile().km_incr() - 1);
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
    case Ev::Stall: return "stall";
  }
  return "?";
}

ReportEvent Reporter::report_event(const Event &e) const {
  ReportEvent r;
  r.seq = e.seq;
  r.context = task_label(e.task, e.irq);
  r.cpu = e.cpu;
  r.kind = ev_name(e.kind);
  r.site = site_of_pc(e.pc);
  for (int i = 0; i < kOuterPcs && r.site.empty(); i++) r.site = site_of_pc(e.outer_pc[i]);
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
    case Ev::Stall:
      if (e.b & kStallOfDevice)
        appendf(o, "%s (delay #%llu): the device held its answer for %llu s", e.what, static_cast<unsigned long long>(e.a),
                static_cast<unsigned long long>(e.b & ~kStallOfDevice));
      else
        appendf(o, "%s (delay #%llu) lasted %llu s: the task was held up", e.what, static_cast<unsigned long long>(e.a),
                static_cast<unsigned long long>(e.b));
      break;
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

void Reporter::format_event(std::string &o, const Event &e) const { o += render_event_line(report_event(e)); }

void Reporter::report_sites(Report &r, int window) const {
  BugClass cls = r.cls;
  // The offending place: the faulting access, else the API call running.
  if (fault_trace_.n && fault_check_) {
    r.sites.push_back({"check", "undefined behaviour", symbolize_trace(fault_trace_)});
  } else if (fault_trace_.n) {
    r.sites.push_back({cls == BugClass::SoftLockup ? "stuck" : "access",
                       cls == BugClass::SoftLockup ? "no scheduling point" : fault_write_ ? "write" : "read", symbolize_trace(fault_trace_)});
  } else if (m_.cur_task() >= 0 && m_.sched().task(m_.cur_task()).site.fp) {
    const ApiSite &s = m_.sched().task(m_.cur_task()).site;
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
    if (api == "a plain load" || api == "a plain store")  // plain_access.cc's scheduling point
      r.sites.push_back({"access", api == "a plain load" ? "read" : "write", symbolize_trace(t)});
    else
      r.sites.push_back({"call", api + "()", symbolize_trace(t)});
  }
  // The call that made the mapping involved.
  if (window < 0 || static_cast<size_t>(window) >= m_.arena().nwindows()) return;
  const Window &win = m_.arena().win(window);
  if (win.state == WinState::Unused || !win.made_at) return;
  auto it = std::lower_bound(map_traces_.begin(), map_traces_.end(), win.made_at,
                             [](const std::pair<uint64_t, PcTrace> &p, uint64_t seq) { return p.first < seq; });
  if (it == map_traces_.end() || it->first > win.made_at + 2) return;
  bool pk = m_.arena().is_pkmap(window);
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
void Reporter::report_details(Report &r, BugClass cls, int window, int64_t pfn) {
  char b[512];
  if (!report_note_.empty()) r.details.push_back(report_note_);
  report_note_.clear();
  if (cls == BugClass::KunmapOrder && m_.cur_task() >= 0) {
    const std::vector<LocalMap> &st = m_.sched().task(m_.cur_task()).kmap_ctrl;
    r.details.push_back("slot stack of " + std::string(task_label(m_.cur_task(), m_.cur_irq())) + " (top first):");
    for (size_t i = st.size(); i-- > 0;) {
      const LocalMap &lm = st[i];
      std::string site = map_site(map_traces_, lm.made_at);
      snprintf(b, sizeof b, "  [%zu] %s() pfn %u at %s, mapped at %s (event #%llu)%s", i, lm.api, lm.pfn, addr_str(m_.arena().addr(lm.window)),
               site.empty() ? "-" : site.c_str(), static_cast<unsigned long long>(lm.made_at), lm.window == window ? "  <- unmapped here" : "");
      r.details.push_back(b);
    }
  }
  // A rule about the section a local/atomic mapping opened: its map call.
  if ((cls == BugClass::SleepInAtomic || cls == BugClass::FaultInAtomic || cls == BugClass::LostAtomicity) && window < 0 && m_.cur_task() >= 0) {
    const std::vector<LocalMap> &st = m_.sched().task(m_.cur_task()).kmap_ctrl;
    for (size_t i = st.size(); i-- > 0;) {
      if (st[i].owner_irq != m_.cur_irq()) continue;
      auto it = std::lower_bound(map_traces_.begin(), map_traces_.end(), st[i].made_at,
                                 [](const std::pair<uint64_t, PcTrace> &p, uint64_t seq) { return p.first < seq; });
      if (it != map_traces_.end() && it->first <= st[i].made_at + 2)
        r.sites.push_back({"mapped", std::string(st[i].api) + "()", symbolize_trace(it->second)});
      break;
    }
  }
  if (cls == BugClass::KmapEscape && window >= 0 && m_.arena().is_local(window)) {
    const Window &win = m_.arena().win(window);
    std::string site = map_site(map_traces_, win.made_at);
    // Where the address left its context, when a hand-off the model sees
    // carried it (handover.cc); nothing is said otherwise.
    std::string handed;
    if (const Handover *h = handover_of(window)) {
      std::vector<Frame> trace = symbolize_trace(h->trace);
      r.sites.push_back({"handed over", std::string(h->api) + "()", trace});
      handed = std::string(", handed over by ") + h->api + "() at " +
               (trace.empty() ? std::string("-") : trace.front().file + ":" + std::to_string(trace.front().line));
    }
    snprintf(b, sizeof b, "contexts: mapped by %s (cpu %d) at %s%s, used by %s (cpu %d)", task_label(win.owner_task, win.owner_irq),
             win.owner_task >= 0 && static_cast<size_t>(win.owner_task) < m_.ntasks() ? m_.sched().task(win.owner_task).cpu : -1,
             site.empty() ? "-" : site.c_str(), handed.c_str(), task_label(m_.cur_task(), m_.cur_irq()),
             m_.cur_task() >= 0 ? m_.sched().task(m_.cur_task()).cpu : -1);
    r.details.push_back(b);
  }
  if (cls == BugClass::MissingFlushDcache && pfn >= 0) {
    // The kernel-side write went through a mapping of the page: the latest.
    int best = -1;
    for (int w : m_.arena().touched())
      if (m_.arena().win(w).state != WinState::Unused && m_.arena().win(w).pfn == static_cast<Pfn>(pfn) &&
          (best < 0 || m_.arena().win(w).made_at > m_.arena().win(best).made_at))
        best = w;
    if (best >= 0) {
      auto it = std::lower_bound(map_traces_.begin(), map_traces_.end(), m_.arena().win(best).made_at,
                                 [](const std::pair<uint64_t, PcTrace> &p, uint64_t seq) { return p.first < seq; });
      if (it != map_traces_.end() && it->first <= m_.arena().win(best).made_at + 2)
        r.sites.push_back({"kernel-side mapping", std::string(m_.arena().is_pkmap(best) ? "kmap" : m_.arena().win(best).api) + "()",
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

void Reporter::compose(Report &r, BugClass cls, int window, int64_t pfn, const char *line) {
  r = Report{};
  r.cls = cls;
  r.first_line = std::string("BUG: kmapsim: ") + bug_class_name(cls) + ": " + line;
  r.profile = m_.profile().name;
  describe_context(r.context);
  report_sites(r, window);
  describe_window(r.mapping, window);
  if (pfn >= 0) describe_page(r.page, static_cast<Pfn>(pfn));
  report_details(r, cls, window, pfn);
  for (const Event &e : events_.recent()) r.events.push_back(report_event(e));
  r.decisions = m_.trace().size();
  r.steps = m_.sched().steps();
  r.replay = replay_hint_;
  r.text = render_report_text(r);
}

void Reporter::add_sanitizer_lines(Report &r, const std::string &detail) const {
  size_t at = 0;
  while (at < detail.size()) {
    size_t e = detail.find('\n', at);
    if (e == std::string::npos) e = detail.size();
    if (e > at && detail.compare(at, e - at, std::string(e - at, '=')) != 0) {
      // Absolute paths (build directories) differ between machines: each
      // is shown relative to the subject's directory or kmapsim's tree.
      std::string l;
      for (size_t i = at; i < e;) {
        if (detail[i] == '/' && (i == at || detail[i - 1] == ' ' || detail[i - 1] == '(')) {
          size_t k = i;
          while (k < e && detail[k] != ' ' && detail[k] != ')') k++;
          l += display_path(detail.substr(i, k - i));
          i = k;
        } else {
          l += detail[i++];
        }
      }
      r.sanitizer.push_back(l);
    }
    at = e + 1;
  }
  r.text = render_report_text(r);
}

}  // namespace kmapsim
