// `--torture` of the subject driver (torture_driver.cc).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "profile.h"
#include "subject_registry.h"

namespace kmapsim {

struct TortureRequest {
  Profile profile;      // nr_cpus is replaced by threads
  unsigned threads = 4;  // simulated CPUs, each played by a host thread
  unsigned lanes = 1;    // concurrent instances of the subject (torture.h)
  double seconds = 10;   // in all, shared by the subjects
  uint64_t seed = 1;
  bool progress = false;
  std::string argv0;
  std::string rerun;  // the command that runs this torture again ("" : built from the flags)
};

// 0 when every subject ran clean; a report exits the process with status 1.
int torture_subjects(const std::vector<const SubjectEntry *> &list, const TortureRequest &rq);

}  // namespace kmapsim
