/**
 * OpenTelemetry spans around ingestion, store appends, Core API calls and reconciliation. The API
 * package is a no-op until the host registers an SDK, so this costs next to nothing by default.
 */
import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

export const TRACER_NAME = '@paystate/adapters';

const tracer = trace.getTracer(TRACER_NAME);

/** The attribute naming the order a span is about. */
export const ORDER_ID = 'paystate.order_id';

/**
 * Runs `task` in an active span named `name`: the span is marked as an error when the task
 * throws (rethrown) or when `failure` finds one in its result (an Either's Left), and always ended.
 */
export const inSpan = <A>(name: string, attributes: Attributes, task: (span: Span) => Promise<A>, failure?: (a: A) => string | undefined): Promise<A> =>
  tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      const a = await task(span);
      const f = failure?.(a);
      if (f !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: f });
      return a;
    } catch (e) {
      span.recordException(e instanceof Error ? e : String(e));
      span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message : String(e) });
      throw e;
    } finally {
      span.end();
    }
  });

/** The Left's tag of an Either-shaped result, as a span's failure. */
export const leftTag = (r: { readonly _tag: 'Left' | 'Right'; readonly left?: unknown }): string | undefined =>
  r._tag === 'Left' ? String((r.left as { _tag?: unknown } | undefined)?._tag ?? 'error') : undefined;
