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
  // A write: a scheduling point (the caller stores).
  void write(const volatile void *addr, unsigned bytes, const char *api);
  // memcpy_fromio(), memcpy_toio(), memset_io(): device memory, which the
  // caller copies as memory; one scheduling point for the whole range.
  void range(const volatile void *addr, size_t n, const char *api);
  void reset() {
    windows_.clear();
    regs_.clear();
  }

 private:
  struct Window {
    uintptr_t base;
    size_t size;
  };
  // A register: how often it was read, and its last answer.
  struct Reg {
    uint32_t reads = 0;
    uint64_t last = 0;
  };
  // Reads a register answers with a value the run picks; after them it is
  // being polled or drained, and answers the complement of its last value.
  static constexpr uint32_t kPickedReads = 4;
  const Window *window_of(uintptr_t a, unsigned bytes) const;

  Machine &m_;
  std::vector<Window> windows_;
  std::unordered_map<uintptr_t, Reg> regs_;  // by address
};

}  // namespace kmapsim
