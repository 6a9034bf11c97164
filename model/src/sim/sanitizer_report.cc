// A finding of AddressSanitizer or UBSan in subject code during a run
// becomes a kmapsim report of class memory-error: the same first-line
// contract, the run's context and last events, the decision trace in a
// crash file and the replay command, with the sanitizer's own description
// kept in the body.
//
// The sanitizers print to a private file instead of stderr (so the kmapsim
// report is the first thing a finding prints); when a sanitizer gives up
// (Die), its death callback reads what it wrote. Inside a run that text is
// turned into the report and the run is abandoned like any other report;
// outside a run it is copied to stderr unchanged. Anything a sanitizer
// prints that does not end the process is copied to stderr at exit.
//
// A sanitizer stops after its first fatal error in a process (it keeps its
// report lock and crash state), so one process gets one memory-error: the
// driver stops at the first report anyway, and each replay of the crash
// file in a fresh process gives the same report.
#include <sys/mman.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "machine.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KMAPSIM_SAN_HOOKS 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(KMAPSIM_ASAN_RUNTIME)
#define KMAPSIM_SAN_HOOKS 1
#endif

#ifdef KMAPSIM_SAN_HOOKS
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace kmapsim {

namespace {

// The sanitizer's text with what changes from process to process removed:
// "==PID==" prefixes, and every hexadecimal number (code and stack
// addresses move with ASLR) shown as 0x?.
std::string normalise(const std::string &in) {
  std::string o;
  for (size_t i = 0; i < in.size();) {
    if (in[i] == '=' && i + 1 < in.size() && in[i + 1] == '=') {
      size_t j = i + 2;
      while (j < in.size() && isdigit(static_cast<unsigned char>(in[j]))) j++;
      if (j > i + 2 && j + 1 < in.size() && in[j] == '=' && in[j + 1] == '=') {
        i = j + 2;
        continue;
      }
    }
    if (in[i] == '0' && i + 2 < in.size() && in[i + 1] == 'x' && isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      o += "0x?";
      for (i += 2; i < in.size() && isxdigit(static_cast<unsigned char>(in[i])); i++) {}
      continue;
    }
    o += in[i++];
  }
  return o;
}

std::string basename_of(const std::string &path) {
  size_t s = path.rfind('/');
  return s == std::string::npos ? path : path.substr(s + 1);
}

// The first stack frame outside the sanitizer runtime: "fn (file.c:12:5)".
// A frame with no source line ("memcpy (subject+0x9d473) (BuildId: ...)")
// is the runtime's or libc's (an interceptor whose access ASan checked, as
// memcpy's): subjects and kmapsim are built with line tables, so the first
// frame with a source line is the code that asked for the access. Only when
// there is none does the first other frame stand. kmapsim's own frames
// (its model, and the inline helpers of its kernel headers) are passed over
// the same way: a copy the model makes for copy_from_user() overruns in
// UserMem::copy_user(), and the subject's line that called it is the place
// to name; the first of them stands only when no subject frame follows.
std::string first_subject_frame(const std::string &text) {
  // This file is model/src/sim/sanitizer_report.cc: the model's sources
  // and headers are under the directory two above it.
  static const std::string model_dir = [] {
    std::string f = __FILE__;
    for (int up = 0; up < 3; up++) f = f.substr(0, f.rfind('/') == std::string::npos ? 0 : f.rfind('/'));
    return f.empty() ? std::string("model/") : f + "/";
  }();
  std::string unsymbolized, model;
  size_t at = 0;
  while ((at = text.find("#", at)) != std::string::npos) {
    size_t eol = text.find('\n', at);
    std::string line = text.substr(at, eol == std::string::npos ? std::string::npos : eol - at);
    at = eol == std::string::npos ? text.size() : eol;
    size_t in = line.find(" in ");
    if (in == std::string::npos || line.size() < 2 || !isdigit(static_cast<unsigned char>(line[1]))) continue;
    // "fn file:line:col", where fn may hold spaces (a C++ signature), or
    // "fn (module+0x...) (BuildId: ...)" with no source line
    std::string rest = line.substr(in + 4);
    size_t sp = rest.find(" (");
    bool no_line = sp != std::string::npos && rest.find("+0x", sp) != std::string::npos;
    if (!no_line) sp = rest.rfind(' ');
    std::string fn = rest.substr(0, sp);
    std::string where = sp == std::string::npos ? "" : rest.substr(sp + 1);
    // kmapsim's own access callbacks (asan_window_callbacks.cc) fault first
    // on a wild address: the frame under them made the access.
    if (fn.rfind("__asan", 0) == 0 || fn.rfind("__interceptor", 0) == 0 || fn.rfind("__sanitizer", 0) == 0 || fn.rfind("__ubsan", 0) == 0 ||
        fn.rfind("__kmapsim_asan", 0) == 0 || where.find("compiler-rt") != std::string::npos ||
        where.find("asan_window_callbacks") != std::string::npos)
      continue;
    if (!where.empty() && where[0] == '(') {
      if (unsymbolized.empty()) unsymbolized = fn;
      continue;
    }
    std::string named = where.empty() ? fn : fn + " (" + basename_of(where) + ")";
    if (where.rfind(model_dir, 0) == 0) {
      if (model.empty()) model = named;
      continue;
    }
    return named;
  }
  return model.empty() ? unsymbolized : model;
}

// The line after `key` up to the end of that line, or "".
std::string line_after(const std::string &text, const char *key) {
  size_t p = text.find(key);
  if (p == std::string::npos) return "";
  p += strlen(key);
  size_t e = text.find('\n', p);
  return text.substr(p, e == std::string::npos ? std::string::npos : e - p);
}

// One line naming the error, the access and the code that made it, with no
// address in it (heap and stack addresses differ between processes).
std::string describe(const std::string &text) {
  std::string frame = first_subject_frame(text);
  std::string asan = line_after(text, "ERROR: AddressSanitizer: ");
  if (!asan.empty()) {
    std::string kind = asan.substr(0, asan.find(' '));
    std::string access;
    for (const char *rw : {"READ of size ", "WRITE of size "}) {
      std::string n = line_after(text, rw);
      if (!n.empty()) {
        access = std::string(rw[0] == 'R' ? "read" : "write") + " of size " + n.substr(0, n.find(' '));
        break;
      }
    }
    if (access.empty()) {
      std::string cause = line_after(text, "The signal is caused by a ");
      if (!cause.empty()) access = cause.rfind("READ", 0) == 0 ? "read" : cause.rfind("WRITE", 0) == 0 ? "write" : "access";
      if (text.find("address points to the zero page") != std::string::npos) access += access.empty() ? "NULL pointer dereference" : " through a NULL pointer";
      else if (text.find("dereference of a high value address") != std::string::npos) access += " through a wild pointer";
    }
    std::string o = "AddressSanitizer: " + kind;
    if (!access.empty()) o += ": " + access;
    if (!frame.empty()) o += " in " + frame;
    return o;
  }
  std::string ub = line_after(text, "runtime error: ");
  if (!ub.empty()) {
    // "path/file.c:10:5: runtime error: ..." names the place itself.
    size_t p = text.find("runtime error: ");
    size_t bol = text.rfind('\n', p);
    bol = bol == std::string::npos ? 0 : bol + 1;
    std::string where = text.substr(bol, p - bol);
    while (!where.empty() && (where.back() == ' ' || where.back() == ':')) where.pop_back();
    std::string o = "UndefinedBehaviorSanitizer: " + normalise(ub);
    if (!where.empty()) o += " (" + basename_of(where) + ")";
    return o;
  }
  std::string summary = line_after(text, "SUMMARY: ");
  if (!summary.empty()) return normalise(summary);
  return "a sanitizer ended the run";
}

#ifdef KMAPSIM_SAN_HOOKS
int g_report_fd = -1;
off_t g_shown = 0;  // bytes of the file already copied to stderr or reported

std::string unread() {
  std::string s;
  char buf[4096];
  for (;;) {
    ssize_t n = pread(g_report_fd, buf, sizeof buf, g_shown + static_cast<off_t>(s.size()));
    if (n <= 0) break;
    s.append(buf, static_cast<size_t>(n));
  }
  return s;
}

void copy_unread_to_stderr() {
  std::string s = unread();
  g_shown += static_cast<off_t>(s.size());
  if (!s.empty() && write(2, s.data(), s.size()) < 0) {}
}

// Globals, not locals: reporting abandons this stack, and heap-owning
// locals on it would never be freed (LeakSanitizer would say so at exit).
std::string g_text, g_line, g_detail;

void on_sanitizer_death() {
  g_text = unread();
  g_shown += static_cast<off_t>(g_text.size());
  Machine *m = Machine::running();
  // ASan flagged a closed window (a string function's interceptor, or the
  // instrumented model's own copy in the dev build): that is the window's
  // kmapsim report, exactly as its SIGSEGV would have been.
  void *addr = __asan_get_report_address();
  if (m && m->cur_task() >= 0 && addr && m->in_arena(addr)) m->handle_fault(addr, __asan_get_report_access_type() == 1);
  if (m && m->cur_task() >= 0 && !g_text.empty()) {
    // The access ASan checked is the report's "access" site (its pc and the
    // checking function's frame lead to the subject's line); a deadly
    // signal's context was taken by fault.cc's handler. UBSan names no pc,
    // but its handler runs on the failing code's stack: the frame chain
    // from here leads through the runtime (whose frames symbolization
    // leaves out) to the subject's line, the report's "check" site.
    if (uintptr_t pc = reinterpret_cast<uintptr_t>(__asan_get_report_pc())) {
      kmapsim::capture_trace_at(m->reporter().fault_trace(), pc, __asan_get_report_bp());
      m->reporter().set_fault_write(__asan_get_report_access_type() == 1);
    } else if (m->reporter().fault_trace().n == 0 && g_text.find("UndefinedBehaviorSanitizer") != std::string::npos) {
      kmapsim::capture_trace(m->reporter().fault_trace(), __builtin_frame_address(0));
      m->reporter().set_fault_check();
    }
    g_line = describe(g_text);
    // The shadow map around the address shows the heap's history in this
    // process (other runs' blocks), not this run's: it is left out.
    g_detail = normalise(g_text.substr(0, g_text.find("Shadow bytes around the buggy address")));
    m->report_sanitizer(g_line, g_detail);
  }
  if (!g_text.empty() && write(2, g_text.data(), g_text.size()) < 0) {}
}
#endif

}  // namespace

void install_sanitizer_report() {
#ifdef KMAPSIM_SAN_HOOKS
  if (g_report_fd >= 0) return;
  g_report_fd = memfd_create("kmapsim-sanitizer-report", MFD_CLOEXEC);
  if (g_report_fd < 0) return;  // the sanitizers keep printing to stderr
  __sanitizer_set_report_fd(reinterpret_cast<void *>(static_cast<uintptr_t>(g_report_fd)));
  __sanitizer_set_death_callback(on_sanitizer_death);
  atexit(copy_unread_to_stderr);
#endif
}

// The report of a sanitizer finding: line names the error, detail is the
// sanitizer's own report (normalised), kept after the run's context
// (Reporter::add_sanitizer_lines).
void Machine::report_sanitizer(const std::string &line, const std::string &detail) {
  if (!running_) {
    fprintf(stderr, "BUG: kmapsim: %s: %s\n", bug_class_name(BugClass::MemoryError), line.c_str());
    fputs(detail.c_str(), stderr);
    fflush(stderr);
    _exit(1);
  }
  compose_report(BugClass::MemoryError, -1, -1, line.c_str());
  reporter_.add_sanitizer_lines(result_.report, detail);
  abandon_run();
}

}  // namespace kmapsim
