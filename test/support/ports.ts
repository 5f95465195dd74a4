/**
 * Ports for tests that stop a server and start it again on the same port, or point a client at a
 * port where nothing listens any more.
 *
 * Port 0 is not enough for them once test files run in parallel: the OS hands the freed port to
 * the next `listen(0)` of another file, which then receives this file's reconnecting client. A
 * reserved port comes from below the OS's ephemeral range, which `listen(0)` and outgoing
 * connections never use, and a lock file makes it this process's alone until it exits.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOCK_DIR = join(tmpdir(), 'msb-decorators-test-ports');
const held = new Set<number>();
let range: { low: number; high: number } | undefined;

/** The ports outside the ephemeral range that this module hands out. */
function reservedRange(): { low: number; high: number } {
  if (range) return range;
  let ephemeral = { low: 32768, high: 60999 }; // Linux's default; other systems use 49152–65535
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) ephemeral = { low, high };
  } catch {
    if (process.platform !== 'linux') ephemeral = { low: 49152, high: 65535 };
  }
  if (ephemeral.low - 10_000 >= 1024) range = { low: ephemeral.low - 10_000, high: ephemeral.low - 1 };
  else if (65535 - ephemeral.high >= 1000) range = { low: ephemeral.high + 1, high: 65535 };
  else throw new Error(`no room for test ports outside the ephemeral range ${ephemeral.low}-${ephemeral.high}`);
  return range;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock file of `port`, or a stale one whose process has died. */
function lock(port: number): boolean {
  const file = join(LOCK_DIR, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = NaN;
      try { owner = Number(readFileSync(file, 'utf8')); } catch { /* removed meanwhile: try again */ }
      if (owner === process.pid || (Number.isInteger(owner) && owner > 0 && alive(owner))) return false;
      try { unlinkSync(file); } catch { /* another process took it over first */ }
    }
  }
  return false;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A port on 127.0.0.1 that no other process (test file, `listen(0)`, outgoing connection) is given
 * while this process lives. Hand it to a server whose port must survive a restart.
 */
export async function reservedPort(): Promise<number> {
  const { low, high } = reservedRange();
  mkdirSync(LOCK_DIR, { recursive: true });
  const size = high - low + 1;
  const start = Math.floor(Math.random() * size);
  for (let i = 0; i < size; i++) {
    const port = low + ((start + i) % size);
    if (held.has(port) || !lock(port)) continue;
    if (await bindable(port)) {
      held.add(port);
      return port;
    }
    unlinkSync(join(LOCK_DIR, String(port))); // something outside the tests listens there
  }
  throw new Error(`no free test port in ${low}-${high}`);
}

process.once('exit', () => {
  for (const port of held) {
    try { unlinkSync(join(LOCK_DIR, String(port))); } catch { /* already gone */ }
  }
});
