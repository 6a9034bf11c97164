// --json FILE: the driver's result, machine-readable, for scripts/kmapsim
// (scripts/kmapsim_cli/driver.py reads it). The text output is unchanged;
// this is written beside it. The file is rewritten whole (write + rename)
// after every event that changes it (a subject explored, a report), so it
// is complete even when a report ends the process with abort() (--fuzz).
//
//   {"format": "kmapsim-result 1", "mode": ..., "target": ..., "profile": ...,
//    "verdict": "clean" | "report",
//    "class": ..., "first_line": ..., "site": ..., "subject": ...,
//    "crash_file": ..., "report": <the report text, replay line included>,
//    "details": <the report as data, docs/report.schema.json; null if clean>,
//    "runs": N, "schedules": N, "discarded": N,
//    "subjects": [{"name", "runs", "schedules", "bound", "guarantee", "pct",
//                  "announced", "discarded", "whole_space"}]}
//
// "site" is the subject and the first line with every number normalised
// (normalise_line), the key findings are grouped by. "bound" is the largest
// K for which every schedule with <= K preemptions was explored (-1: none).
// "discarded" counts the runs that broke the entry check of the function
// under test (the caller's contract, entry_contract.cc: not reported).
// "whole_space" is true when an enumeration covered every run the subject
// can take (ExhaustiveSource::whole_space): more rounds would repeat them.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "crash_file.h"
#include "driver.h"

namespace kmapsim::driver {

std::string normalise_line(const std::string &s);  // driver_fuzz.cc

namespace {

struct SubjectResult {
  std::string name;
  uint64_t runs = 0;
  uint64_t schedules = 0;
  int bound = -1;
  std::string guarantee, pct;
  uint64_t announced = 0;
  uint64_t discarded = 0;
  bool whole_space = false;
};

struct Result {
  bool reported = false;
  std::string cls, first_line, site, subject, crash_file, report, details;
  std::vector<SubjectResult> subjects;
};

Result g_result;

std::string quote(const std::string &s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      case '\t': o += "\\t"; break;
      case '\r': o += "\\r"; break;
      default:
        if (c < 0x20) {
          char b[8];
          snprintf(b, sizeof b, "\\u%04x", c);
          o += b;
        } else {
          o += static_cast<char>(c);  // UTF-8 passes through
        }
    }
  }
  return o + "\"";
}

std::string field(const char *key, const std::string &value) { return std::string("\"") + key + "\": " + value; }

std::string frames_json(const std::vector<Frame> &v) {
  std::string o = "[";
  for (const Frame &f : v)
    o += std::string(o.size() > 1 ? ", " : "") + "{" + field("function", quote(f.function)) + ", " + field("file", quote(f.file)) + ", " +
         field("line", std::to_string(f.line)) + "}";
  return o + "]";
}

std::string strings_json(const std::vector<std::string> &v) {
  std::string o = "[";
  for (const std::string &s : v) o += std::string(o.size() > 1 ? ", " : "") + quote(s);
  return o + "]";
}

// The report as data (docs/report.schema.json): the CLI's --json prints it
// and scripts/kmapsim_cli/report_text.py renders the report's text from it.
std::string report_json(const Report &r) {
  std::string sites = "[";
  for (const ReportSite &s : r.sites)
    sites += std::string(sites.size() > 1 ? ",\n    " : "") + "{" + field("role", quote(s.role)) + ", " + field("what", quote(s.what)) + ", " +
             field("trace", frames_json(s.trace)) + "}";
  sites += "]";
  std::string events = "[";
  for (const ReportEvent &e : r.events)
    events += std::string(events.size() > 1 ? ",\n    " : "") + "{" + field("seq", std::to_string(e.seq)) + ", " +
              field("context", quote(e.context)) + ", " + field("cpu", std::to_string(e.cpu)) + ", " + field("kind", quote(e.kind)) + ", " +
              field("site", quote(e.site)) + ", " + field("detail", quote(e.detail)) + "}";
  events += "]";
  return "{" + field("class", quote(bug_class_name(r.cls))) + ",\n  " + field("first_line", quote(r.first_line)) + ",\n  " +
         field("profile", quote(r.profile)) + ",\n  " + field("context", quote(r.context)) + ",\n  " + field("sites", sites) + ",\n  " +
         field("mapping", quote(r.mapping)) + ",\n  " + field("page", quote(r.page)) + ",\n  " + field("details", strings_json(r.details)) +
         ",\n  " + field("events", events) + ",\n  " + field("sanitizer", strings_json(r.sanitizer)) + ",\n  " +
         field("decisions", std::to_string(r.decisions)) + ",\n  " + field("steps", std::to_string(r.steps)) + ",\n  " +
         field("replay", quote(r.replay)) + "}";
}

void write_result() {
  if (g_opt.json_file.empty()) return;
  const Result &r = g_result;
  uint64_t runs = 0, schedules = 0, discarded = 0;
  std::string subs;
  for (const SubjectResult &s : r.subjects) {
    runs += s.runs;
    schedules += s.schedules;
    discarded += s.discarded;
    subs += std::string(subs.empty() ? "" : ",\n  ") + "{" + field("name", quote(s.name)) + ", " +
            field("runs", std::to_string(s.runs)) + ", " + field("schedules", std::to_string(s.schedules)) + ", " +
            field("bound", std::to_string(s.bound)) + ", " + field("guarantee", quote(s.guarantee)) + ", " +
            field("pct", quote(s.pct)) + ", " + field("announced", std::to_string(s.announced)) + ", " +
            field("discarded", std::to_string(s.discarded)) + ", " + field("whole_space", s.whole_space ? "true" : "false") + "}";
  }
  auto opt = [](const std::string &v) { return v.empty() ? std::string("null") : quote(v); };
  std::string out = "{" + field("format", quote("kmapsim-result 1")) + ",\n " + field("mode", quote(g_opt.mode)) + ",\n " +
                    field("target", opt(g_opt.target)) + ",\n " + field("profile", quote(g_opt.profile)) + ",\n " +
                    field("verdict", quote(r.reported ? "report" : "clean")) + ",\n " + field("class", opt(r.cls)) + ",\n " +
                    field("first_line", opt(r.first_line)) + ",\n " + field("site", opt(r.site)) + ",\n " +
                    field("subject", opt(r.subject)) + ",\n " + field("crash_file", opt(r.crash_file)) + ",\n " +
                    field("report", opt(r.report)) + ",\n " + field("details", r.details.empty() ? "null" : r.details) + ",\n " +
                    field("runs", std::to_string(runs)) + ",\n " +
                    field("schedules", std::to_string(schedules)) + ",\n " + field("discarded", std::to_string(discarded)) + ",\n " +
                    field("subjects", "[" + subs + "]") + "}\n";
  if (g_opt.json_file == "-") {
    fputs(out.c_str(), stdout);
    fflush(stdout);
    return;
  }
  std::string tmp = g_opt.json_file + ".tmp";
  if (!write_file(tmp, out) || rename(tmp.c_str(), g_opt.json_file.c_str()) != 0)
    fprintf(stderr, "kmapsim: could not write the --json file %s\n", g_opt.json_file.c_str());
}

}  // namespace

void json_begin() {
  if (g_opt.json_file.empty()) return;
  // On stdout the result comes once, last, at exit; a file is there from
  // the start (a run with nothing to report still leaves a result).
  if (g_opt.json_file == "-")
    atexit(write_result);
  else
    write_result();
}

void json_subject(const std::string &name, uint64_t runs, uint64_t schedules, int bound, const std::string &guarantee,
                  const std::string &pct, uint64_t announced, uint64_t discarded, bool whole_space) {
  g_result.subjects.push_back({name, runs, schedules, bound, guarantee, pct, announced, discarded, whole_space});
  if (g_opt.json_file != "-") write_result();
}

void json_report(const std::string &subject, const RunResult &r, const Report &rep, const std::string &crash_file, const std::string &text) {
  Result &j = g_result;
  j.reported = true;
  j.cls = bug_class_name(r.report.cls);
  j.first_line = r.report.first_line;
  std::string rest = j.first_line;
  std::string head = "BUG: kmapsim: " + j.cls + ":";
  if (rest.rfind(head, 0) == 0) rest = rest.substr(head.size() + (rest.size() > head.size() && rest[head.size()] == ' '));
  j.site = subject + ": " + normalise_line(rest);
  j.subject = subject;
  j.crash_file = crash_file;
  j.report = text;
  j.details = report_json(rep);
  if (g_opt.json_file != "-" || g_opt.mode == "fuzz" || g_opt.mode == "torture") write_result();  // --fuzz and --torture end the process next
}

}  // namespace kmapsim::driver
