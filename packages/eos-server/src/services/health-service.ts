import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { type Health, HealthCheckResponse_ServingStatus, HealthCheckResponseSchema } from "@p8e/spec-model/eos";
import type { HandlerContext } from "../context.js";

/** The service names Check answers for, besides "" (the whole server). */
export const HEALTH_SERVICES: readonly string[] = [
  "objectstore.ObjectService",
  "objectstore.MailboxService",
  "objectstore.PublicKeyService",
  "p8e.eos.v1.EosService",
];

/** Standard grpc.health.v1.Health: SERVING while the metadata database answers and the server is not shutting down. */
export function healthService(context: HandlerContext): ServiceImpl<typeof Health> {
  const known = new Set(["", ...HEALTH_SERVICES]);
  const status = async () =>
    !context.shutdown.aborted && (await context.storage.healthy())
      ? HealthCheckResponse_ServingStatus.SERVING
      : HealthCheckResponse_ServingStatus.NOT_SERVING;
  return {
    async check(request) {
      if (!known.has(request.service))
        throw new ConnectError(`unknown service ${JSON.stringify(request.service)}`, Code.NotFound);
      return create(HealthCheckResponseSchema, { status: await status() });
    },
    async *watch(request, handler) {
      if (!known.has(request.service)) {
        yield create(HealthCheckResponseSchema, { status: HealthCheckResponse_ServingStatus.SERVICE_UNKNOWN });
        return;
      }
      let last: HealthCheckResponse_ServingStatus | undefined;
      while (!handler.signal.aborted) {
        const current = await status();
        if (current !== last) {
          last = current;
          yield create(HealthCheckResponseSchema, { status: current });
        }
        if (context.shutdown.aborted) return;
        await new Promise<void>((resolve) => {
          const stop = () => {
            clearTimeout(timer);
            handler.signal.removeEventListener("abort", stop);
            context.shutdown.removeEventListener("abort", stop);
            resolve();
          };
          const timer = setTimeout(stop, 2000);
          handler.signal.addEventListener("abort", stop);
          context.shutdown.addEventListener("abort", stop);
        });
      }
    },
  };
}
