// The subject driver's shared pieces (see the header of subject_driver.cc
// for the modes and flags). One file per mode: driver_explore.cc,
// driver_replay.cc, driver_fuzz.cc; driver_common.cc has the options, crash
// file emission and verdicts; subject_driver.cc parses flags and has main().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "crash_file.h"
#include "machine.h"
#include "subject_registry.h"

namespace kmapsim::driver {

struct Options {
  std::string mode = "explore";
  std::string subject;
  std::string profile;  // empty: the file's KMAPSIM_DEFAULT_PROFILE, else strict
  std::string file;
  std::string crash_dir = "kmapsim-crashes";
  std::string replay_prefix;
  std::string expect;
  std::string target;
  std::string build;  // --build: how the target was built (the crash file's `build:`)
  uint64_t runs = 0;
  double seconds = 0;
  uint64_t seed = 1;
  unsigned max_k = 2;
  bool twice = false;
  bool selfcheck = false;
  bool events = false;
  std::string verdict_file;
  bool progress = false;
  std::string strategy = "explore";
  bool stats = false;
  std::vector<char *> fuzz_args;
  bool lenient = false;
  std::string known_file;
  std::vector<std::string> driver_args;  // the options before --fuzz, for libFuzzer's child processes
  unsigned threads = 4;  // --torture: simulated CPUs on host threads
  unsigned lanes = 1;    // --torture: concurrent instances of the subject
  std::string json_file;  // --json FILE ("-": stdout): the result, machine-readable (driver_json.cc)
};


extern Options g_opt;
extern std::string g_argv0;

[[noreturn]] void usage_error(const std::string &msg);
const Profile &profile_or_die(const std::string &name);
std::vector<const SubjectEntry *> chosen_subjects();
std::string replay_command(const std::string &path);
// Writes the crash file of a reported run, prints the report and the replay
// command. Returns the crash file's path.
std::string emit_report(Machine &m, const SubjectEntry &s, const RunResult &r);
// The exit code for a run's outcome, honouring --expect.
int finish(bool reported, const std::string &first_line);
double now();
// A corpus regression: the first report line must equal the recorded one.
int check_verdict(const std::string &got);

int explore();                                            // driver_explore.cc
int replay_crash();                                       // driver_replay.cc
int replay_bytes();                                       // driver_fuzz.cc
int fuzz();
int fuzz_one(const uint8_t *data, size_t size);
std::string encode_driver_args(const std::vector<std::string> &args);
std::vector<std::string> decode_driver_args(const std::string &s);

// --json (driver_json.cc): the result for scripts/kmapsim, beside the text.
void json_begin();
void json_subject(const std::string &name, uint64_t runs, uint64_t schedules, int bound, const std::string &guarantee,
                  const std::string &pct, uint64_t announced, uint64_t discarded = 0, bool whole_space = false);
void json_report(const std::string &subject, const RunResult &r, const Report &rep, const std::string &crash_file, const std::string &text);

}  // namespace kmapsim::driver
