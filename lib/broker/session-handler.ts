import { ProtocolError, Status, parseClientMessage } from '../protocol';
import type { EventMessage, RegistrationBody, StatusCode } from '../protocol';
import type { BrokerContext } from './context';
import type { BrokerLogger } from './options';
import type { Router } from './router';
import { FairScheduler } from './scheduler';
import { checkSelfDescription } from './self-description';
import type { DescribedService } from './self-description';
import type { Session, SessionHost } from './session';

/*
 * What the broker answers to what a service sends: a registration or an event in, a status out,
 * exactly one per message and in order (the clients pair answers with messages by position). A
 * session only decodes frames and calls this; accepted events go on to the router.
 */

/** The MSB's side of the websocket protocol, for every session of one broker. */
export class SessionHandler implements SessionHost {
  readonly logger: BrokerLogger;
  readonly rateLimit: { burst: number; perSecond: number } | false;
  readonly maxBufferedBytes: number;
  readonly scheduler = new FairScheduler();
  /** Messages handled since start. */
  messagesHandled = 0;
  /** Times a flooding connection's reading was paused. */
  throttledCount = 0;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly router: Router,
  ) {
    this.logger = ctx.logger;
    // Off by default: a local broker must not cut off a service that publishes fast. Floods are
    // throttled instead (the fair scheduler), and a client that does not read its answers is
    // stopped by maxBufferedBytes.
    this.rateLimit = ctx.options.rateLimit ?? false;
    this.maxBufferedBytes = ctx.limits.maxBufferedBytes;
  }

  warnRepeated(kind: string, message: string): void {
    this.ctx.warnings.warn(kind, message);
  }

  throttled(c: Session): void {
    this.throttledCount++;
    this.logger.debug(`connection ${c.id}: ${c.queued} messages waiting; not reading it until they are handled`);
  }

  limitHit(_c: Session, limit: 'messageBytes' | 'bufferedBytes' | 'rateLimit'): void {
    this.ctx.refused[limit]++;
  }

  reportProtocolError(c: Session, reason: string, excerpt?: string): void {
    this.ctx.warnings.warn(`protocol:${c.id}`, `connection ${c.id}: ${reason}`);
    this.ctx.emit('protocolError', { connectionId: c.id, reason, ...(excerpt !== undefined ? { excerpt } : {}) });
  }

  closed(c: Session, code: number, reason: string): void {
    this.ctx.connections.delete(c);
    const uuids = this.ctx.registry.release(c);
    this.logger.info(`connection ${c.id} closed (${code}${reason ? ` ${reason}` : ''})${uuids.length ? `; offline: ${uuids.join(', ')}` : ''}`);
    this.ctx.emit('disconnected', { connectionId: c.id, code, reason, uuids });
  }

  handleMessage(c: Session, text: string): boolean {
    this.messagesHandled++;
    const kind = text.trimStart()[0];
    const limits = this.ctx.limits;
    if (kind === 'R' && text.length > limits.maxSelfDescriptionBytes) {
      // refused before parsing: the parse would be the expensive part
      this.ctx.refused.selfDescriptionBytes++;
      this.reject(c, Status.NIO_REGISTRATION_ERROR, `registration of ${text.length} characters refused: the limit is ${limits.maxSelfDescriptionBytes} (maxSelfDescriptionBytes)`);
      return false;
    }
    try {
      const msg = parseClientMessage(text, { maxLength: limits.maxMessageBytes });
      if (msg.type === 'pong') this.logger.debug(`connection ${c.id}: pong`);
      else if (msg.type === 'register') this.register(c, msg.body, text);
      else this.publish(c, msg.body);
      return true;
    } catch (e) {
      if (e instanceof ProtocolError) {
        // answer in the category of the message, so the client's matching listener hears it
        // one (summarised) log line for the two events: a flood of bad messages must not be a flood of lines
        const status = kind === 'R' ? Status.NIO_REGISTRATION_ERROR : kind === 'E' ? Status.NIO_EVENT_FORWARDING_ERROR : Status.NIO;
        this.ctx.emit('protocolError', { connectionId: c.id, reason: e.message, excerpt: text.slice(0, 200) });
        this.reject(c, status, e.message);
      } else {
        const status = kind === 'R' ? Status.NIO_UNEXPECTED_REGISTRATION_ERROR : Status.NIO_UNEXPECTED_EVENT_FORWARDING_ERROR;
        this.logger.error(`connection ${c.id}: unexpected error handling a message: ${(e as Error)?.stack ?? String(e)}`);
        this.reject(c, status, `internal error: ${(e as Error)?.message ?? String(e)}`);
      }
      return false;
    }
  }

  private reply(c: Session, status: StatusCode): void {
    c.send(status);
  }

  private reject(c: Session, status: StatusCode, reason: string, uuid?: string): void {
    this.ctx.warnings.warn(`${c.id}:${status}`, `connection ${c.id}: ${status}${uuid ? ` for ${uuid}` : ''}: ${reason}`);
    this.reply(c, status);
    this.ctx.emit('rejected', { reason, status, connectionId: c.id, ...(uuid !== undefined ? { uuid } : {}) });
  }

  private register(c: Session, sd: RegistrationBody, text: string): void {
    const registry = this.ctx.registry;
    const check = checkSelfDescription(sd);
    const uuid = typeof sd.uuid === 'string' ? sd.uuid : undefined;
    if (check.problems.length) {
      return this.reject(c, Status.NIO_REGISTRATION_ERROR, `invalid self-description: ${check.problems.join('; ')}`, uuid);
    }
    const top = check.services[0];
    const taken = registry.conflict(check.services.map((s) => s.uuid), c);
    if (taken !== undefined) {
      return this.reject(c, Status.NIO_ALREADY_CONNECTED, `service ${taken} is held by another live connection`, top.uuid);
    }
    const already = registry.get(top.uuid);
    const tokenCheck = this.checkTokens(sd, check.services);
    if (typeof tokenCheck === 'string') return this.reject(c, Status.NIO_REGISTRATION_ERROR, tokenCheck, top.uuid);
    const records = registry.register(check.services, c, tokenCheck, text.length);
    if (!Array.isArray(records)) {
      this.ctx.refused.services++;
      return this.reject(c, Status.NIO_REGISTRATION_ERROR, `registration refused: ${records.message}`, top.uuid);
    }
    this.reply(c, Status.IO_REGISTERED);
    for (const r of records) {
      this.logger.info(
        `${already ? 're-registered' : 'registered'} ${r.class} ${r.uuid} "${r.name}" on connection ${c.id}` +
          ` (${r.eventIds.size} events, ${Array.isArray(r.selfDescription.functions) ? r.selfDescription.functions.length : 0} functions${r.parent ? `, gateway ${r.parent}` : ''})`,
      );
      this.ctx.emit('registered', {
        uuid: r.uuid,
        name: r.name,
        selfDescription: r.selfDescription,
        connectionId: c.id,
        ...(r.parent !== undefined ? { parent: r.parent } : {}),
      });
    }
  }

  /**
   * Whether the registration's tokens let it in: the reason it is refused, or whether the top
   * service is verified (registered with a token this broker issued for it).
   */
  private checkTokens(sd: RegistrationBody, services: DescribedService[]): string | boolean {
    const { tokens, options } = this.ctx;
    const top = services[0];
    // A uuid verified once stays bound to its token, in every mode: nobody else can take it over
    // while it is offline. Sub-services of a gateway may carry tokens of their own; without one,
    // the gateway's token stands for them.
    for (const s of services.slice(1)) {
      const token = typeof s.selfDescription.token === 'string' ? s.selfDescription.token : sd.token;
      if (tokens.isClaimed(s.uuid)) {
        const problem = tokens.verify(token, s.uuid);
        if (problem) return `token refused for sub-service ${s.uuid}: ${problem}`;
      }
    }
    if (!(tokens.isIssued(sd.token) || tokens.isClaimed(top.uuid) || options.strictTokens)) return false;
    const problem = tokens.verify(sd.token, top.uuid);
    if (problem && (options.strictTokens || tokens.isClaimed(top.uuid))) return `token refused: ${problem}`;
    return problem === undefined;
  }

  private publish(c: Session, e: EventMessage): void {
    const registry = this.ctx.registry;
    const service = registry.get(e.uuid);
    if (!service || !registry.owns(c, e.uuid)) {
      const why = service ? 'it is registered by another connection' : 'no such service is registered';
      return this.reject(c, Status.NIO_UNAUTHORIZED_CONNECTION, `event ${e.eventId} for ${e.uuid} refused: ${why} on this connection`, e.uuid);
    }
    if (!service.eventIds.has(e.eventId)) {
      return this.reject(c, Status.NIO_EVENT_FORWARDING_ERROR, `service ${e.uuid} declared no event "${e.eventId}"`, e.uuid);
    }
    // Recorded before it is acknowledged: if the broker dies in between, the client sends the
    // event again (a duplicate) rather than the log missing an event the client counts as delivered.
    this.logger.info(`event ${e.eventId} from ${e.uuid}${e.correlationId !== undefined ? ` (correlation ${e.correlationId})` : ''}`);
    this.ctx.emit('event', { uuid: e.uuid, event: e, connectionId: c.id });
    this.ctx.eventStream.publish(e);
    this.reply(c, Status.IO_PUBLISHED);
    try {
      this.router.route(e, service);
    } catch (err) {
      // already answered IO_PUBLISHED: a failure now must not become a second answer
      this.logger.error(`routing event ${e.eventId} from ${e.uuid} failed: ${(err as Error)?.stack ?? String(err)}`);
    }
  }
}
