/** The classes from the root of `target`'s inheritance chain down to `target` (Object left out). */
export function classChain(target: Function): Function[] {
  const chain: Function[] = [];
  for (let c: Function | null = target; c && c !== Function.prototype && c !== Object; c = Object.getPrototypeOf(c)) chain.unshift(c);
  return chain;
}
