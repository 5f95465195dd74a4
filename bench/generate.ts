import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { IsInt, IsNumber, IsString, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { CorrelationId, DataType, Event, MsbFunction, Payload, SmartObject } from '../lib';

/**
 * A large service made at run time: `dtos` DTO classes in chains of `depth` (each nests the
 * next), `events` events and `functions` functions over them. Decorators are applied by
 * calling them, and the design types TypeScript would emit are defined by hand.
 */
export interface BigServiceShape {
  events: number;
  functions: number;
  dtos: number;
  depth: number;
}

function dtoClasses(count: number, depth: number): Array<new () => object> {
  const classes: Array<new () => object> = [];
  for (let i = 0; i < count; i++) {
    // A named class per DTO: the name becomes the definition name in the data format.
    const C = { [`Dto${i}`]: class {} }[`Dto${i}`];
    classes.push(C);
  }
  for (let i = 0; i < count; i++) {
    const proto = classes[i].prototype as object;
    const field = (name: string, type: unknown, ...decorators: PropertyDecorator[]): void => {
      Reflect.defineMetadata('design:type', type, proto, name);
      for (const d of decorators) d(proto, name);
    };
    field('name', String, IsString());
    field('value', Number, IsNumber(), Min(0));
    field('count', Number, IsInt());
    field('samples', Array, IsNumber({}, { each: true }));
    if ((i + 1) % depth !== 0 && i + 1 < count) {
      const next = classes[i + 1];
      field('child', next, ValidateNested(), Type(() => next));
    }
  }
  return classes;
}

export function bigService(shape: BigServiceShape): Function {
  const dtos = dtoClasses(shape.dtos, shape.depth);
  const Service = class BigService {};
  const proto = Service.prototype as Record<string, unknown>;
  for (let i = 0; i < shape.events; i++) {
    const dataType = i % 4 === 3 ? DataType.STRING : dtos[i % dtos.length];
    Event({ id: `EVENT_${i}`, dataType })(proto, `event${i}`);
  }
  for (let i = 0; i < shape.functions; i++) {
    const name = `function${i}`;
    proto[name] = function () {
      return undefined;
    };
    const descriptor = Object.getOwnPropertyDescriptor(proto, name)!;
    Reflect.defineMetadata('design:paramtypes', [dtos[i % dtos.length], String], proto, name);
    Payload()(proto, name, 0);
    CorrelationId()(proto, name, 1);
    MsbFunction({ id: `FUNCTION_${i}`, responseEvents: [`EVENT_${i % shape.events}`] })(proto, name, descriptor);
  }
  SmartObject({ uuid: randomUUID(), name: 'Big service', description: 'generated for the benchmark', token: 'big' })(Service);
  return Service;
}
