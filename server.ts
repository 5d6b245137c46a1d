// The production server: Next.js behind a thin Node HTTP server that stamps each request with the
// client's address as seen on the connection (Next.js itself only exposes X-Forwarded-For, which
// any client can write). Validates configuration before listening and shuts down gracefully.
// First, before anything else is loaded: Node's compile cache, where Node offers one.
import "./lib/runtime/compile-cache";
import { randomUUID } from "node:crypto";
import http from "node:http";
import path from "node:path";
import next from "next";
import { loadEnvConfig } from "@next/env";
import { ConfigError, loadConfig } from "./lib/config/load-config";
import { describeUnknownSetting, unknownSettings } from "./lib/config/unknown-settings";
import { heapLimitNotApplied } from "./lib/runtime/heap-limit";
import {
  CLIENT_ADDRESS_HEADER,
  clientAddress,
  PEER_ADDRESS_HEADER,
  peerAddress,
} from "./lib/http/client-address";
import { REQUEST_ID_HEADER } from "./lib/http/request-id";
import { openSchemaGate } from "./lib/db/schema-gate";
import { checkSchemaCurrent, type SchemaState } from "./lib/db/schema-version";
import { migrateUnlessCurrent } from "./lib/db/migrate-on-start";
import { migrateDatabaseCapturingOutput } from "./prisma/migrate-database";
import { writeServerLine } from "./lib/log/server-line";
import { routeConsoleToJsonLines } from "./lib/log/console-as-json";
import { admitRequest, answerUnavailable, isProbe } from "./lib/http/load-shedding";
import { answerEarlyError } from "./lib/http/early-error";
import { answerMalformedPath, hasMalformedPath } from "./lib/http/malformed-path";
import { answerUnservedMethod, isUnservedMethod } from "./lib/http/unserved-method";
import { answerOutagesAs503 } from "./lib/http/outage-status";
import { requestRecords, type RequestRecord } from "./lib/log/request-record";
import { logRequest } from "./lib/log/request-log";

// A write past the file-size limit (ulimit -f) must fail that write, which the database reports as
// a storage fault (503, docs/DATABASE-FAULTS.md), not kill the whole process as SIGXFSZ does by
// default.
process.on("SIGXFSZ", () => undefined);

// `npm start` runs this file compiled into .next/gatehouse-server.js (dev/server-bundle.ts); the
// project directory is then the parent of .next/.
const PROJECT_DIR = path.basename(__dirname) === ".next" ? path.dirname(__dirname) : __dirname;
/** How long requests in flight may take to finish once the server is told to stop. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const outputGone = stopWhenOutputIsGone();
  routeConsoleToJsonLines();
  // Next.js reads the project's .env files into process.env when it starts (below, in next());
  // reading them first, the same way, makes the settings checked here — the database migrated,
  // the port, the bound — the very ones the portal then runs on (docs/OPERATIONS.md "Settings").
  const envFiles = loadEnvConfig(PROJECT_DIR, false, {
    info: () => undefined,
    error: console.error,
  });
  // A misspelt setting leaves the one it meant at its default: say so, whether or not the rest
  // of the settings are valid (a typo is often why a required one is missing).
  const unknown = unknownSettings(process.env).map(describeUnknownSetting);
  let settings: ReturnType<typeof loadConfig>;
  try {
    settings = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      const notes = unknown.map((line) => `  - ${line}\n`).join("");
      process.stderr.write(`${error.message}\n${notes}See .env.example for every setting.\n`);
      process.exit(78);
    }
    throw error;
  }
  for (const line of unknown) writeServerLine("warn", line);
  const heapWarning = heapLimitNotApplied(
    process.execArgv,
    settings.maxHeapMb,
    Boolean(process.env.GATEHOUSE_MAX_HEAP_MB?.trim()),
  );
  if (heapWarning) writeServerLine("warn", heapWarning);
  if (envFiles.loadedEnvFiles.length > 0)
    writeServerLine("info", "settings not set in the environment were read from .env files", {
      files: envFiles.loadedEnvFiles.map((file) => path.relative(PROJECT_DIR, file.path)),
    });
  const { port, host: hostname } = settings.listen;
  // One look at the database before anything else: a DATABASE_URL that can never work (a host
  // that does not resolve, a database that does not exist, credentials refused) is a setting to
  // correct, refused like the others; a database merely away is said, naming the setting
  // (docs/OPERATIONS.md "Schema and migrations").
  const firstLook = await checkSchemaCurrent(settings.databaseUrl);
  if (!firstLook.current && firstLook.databaseUrlProblem !== undefined) {
    process.stderr.write(
      `Gatehouse configuration is invalid:\n  - ${firstLook.databaseUrlProblem}\nSee .env.example for every setting.\n`,
    );
    process.exit(78);
  }
  if (!firstLook.current && !firstLook.behind)
    writeServerLine("warn", `DATABASE_URL: ${firstLook.reason}`);
  if (settings.migrateOnStart) await migrateOrExit(settings.databaseUrl, firstLook);
  const schemaGate = await openSchemaGate(settings.databaseUrl, (state) =>
    writeServerLine(
      state.current ? "info" : "error",
      state.current ? "the database schema is current: serving" : `not serving: ${state.reason}`,
    ),
  );
  const app = next({ dev: false, dir: PROJECT_DIR, hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();

  const { trustedProxyHops, maxConcurrentRequests, logLevel } = settings;
  const requestLog = logLevel === "debug" || logLevel === "info";
  const admission = admitRequest(maxConcurrentRequests);

  const server = http.createServer((req, res) => {
    const started = performance.now();
    // One request id from the first byte, replacing any the client sent: the log line, the
    // answer's x-request-id and the id routes and audit events read (proxy.ts passes it on) are
    // the same for every request, a static file or an early refusal too (docs/OPERATIONS.md "Logs").
    const requestId = randomUUID();
    req.headers[REQUEST_ID_HEADER] = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const record: RequestRecord = {};
    if (requestLog) res.once("close", () => logRequest(req, res, record, started));
    answerOutagesAs503(res, record);
    // Past the bound, answer at once rather than queue (docs/OPERATIONS.md "Overload").
    if (!admission.admit(req, res)) return;
    if (schemaGate.isBehind() && !isProbe(req)) {
      answerUnavailable(
        req,
        res,
        "schema_outdated",
        "This replica is waiting for database migrations.",
        5,
      );
      return;
    }
    if (isUnservedMethod(req.method)) {
      answerUnservedMethod(res, req.method);
      return;
    }
    if (hasMalformedPath(req.url)) {
      answerMalformedPath(res);
      return;
    }
    req.headers[CLIENT_ADDRESS_HEADER] =
      clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trustedProxyHops) ??
      "";
    req.headers[PEER_ADDRESS_HEADER] = peerAddress(req.socket.remoteAddress) ?? "";
    void requestRecords.run(record, () =>
      handle(req, res).catch((error: unknown) => {
        // The API's error shape and the request id to quote, as every other 500 has.
        if (!res.headersSent)
          answerEarlyError(
            res,
            500,
            "internal",
            "Something went wrong on our side. Give this request id to your administrator.",
          );
        if (res.headersSent && !res.writableEnded) res.end();
        writeServerLine("error", "request failed", {
          requestId,
          error: error instanceof Error ? error.message : String(error),
        });
      }),
    );
  });
  // Only while starting: a port that can't be had ends the process with one line, exit code 1.
  const onListenError = (error: NodeJS.ErrnoException) => {
    const reason = listenFailureReason(error, hostname, port);
    writeServerLine("error", `Gatehouse could not start: ${reason}`);
    process.exit(1);
  };
  server.once("error", onListenError);
  server.listen(port, hostname, () => {
    server.off("error", onListenError);
    writeServerLine(
      "info",
      `Gatehouse listening on http://${hostname}:${port} (pid ${process.pid})`,
    );
  });

  // Stops taking connections, lets requests in flight finish (up to 10 s), and closes each
  // keep-alive connection as soon as it is idle, so that the process ends right after its last
  // answer. One line says it is stopping and one that it stopped (docs/OPERATIONS.md "Shutdown").
  let isStopping = false;
  const shutdown = (exitCode: number, reason: string) => {
    if (isStopping) return;
    isStopping = true;
    const stoppingAt = performance.now();
    writeServerLine(
      "info",
      "Gatehouse stopping: no new connections, finishing requests in flight",
      {
        reason,
        inFlight: admission.inFlight(),
        graceSeconds: SHUTDOWN_GRACE_MS / 1000,
      },
    );
    const stop = (unanswered: number) => {
      writeServerLine(unanswered > 0 ? "warn" : "info", "Gatehouse stopped", {
        exitCode,
        unanswered,
        drainMs: Math.round(performance.now() - stoppingAt),
      });
      process.exit(exitCode);
    };
    server.close(() => stop(0));
    server.closeIdleConnections();
    setInterval(() => server.closeIdleConnections(), 100).unref();
    setTimeout(() => stop(admission.inFlight()), SHUTDOWN_GRACE_MS).unref();
  };
  process.on("SIGTERM", () => shutdown(0, "SIGTERM"));
  process.on("SIGINT", () => shutdown(0, "SIGINT"));
  outputGone.onGone(() => shutdown(1, "output gone"));
}

/** Why the server could not listen, naming the setting to change (PORT or HOST). */
function listenFailureReason(error: NodeJS.ErrnoException, host: string, port: number): string {
  switch (error.code) {
    case "EADDRINUSE":
      return `${host}:${port} is already in use (EADDRINUSE): stop what listens there or set PORT`;
    case "EACCES":
      return `not allowed to listen on ${host}:${port} (EACCES): use a port above 1023 or set PORT`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `HOST=${host} does not resolve to an address (${error.code}): set HOST to an address or host name of this machine, or leave it unset for 0.0.0.0`;
    case "EADDRNOTAVAIL":
      return `HOST=${host} is not an address of this machine (EADDRNOTAVAIL): set HOST to one of its addresses, or leave it unset for 0.0.0.0`;
    default:
      return error.message;
  }
}

/**
 * Runs the migrations (`prisma migrate deploy`, under its database lock) unless the database
 * already has this code's newest one — the usual restart or scale-out, which then costs one query
 * instead of the schema engine's seconds (docs/OPERATIONS.md "Schema and migrations"). A failed
 * migration ends the process: it must not serve on a schema it could not bring up to date.
 */
async function migrateOrExit(databaseUrl: string, firstLook: SchemaState): Promise<void> {
  let known: SchemaState | null = firstLook;
  const outcome = await migrateUnlessCurrent({
    isCurrent: async () => {
      const state = known ?? (await checkSchemaCurrent(databaseUrl));
      known = null;
      return state.current;
    },
    migrate: () => migrateDatabaseCapturingOutput(databaseUrl, { projectDir: PROJECT_DIR }),
    log: writeServerLine,
  });
  if (outcome === "failed") process.exit(1);
}

/**
 * When whatever reads the portal's output goes away (a log collector that died, a closed pipe),
 * every write fails with EPIPE. Unhandled, that error is an uncaught exception, which Next.js logs
 * — to the same closed pipe — so the process spins at full CPU and stops answering. Instead it
 * stops writing and shuts down gracefully with exit code 1, as a process ended by SIGPIPE would,
 * so that a supervisor restarts it with its output connected again. Before the server listens,
 * it simply exits 1.
 */
function stopWhenOutputIsGone(): { onGone(action: () => void): void } {
  let action: () => void = () => process.exit(1); // until the server exists
  let gone = false;
  const onError = () => {
    if (gone) return;
    gone = true;
    for (const stream of [process.stdout, process.stderr]) stream.write = () => true;
    action();
  };
  process.stdout.on("error", onError);
  process.stderr.on("error", onError);
  return {
    onGone(next) {
      action = next;
    },
  };
}

main().catch((error: unknown) => {
  writeServerLine(
    "error",
    `Gatehouse could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
