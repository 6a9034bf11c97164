// Memory-mapped I/O (asm/io.h; mmio.cc): the register windows ioremap()
// gave in this run and what each register of them answers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace kmapsim {

class Machine;

class Mmio {
 public:
  explicit Mmio(Machine &m) : m_(m) {}
  // ioremap(): a fresh window of size bytes (host heap memory, zeroed, so
  // ASan bounds it), or nullptr when the run fails the mapping.
  void *ioremap(uint64_t offset, size_t size, const char *api);
  // iounmap(): the window is freed; an address that is no window's start is a subject bug.
  void iounmap(const volatile void *addr, const char *api);
  // A read of bytes (1, 2, 4 or 8) at addr: the device's answer inside a
  // window, else held (what the caller loaded there).
  uint64_t read(const volatile void *addr, unsigned bytes, uint64_t held, const char *api);
  // A write: a scheduling point (the caller stores), and a new command to
  // the window's device, whose registers' polls may stall again.
  void write(const volatile void *addr, unsigned bytes, const char *api);
  // memcpy_fromio(), memcpy_toio(), memset_io(): device memory, which the
  // caller copies as memory; one scheduling point for the whole range.
  void range(const volatile void *addr, size_t n, const char *api);
  void reset() {
    windows_.clear();
    regs_.clear();
  }
  // How long a device that stalls holds a register's answer, in reads:
  // past the count a poll bounded by its reads gives up after (6.12's
  // read_poll_timeout_atomic() with 1 us between reads and a 10 ms
  // timeout, or 10 us and 100 ms, reads about 10,000 times), and inside
  // the run's step bound with a few scheduling points per read, so an
  // unbounded poll (`while (!(readl(st) & READY)) cpu_relax();`) waits it
  // out and goes on, as on a device that answers late, instead of
  // spinning for ever on one that never would.
  static constexpr uint32_t kHeldReads = 10000;

 private:
  struct Window {
    uintptr_t base;
    size_t size;
    uint32_t commands = 0;  // writes to the window: each starts a new exchange with the device
  };
  // A register: how often it was read, its last answer, for how many more
  // reads the device holds that answer, and at which of its window's
  // commands the run last asked whether the device stalls.
  struct Reg {
    uint32_t reads = 0;
    uint32_t held = 0;
    uint64_t last = 0;
    int64_t stall_asked = -1;
  };
  // Reads a register answers with a value the run picks; after them it is
  // being polled or drained, and answers the complement of its last value.
  static constexpr uint32_t kPickedReads = 4;
  Window *window_of(uintptr_t a, unsigned bytes);

  Machine &m_;
  std::vector<Window> windows_;
  std::unordered_map<uintptr_t, Reg> regs_;  // by address
};

}  // namespace kmapsim
