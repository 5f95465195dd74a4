import 'reflect-metadata';
import { expect } from 'chai';
import { IsArray, IsIn, IsInt, IsString, Matches, MaxLength, Min } from 'class-validator';
import {
  ConfigParam, CorrelationId, DataType, Event, MsbDeclarationError, MsbError, MsbEvent, MsbFunction, OnConfigChange, Payload,
  Property, SmartObject, selfDescriptionOf,
} from '../../lib';
import type { Priority } from '../../lib';
import { expectDeclarationError, IDENTITY, ISOLATED } from './helpers';

interface Shape { corners: number }

describe('declaration errors', () => {
  it('duplicate event ids', () => {
    @SmartObject(IDENTITY)
    class DupEvents {
      @Event({ id: 'done' }) finished!: MsbEvent;
      @Event({ id: 'done' }) completed!: MsbEvent;
    }
    expectDeclarationError(DupEvents, 'DupEvents', [['DupEvents.completed', 'duplicate event id "done"', 'DupEvents.finished']]);
  });

  it('duplicate event ids between a base class and a subclass', () => {
    @SmartObject(IDENTITY)
    class BaseService { @Event() alarm!: MsbEvent; }
    class SubService extends BaseService { @Event({ id: 'alarm' }) alarm2!: MsbEvent; }
    expectDeclarationError(SubService, 'SubService', [['SubService.alarm2', 'duplicate event id "alarm"']]);
  });

  it('duplicate function ids, including "/x" against "x"', () => {
    @SmartObject(IDENTITY)
    class DupFunctions {
      @MsbFunction({ id: 'start' }) a(): void {}
      @MsbFunction({ id: 'start' }) b(): void {}
      @MsbFunction({ id: '/stop' }) c(): void {}
      @MsbFunction({ id: 'stop' }) d(): void {}
    }
    expectDeclarationError(DupFunctions, 'DupFunctions', [
      ['DupFunctions.b', 'duplicate function id "start"', 'DupFunctions.a'],
      ['DupFunctions.d', 'duplicate function id "stop"', 'DupFunctions.c'],
    ]);
  });

  it('responseEvents naming an unknown event', () => {
    @SmartObject(IDENTITY)
    class UnknownResponse {
      @Event() done!: MsbEvent;
      @MsbFunction({ responseEvents: ['done', 'failed'] }) run(): void {}
    }
    const problems = expectDeclarationError(UnknownResponse, 'UnknownResponse', [['UnknownResponse.run', 'response event "failed"', 'not an event']]);
    expect(problems).to.have.length(1);
  });

  it('an array DTO field whose element type is unknown', () => {
    class Order { @IsArray() lines!: string[]; }
    @SmartObject(IDENTITY)
    class Orders { @Event({ dataType: Order }) order!: MsbEvent<Order>; }
    expectDeclarationError(Orders, 'Orders', [['Orders.order', 'Order.lines', 'array whose element type is unknown']]);
  });

  it('an array @Payload parameter whose element type is unknown, and an event isArray without dataType', () => {
    @SmartObject(IDENTITY)
    class ArrayPayload {
      @Event({ isArray: true }) list!: MsbEvent<unknown[]>;
      @MsbFunction() load(@Payload() ids: number[]): void { void ids; }
    }
    expectDeclarationError(ArrayPayload, 'ArrayPayload', [
      ['ArrayPayload.load', '@Payload parameter 0', 'array whose element type is unknown'],
      ['ArrayPayload.list', 'isArray', 'element type is unknown'],
    ]);
  });

  it('DTO fields whose type maps to no data format: any, a union, an interface', () => {
    class Loose {
      @Property() anything: any;
      @Property() either!: string | number;
      @Property() shape!: Shape;
    }
    @SmartObject(IDENTITY)
    class LooseService { @Event({ dataType: Loose }) e!: MsbEvent<Loose>; }
    expectDeclarationError(LooseService, 'LooseService', [
      ['LooseService.e', 'Loose.anything', 'maps to no MSB data format'],
      ['Loose.either', 'maps to no MSB data format'],
      ['Loose.shape', 'maps to no MSB data format'],
    ]);
  });

  it('a @Payload parameter typed by an interface or without reflected type, or a dataType that is no type', () => {
    const _Late = (() => { class Late {} return Late; })();
    @SmartObject(IDENTITY)
    class OpaquePayload {
      @MsbFunction() draw(@Payload() s: Shape): void { void s; }
      @MsbFunction() late(@Payload() l: InstanceType<typeof _Late>): void { void l; }
      @Event({ dataType: 'TEXT' }) e!: MsbEvent<string>;
    }
    expectDeclarationError(OpaquePayload, 'OpaquePayload', [
      ['OpaquePayload.draw', '@Payload parameter 0', 'Object', 'maps to no MSB data format'],
      ['OpaquePayload.late', 'no reflected type', 'dataType'],
      ['OpaquePayload.e', '"TEXT"', 'not a DataType'],
    ]);
  });

  it('two DTO classes with the same name but different shapes', () => {
    const first = () => { class Part { @IsString() sku!: string; } return Part; };
    const second = () => { class Part { @Property(DataType.INT32) sku!: number; } return Part; };
    const A = first();
    const B = second();
    @SmartObject(IDENTITY)
    class Parts {
      @Event({ dataType: A }) a!: MsbEvent<unknown>;
      @MsbFunction() take(@Payload({ dataType: B }) p: unknown): void { void p; }
    }
    expectDeclarationError(Parts, 'Parts', [['Parts.take', 'DTO name "Part"', 'different shapes', 'Parts.a']]);
  });

  it('missing uuid, malformed uuid, missing token', () => {
    @SmartObject({ name: 'No identity' })
    class NoIdentity {}
    expectDeclarationError(NoIdentity, 'NoIdentity', [['NoIdentity', 'no uuid'], ['NoIdentity', 'no token']]);

    @SmartObject({ uuid: 'drill-7', token: 't' })
    class BadUuid {}
    expectDeclarationError(BadUuid, 'BadUuid', [['BadUuid', 'uuid "drill-7" is not a valid UUID']]);
  });

  it('an invalid raw data format', () => {
    @SmartObject(IDENTITY)
    class RawBad { @Event({ dataType: { dataObject: { type: 'object', properties: { a: { type: 'string', nullable: true } } } } }) e!: MsbEvent<unknown>; }
    expectDeclarationError(RawBad, 'RawBad', [['RawBad.e', 'raw data format that is not valid', 'nullable']]);
  });

  it('@Payload or @CorrelationId on a method without @MsbFunction', () => {
    @SmartObject(IDENTITY)
    class Stray {
      helper(@Payload() v: string, @CorrelationId() id?: string): void { void v; void id; }
    }
    expectDeclarationError(Stray, 'Stray', [
      ['Stray.helper', '@Payload', 'without @MsbFunction'],
      ['Stray.helper', '@CorrelationId', 'without @MsbFunction'],
    ]);
  });

  it('two @CorrelationId parameters', () => {
    @SmartObject(IDENTITY)
    class TwoIds {
      @MsbFunction() run(@CorrelationId() a?: string, @CorrelationId() b?: string): void { void a; void b; }
    }
    expectDeclarationError(TwoIds, 'TwoIds', [['TwoIds.run', 'more than one @CorrelationId']]);
  });

  it('a bad priority', () => {
    @SmartObject(IDENTITY)
    class BadPriority {
      @Event({ priority: 'URGENT' as Priority }) a!: MsbEvent;
      @Event({ priority: 3 as Priority }) b!: MsbEvent;
    }
    expectDeclarationError(BadPriority, 'BadPriority', [['BadPriority.a', 'priority "URGENT"'], ['BadPriority.b', 'priority 3']]);
  });

  it('a config param whose type cannot be inferred', () => {
    @SmartObject(IDENTITY)
    class Uninferable {
      @ConfigParam() limits = { low: 1, high: 2 };
      @ConfigParam() missing?: string;
      @ConfigParam() nothing: unknown = null;
    }
    expectDeclarationError(Uninferable, 'Uninferable', [
      ['Uninferable.limits', 'cannot infer', 'type'],
      ['Uninferable.missing', '"missing"', 'needs an initial value'],
      ['Uninferable.nothing', 'cannot infer'],
    ]);
  });

  it('a config initial value that does not fit its type', () => {
    @SmartObject(IDENTITY)
    class Misfit {
      @ConfigParam({ type: DataType.INT32 }) tooBig = 2 ** 40;
      @ConfigParam({ type: DataType.INT64 }) fraction = 1.5;
      @ConfigParam({ type: DataType.BOOLEAN }) maybe: unknown = 'perhaps';
      @ConfigParam({ type: DataType.DATETIME }) when: unknown = 'yesterday';
      @ConfigParam({ type: 'TEXT' as DataType }) text = 'x';
      @ConfigParam() notANumber = NaN;
    }
    expectDeclarationError(Misfit, 'Misfit', [
      ['Misfit.tooBig', 'does not fit INT32'],
      ['Misfit.fraction', 'does not fit INT64'],
      ['Misfit.maybe', 'does not fit BOOLEAN'],
      ['Misfit.when', 'does not fit DATETIME'],
      ['Misfit.text', '"TEXT" is not a DataType'],
      ['Misfit.notANumber', 'does not fit DOUBLE'],
    ]);
  });

  it('a class without @SmartObject or @Application', () => {
    class Plain { @Event() e!: MsbEvent; }
    const problems = expectDeclarationError(Plain, 'Plain', [['Plain', 'not decorated with @SmartObject, @Application or @Gateway']]);
    expect(problems, 'no identity noise for a class that is not a service').to.have.length(1);
  });

  it('two @OnConfigChange methods', () => {
    @SmartObject(IDENTITY)
    class TwoListeners {
      @OnConfigChange() a(): void {}
      @OnConfigChange() b(): void {}
    }
    expectDeclarationError(TwoListeners, 'TwoListeners', [['TwoListeners', '@OnConfigChange', 'a, b']]);
  });

  it('a DTO class with no field the framework can see (never a silent empty object)', () => {
    class Undecorated { x = 1; }
    @SmartObject(IDENTITY)
    class Silent { @Event({ dataType: Undecorated }) e!: MsbEvent<Undecorated>; }
    expectDeclarationError(Silent, 'Silent', [['Silent.e', 'DTO Undecorated has no fields', '@Property()']]);
  });

  it('decorator arguments that would make a data format the MSB refuses (@IsIn([]), @Min(NaN), @MaxLength(-1), a pattern that does not compile)', () => {
    class Nothing {
      @IsIn([]) choice!: string;
      @IsInt() @Min(Number.NaN) low!: number;
      @IsString() @MaxLength(-1) short!: string;
      @IsString() @Matches('(unclosed') code!: string;
      @IsIn([{ not: 'a scalar' }]) odd!: string;
    }
    @SmartObject(IDENTITY)
    class EmptyEnum { @Event({ dataType: Nothing }) e!: MsbEvent<Nothing>; @MsbFunction() f(@Payload() n: Nothing): void { void n; } }
    const problems = expectDeclarationError(EmptyEnum, 'EmptyEnum', [
      ['EmptyEnum.e', 'Nothing.choice', '@IsIn([])', 'allows no value'],
      ['Nothing.low', '@Min(NaN)', 'finite number'],
      ['Nothing.short', '@MaxLength(-1)', 'whole number'],
      ['Nothing.code', '@Matches("(unclosed")', 'does not compile'],
      ['Nothing.odd', '@IsIn', 'string, a finite number, a boolean or null'],
    ]);
    expect(problems, 'reported once, not per use').to.have.length(5);
  });

  it('reports several problems of every kind together in one error', () => {
    class Bad { @IsArray() list!: string[]; }
    @SmartObject({ uuid: 'not-a-uuid' })
    class Everything {
      @Event({ id: 'x' }) one!: MsbEvent;
      @Event({ id: 'x' }) two!: MsbEvent;
      @Event({ dataType: Bad }) bad!: MsbEvent<Bad>;
      @Event({ priority: 'NOW' as Priority }) urgent!: MsbEvent;
      @MsbFunction({ responseEvents: ['nope'] }) run(): void {}
      @ConfigParam({ type: DataType.INT32 }) speed = 0.5;
    }
    const problems = expectDeclarationError(Everything, 'Everything', [
      ['Everything.two', 'duplicate event id'],
      ['Bad.list', 'element type is unknown'],
      ['Everything.urgent', 'priority'],
      ['Everything.run', '"nope"'],
      ['Everything.speed', 'INT32'],
      ['Everything', 'not a valid UUID'],
      ['Everything', 'no token'],
    ]);
    expect(problems).to.have.length(7);
  });

  it('MsbDeclarationError names the class, lists every problem in its message, and is an MsbError', () => {
    @SmartObject({})
    class Listed { @Event({ priority: 9 as Priority }) e!: MsbEvent; }
    let error: MsbDeclarationError | undefined;
    try {
      selfDescriptionOf(Listed, ISOLATED);
    } catch (e) {
      error = e as MsbDeclarationError;
    }
    expect(error).to.be.instanceOf(MsbDeclarationError).and.instanceOf(MsbError).and.instanceOf(Error);
    expect(error!.name).to.equal('MsbDeclarationError');
    expect(error!.className).to.equal('Listed');
    expect(error!.problems).to.have.length(3);
    expect(error!.message).to.match(/^Invalid MSB declaration of Listed \(3 problems\):/);
    for (const p of error!.problems) expect(error!.message).to.include(`\n  - ${p}`);
  });

  it('reports a DTO problem once, at the first event that uses the DTO', () => {
    class Broken { @Property() x: any; }
    @SmartObject(IDENTITY)
    class Twice {
      @Event({ dataType: Broken }) a!: MsbEvent<Broken>;
      @Event({ dataType: Broken, isArray: true }) b!: MsbEvent<Broken[]>;
    }
    const problems = expectDeclarationError(Twice, 'Twice', [['Twice.a', 'Broken.x', 'maps to no MSB data format']]);
    expect(problems).to.have.length(1);
  });
});
