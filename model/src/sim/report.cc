#include "report.h"

#include <cstdio>

namespace kmapsim {

static const char *const kNames[] = {
    "none",
    "kmap-overrun",
    "kmap-escape",
    "kunmap-order",
    "kunmap-bad-address",
    "kmap-use-after-unmap",
    "kmap-leak",
    "kmap-slot-overflow",
    "sleep-in-atomic",
    "fault-in-atomic",
    "highmem-page-address",
    "lost-atomicity",
    "missing-flush-dcache",
    "pkmap-deadlock",
    "subject-bug",
    "soft-lockup",
    "memory-error",
};
static_assert(sizeof(kNames) / sizeof(kNames[0]) == static_cast<size_t>(BugClass::kCount));

const char *bug_class_name(BugClass c) { return kNames[static_cast<size_t>(c)]; }

BugClass bug_class_from_name(const std::string &name) {
  for (size_t i = 1; i < static_cast<size_t>(BugClass::kCount); i++)
    if (name == kNames[i]) return static_cast<BugClass>(i);
  return BugClass::None;
}

std::vector<Event> EventRing::recent() const {
  std::vector<Event> v;
  size_t count = n_ < kSize ? n_ : kSize;
  for (size_t i = n_ - count; i < n_; i++) v.push_back(ring_[i % kSize]);
  return v;
}

// The text form of a report. scripts/kmapsim_cli/report_text.py renders the
// same bytes from the --json form: change both together.
std::string render_event_line(const ReportEvent &e) {
  char head[160];
  snprintf(head, sizeof head, "    #%-5llu %-22s cpu%-2d %-12s%-20s ", static_cast<unsigned long long>(e.seq), e.context.c_str(), e.cpu, e.kind.c_str(),
           e.site.c_str());
  return head + e.detail + "\n";
}

static void render_site(std::string &o, const ReportSite &s) {
  o += "  " + s.role + ": " + s.what;
  if (s.trace.empty()) {
    o += " (outside the subject's code)\n";
    return;
  }
  const Frame &f = s.trace.front();
  o += " at " + f.file + ":" + std::to_string(f.line) + " in " + f.function + "()\n";
  o += "  Call Trace:\n   <TASK>\n";
  for (const Frame &t : s.trace) o += "   " + t.function + " " + t.file + ":" + std::to_string(t.line) + "\n";
  o += "   </TASK>\n";
}

std::string render_report_text(const Report &r) {
  std::string o = r.first_line + "\n";
  o += "  profile: " + r.profile + "\n";
  if (!r.context.empty()) o += "  context: " + r.context + "\n";
  for (const ReportSite &s : r.sites) render_site(o, s);
  if (!r.mapping.empty()) o += "  mapping: " + r.mapping + "\n";
  if (!r.page.empty()) o += "  page: " + r.page + "\n";
  for (const std::string &d : r.details) o += "  " + d + "\n";
  o += "  last events (oldest first):\n";
  for (const ReportEvent &e : r.events) o += render_event_line(e);
  if (!r.sanitizer.empty()) {
    o += "  sanitizer report:\n";
    for (const std::string &l : r.sanitizer) o += "    " + l + "\n";
  }
  o += "  decisions: " + std::to_string(r.decisions) + ", steps: " + std::to_string(r.steps) + "\n";
  if (!r.replay.empty()) o += "  replay: " + r.replay + "\n";
  return o;
}

}  // namespace kmapsim
