import type { NodeEnv } from "../node-env.js";
import type { RouteRegistrar } from "../routes.js";

/** The application API's routes (filled in with the proto service). */
export function createApiRoutes(_env: NodeEnv): RouteRegistrar {
  return () => {};
}
