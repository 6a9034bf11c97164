#include "subject_registry.h"

#include <cstdio>
#include <cstdlib>

namespace kmapsim {

static std::vector<SubjectEntry> &registry() {
  static std::vector<SubjectEntry> r;
  return r;
}

void register_subject(const char *name, void (*fn)(), const char *file, int line) {
  for (const SubjectEntry &e : registry())
    if (e.name == name) {
      fprintf(stderr, "kmapsim: subject '%s' is defined twice (%s:%d and %s:%d)\n", name, e.file.c_str(), e.line, file, line);
      exit(2);
    }
  registry().push_back({name, fn, file, line});
}

const std::vector<SubjectEntry> &subjects() { return registry(); }

const SubjectEntry *find_subject(const std::string &name) {
  for (const SubjectEntry &e : registry())
    if (e.name == name) return &e;
  return nullptr;
}

std::string &default_subject_profile() {
  static std::string p;
  return p;
}

}  // namespace kmapsim
