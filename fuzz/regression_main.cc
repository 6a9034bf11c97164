// The plain main() every LLVMFuzzerTestOneInput target also links against
// when built without libFuzzer: each argument is an input file (or a
// directory of them) run once, so corpora replay under CTest. Exit 0 when
// every input ran to completion; a finding aborts, as under libFuzzer.
#include <dirent.h>
#include <sys/stat.h>

#include <cstdio>
#include <string>
#include <vector>

#include "crash_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_path(const std::string &path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    fprintf(stderr, "kmapsim: no such input: %s\n", path.c_str());
    return 2;
  }
  if (S_ISDIR(st.st_mode)) {
    std::vector<std::string> names;
    if (DIR *d = opendir(path.c_str())) {
      while (dirent *e = readdir(d))
        if (e->d_name[0] != '.') names.push_back(path + "/" + e->d_name);
      closedir(d);
    }
    int rc = 0;
    for (const std::string &n : names) rc |= run_path(n);
    return rc;
  }
  std::string data;
  if (!kmapsim::read_file(path, &data)) {
    fprintf(stderr, "kmapsim: cannot read %s\n", path.c_str());
    return 2;
  }
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(data.data()), data.size());
  return 0;
}

int main(int argc, char **argv) {
  int rc = 0;
  for (int i = 1; i < argc; i++) rc |= run_path(argv[i]);
  printf("kmapsim: %d input path%s replayed\n", argc - 1, argc == 2 ? "" : "s");
  return rc;
}
