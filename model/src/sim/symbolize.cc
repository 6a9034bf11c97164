// Call sites for reports: return addresses captured cheaply while the
// subject runs (report.h's capture_trace) become "function file:line" only
// when a report is composed. The toolchain's symbolizer does the work: the
// sanitizer runtime's __sanitizer_symbolize_pc (every sanitizer build; it
// runs llvm-symbolizer), or llvm-symbolizer directly where no sanitizer
// runtime is linked (one process for the whole run, llvm_symbolizer.cc).
// Results are cached per address for the process.
//
// Paths are printed relative to the subject's directory (or kmapsim's
// tree) so that a report is the same bytes in every process and on every
// machine; frames in kmapsim's own sources and in the host's libraries are
// left out, as a kernel splat leaves out the exception entry code.
#include <dlfcn.h>

#include <chrono>

#include <fstream>
#include <regex>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "llvm_symbolizer.h"
#include "report.h"
#include "subject_registry.h"

extern "C" void __sanitizer_symbolize_pc(void *pc, const char *fmt, char *out_buf, size_t out_buf_size) __attribute__((weak));

#ifndef KMAPSIM_SOURCE_ROOT
#define KMAPSIM_SOURCE_ROOT "/nonexistent"  // a build outside CMake: no tree to strip
#endif

namespace kmapsim {

namespace {

bool starts_with(const std::string &s, const std::string &p) { return s.compare(0, p.size(), p) == 0; }

// The inline chain at pc - 1, innermost first, with the paths as recorded.
std::vector<RawFrame> ask_symbolizer(uintptr_t pc) {
  std::vector<RawFrame> out;
  // $KMAPSIM_SYMBOLIZER names the llvm-symbolizer kmapsim runs itself: set,
  // it is used in a sanitizer build too (how tests/symbolizer_process.py
  // checks that path in the dev preset).
  const char *own = getenv("KMAPSIM_SYMBOLIZER");
  if (__sanitizer_symbolize_pc && !(own && *own)) {
    static char buf[8192];
    buf[0] = buf[1] = 0;
    // '\x1f' separates the fields; frames come as consecutive C strings.
    __sanitizer_symbolize_pc(reinterpret_cast<void *>(pc), "%f\x1f%s\x1f%l\x1f%c", buf, sizeof buf - 1);
    buf[sizeof buf - 1] = 0;
    for (const char *p = buf; *p && p < buf + sizeof buf; p += strlen(p) + 1) {
      RawFrame f;
      const char *a = strchr(p, '\x1f');
      const char *b = a ? strchr(a + 1, '\x1f') : nullptr;
      if (!a || !b) continue;
      f.function.assign(p, a);
      f.file.assign(a + 1, b);
      f.line = atoi(b + 1);
      const char *c = strchr(b + 1, '\x1f');
      f.column = c ? atoi(c + 1) : 0;
      if (f.function == "<null>") f.function.clear();
      if (f.file == "<null>") f.file.clear();
      out.push_back(f);
    }
    return out;
  }
  // No sanitizer runtime: ask llvm-symbolizer about the module and offset.
  Dl_info info;
  if (!dladdr(reinterpret_cast<void *>(pc - 1), &info) || !info.dli_fname) return out;
  return llvm_symbolizer_frames(info.dli_fname, pc - 1 - reinterpret_cast<uintptr_t>(info.dli_fbase));
}

std::mutex g_mu;  // torture mode composes reports on several host threads
std::map<uintptr_t, std::vector<Frame>> g_cache;
double g_symbolizer_seconds = 0;  // under g_mu

std::vector<RawFrame> symbolize_raw(uintptr_t pc) {
  auto t0 = std::chrono::steady_clock::now();
  std::vector<RawFrame> v = ask_symbolizer(pc);
  g_symbolizer_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return v;
}

// The sanitizer runtime and libFuzzer, linked in, have no line tables of
// their own; a linker may place them where the symbolizer reads another
// object's (lld: "__sanitizer::Die() crtstuff.c:0"), so they are known by
// name. A subject's own function cannot have such a name (reserved).
bool runtime_function(const std::string &fn) {
  static const char *const kPrefixes[] = {"__sanitizer", "__asan", "__ubsan", "__lsan", "__tsan", "__interceptor_", "__sancov", "fuzzer::"};
  for (const char *p : kPrefixes)
    if (fn.rfind(p, 0) == 0) return true;
  return false;
}

// The subject frames of pc's inline chain, paths made relative.
const std::vector<Frame> &frames_at(uintptr_t pc) {
  auto it = g_cache.find(pc);
  if (it != g_cache.end()) return it->second;
  std::vector<Frame> v;
  // Subject code is linked into the program with the model; code in a
  // shared library (the C library's memcpy, the sanitizer runtime) is the
  // host's, never the subject's.
  static const char *self = [] {
    Dl_info me;
    return dladdr(reinterpret_cast<void *>(&report_path), &me) ? me.dli_fname : nullptr;
  }();
  Dl_info info;
  if (self && dladdr(reinterpret_cast<void *>(pc - 1), &info) && info.dli_fname && strcmp(info.dli_fname, self) != 0)
    return g_cache.emplace(pc, std::move(v)).first->second;
  for (RawFrame &r : symbolize_raw(pc)) {
    if (runtime_function(r.function)) continue;
    std::string rel = report_path(r.file);
    if (rel.empty()) continue;
    v.push_back({r.function, rel, r.line});
  }
  return g_cache.emplace(pc, std::move(v)).first->second;
}

}  // namespace

void site_text(char *buf, size_t n, const char *file, int line) {
  std::string rel = report_path(file ? file : "");
  snprintf(buf, n, "%s:%d", rel.empty() ? "?" : rel.c_str(), line);
}

std::string report_path(const std::string &file) {
  // A relative #line path (imported kernel code: lib/iov_iter.c) as the
  // compiler recorded it; one in the compilation directory comes as "./x".
  if (file.compare(0, 2, "./") == 0) return report_path(file.substr(2));
  if (file.empty() || file[0] != '/') return file;
  static const std::string root = std::string(KMAPSIM_SOURCE_ROOT) + "/";
  if (starts_with(file, root + "model/") || starts_with(file, root + "fuzz/")) return "";
  if (starts_with(file, "/usr/") || file.find("/compiler-rt/") != std::string::npos) return "";
  // The registered subject whose directory is the longest prefix.
  size_t best = 0;
  for (const SubjectEntry &s : subjects()) {
    size_t slash = s.file.rfind('/');
    if (s.file.empty() || s.file[0] != '/' || slash == std::string::npos) continue;
    if (slash + 1 > best && file.compare(0, slash + 1, s.file, 0, slash + 1) == 0) best = slash + 1;
  }
  if (best) return file.substr(best);
  if (starts_with(file, root)) return file.substr(root.size());
  size_t slash = file.rfind('/');
  return file.substr(slash + 1);
}

std::string display_path(const std::string &file) {
  std::string rel = report_path(file);
  if (!rel.empty() || file.empty() || file[0] != '/') return rel;
  static const std::string root = std::string(KMAPSIM_SOURCE_ROOT) + "/";
  if (starts_with(file, root)) return file.substr(root.size());
  return file.substr(file.rfind('/') + 1);
}

std::string site_of_pc(uintptr_t pc) {
  if (!pc) return "";
  std::lock_guard<std::mutex> lock(g_mu);
  const std::vector<Frame> &v = frames_at(pc);
  if (v.empty()) return "";
  return v.front().file + ":" + std::to_string(v.front().line);
}

// What the value of a kmapsim_pick() call goes to, from the text of its
// line: the variable or field assigned, "an argument of f()", or nothing.
// The text of an assignment up to its value: `name =`, `a->b[i] |=`, with
// a cast after the `=`.
constexpr char kAssignedTo[] = R"(([A-Za-z_]\w*(?:(?:\.|->)[A-Za-z_]\w*|\[[^\]]*\])*)\s*[-+*/|&]?=\s*(?:\([^()]*\)\s*)?)";

static bool keyword(const std::string &w) {
  return w == "if" || w == "while" || w == "for" || w == "switch" || w == "return" || w == "sizeof";
}

// The one call on the line.
static std::string pick_target_of_line(const std::string &line) {
  static const std::regex assign(std::string(kAssignedTo) + R"(kmapsim_pick\s*\()");
  static const std::regex arg(R"(([A-Za-z_]\w*)\s*\((?:[^()]*,)?\s*kmapsim_pick\s*\()");
  std::smatch m;
  if (std::regex_search(line, m, assign)) return m[1].str();
  if (std::regex_search(line, m, arg) && !keyword(m[1].str())) return "an argument of " + m[1].str() + "()";
  return "";
}

// The call starting at `at` of a line with several: an assignment just
// before it, or the call whose argument list it is in (earlier arguments
// may hold calls of their own: min(kmapsim_pick(0, 1), kmapsim_pick(2, 3))).
static std::string pick_target_at(const std::string &line, size_t at) {
  static const std::regex assign_end(std::string(kAssignedTo) + "$");
  std::string before = line.substr(0, at);
  std::smatch m;
  if (std::regex_search(before, m, assign_end)) return m[1].str();
  int depth = 0;
  for (size_t k = at; k-- > 0;) {
    char c = line[k];
    if (c == ')') {
      depth++;
    } else if (c == '(' && depth > 0) {
      depth--;
    } else if (c == '(') {
      size_t e = k;
      while (e > 0 && isspace(static_cast<unsigned char>(line[e - 1]))) e--;
      size_t b = e;
      while (b > 0 && (isalnum(static_cast<unsigned char>(line[b - 1])) || line[b - 1] == '_')) b--;
      std::string fn = line.substr(b, e - b);
      if (fn.empty() || isdigit(static_cast<unsigned char>(fn[0])) || keyword(fn)) return "";
      return "an argument of " + fn + "()";
    } else if (depth == 0 && (c == ';' || c == '{' || c == '}' || c == '=' || c == '?' || c == ':')) {
      return "";
    }
  }
  return "";
}

std::string pick_target(uintptr_t pc) {
  if (!pc) return "";
  std::lock_guard<std::mutex> lock(g_mu);
  static std::map<uintptr_t, std::string> cache;
  auto it = cache.find(pc);
  if (it != cache.end()) return it->second;
  std::string what;
  for (const RawFrame &r : symbolize_raw(pc)) {
    if (report_path(r.file).empty()) continue;
    // A relative path (imported kernel code, a generated harness) would be
    // read from whatever directory the process runs in: the report must
    // not depend on that.
    if (r.file.empty() || r.file[0] != '/') break;
    std::ifstream in(r.file);
    std::string line;
    for (int i = 0; i < r.line && std::getline(in, line); i++) {
    }
    if (!in) break;
    // With several calls on the line (`n = kmapsim_pick(1, 3), done =
    // kmapsim_pick(0, 3);`) the column says which one this is; a column
    // that is none of theirs (calls in a macro's arguments carry the
    // macro's) names what all of them go to, if that is one thing, and
    // nothing otherwise: no name rather than a wrong one.
    static const std::regex call(R"(\bkmapsim_pick\s*\()");
    std::vector<std::pair<size_t, std::string>> calls;
    for (auto i = std::sregex_iterator(line.begin(), line.end(), call); i != std::sregex_iterator(); ++i)
      calls.emplace_back(i->position(), "");
    if (calls.size() <= 1) {
      what = pick_target_of_line(line);
      break;
    }
    bool at_column = false, same = true;
    for (auto &c : calls) {
      c.second = pick_target_at(line, c.first);
      same = same && c.second == calls[0].second;
      if (static_cast<int>(c.first) == r.column - 1) {
        what = c.second;
        at_column = true;
      }
    }
    if (!at_column && same) what = calls[0].second;
    break;
  }
  return cache.emplace(pc, what).first->second;
}

double symbolizer_seconds() {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_symbolizer_seconds;
}

std::vector<Frame> symbolize_trace(const PcTrace &t) {
  std::lock_guard<std::mutex> lock(g_mu);
  std::vector<Frame> out;
  for (int i = 0; i < t.n; i++)
    for (const Frame &f : frames_at(t.pc[i])) out.push_back(f);
  return out;
}

}  // namespace kmapsim
