// Per-CPU data and lost atomicity. kmap_atomic() disabled preemption, so
// code between it and kunmap_atomic() could use this CPU's per-CPU buffers
// undisturbed; kmap_local_page() does not. When a task inside a preemptible
// local-mapping section uses CPU n's instance of a per-CPU variable and
// another task uses the same instance before the section ends, the first
// task's view of it was lost: lost-atomicity.
//
// Each (variable, cpu) instance carries a version that changes whenever a
// different task than the last one touches it; a section remembers the
// version it last saw.
#include "percpu.h"

#include <cctype>

#include "machine.h"

namespace kmapsim {

void *subject_percpu_instance(const void *p, int cpu);  // subject_data.cc

std::map<const void *, std::string> &percpu_names() {
  static std::map<const void *, std::string> names;
  return names;
}

static const char *variable_name(Machine &m, const void *base) {
  auto it = percpu_names().find(base);
  return it != percpu_names().end() ? it->second.c_str() : m.addr_str(base);
}

// The variable an imported accessor's text names: `&v`, `&v.lock`,
// `&(v).buf[0]` are all v's.
static std::string named_by(const char *expr) {
  const char *p = expr;
  while (*p == '&' || *p == '(' || *p == ' ') p++;
  const char *q = p;
  while (isalnum(static_cast<unsigned char>(*q)) || *q == '_') q++;
  return std::string(p, q);
}

static void lost(Machine &m, const Task &t, const PcpuUse &u, const Percpu::Stamp &st) {
  m.report(BugClass::LostAtomicity, -1, -1,
           "%s used cpu %d's instance of the per-CPU variable %s inside a preemptible kmap_local section, and %s used the same instance "
           "before the section ended: the code relied on kmap_atomic() disabling preemption",
           t.name.c_str(), u.cpu, variable_name(m, u.base), m.task_label(st.last_task, 0));
}

// Every per-CPU access is a scheduling point: kmap_atomic() sections were
// preemption-free, so this is where a converted section can lose its CPU.
void *Percpu::percpu_ptr(void *base, size_t size, int cpu, bool explicit_cpu, const char *expr) {
  m_.sched_point(explicit_cpu ? "per_cpu_ptr" : "this_cpu_ptr");
  if (!explicit_cpu) cpu = m_.cur().cpu;
  if (cpu < 0 || static_cast<unsigned>(cpu) >= m_.profile().nr_cpus)
    m_.report(BugClass::SubjectBug, -1, -1, "per_cpu_ptr(): cpu %d is not online (%u cpus)", cpu, m_.profile().nr_cpus);
  void *inst = subject_percpu_instance(base, cpu);  // an imported DEFINE_PER_CPU's copy, or null
  if (inst && expr && !percpu_names().count(base)) {
    std::string name = named_by(expr);
    if (!name.empty()) percpu_names()[base] = name;
  }
  Task &t = m_.cur();
  Stamp &st = stamps_[std::make_pair(static_cast<const void *>(base), cpu)];
  bool in_section = t.local_sections > 0 && m_.preemptible() && !explicit_cpu;
  PcpuUse *mine = nullptr;
  if (in_section)
    for (PcpuUse &u : t.pcpu_uses)
      if (u.base == base && u.cpu == cpu) mine = &u;
  if (mine && st.version != mine->version) lost(m_, t, *mine, st);
  if (st.last_task != m_.cur_task()) {
    st.version++;
    st.last_task = m_.cur_task();
  }
  if (mine)
    mine->version = st.version;
  else if (in_section)
    t.pcpu_uses.push_back({base, cpu, st.version});
  return inst ? inst : static_cast<char *>(base) + static_cast<size_t>(cpu) * size;
}

void Percpu::check_section_end(Task &t) {
  for (const PcpuUse &u : t.pcpu_uses) {
    const Stamp &st = stamps_[std::make_pair(u.base, u.cpu)];
    if (st.version != u.version) lost(m_, t, u, st);
  }
  t.pcpu_uses.clear();
}

}  // namespace kmapsim
