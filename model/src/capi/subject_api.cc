// The C API's entry points for the subject itself (linux/bug.h,
// kmapsim/subject.h, kmapsim/selfcheck.h): BUG_ON/WARN_ON, the decisions a
// subject asks for (kmapsim_pick), user-space buffers, registration and the
// self-checks (kmapsim_expect, kmapsim_missed).
#include <cstdio>
#include <set>
#include <string>

#include "subject_registry.h"

#include "api_entry.h"

using kmapsim::BugClass;

extern "C" {

// ---- bug.h
// linux/printk.h's: an oops, panic() or BUG() in progress. Never, while
// subject code runs: kmapsim's BUG() ends the run with its report.
int oops_in_progress = 0;

void kmapsim_subject_bug(const char *file, int line, const char *cond) {
  KMAPSIM_API;
  m.entry_check_failed(file, line, cond);
  // As the kernel's BUG(): "kernel BUG at file:line!", the path relative to
  // the subject's directory. No heap-owning local may live here: the report
  // abandons this stack.
  char where[512];
  kmapsim::site_text(where, sizeof where, file, line);
  m.reporter().note_kernel_bug(where);
  // BUG() and panic() (linux/bug.h) have no condition to show, nor has an
  // imported filesystem's own panic function ("panic:NAME()", importer.py)
  if (cond && (strcmp(cond, "BUG()") == 0 || strcmp(cond, "panic()") == 0))
    m.report(BugClass::SubjectBug, -1, -1, "the subject's own %s fired at %s", cond, where);
  if (cond && strncmp(cond, "panic:", 6) == 0)
    m.report(BugClass::SubjectBug, -1, -1, "the subject's own %s fired at %s", cond + 6, where);
  m.report(BugClass::SubjectBug, -1, -1, "the subject's own BUG_ON(%s) fired at %s", cond, where);
}
void kmapsim_subject_warn(const char *file, int line, const char *cond) {
  KMAPSIM_API;
  m.entry_check_failed(file, line, cond);
  // The event's text must outlive the run: each distinct warning once.
  static std::set<std::string> texts;
  std::string where = kmapsim::report_path(file ? file : "");
  const std::string &t = *texts.insert("WARNING: at " + where + ":" + std::to_string(line) + " WARN_ON(" + cond + ")").first;
  m.event(kmapsim::Ev::Note, 0, 0, t.c_str());
}

// ---- kmapsim/subject.h
unsigned long kmapsim_pick(unsigned long lo, unsigned long hi) {
  KMAPSIM_API;
  if (hi < lo) m.report(BugClass::SubjectBug, -1, -1, "kmapsim_pick(%lu, %lu): empty range", lo, hi);
  unsigned long v = static_cast<unsigned long>(m.decide_pick(lo, hi));
  m.event(kmapsim::Ev::Pick, v, 0, "kmapsim_pick");
  return v;
}
// The same decision as kmapsim_pick(); the event names the value by label
// (a string literal: the event keeps the pointer).
unsigned long kmapsim_pick_named(const char *label, unsigned long lo, unsigned long hi) {
  KMAPSIM_API;
  if (!label) label = "kmapsim_pick_named";
  if (hi < lo) m.report(BugClass::SubjectBug, -1, -1, "kmapsim_pick_named(\"%s\", %lu, %lu): empty range", label, lo, hi);
  unsigned long v = static_cast<unsigned long>(m.decide_pick(lo, hi));
  m.event(kmapsim::Ev::Pick, v, 0, label);
  return v;
}
unsigned int kmapsim_bits_per_long(void) { KMAPSIM_API; return m.profile().long_bits; }
void __user *kmapsim_user_buffer(size_t len) { KMAPSIM_API; return m.user().user_buffer(len); }
void kmapsim_user_map(struct page *page) { KMAPSIM_API; m.user().user_map(page); }
void kmapsim_user_read(struct page *page, size_t off, void *buf, size_t len) { KMAPSIM_API; m.user().user_read(page, off, buf, len); }
void kmapsim_set_default_profile(const char *profile) { kmapsim::default_subject_profile() = profile ? profile : ""; }
void kmapsim_register_subject(const char *name, kmapsim_subject_fn fn, const char *file, int line) {
  kmapsim::register_subject(name, fn, file, line);
}

// ---- kmapsim/selfcheck.h
void kmapsim_expect(const char *bug_class) {
  KMAPSIM_API;
  BugClass c = kmapsim::bug_class_from_name(bug_class ? bug_class : "");
  if (c == BugClass::None) m.report(BugClass::SubjectBug, -1, -1, "kmapsim_expect(\"%s\"): no such class", bug_class ? bug_class : "(null)");
  m.set_expected(c);
}
void kmapsim_missed(const char *what) {
  KMAPSIM_API;
  m.report(BugClass::SubjectBug, -1, -1, "missed detection: %s should have been reported as %s", what, kmapsim::bug_class_name(m.expected()));
}
void kmapsim_assert_invariants(void) {
  KMAPSIM_API;
  std::string why = m.check_invariants();
  if (!why.empty()) {
    fprintf(stderr, "kmapsim: internal error: model invariant broken: %s\n", why.c_str());
    abort();
  }
}

}  // extern "C"
