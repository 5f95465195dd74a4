import type { JsonSchema } from './data-type';
import type { DtoField } from './dto-fields';

/**
 * The schema of one DTO field in the data format, from the schema of its type: the one place
 * that decides which keywords a field carries, for the data format and the run-time check alike.
 */
export function fieldSchema(f: DtoField, typeSchema: JsonSchema): JsonSchema {
  let schema = typeSchema;
  if (f.type.kind === 'array') {
    const items = schema.items as JsonSchema;
    schema = { ...schema, ...f.constraints, items: items.$ref ? items : { ...items, ...f.itemConstraints } };
  } else if (!schema.$ref) {
    // Draft-04 ignores siblings of $ref, so constraints go only on inline schemas.
    schema = { ...schema, ...f.constraints };
  }
  // Unlike constraints, a description beside $ref is worth keeping: the MSB GUI shows it.
  if (f.description !== undefined) schema = { ...schema, description: f.description };
  return schema;
}
