import type { Priority } from '../decorators/event';

/** A priority as the wire carries it (LOW=0, MEDIUM=1, HIGH=2); undefined when it is none of them. */
export function priorityNumber(p: Priority | undefined): 0 | 1 | 2 | undefined {
  switch (p) {
    case 'LOW': case 0: return 0;
    case 'MEDIUM': case 1: return 1;
    case 'HIGH': case 2: return 2;
    default: return undefined;
  }
}
