/**
 * An event's priority on the wire: a number, 0 to 2, which Python's client may send by name. The
 * one table of names; the declaration side (`@Event({ priority })`) and the AsyncAPI export use it.
 */
export const PRIORITY_NAMES = ['LOW', 'MEDIUM', 'HIGH'] as const;

/** A priority's name. */
export type PriorityName = (typeof PRIORITY_NAMES)[number];

/** The number of a priority name (any case, surrounding blanks ignored), or undefined for another string. */
export function priorityOfName(name: string): 0 | 1 | 2 | undefined {
  const i = (PRIORITY_NAMES as readonly string[]).indexOf(name.trim().toUpperCase());
  return i < 0 ? undefined : (i as 0 | 1 | 2);
}
