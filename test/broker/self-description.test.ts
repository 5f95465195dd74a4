import { expect } from 'chai';
import { checkSelfDescription } from '../../lib/broker/self-description';
import { smartObject } from '../support';

/** The problems of one registration body; a valid one has none. */
function problemsOf(sd: unknown): string[] {
  return checkSelfDescription(sd).problems;
}

/** A valid SmartObject with `extra` over it. */
function so(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return smartObject('so-1', extra);
}

describe('broker: the self-description check, section by section (no socket)', () => {
  it('a valid SmartObject has no problems and is described by its ids', () => {
    const check = checkSelfDescription(so());
    expect(check.problems).to.deep.equal([]);
    expect(check.services).to.have.length(1);
    const [s] = check.services;
    expect(s).to.include({ uuid: 'so-1', name: 'SO so-1', class: 'SmartObject' });
    expect([...s.eventIds]).to.deep.equal(['EV1', 'arrayev', 'NOPAY']);
    expect([...s.functionIds]).to.deep.equal(['/arrayfun', 'fn']);
  });

  it('not an object: says so for the whole body and for a gateway sub-service by its place', () => {
    expect(problemsOf('R')).to.deep.equal(['self-description: must be a JSON object']);
    expect(problemsOf(so({ '@class': 'Gateway', services: [7] }))).to.deep.equal(['services[0]: must be a JSON object']);
  });

  it('identity: uuid, @class, name and token each named, in that order', () => {
    expect(problemsOf(so({ uuid: ' ', '@class': 'Robot', name: 3, token: {} }))).to.deep.equal([
      'uuid: must be a non-empty string',
      '@class: must be one of SmartObject, Application, Gateway, got "Robot"',
      'name: must be a string',
      'token: must be a string',
    ]);
    expect(problemsOf(so({ name: null, token: null })), 'null is absent').to.deep.equal([]);
  });

  it('events: the array, each event, its eventId (missing or duplicate), @id and data format', () => {
    expect(problemsOf(so({ events: 'x', functions: [] }))).to.deep.equal(['events: must be an array']);
    expect(problemsOf(so({ events: [1, { '@id': 1 }, { eventId: 'A', '@id': 1.5 }, { eventId: 'A' }] }))).to.deep.equal([
      'events[0]: must be an object',
      'events[1].eventId: must be a non-empty string',
      'events[2].@id: must be an integer',
      'events[3].eventId: duplicate event id "A"',
    ]);
    const [format] = problemsOf(so({ events: [{ eventId: 'B', dataFormat: { other: { type: 'string' } } }] }));
    expect(format).to.match(/^events\[0\]\.dataFormat: .*dataObject/);
  });

  it('functions: the array, each function, its functionId (missing or duplicate) and data format', () => {
    expect(problemsOf(so({ functions: {} }))).to.deep.equal(['functions: must be an array']);
    expect(problemsOf(so({ functions: ['f', { name: 'x' }, { functionId: 'f' }, { functionId: 'f' }] }))).to.deep.equal([
      'functions[0]: must be an object',
      'functions[1].functionId: must be a non-empty string',
      'functions[3].functionId: duplicate function id "f"',
    ]);
    const [format] = problemsOf(so({ functions: [{ functionId: 'f', dataFormat: { p: { $ref: '#/definitions/Nope' } } }] }));
    expect(format).to.match(/^functions\[0\]\.dataFormat: .*names no definition/);
  });

  it('responseEvents: an array of known @ids, 0- or 1-based indexes when events carry no @id, or inline events', () => {
    expect(problemsOf(so({ functions: [{ functionId: 'f', responseEvents: 1 }] }))).to.deep.equal(['functions[0].responseEvents: must be an array']);
    expect(problemsOf(so({ functions: [{ functionId: 'f', responseEvents: [3, 99, 'EV1', { eventId: 5 }, {}, { '@id': 2 }] }] }))).to.deep.equal([
      'functions[0].responseEvents[1]: 99 names no event @id of this self-description',
      'functions[0].responseEvents[2]: must be an event @id (integer) or an event object',
      'functions[0].responseEvents[3].eventId: must be a string',
      'functions[0].responseEvents[4]: an inline response event needs an eventId or @id',
    ]);
    const noAtIds = { events: [{ eventId: 'A' }, { eventId: 'B' }] };
    expect(problemsOf(so({ ...noAtIds, functions: [{ functionId: 'f', responseEvents: [0, 1, 2] }] })), 'indexes').to.deep.equal([]);
    expect(problemsOf(so({ ...noAtIds, functions: [{ functionId: 'f', responseEvents: [3] }] }))).to.deep.equal([
      'functions[0].responseEvents[0]: 3 names no event @id of this self-description',
    ]);
  });

  it('configuration: an object whose parameters are objects with a known type (any case) and a string format', () => {
    expect(problemsOf(so({ configuration: [] }))).to.deep.equal(['configuration: must be an object']);
    expect(problemsOf(so({ configuration: { parameters: 'p' } }))).to.deep.equal(['configuration.parameters: must be an object']);
    expect(problemsOf(so({ configuration: { parameters: { a: 1, b: { value: 1, type: 'DECIMAL', format: 2 }, c: { value: 1, type: 'Integer' } } } }))).to.deep.equal([
      'configuration.parameters["a"]: must be an object {value, type, format?}',
      'configuration.parameters["b"].type: must be one of integer, number, string, boolean, array, object (any case), got "DECIMAL"',
      'configuration.parameters["b"].format: must be a string',
    ]);
    expect(problemsOf(so({ configuration: null })), 'null is absent').to.deep.equal([]);
  });

  it('sub-services: only a Gateway carries them, as an array; each is checked by its place and must not repeat a uuid', () => {
    expect(problemsOf(so({ services: [] }))).to.deep.equal(['services: only a Gateway may carry sub-services']);
    expect(problemsOf(so({ '@class': 'Gateway', services: {} }))).to.deep.equal(['services: must be an array']);
    const sub = smartObject('sub-1', { events: [{ eventId: 'A', '@id': 7 }] });
    const gateway = so({ '@class': 'Gateway', services: [sub, { ...sub, uuid: 'sub-2', functions: [{ functionId: 'g', responseEvents: [7, 8] }] }] });
    expect(problemsOf(gateway), '@ids of other services of the registration count').to.deep.equal([
      'services[1].functions[0].responseEvents[1]: 8 names no event @id of this self-description',
    ]);
    const ok = checkSelfDescription(so({ '@class': 'Gateway', services: [sub] }));
    expect(ok.services.map((s) => [s.uuid, s.parent])).to.deep.equal([['so-1', undefined], ['sub-1', 'so-1']]);
    expect(problemsOf(so({ '@class': 'Gateway', services: [sub, sub] }))).to.deep.equal(['service uuid sub-1 appears more than once']);
  });

  it('reports every section\'s problems in section order, and describes no service when there are any', () => {
    const check = checkSelfDescription(so({ token: 1, events: 'x', functions: 'y', configuration: 2, services: [] }));
    expect(check.problems).to.deep.equal([
      'token: must be a string',
      'events: must be an array',
      'functions: must be an array',
      'configuration: must be an object',
      'services: only a Gateway may carry sub-services',
    ]);
    expect(check.services).to.deep.equal([]);
  });
});
