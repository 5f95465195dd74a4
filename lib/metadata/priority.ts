import type { Priority } from '../decorators/event';
import { priorityOfName } from '../protocol';

/** A priority as the wire carries it (LOW=0, MEDIUM=1, HIGH=2); undefined when it is none of them. */
export function priorityNumber(p: Priority | undefined): 0 | 1 | 2 | undefined {
  if (p === 0 || p === 1 || p === 2) return p;
  // only the exact names: a declaration is checked strictly, unlike what arrives on the wire
  return typeof p === 'string' && p === p.trim().toUpperCase() ? priorityOfName(p) : undefined;
}
