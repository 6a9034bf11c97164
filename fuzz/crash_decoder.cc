// crash_decoder: kmapsim's own crash-file and trace decoders on arbitrary
// bytes. They must never crash, and whatever decodes must encode back to
// an equivalent file (decode(encode(decode(x))) == decode(x)).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "crash_file.h"

using namespace kmapsim;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string in(reinterpret_cast<const char *>(data), size);
  Trace t;
  if (Trace::decode(in, &t)) {
    Trace again;
    if (!Trace::decode(t.encode(), &again) || again.hash() != t.hash()) {
      fprintf(stderr, "kmapsim: crash_decoder: a trace does not survive encode/decode\n");
      abort();
    }
  }
  CrashFile c;
  std::string err;
  if (decode_crash(in, &c, &err)) {
    CrashFile d;
    if (!decode_crash(encode_crash(c), &d, &err) || d.subject != c.subject || d.profile != c.profile || d.build != c.build || d.trace.hash() != c.trace.hash()) {
      fprintf(stderr, "kmapsim: crash_decoder: a crash file does not survive encode/decode: %s\n", err.c_str());
      abort();
    }
  } else if (err.empty() || err.find('\n') != std::string::npos) {
    fprintf(stderr, "kmapsim: crash_decoder: a rejection without a one-line reason\n");
    abort();
  }
  return 0;
}
