// @ts-check
/**
 * CPU seconds (user + system) from /proc/self/stat, for the timing figures of the test run:
 * undefined where /proc is missing. USER_HZ, the unit of those fields, is 100 on every Linux
 * architecture jest runs on.
 */
const fs = require('node:fs');

/** Kernel clock ticks per second (USER_HZ). */
const TICKS = 100;

/** utime, stime, cutime, cstime (fields 14-17 of /proc/self/stat); undefined without /proc. */
function times() {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (which may contain spaces) start at field 3 (state).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields.slice(11, 15).map((f) => Number(f) / TICKS);
  } catch {
    return undefined;
  }
}

/** This process's CPU seconds and those of the children it waited for. */
function processCpuSeconds() {
  const t = times();
  return t && t[0] + t[1] + t[2] + t[3];
}

/**
 * CPU seconds of the children this process waited for: the difference across a synchronous spawn
 * is that command's CPU.
 */
function endedChildrenCpuSeconds() {
  const t = times();
  return t && t[2] + t[3];
}

module.exports = { processCpuSeconds, endedChildrenCpuSeconds };
