/*
 * Where the service stands with the MSB, and how it gets registered: the state machine behind
 * `app.state`. A server may skip IO_CONNECTED, never answer a registration, or refuse it; each
 * case has a timer here, so that the service never stays connected and silent for good.
 */
import type { EventEmitter } from 'node:events';
import { Status, encodeRegistration } from '../protocol';
import type { StatusCode } from '../protocol';
import type { SelfDescription } from '../metadata/self-description';
import { MsbClosedError, MsbConnectionError, MsbRegistrationError } from '../errors';
import type { MsbError } from '../errors';
import { Backoff } from './backoff';
import type { ReconnectOptions } from './backoff';
import type { AppState } from './app-events';
import type { Connection } from './connection';
import type { Logger } from './logger';

const IO_CONNECTED_GRACE_MS = 2000;
const REGISTRATION_STATUSES = new Set<string>([Status.NIO_REGISTRATION_ERROR, Status.NIO_UNEXPECTED_REGISTRATION_ERROR, Status.NIO_ALREADY_CONNECTED]);

/** What the registration needs from the app that owns it. */
export interface RegistrationHost {
  /** The self-description as it is sent now; it holds the token: sent, never logged. */
  selfDescription(): SelfDescription;
  /** Events accepted and not finished (for the log line at re-registration). */
  pending(): number;
  /** Whether the app is closing: then nothing is registered any more. */
  closing(): boolean;
  /** Runs after `registered` was emitted: send what waits, run the hooks. */
  registered(): void;
  /** The MSB refused the registration: hold events, report the error. */
  refused(error: MsbRegistrationError): void;
}

export interface RegistrationOptions {
  uuid: string;
  name: string;
  url: string;
  /** How long the MSB may take to answer a registration before the service connects anew. */
  answerTimeoutMs: number;
  /** The reconnect timing, used for retries after a refusal; false: no retry. */
  reconnect: ReconnectOptions | false;
  logger: Logger;
}

/**
 * The registration state machine. It emits `stateChange` and `registered` on the app's emitter;
 * the app tells it what happens on the connection (`opened`, `lost`, statuses).
 */
export class Registration {
  private current: AppState = 'disconnected';
  private pending = false;
  private graceTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private answerTimer?: NodeJS.Timeout;
  private readonly backoff: Backoff;
  private accepted = 0;
  /** When the registered service lost its connection (for the log line at re-registration). */
  private lostAt?: number;

  constructor(
    private readonly connection: Connection,
    private readonly emitter: EventEmitter,
    private readonly host: RegistrationHost,
    private readonly options: RegistrationOptions,
  ) {
    this.backoff = new Backoff(options.reconnect === false ? {} : options.reconnect);
  }

  get state(): AppState {
    return this.current;
  }

  /** Registrations the MSB accepted since start. */
  get registrations(): number {
    return this.accepted;
  }

  setState(state: AppState): void {
    if (this.current === state || this.current === 'closed') return;
    this.current = state;
    this.emitter.emit('stateChange', state);
  }

  /** A socket opened. */
  opened(): void {
    this.setState('connected');
    // IO_CONNECTED should follow at once; some servers skip it, so register anyway after a grace period.
    this.graceTimer = setTimeout(() => {
      this.options.logger.debug('No IO_CONNECTED from the MSB; registering anyway');
      this.register();
    }, IO_CONNECTED_GRACE_MS);
  }

  /** The socket closed: no registration is under way. Returns whether the socket had been open. */
  lost(): boolean {
    this.stop();
    this.pending = false;
    const wasOpen = this.current === 'connected' || this.current === 'registered';
    if (this.current === 'registered') this.lostAt = Date.now();
    return wasOpen;
  }

  /** Clears every timer (the socket closed, or the app closes). */
  stop(): void {
    clearTimeout(this.graceTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.answerTimer);
  }

  /** Sends the registration (again: the configuration or the gateway's services changed). */
  register(): void {
    clearTimeout(this.graceTimer);
    if (!this.connection.isOpen || this.host.closing()) return;
    this.pending = true;
    this.connection.send(encodeRegistration(this.host.selfDescription()));
    this.options.logger.debug(`Registering service ${this.options.uuid}`);
    // A server that never answers would leave the service connected and silent for good.
    clearTimeout(this.answerTimer);
    this.answerTimer = setTimeout(() => {
      if (!this.pending || this.host.closing()) return;
      this.options.logger.warn(`The MSB did not answer the registration of ${this.options.uuid} within ${this.options.answerTimeoutMs} ms; connecting anew`);
      this.connection.drop('no answer to the registration');
    }, this.options.answerTimeoutMs);
  }

  /** Registers anew (the MSB said the connection is not registered), unless a registration is under way. */
  registerUnlessPending(): void {
    if (!this.pending) this.register();
  }

  /** Reacts to a registration status; false for any other status. */
  onStatus(status: StatusCode): boolean {
    if (status === Status.IO_CONNECTED) {
      this.register();
    } else if (status === Status.IO_REGISTERED) {
      this.onRegistered();
    } else if (REGISTRATION_STATUSES.has(status)) {
      this.pending = false;
      clearTimeout(this.answerTimer);
      this.setState('connected');
      this.host.refused(new MsbRegistrationError(status, this.options.uuid));
      this.scheduleRetry();
    } else return false;
    return true;
  }

  /** Resolves at the first registration; rejects on a refusal, a timeout or close. */
  waitFor(timeoutMs: number, lastProblem: () => string | undefined): Promise<void> {
    if (this.current === 'registered') return Promise.resolve();
    const { emitter } = this;
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        emitter.off('registered', onRegistered);
        emitter.off('error', onError);
        emitter.off('stateChange', onState);
      };
      const onRegistered = () => { cleanup(); resolve(); };
      const onError = (e: MsbError) => {
        if (e instanceof MsbRegistrationError || e instanceof MsbConnectionError) { cleanup(); reject(e); }
      };
      const onState = (s: AppState) => {
        if (s === 'closed') { cleanup(); reject(new MsbClosedError('The app was closed before it registered')); }
      };
      const timer = setTimeout(() => {
        cleanup();
        const problem = lastProblem();
        const last = problem ? ` (last problem: ${problem})` : '';
        reject(new MsbConnectionError(`Service ${this.options.uuid} did not register with the MSB at ${this.options.url} within ${timeoutMs} ms${last}`));
      }, timeoutMs);
      emitter.on('registered', onRegistered);
      emitter.on('error', onError);
      emitter.on('stateChange', onState);
    });
  }

  private onRegistered(): void {
    const { logger, name, uuid, url } = this.options;
    this.pending = false;
    clearTimeout(this.answerTimer);
    this.backoff.reset();
    this.accepted++;
    this.connection.resetBackoff();
    this.setState('registered');
    const waiting = this.host.pending();
    if (this.accepted === 1) logger.info(`Registered ${name} (${uuid}) at ${url}`);
    else if (this.lostAt !== undefined) {
      const offline = ((Date.now() - this.lostAt) / 1000).toFixed(1);
      logger.info(`Re-registered ${name} after ${offline} s offline; ${waiting.toLocaleString('en')} cached events sent`);
    } else logger.debug(`Registered ${uuid} again`);
    this.lostAt = undefined;
    this.emitter.emit('registered');
    this.host.registered();
  }

  private scheduleRetry(): void {
    if (this.host.closing() || this.options.reconnect === false) return;
    // Retry on the same socket with the reconnect timing: no reconnect storm.
    const delay = this.backoff.next();
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.register(), delay);
  }
}
