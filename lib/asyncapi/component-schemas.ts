// The document's shared component schemas: each data format's definitions become components, and
// two formats (of one service or of several) share a component only when the shapes are the same.
import { ComponentKeys } from './component-keys';
import { canonicalJson } from '../util/canonical-json';
import { put } from './json';
import type { Json } from './json';
import { convertSchema, refsIn } from './schema-conversion';

/** The component schemas of one document, filled as data formats are added. */
export class ComponentSchemas {
  private readonly keys = new ComponentKeys();
  /** Component schema key by the definition's name and the exact shapes it reaches. */
  private readonly byShape = new Map<string, string>();

  /** @param schemas the document's `components.schemas`, written to as definitions are added */
  constructor(private readonly schemas: Json) {}

  /**
   * Moves the named definitions of one data format into the shared component schemas and
   * answers, for a definition name of that format, its component key. Two formats share a
   * component only when the definition and everything it reaches are the same shape.
   */
  definitionsOf(format: Json, names: ReadonlySet<string>): (name: string) => string | undefined {
    const own = new Map<string, string>();
    const refsOf = new Map<string, Set<string>>();
    for (const n of names) if (Object.prototype.hasOwnProperty.call(format, n)) refsOf.set(n, refsIn(format[n], new Set()));
    const fresh: string[] = [];
    for (const n of refsOf.keys()) {
      const reach = new Set<string>([n]);
      for (const r of reach) for (const next of refsOf.get(r) ?? []) if (refsOf.has(next)) reach.add(next);
      const shape = `${n}\u0000${canonicalJson([...reach].sort().map((r) => [r, format[r]]))}`;
      let key = this.byShape.get(shape);
      if (key === undefined) {
        key = this.keys.take(n);
        this.byShape.set(shape, key);
        fresh.push(n);
      }
      own.set(n, key);
    }
    const resolve = (n: string) => own.get(n);
    for (const n of fresh) put(this.schemas, own.get(n)!, convertSchema(format[n], resolve));
    return resolve;
  }
}
