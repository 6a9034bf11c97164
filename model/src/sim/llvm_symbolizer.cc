// llvm-symbolizer reads questions on stdin, one a line ("<module>" 0x<offset>,
// the module in double quotes), and writes each answer as the frames of the
// inline chain (a function line, then "file:line:column") followed by an
// empty line, flushing after each: one process answers a whole report. It
// is started with posix_spawn, not fork(): kmapsim may have large mappings
// and fibers that a fork would copy or confuse. The tool's stdin and stdout
// are one end of a socket pair, so that kmapsim writes with MSG_NOSIGNAL (a
// dead tool is an EPIPE, not a SIGPIPE that kills kmapsim) and sees the
// tool's death as end of file. Nothing here may hang or crash kmapsim: every
// read has a deadline, and any failure leaves the frames empty (a report
// without call sites) and the tool unused for the rest of the process.
#include "llvm_symbolizer.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

extern char **environ;

namespace kmapsim {

namespace {

// The first question makes the tool read the object's debug information
// (a second or two for a large sanitizer build); a minute is a tool that
// will never answer.
constexpr int kAnswerTimeoutMs = 60 * 1000;

// An fd of 0, 1 or 2 (kmapsim started with a standard stream closed) would
// be overwritten by the child's own dup2 onto 0 and 1: move it above them.
int above_stdio(int fd) {
  if (fd > 2) return fd;
  int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  close(fd);
  return moved;
}

class Process {
 public:
  // At exit (a report found, the run over) the tool reads end of file on
  // its stdin and ends; reap it. Paths that end with _exit() skip this: the
  // socket closes with the process and the tool still ends on its own.
  ~Process() {
    std::lock_guard<std::mutex> lock(mu_);
    stop(false);
  }

  std::vector<RawFrame> ask(const std::string &obj, uint64_t offset) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<RawFrame> out;
    // A forked child shares the parent's socket: its answers would be
    // read by whichever process reads first. It starts its own tool.
    if (pid_ > 0 && owner_ != getpid()) {
      close(fd_);
      fd_ = -1;
      pid_ = -1;
      in_.clear();
    }
    if (failed_) return out;
    // Quotes delimit the module: a path with one (or a line break) cannot
    // be asked about, which costs this frame only.
    if (obj.find_first_of("\"\n\r") != std::string::npos) return out;
    if (pid_ < 0 && !start()) {
      failed_ = true;
      return out;
    }
    char q[64];
    snprintf(q, sizeof q, "\" 0x%llx\n", static_cast<unsigned long long>(offset));
    std::string question = "\"" + obj + q;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kAnswerTimeoutMs);
    if (!send_all(question)) {
      stop(true);
      return out;
    }
    for (;;) {
      std::string fn, loc;
      if (!read_line(fn, deadline)) {
        stop(true);
        return {};
      }
      if (fn.empty()) break;  // the end of this answer
      if (!read_line(loc, deadline)) {
        stop(true);
        return {};
      }
      RawFrame f;
      f.function = fn != "??" ? fn : "";
      // "file:line:column"
      size_t c2 = loc.rfind(':');
      if (c2 != std::string::npos) {
        f.column = atoi(loc.c_str() + c2 + 1);
        loc.resize(c2);
      }
      size_t c1 = loc.rfind(':');
      if (c1 != std::string::npos) {
        f.line = atoi(loc.c_str() + c1 + 1);
        loc.resize(c1);
      }
      f.file = loc != "??" ? loc : "";
      out.push_back(f);
    }
    return out;
  }

 private:
  bool start() {
    const char *tool = getenv("KMAPSIM_SYMBOLIZER");
    if (!tool || !*tool) tool = "llvm-symbolizer";
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return false;
    sv[0] = above_stdio(sv[0]);
    sv[1] = above_stdio(sv[1]);
    if (sv[0] < 0 || sv[1] < 0) {
      if (sv[0] >= 0) close(sv[0]);
      if (sv[1] >= 0) close(sv[1]);
      return false;
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);  // its warnings are not kmapsim's output
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    // Only the socket: no crash file, corpus or trace fd of kmapsim's
    // (those without O_CLOEXEC included) stays open in the tool.
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
    // The calling thread may block signals (fibers, the watchdog's timer):
    // the tool starts with none blocked and the usual dispositions.
    sigset_t none, dfl;
    sigemptyset(&none);
    sigemptyset(&dfl);
    for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) sigaddset(&dfl, s);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &dfl);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    char *argv[] = {const_cast<char *>(tool), const_cast<char *>("--inlining"), const_cast<char *>("--functions=linkage"),
                    const_cast<char *>("--demangle"), nullptr};
    pid_t pid;
    int err = posix_spawnp(&pid, tool, &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(sv[1]);
    if (err != 0) {  // not found, not executable: glibc reports the exec's failure here
      close(sv[0]);
      return false;
    }
    fd_ = sv[0];
    pid_ = pid;
    owner_ = getpid();
    in_.clear();
    return true;
  }

  bool send_all(const std::string &s) {
    size_t done = 0;
    while (done < s.size()) {
      ssize_t n = send(fd_, s.data() + done, s.size() - done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  // The next line without its '\n'; false at end of file, on an error, or
  // past the deadline (signals such as the watchdog's do not extend it).
  bool read_line(std::string &line, std::chrono::steady_clock::time_point deadline) {
    size_t nl;
    while ((nl = in_.find('\n')) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) return false;
      struct pollfd p = {fd_, POLLIN, 0};
      int r = poll(&p, 1, static_cast<int>(left));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      char buf[4096];
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      in_.append(buf, static_cast<size_t>(n));
    }
    line.assign(in_, 0, nl);
    in_.erase(0, nl + 1);
    return true;
  }

  // Ends the tool: after a failure (broken) it is killed and never started
  // again; at exit it is asked to end by end of file, and killed if it has
  // not within a second.
  void stop(bool broken) {
    if (broken) failed_ = true;
    if (pid_ < 0 || owner_ != getpid()) return;
    if (broken) kill(pid_, SIGKILL);
    close(fd_);
    bool reaped = false;
    for (int i = 0; i < 100 && !reaped; i++) {
      pid_t r = waitpid(pid_, nullptr, WNOHANG);
      if (r == pid_ || (r < 0 && errno != EINTR)) reaped = true;  // ECHILD: someone else reaped it
      else if (r == 0) usleep(10 * 1000);
    }
    if (!reaped) {
      kill(pid_, SIGKILL);
      while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
      }
    }
    fd_ = -1;
    pid_ = -1;
    in_.clear();
  }

  std::mutex mu_;
  int fd_ = -1;           // kmapsim's end of the socket; -1 when no tool runs
  pid_t pid_ = -1;        // the tool; -1 when none runs
  pid_t owner_ = -1;      // the process that started it
  bool failed_ = false;   // the tool could not be started or broke: never again
  std::string in_;        // what was read past the last line returned
};

// A global, not a function's static: constructed before main, so it is
// destroyed after every atexit handler registered later (the driver's
// --json writer) has run.
Process g_process;

}  // namespace

std::vector<RawFrame> llvm_symbolizer_frames(const std::string &obj, uint64_t offset) { return g_process.ask(obj, offset); }

}  // namespace kmapsim
