#include "crash_file.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace kmapsim {

static const char kMagic[] = "kmapsim-crash";

static std::string to_hex(const std::string &s) {
  static const char d[] = "0123456789abcdef";
  std::string o;
  for (unsigned char c : s) {
    o.push_back(d[c >> 4]);
    o.push_back(d[c & 15]);
  }
  return o;
}

static bool from_hex(const std::string &h, std::string *out) {
  if (h.size() % 2) return false;
  out->clear();
  for (size_t i = 0; i < h.size(); i += 2) {
    int v = 0;
    for (int k = 0; k < 2; k++) {
      char c = h[i + k];
      int x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (x < 0) return false;
      v = v * 16 + x;
    }
    out->push_back(static_cast<char>(v));
  }
  return true;
}

std::string encode_crash(const CrashFile &c) {
  std::ostringstream o;
  o << kMagic << " " << kCrashFormatVersion << "\n";
  o << "target: " << c.target << "\n";
  o << "subject: " << c.subject << "\n";
  o << "profile: " << c.profile << "\n";
  if (!c.build.empty()) o << "build: " << c.build << "\n";
  o << "report: " << c.first_line << "\n";
  o << "replay: " << c.replay << "\n";
  o << "decisions: " << c.trace.size() << "\n";
  o << "trace: " << to_hex(c.trace.encode()) << "\n";
  char h[32];
  snprintf(h, sizeof h, "%016llx", static_cast<unsigned long long>(c.trace.hash()));
  o << "trace-hash: " << h << "\n";
  return o.str();
}

bool decode_crash(const std::string &text, CrashFile *out, std::string *err) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line.rfind(kMagic, 0) != 0) {
    *err = "not a kmapsim crash file (no 'kmapsim-crash' header)";
    return false;
  }
  int version = atoi(line.c_str() + sizeof(kMagic) - 1);
  if (version != kCrashFormatVersion) {
    *err = "crash file format version " + std::to_string(version) + ", this kmapsim reads version " + std::to_string(kCrashFormatVersion);
    return false;
  }
  std::string trace_hex, hash;
  size_t decisions = SIZE_MAX;
  while (std::getline(in, line)) {
    size_t colon = line.find(": ");
    if (colon == std::string::npos) {
      if (line.empty()) continue;
      *err = "malformed crash file line: " + line.substr(0, 60);
      return false;
    }
    std::string k = line.substr(0, colon), v = line.substr(colon + 2);
    if (k == "target") out->target = v;
    else if (k == "subject") out->subject = v;
    else if (k == "profile") out->profile = v;
    else if (k == "build") out->build = v;
    else if (k == "report") out->first_line = v;
    else if (k == "replay") out->replay = v;
    else if (k == "decisions") decisions = strtoull(v.c_str(), nullptr, 10);
    else if (k == "trace") trace_hex = v;
    else if (k == "trace-hash") hash = v;
  }
  std::string bytes;
  if (!from_hex(trace_hex, &bytes) || !Trace::decode(bytes, &out->trace)) {
    *err = "corrupt crash file: the trace does not decode";
    return false;
  }
  if (decisions != SIZE_MAX && decisions != out->trace.size()) {
    *err = "corrupt crash file: decision count does not match the trace";
    return false;
  }
  char h[32];
  snprintf(h, sizeof h, "%016llx", static_cast<unsigned long long>(out->trace.hash()));
  if (!hash.empty() && hash != h) {
    *err = "corrupt crash file: trace-hash does not match the trace";
    return false;
  }
  if (out->subject.empty() || out->profile.empty()) {
    *err = "corrupt crash file: no subject or profile";
    return false;
  }
  return true;
}

bool read_file(const std::string &path, std::string *out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  *out = ss.str();
  return true;
}

bool write_file(const std::string &path, const std::string &data) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    if (!f) return false;
    f << data;
    if (!f) return false;
  }
  return rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace kmapsim
