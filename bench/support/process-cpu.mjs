// CPU time of processes, all threads, user and system, in milliseconds: what a benchmark prints per operation to
// say where the machine's cores went.
import { readdirSync, readFileSync } from 'node:fs';

/** utime + stime of a process, from /proc/<pid>/stat. */
export function processCpuMs(pid) {
  return _cpuMs(_statFields(pid));
}

/** This process's CPU time. */
export function ownCpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** A process and its children (a PostgreSQL postmaster and its backends), together. */
export function processTreeCpuMs(pid) {
  let total = processCpuMs(pid);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = _statFields(entry);
      if (Number(fields[1]) === pid) total += _cpuMs(fields);
    } catch {
      // Gone since the listing.
    }
  }
  return total;
}

/** utime + stime (fields 14 and 15 of proc(5), in 1/100 s clock ticks) of a process's stat fields, in ms. */
function _cpuMs(fields) {
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces), from the state on. */
function _statFields(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(') ') + 2).split(' ');
}
