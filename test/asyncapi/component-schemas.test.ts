import { expect } from 'chai';
import { ComponentSchemas } from '../../lib/asyncapi/component-schemas';

describe('asyncapi/component-schemas', () => {
  it('moves the named definitions into the components and resolves their names to the keys', () => {
    const components: Record<string, unknown> = {};
    const schemas = new ComponentSchemas(components);
    const resolve = schemas.definitionsOf(
      { dataObject: { $ref: '#/definitions/Part' }, Part: { type: 'object', properties: { tool: { $ref: '#/definitions/Tool' } } }, Tool: { type: 'string' } },
      new Set(['Part', 'Tool', 'Absent']),
    );
    expect(components).to.deep.equal({
      Part: { type: 'object', properties: { tool: { $ref: '#/components/schemas/Tool' } } },
      Tool: { type: 'string' },
    });
    expect(['Part', 'Tool', 'Absent', 'dataObject'].map(resolve)).to.deep.equal(['Part', 'Tool', undefined, undefined]);
  });

  it('shares a component between formats only when the definition and all it reaches are the same shape', () => {
    const components: Record<string, unknown> = {};
    const schemas = new ComponentSchemas(components);
    const names = new Set(['Part', 'Tool']);
    const first = schemas.definitionsOf({ Part: { $ref: '#/definitions/Tool' }, Tool: { type: 'string', minLength: 1 } }, names);
    // Key order differs, the shape does not.
    const same = schemas.definitionsOf({ Tool: { minLength: 1, type: 'string' }, Part: { $ref: '#/definitions/Tool' } }, names);
    // Part is written the same, but the Tool it reaches is not.
    const other = schemas.definitionsOf({ Part: { $ref: '#/definitions/Tool' }, Tool: { type: 'number' } }, names);
    expect([first('Part'), first('Tool')]).to.deep.equal(['Part', 'Tool']);
    expect([same('Part'), same('Tool')]).to.deep.equal(['Part', 'Tool']);
    expect([other('Part'), other('Tool')]).to.deep.equal(['Part_2', 'Tool_2']);
    expect(components).to.deep.equal({
      Part: { $ref: '#/components/schemas/Tool' },
      Tool: { type: 'string', minLength: 1 },
      Part_2: { $ref: '#/components/schemas/Tool_2' },
      Tool_2: { type: 'number' },
    });
  });
});
