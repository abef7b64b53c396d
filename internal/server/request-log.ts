import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * One log line per request, when it ends, carrying its method and URL (through the logger's `req`
 * serializer, which leaves credentials out) with status and time; Fastify's default writes two.
 */
export class OneLineRequestLog extends LogController {
  /**
   * The root logger without redaction, for the success line: every field of it is built here (the
   * URL already without its credentials), and the redaction pass costs more than the rest of the
   * line, once per request.
   */
  private plain: FastifyBaseLogger | undefined;

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime };
    if (error) {
      reply.log.error({ ...line, err: error }, 'request errored');
      return;
    }
    this.plain ??= request.server.log.child({}, { redact: { paths: [] } } as never);
    this.plain.info({ reqId: request.id, ...line }, 'request completed');
  }
}
