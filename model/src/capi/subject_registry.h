// Subjects registered by KMAPSIM_SUBJECT in the binary.
#pragma once

#include <string>
#include <vector>

namespace kmapsim {

struct SubjectEntry {
  std::string name;
  void (*fn)();
  std::string file;
  int line;
};

void register_subject(const char *name, void (*fn)(), const char *file, int line);
const std::vector<SubjectEntry> &subjects();
const SubjectEntry *find_subject(const std::string &name);
// Set by KMAPSIM_DEFAULT_PROFILE in a subject file; empty when not set.
std::string &default_subject_profile();

}  // namespace kmapsim
