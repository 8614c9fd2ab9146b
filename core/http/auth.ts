import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import type { ApiKeyConfig, ApiKeyRole } from "../config/config.schema";
import { sendError } from "./http-errors";

const rank: Record<ApiKeyRole, number> = { viewer: 1, agent: 2, admin: 3 };

/** Who made an API call: the key's name (never the key) and its role. */
export interface ApiCaller {
  name: string;
  role: ApiKeyRole;
}

/**
 * Bearer API keys from config. Keys are compared as SHA-256 digests in constant time, so neither the
 * comparison nor the lookup leaks how much of a guessed key was right.
 */
export function createAuthenticator(keys: readonly ApiKeyConfig[]) {
  const digests = keys.map((key) => ({ digest: sha256(key.key), caller: { name: key.name, role: key.role } }));

  function identify(authorization: string | undefined): ApiCaller | null {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!match?.[1]) return null;
    const presented = sha256(match[1]);
    let caller: ApiCaller | null = null;
    for (const entry of digests) if (timingSafeEqual(entry.digest, presented)) caller = entry.caller;
    return caller;
  }

  /** Middleware: 401 without a valid key, 403 when the key's role is below `minimum`. */
  return function requireRole(minimum: ApiKeyRole): RequestHandler {
    return (req, res, next) => {
      const caller = identify(req.headers.authorization);
      if (!caller) {
        res.setHeader("WWW-Authenticate", 'Bearer realm="plaint"');
        return sendError(res, 401, {
          error: "unauthorized",
          message: "missing or invalid API key (Authorization: Bearer <key>)",
        });
      }
      if (rank[caller.role] < rank[minimum]) {
        return sendError(res, 403, {
          error: "forbidden",
          message: `this needs the ${minimum} role; key "${caller.name}" is ${caller.role}`,
        });
      }
      res.locals["caller"] = caller;
      next();
    };
  };
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
