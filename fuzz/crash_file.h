// Crash files: a self-describing, replayable record of one run that ended
// in a report (format version, target, subject, profile, the decision
// trace). Text, so a person can read one; the trace is hex.
#pragma once

#include <cstdint>
#include <string>

#include "decision.h"

namespace kmapsim {

constexpr int kCrashFormatVersion = 1;

struct CrashFile {
  std::string target;   // binary / target name
  std::string subject;
  std::string profile;
  // How the target was built, when not the default: "plain-accesses" (the
  // subject's loads and stores are scheduling points: trace-loads/-stores).
  // Written as a `build:` line only when set; a file without it (every
  // file written before the field existed) means the default build.
  std::string build;
  std::string first_line;  // the expected first report line ("clean" when none)
  std::string replay;      // the replay command printed in the report
  Trace trace;
};

std::string encode_crash(const CrashFile &c);
// False with *err set (one line) on anything malformed or from another version.
bool decode_crash(const std::string &text, CrashFile *out, std::string *err);
bool read_file(const std::string &path, std::string *out);
bool write_file(const std::string &path, const std::string &data);

}  // namespace kmapsim
