// One llvm-symbolizer per kmapsim process (symbolize.cc's path where no
// sanitizer runtime symbolizes): started on the first question and asked
// every later one over a socket, as the sanitizer runtimes keep theirs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kmapsim {

// One frame of an inline chain, with the path as the compiler recorded it.
struct RawFrame {
  std::string function, file;
  int line = 0;
  int column = 0;  // 1-based byte column of the call; 0 when not known
};

// The inline chain at offset in the object file obj, innermost first, as
// `llvm-symbolizer --inlining --functions=linkage --demangle` answers it
// ($KMAPSIM_SYMBOLIZER names another program: a path, or a name looked up
// in $PATH). Empty when the tool cannot be started, dies, or does not
// answer within a minute; it is then never started again in this process.
// Thread-safe (one question at a time).
std::vector<RawFrame> llvm_symbolizer_frames(const std::string &obj, uint64_t offset);

}  // namespace kmapsim
